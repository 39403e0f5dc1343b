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

    /// One flag per line of `lines`: true for the lab's set-up around the API code (fixtures): statements
    /// that call the lab (`let dom = try lab.makeDomain()`, `try lab.write(…)`, `try await lab.waitFor(…)`),
    /// blocks and local helpers made only of them, and the comments above them. They are not verification
    /// (``verificationLines`` is false for them); the site folds them like checks, and ``apiCode(includingHidden:)``
    /// leaves them out, naming the values they provide instead.
    public var fixtureLines: [Bool] {
        if attributes.recipe != nil { return lines.map { _ in false } }
        let texts = lines.map(\.text)
        let checks = Self.verificationLines(texts)
        let labWide = Self.verificationLines(texts, extraCalls: ["lab."], declarations: true)
        return zip(labWide, checks).map { $0 && !$1 }
    }

    /// The values the fixture lines declare (`let dom = try lab.makeDomain()` → `dom`) that the API code uses:
    /// what a reader provides in their own program.
    public var fixtureInputs: [String] {
        let fixtures = fixtureLines
        let checks = verificationLines
        let kept = zip(lines, zip(fixtures, checks)).filter { !$1.0 && !$1.1 }.map { Self.codePart($0.0.text) }.joined(separator: "\n")
        var names: [String] = []
        for (line, fixture) in zip(lines, fixtures) where fixture {
            for name in Self.declaredNames(Self.codePart(line.text)) where !names.contains(name) {
                if Self.mentions(kept, name) { names.append(name) }
            }
        }
        return names
    }

    /// The first line of a "Copy API code" text: the values the folded set-up provides, when the API code
    /// uses any (`// Set up first (the page folds it): dom, target`), else nil.
    public var apiInputsComment: String? {
        var inputs = fixtureInputs
        let flags = zip(verificationLines, fixtureLines).map { $0 || $1 }
        let kept = zip(lines, flags).filter { !$1 }.map { Self.apiSpelling($0.0.text) }.joined(separator: "\n")
        for standIn in Self.apiStandIns.map(\.own) + ["imageDirectory"] where !inputs.contains(standIn) && Self.mentions(kept, standIn) {
            inputs.append(standIn)
        }
        return inputs.isEmpty ? nil : "// Set up first (the page folds it): " + inputs.joined(separator: ", ")
    }

    /// `let x = …`, `var x: T = …`, `let (a, b) = …` → the names declared.
    static func declaredNames(_ code: String) -> [String] {
        var rest = Substring(code)
        for keyword in ["let ", "var "] where rest.hasPrefix(keyword) {
            rest = rest.dropFirst(keyword.count)
            let pattern = rest.prefix { $0 != "=" && $0 != ":" }
            return pattern.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
                .filter { $0 != "_" && !($0.first?.isNumber ?? true) }
        }
        return []
    }

    /// Whether `code` mentions the identifier `name` (not as part of a longer identifier or after a dot).
    static func mentions(_ code: String, _ name: String) -> Bool {
        var search = code[...]
        while let range = search.range(of: name) {
            let before = range.lowerBound == code.startIndex ? " " : code[code.index(before: range.lowerBound)]
            let after = range.upperBound == code.endIndex ? " " : code[range.upperBound]
            func isIdentifier(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
            if !isIdentifier(before) && before != "." && !isIdentifier(after) { return true }
            search = code[range.upperBound...]
        }
        return false
    }

    /// The flags for `texts`, one per line (see the type's discussion). `extraCalls` adds statement starts
    /// (the fixture pass adds `lab.`); with `declarations`, `let x = ` and `var x = ` before a call count too.
    public static func verificationLines(_ texts: [String], extraCalls: [String] = [], declarations: Bool = false) -> [Bool] {
        var calls = verificationCalls + extraCalls
        while true {
            var flags = statementFlags(texts, calls: calls, declarations: declarations)
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
    private static func statementFlags(_ texts: [String], calls: [String], declarations: Bool = false) -> [Bool] {
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
            if declarations, statement.hasPrefix("let ") || statement.hasPrefix("var "),
               let equals = statement.range(of: " = ") {
                statement = statement[equals.upperBound...]
            }
            var stripped = true
            while stripped {
                stripped = false
                for keyword in ["try ", "await ", "_ = "] where statement.hasPrefix(keyword) {
                    statement = statement.dropFirst(keyword.count).drop { $0 == " " }
                    stripped = true
                }
            }
            // A libvirt call through the lab's connection is API code (copied as `connection.…`), not set-up.
            let isCheck = calls.contains { statement.hasPrefix($0) } && !(declarations && statement.hasPrefix("lab.connection."))
            flags.append(isCheck)
            if isCheck { open = max(0, parenthesisBalance(trimmed)) }
        }
        return flags
    }

    /// The API code a reader copies: the lines that are not verification (hidden lines included when
    /// `includingHidden`), joined with newlines. The site's "Copy API code" button copies the same lines.
    public func apiCode(includingHidden: Bool = false) -> String {
        let flags = zip(verificationLines, fixtureLines).map { $0 || $1 }
        let code = zip(lines, flags).filter { line, folded in !folded && (includingHidden || !line.isHidden) }
            .map { Self.apiSpelling($0.0.text) }
        return ((apiInputsComment.map { [$0] } ?? []) + code).joined(separator: "\n")
    }

    /// The lab's stand-ins a copied line may keep, spelled as the reader's own values: `lab.connection` →
    /// `connection`, `lab.uri` → `uri`, `try lab.path("x.qcow2")` → `"\(imageDirectory)/x.qcow2"` (a folder on
    /// the host), `lab.directory.path` → `imageDirectory`. ``apiInputsComment`` names them.
    static let apiStandIns: [(lab: String, own: String)] = [
        ("lab.connection", "connection"), ("lab.uri", "uri"), ("lab.directory.path", "imageDirectory"),
    ]

    /// `text` with the lab's stand-ins respelled (see ``apiStandIns``).
    static func apiSpelling(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        // try lab.path("…") and lab.path("…"): the literal's text after the image folder.
        while let range = rest.range(of: "lab.path(\"") {
            var prefix = rest[..<range.lowerBound]
            if prefix.hasSuffix("try ") { prefix = prefix.dropLast(4) }
            var index = range.upperBound
            var literal = ""
            var depth = 0
            var closed = false
            while index < rest.endIndex {
                let c = rest[index]
                if c == "\\", rest.index(after: index) < rest.endIndex, rest[rest.index(after: index)] == "(" { depth += 1 }
                if depth > 0, c == ")" { depth -= 1 }
                if depth == 0, c == "\"" {
                    let next = rest.index(after: index)
                    if next < rest.endIndex, rest[next] == ")" { closed = true; index = rest.index(after: next); break }
                }
                literal.append(c)
                index = rest.index(after: index)
            }
            guard closed else { break }
            out += prefix + "\"\\(imageDirectory)/" + literal + "\""
            rest = rest[index...]
        }
        out += rest
        for standIn in apiStandIns { out = out.replacingOccurrences(of: standIn.lab, with: standIn.own) }
        return out
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
    static func codePart(_ text: String) -> String {
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
