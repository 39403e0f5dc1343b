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
/// Whole blocks follow their bodies, so that the API code never keeps an empty shell: a `for`, `if`, `while`
/// or `do` block whose body is all verification is verification too, header and closing brace; a `catch`
/// clause whose body is all verification is left out with its body (the clause's closing brace then closes
/// the clause before it, so the API code lets such an error propagate instead of swallowing it in an empty
/// `catch`). Comment lines directly above a verification line describe that check and go with it.
///
/// ```swift
/// let flags = snippet.verificationLines      // [false, true, …], one per line of `snippet.lines`
/// print(snippet.apiCode)                     // the lines a reader copies with "Copy API code"
/// ```
extension Snippet {
    /// One flag per line of `lines`: true for the lab's verification.
    public var verificationLines: [Bool] {
        // A recipe is a program of its own, with no lab: every line of it is what the reader copies.
        if attributes.recipe != nil { return lines.map { _ in false } }
        return Self.verificationLines(lines.map(\.text))
    }

    /// The statements a line must start with (after `try`/`await`) to be verification.
    static let verificationCalls = ["lab.expect", "lab.record", "lab.note", "lab.outcome", "lab.fail", "print("]

    /// The flags for `texts`, one per line (see the type's discussion).
    public static func verificationLines(_ texts: [String]) -> [Bool] {
        var calls = verificationCalls
        while true {
            var flags = statementFlags(texts, calls: calls)
            let helpers = foldBlocks(texts, into: &flags)
            // A local function whose body is only checks is a check helper: its calls are checks too.
            let newCalls = helpers.map { $0 + "(" }.filter { !calls.contains($0) }
            if newCalls.isEmpty {
                foldComments(texts, into: &flags)
                return flags
            }
            calls += newCalls
        }
    }

    /// The flags of statements starting with one of `calls`, their continuation lines, and everything
    /// after `// Check:`.
    private static func statementFlags(_ texts: [String], calls: [String]) -> [Bool] {
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
            let isCheck = calls.contains { statement.hasPrefix($0) }
            flags.append(isCheck)
            if isCheck { open = max(0, parenthesisBalance(trimmed)) }
        }
        return flags
    }

    /// The API code a reader copies: the lines that are not verification (hidden lines included when
    /// `includingHidden`), joined with newlines. The site's "Copy API code" button copies the same lines.
    public func apiCode(includingHidden: Bool = false) -> String {
        let flags = verificationLines
        return zip(lines, flags).filter { line, check in !check && (includingHidden || !line.isHidden) }
            .map { $0.0.text }.joined(separator: "\n")
    }

    /// The keywords that start a block whose header may go with an all-verification body.
    private static let blockKeywords = ["for ", "if ", "while ", "do {", "repeat {", "func "]

    /// Marks blocks whose body is all verification (see the type's discussion), innermost first, until
    /// nothing changes; returns the names of local functions whose body is all verification. The structure
    /// is read from the lines that are not verification: a check that opens and closes a closure over
    /// several lines is not a block of the API code.
    static func foldBlocks(_ texts: [String], into flags: inout [Bool]) -> [String] {
        let code = texts.map(codePart)
        var helpers: [String] = []
        var changed = true
        while changed {
            changed = false
            var stack: [Int] = []                     // header lines of the open blocks
            for (index, line) in code.enumerated() where !flags[index] {
                if line.hasPrefix("}"), let header = stack.popLast() {
                    let body = (header + 1)..<index
                    let bodyIsCheck = body.allSatisfy { flags[$0] || code[$0].isEmpty }
                        && body.contains { flags[$0] }
                    let start = statementStart(header, code: code, flags: flags)
                    if bodyIsCheck {
                        if code[header].hasPrefix("} catch") || code[header].hasPrefix("} else") {
                            // `} catch … {` or `} else {` whose body is only checks: drop the clause and its
                            // body; the closing brace stays and ends the block before the clause.
                            for line in header..<index { flags[line] = true }
                            changed = true
                        } else if code[start].hasPrefix("guard ") {
                            // A guard's body must leave the scope: its `lab.fail` is the code's exit, kept.
                            for line in body { flags[line] = false }
                        } else if line == "}", blockKeywords.contains(where: { code[start].hasPrefix($0) }) {
                            for line in start...index { flags[line] = true }
                            if code[start].hasPrefix("func ") {
                                helpers.append(String(code[start].dropFirst(5).prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
                            }
                            changed = true
                        }
                    }
                }
                if line.hasSuffix("{") { stack.append(index) }
            }
        }
        return helpers
    }

    /// The first line of the statement whose last line is `line`: earlier lines belong to it while they end
    /// in `,`, `(`, `[`, `&&` or `||` (a header written over several lines).
    private static func statementStart(_ line: Int, code: [String], flags: [Bool]) -> Int {
        var start = line
        while start > 0, !flags[start - 1],
              [",", "(", "[", "&&", "||"].contains(where: { code[start - 1].hasSuffix($0) }) {
            start -= 1
        }
        return start
    }

    /// Comment lines directly above a verification line describe that check: they are verification too.
    static func foldComments(_ texts: [String], into flags: inout [Bool]) {
        var index = texts.count - 1
        var followedByCheck = false
        while index >= 0 {
            let trimmed = texts[index].drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("//") {
                if followedByCheck { flags[index] = true }
            } else if trimmed.isEmpty {
                followedByCheck = false
            } else {
                followedByCheck = flags[index]
            }
            index -= 1
        }
    }

    /// A line's code without indentation, trailing blanks or a trailing `//` comment (roughly: a `//`
    /// outside a string literal).
    private static func codePart(_ text: String) -> String {
        var inString = false
        var previous: Character = " "
        var end = text.endIndex
        for index in text.indices {
            let c = text[index]
            if c == "\"" && previous != "\\" { inString.toggle() }
            if !inString && c == "/" && previous == "/" {
                end = text.index(before: index)
                break
            }
            previous = c
        }
        let code = text[..<end]
        return String(code.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
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
