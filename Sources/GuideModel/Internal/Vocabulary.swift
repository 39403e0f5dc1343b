// Validation of fence attribute values and the suggestion for misspelled names.

/// Checks for the value syntaxes of the fence vocabulary.
enum Vocabulary {
    /// Whether `text` is a slug: `[a-z0-9][a-z0-9-]*` (snippet ids and context names).
    static func isSlug(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isLowerAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether `text` is a claim id: two or more dot-separated parts, each `[a-z0-9][a-z0-9+_-]*`
    /// (`snap.revert.external`, `snap.revert.internal+checkpoint`).
    static func isClaimID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        return parts.allSatisfy { part in
            let bytes = Array(part.utf8)
            guard let first = bytes.first, isLowerAlphanumeric(first) else { return false }
            return bytes.allSatisfy {
                isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "+")
            }
        }
    }

    /// Whether `text` is a version `major.minor` or `major.minor.release` (digits only).
    static func isVersion(_ text: String) -> Bool { versionParts(text) != nil }

    /// `9.9.0` → [9, 9, 0]; `9.9` → [9, 9, 0]; nil for anything else.
    static func versionParts(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        let numbers = parts.compactMap { Int($0) }
        return numbers.count == 2 ? numbers + [0] : numbers
    }

    /// Whether version `a` comes before version `b`.
    static func versionIsLess(_ a: String, _ b: String) -> Bool {
        guard let x = versionParts(a), let y = versionParts(b) else { return false }
        return x.lexicographicallyPrecedes(y)
    }

    /// Whether `text` looks like a libvirt error code name: `VIR_ERR_[A-Z_]+`.
    static func isErrorName(_ text: String) -> Bool {
        let prefix = "VIR_ERR_"
        guard text.hasPrefix(prefix), text.utf8.count > prefix.utf8.count else { return false }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    /// The longest timeout a fence may ask for, in seconds (one day).
    static let maximumTimeout = 86_400.0

    /// Parses a timeout: a plain decimal number of seconds (`30`, `2.5`), above zero and at most
    /// `maximumTimeout`. Signs, exponents, hexadecimal and `inf`/`nan` are refused.
    static func timeout(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        var sawDigit = false
        var sawPoint = false
        for byte in bytes {
            if digits.contains(byte) {
                sawDigit = true
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                return nil
            }
        }
        guard sawDigit, let seconds = Double(text), seconds > 0, seconds <= maximumTimeout else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The candidate closest to `word` by edit distance, if it is at most 2 edits away (and closer than the
    /// candidate's own length, so that short names are not suggested for unrelated words).
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            guard distance <= 2, distance < candidate.count else { continue }
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions), over
    /// characters. Long inputs are capped so that garbage cannot make this slow.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(64)), b = Array(b.prefix(64))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// `name`, quoted for a message, with ASCII control characters made visible so that garbage cannot
    /// break a one-line error report.
    static func quoted(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars.prefix(80) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        if name.unicodeScalars.count > 80 { text += "…" }
        return "'\(text)'"
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
