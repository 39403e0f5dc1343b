/// Which lines of a snippet are the lab verifying it, and which are the API code a reader copies.
///
/// A snippet mixes two kinds of line: calls a reader would put in their own program (`dom.beginBackup(…)`,
/// `NBDClient(…)`), and the lab's checks of what those calls did (`lab.expect…`, `lab.record`, `lab.note`,
/// `lab.fail`, `print`). The site shows the second kind muted and offers a copy of the first kind alone.
///
/// A line is verification when its statement starts with one of those calls, when it continues such a
/// statement (the parentheses opened on an earlier verification line are not yet closed), or when it comes
/// after a `// Check:` comment line (the cookbook's convention: everything below the marker checks the recipe).
///
/// ```swift
/// let flags = snippet.verificationLines      // [false, true, …], one per line of `snippet.lines`
/// ```
extension Snippet {
    /// One flag per line of `lines`: true for the lab's verification.
    public var verificationLines: [Bool] {
        Self.verificationLines(lines.map(\.text))
    }

    /// The statements a line must start with (after `try`/`await`) to be verification.
    static let verificationCalls = ["lab.expect", "lab.record", "lab.note", "lab.fail", "print("]

    /// The flags for `texts`, one per line (see the type's discussion).
    public static func verificationLines(_ texts: [String]) -> [Bool] {
        var flags: [Bool] = []
        var open = 0                 // parentheses still open in the current verification statement
        var checkSection = false     // after a `// Check:` line
        for text in texts {
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("// Check:") { checkSection = true }
            if checkSection {
                flags.append(true)
                continue
            }
            if open > 0 {
                flags.append(true)
                open = max(0, open + parenthesisBalance(trimmed))
                continue
            }
            var statement = Substring(trimmed)
            for keyword in ["try ", "await ", "_ = "] where statement.hasPrefix(keyword) {
                statement = statement.dropFirst(keyword.count).drop { $0 == " " }
            }
            if statement.hasPrefix("try ") { statement = statement.dropFirst(4) }
            let isCheck = verificationCalls.contains { statement.hasPrefix($0) }
            flags.append(isCheck)
            if isCheck { open = max(0, parenthesisBalance(trimmed)) }
        }
        return flags
    }

    /// Opening minus closing parentheses outside string literals and `//` comments (roughly: `"` toggles a
    /// string, `\(` inside a string counts as code until its `)`).
    static func parenthesisBalance(_ text: Substring) -> Int {
        var balance = 0
        var inString = false
        var interpolation = 0
        var previous: Character = " "
        for c in text {
            if inString && interpolation == 0 {
                if c == "\"" && previous != "\\" { inString = false }
                else if c == "(" && previous == "\\" { interpolation = 1 }
            } else {
                if c == "/" && previous == "/" { break }
                if c == "\"" && interpolation == 0 { inString = true }
                else if c == "(" { if interpolation > 0 { interpolation += 1 } else { balance += 1 } }
                else if c == ")" { if interpolation > 0 { interpolation -= 1 } else { balance -= 1 } }
            }
            previous = c
        }
        return balance
    }
}
