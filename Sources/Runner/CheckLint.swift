import Foundation

/// Finds snippet checks that cannot fail, or that prove less than their fence says: the classes the guides'
/// audit found, each a guide error at the snippet's Markdown line.
///
/// | rule | what it catches |
/// |---|---|
/// | `constant-measurement` | `lab.record("…", 0, unit: …)`: a constant recorded as if it were measured |
/// | `try-in-expectation` | `try?` inside `lab.expect…(…)`, or `(try? …) ?? true/false`: a read *error* turned into a verdict |
/// | `claim-without-assertion` | a snippet that names claims (or a finding) but asserts nothing: no `expect…(`, no `lab.fail(`, no expected output or error |
/// | `finding-is-claim` | a fence whose `finding=` id is also in its `claims=`: a deviation and a guarantee cannot be one claim |
/// | `unexplained-compile-only` | a `compile-only` snippet whose first line is not `// compile-only: <why it is not run>` |
///
/// ```swift
/// let problems = CheckLint.problems(in: snippets)
/// // ["Guides/overview.md:207: constant-measurement: lab.record(\"paused\", 0, …) records a constant …"]
/// ```
public enum CheckLint {
    /// A problem: where, which rule, and why.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// `Guides/x.md:LINE`.
        public var location: String
        /// The rule's name.
        public var rule: String
        /// What is wrong.
        public var message: String
        /// `Guides/x.md:LINE: rule: message`.
        public var description: String { "\(location): \(rule): \(message)" }
    }

    /// The problems of every snippet, in order.
    public static func problems(in snippets: [RunnableSnippet]) -> [Problem] {
        snippets.flatMap(problems(in:))
    }

    /// The problems of one snippet.
    public static func problems(in snippet: RunnableSnippet) -> [Problem] {
        var found: [Problem] = []
        let own = snippet.sourceLines.filter(\.isOwn)
        func at(_ line: RunnableSnippet.SourceLine) -> String { "\(line.file):\(line.line)" }
        let fence = "\(snippet.guide):\(snippet.line)"

        for line in own {
            let code = codePart(line.text)
            if let literal = constantRecorded(in: code) {
                found.append(Problem(location: at(line), rule: "constant-measurement",
                                     message: "lab.record(…, \(literal), …) records a constant, not a measurement; record what was measured, or nothing"))
            }
            if tryInExpectation(code) {
                found.append(Problem(location: at(line), rule: "try-in-expectation",
                                     message: "`try?` turns an error into a verdict here; catch the error and say what it means"))
            }
        }

        if let finding = snippet.finding, snippet.claims.contains(finding) {
            found.append(Problem(location: fence, rule: "finding-is-claim",
                                 message: "'\(finding)' is both the finding and a claim of this snippet; give the deviation a claim id of its own"))
        }

        switch snippet.mode {
        case .run:
            let names = !snippet.claims.isEmpty || snippet.finding != nil
            let asserts = own.contains { hasAssertion(codePart($0.text)) }
            if names && !asserts && snippet.expectError == nil && snippet.expectedOutput == nil {
                found.append(Problem(location: fence, rule: "claim-without-assertion",
                                     message: "names \((snippet.claims + [snippet.finding].compactMap { $0 }).joined(separator: ", ")) but asserts nothing (no expect…(, lab.fail(, expected output or expected error)"))
            }
        case .compileOnly where snippet.attributes.recipe != nil:
            break   // a recipe is run by the snippets that call lab.runRecipe, and checked there
        case .compileOnly:
            let first = own.first { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }?.text.trimmingCharacters(in: .whitespaces) ?? ""
            let reason = first.hasPrefix("// compile-only:") ? first.dropFirst("// compile-only:".count).trimmingCharacters(in: .whitespaces) : ""
            if reason.isEmpty {
                found.append(Problem(location: fence, rule: "unexplained-compile-only",
                                     message: "a compile-only snippet starts with `// compile-only: <why it is not run>`"))
            }
        case .compileFail, .ignore:
            break
        }
        return found
    }

    /// The line without a trailing `//` comment (outside string literals, roughly: a `//` after an odd number
    /// of quotes is inside a string).
    static func codePart(_ text: String) -> String {
        var inString = false
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "\"" && previous != "\\" { inString.toggle() }
            if !inString, c == "/", previous == "/" {
                return String(text[..<text.index(before: index)])
            }
            previous = c
            index = text.index(after: index)
        }
        return text
    }

    /// The numeric literal passed as `lab.record`'s value, if it is one.
    static func constantRecorded(in code: String) -> String? {
        guard let call = code.range(of: "lab.record(") else { return nil }
        var rest = code[call.upperBound...].drop { $0 == " " }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        // Skip the name's string literal (escapes and interpolation included).
        var depth = 0
        var escaped = false
        while let c = rest.first {
            rest = rest.dropFirst()
            if escaped { escaped = false; if c == "(" { depth += 1 }; continue }
            if c == "\\" { escaped = true; continue }
            if depth > 0 { if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }; continue }
            if c == "\"" { break }
        }
        rest = rest.drop { $0 == " " }
        guard rest.first == "," else { return nil }
        let value = rest.dropFirst().drop { $0 == " " }.prefix { $0 != "," && $0 != ")" }
            .trimmingCharacters(in: .whitespaces)
        let number = value.hasPrefix("-") ? String(value.dropFirst()) : value
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." || $0 == "_" }),
              number.first?.isNumber == true else { return nil }
        return value
    }

    /// Whether `try?` decides an expectation: inside `lab.expect…(` or `(try? …) ?? true/false`.
    static func tryInExpectation(_ code: String) -> Bool {
        guard code.contains("try?") else { return false }
        if let call = code.range(of: "lab.expect"), code[call.upperBound...].contains("try?") { return true }
        let squeezed = code.replacingOccurrences(of: " ", with: "")
        return squeezed.contains(")??false") || squeezed.contains(")??true")
    }

    /// Whether the code asserts: an `expect…(` call (the lab's expectations and the guides' helpers named
    /// that way), `lab.fail(`, or `#expect(`.
    static func hasAssertion(_ code: String) -> Bool {
        if code.contains("lab.fail(") || code.contains("#expect(") || code.contains("#require(") { return true }
        var search = code[...]
        while let r = search.range(of: "expect") {
            // A call whose name starts with `expect` (`expect(`, `expectEqual(`, `expectPattern(`,
            // `expectConsistent(`), not a word that merely contains it.
            let before = r.lowerBound == search.startIndex ? " " : search[search.index(before: r.lowerBound)]
            let after = search[r.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let next = search[r.upperBound...].dropFirst(after.count).first
            if !(before.isLetter || before.isNumber || before == "_"), next == "(",
               after.isEmpty || after.first!.isUppercase {
                return true
            }
            search = search[r.upperBound...]
        }
        return false
    }
}
