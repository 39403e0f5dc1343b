// Tokenizing a fence's info string: `language key key=value key="quoted \"value\""`.

/// One `key` or `key=value` of an info string.
struct FenceToken: Equatable {
    /// The attribute name as written.
    let key: String
    /// The value (quotes removed, escapes resolved), or `nil` for a bare key.
    let value: String?
}

/// A fence's info string split into its language and attribute tokens.
struct FenceInfo: Equatable {
    /// The first word (`swift`, `output`, `xml`, …), or the empty string when there is none.
    let language: String
    /// The tokens after the language, in order (malformed ones left out).
    let tokens: [FenceToken]
    /// Why tokens were left out.
    let problems: [String]

    /// Splits `raw` (the verbatim info string, as written in the Markdown source).
    init(_ raw: String) {
        let scalars = Array(raw.unicodeScalars)
        var index = 0
        var tokens: [FenceToken] = []
        var problems: [String] = []

        func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
        func skipBlanks() { while index < scalars.count, isBlank(scalars[index]) { index += 1 } }
        func skipToken() { while index < scalars.count, !isBlank(scalars[index]) { index += 1 } }

        skipBlanks()
        var language = ""
        while index < scalars.count, !isBlank(scalars[index]) {
            language.unicodeScalars.append(scalars[index])
            index += 1
        }
        skipBlanks()

        tokenLoop: while index < scalars.count {
            var key = ""
            while index < scalars.count, !isBlank(scalars[index]), scalars[index] != "=", scalars[index] != "\"" {
                key.unicodeScalars.append(scalars[index])
                index += 1
            }
            if index < scalars.count, scalars[index] == "\"" {
                problems.append(key.isEmpty
                    ? "unexpected quote in the fence's info string (quote only a value: key=\"…\")"
                    : "unexpected quote in fence attribute name '\(key)'")
                skipToken()
                skipBlanks()
                continue
            }
            guard index < scalars.count, scalars[index] == "=" else {
                tokens.append(FenceToken(key: key, value: nil))
                skipBlanks()
                continue
            }
            index += 1  // "="
            if key.isEmpty {
                problems.append("fence attribute with no name before '='")
                skipToken()
                skipBlanks()
                continue
            }
            var value = ""
            if index < scalars.count, scalars[index] == "\"" {
                index += 1
                var closed = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    if scalar == "\\", index + 1 < scalars.count, scalars[index + 1] == "\"" || scalars[index + 1] == "\\" {
                        value.unicodeScalars.append(scalars[index + 1])
                        index += 2
                    } else if scalar == "\"" {
                        closed = true
                        index += 1
                        break
                    } else {
                        value.unicodeScalars.append(scalar)
                        index += 1
                    }
                }
                guard closed else {
                    problems.append("unterminated quoted value of fence attribute '\(key)'")
                    break tokenLoop
                }
                if index < scalars.count, !isBlank(scalars[index]) {
                    problems.append("unexpected text after the quoted value of fence attribute '\(key)'")
                    skipToken()
                    skipBlanks()
                    continue
                }
            } else {
                while index < scalars.count, !isBlank(scalars[index]) {
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                if value.unicodeScalars.contains("\"") {
                    problems.append("stray quote in the value of fence attribute '\(key)' (quote the whole value: \(key)=\"…\")")
                    skipBlanks()
                    continue
                }
            }
            tokens.append(FenceToken(key: key, value: value))
            skipBlanks()
        }
        self.language = language
        self.tokens = tokens
        self.problems = problems
    }

    /// Whether `language` looks like an attempt at `expected` that is not exactly it (`Swift`,
    /// `swift,ignore`, `swift{id=x}`): such fences are errors rather than silent display blocks.
    static func isNearMiss(_ language: String, of expected: String) -> Bool {
        guard language != expected else { return false }
        let lowered = language.lowercased()
        if lowered == expected { return true }
        guard lowered.hasPrefix(expected) else { return false }
        guard let next = lowered.unicodeScalars.dropFirst(expected.unicodeScalars.count).first else { return true }
        return !(next.properties.isAlphabetic || ("0"..."9").contains(next))
    }
}
