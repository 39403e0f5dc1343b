import GuideModel
/// A small Swift lexer for build-time syntax highlighting.
///
/// It splits source text into tokens that, concatenated, give back the text exactly, and classifies
/// each one: keywords, string literals (single-line, multi-line `"""` and raw `#"…"#`, with `\(…)`
/// interpolations lexed as code), numbers, comments (line, doc and nested block comments), attributes
/// (`@MainActor`), compiler directives and freestanding macros (`#if`, `#expect`), type names
/// (capitalised identifiers) and function calls (an identifier directly followed by `(`). Everything
/// else (identifiers, operators, punctuation, white space) is ``SwiftToken/Kind/plain``.
///
/// It never fails: text it does not understand stays plain, and an unterminated string or comment runs
/// to the end of the input.
///
/// ```swift
/// let tokens = SwiftHighlighter.tokens(in: #"let s = "n = \(n)""#)
/// // keyword "let", plain " s = ", string "\"n = ", interpolation "\\(", plain "n", interpolation ")", string "\""
/// ```
public enum SwiftHighlighter {
    /// The keywords shown as such (declaration, statement and expression keywords, and the contextual
    /// ones that read as keywords in declarations).
    public static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "as", "await", "false", "is", "nil", "self", "Self", "super",
        "throws", "true", "try", "async", "actor", "some", "any", "package", "mutating", "nonmutating",
        "override", "final", "lazy", "weak", "convenience", "required", "indirect", "nonisolated",
        "consuming", "borrowing", "macro", "each",
    ]

    /// Splits `source` into classified tokens. Adjacent tokens of the same kind are merged.
    public static func tokens(in source: String) -> [SwiftToken] {
        var lexer = SwiftLexer(Array(source.unicodeScalars))
        lexer.lexCode(insideInterpolation: false)
        return lexer.tokens
    }

    /// Renders `source` as HTML, one string per line (without the newline), with every token that is not
    /// plain wrapped in `<span class="h…">`. A token that spans lines (a block comment, a multi-line
    /// string) is closed at the end of each line and reopened on the next, so each line is balanced HTML.
    ///
    /// The classes are `hk` keyword, `hs` string, `hi` interpolation delimiter, `hn` number, `hc` comment,
    /// `ha` attribute, `hd` directive or macro, `ht` type, `hf` function call.
    public static func htmlLines(_ source: String) -> [String] {
        var lines: [String] = [""]
        for token in tokens(in: source) {
            let pieces = token.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index > 0 { lines.append("") }
                guard !piece.isEmpty else { continue }
                if let cls = token.kind.cssClass {
                    lines[lines.count - 1] += "<span class=\"\(cls)\">" + HTML.escape(String(piece)) + "</span>"
                } else {
                    lines[lines.count - 1] += HTML.escape(String(piece))
                }
            }
        }
        if source.hasSuffix("\n") { lines.removeLast() }
        return lines
    }
}

/// One token of Swift source.
public struct SwiftToken: Sendable, Hashable {
    /// What a token is.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// Identifiers, operators, punctuation and white space.
        case plain
        /// A keyword (see ``SwiftHighlighter/keywords``).
        case keyword
        /// Part of a string literal (quotes included).
        case string
        /// The `\(` and `)` around an interpolation.
        case interpolation
        /// A numeric literal.
        case number
        /// A comment.
        case comment
        /// An attribute such as `@MainActor`.
        case attribute
        /// A compiler directive or freestanding macro such as `#if` or `#expect`.
        case directive
        /// A capitalised identifier, taken to be a type.
        case type
        /// An identifier directly followed by `(`.
        case function

        /// The CSS class of the kind (nil for plain text).
        public var cssClass: String? {
            switch self {
            case .plain: nil
            case .keyword: "hk"
            case .string: "hs"
            case .interpolation: "hi"
            case .number: "hn"
            case .comment: "hc"
            case .attribute: "ha"
            case .directive: "hd"
            case .type: "ht"
            case .function: "hf"
            }
        }
    }

    /// What the token is.
    public let kind: Kind
    /// Its exact text.
    public let text: String

    /// Creates a token.
    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// The lexer's state: the scalars, a position and the tokens found so far.
private struct SwiftLexer {
    let s: [Unicode.Scalar]
    var i = 0
    var tokens: [SwiftToken] = []

    init(_ scalars: [Unicode.Scalar]) { s = scalars }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let j = i + offset
        return j < s.count ? s[j] : nil
    }

    mutating func emit(_ kind: SwiftToken.Kind, from start: Int) {
        guard start < i else { return }
        var text = ""
        text.unicodeScalars.append(contentsOf: s[start..<i])
        if let last = tokens.last, last.kind == kind {
            tokens[tokens.count - 1] = SwiftToken(kind: kind, text: last.text + text)
        } else {
            tokens.append(SwiftToken(kind: kind, text: text))
        }
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || (c.value > 0x7f && c.properties.isXIDStart)
    }

    static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) || (c.value > 0x7f && c.properties.isXIDContinue)
    }

    /// Lexes code until the end, or, inside an interpolation, until the `)` that closes it (not consumed).
    mutating func lexCode(insideInterpolation: Bool) {
        var depth = 0
        var previousSignificant: String = ""
        while let c = peek() {
            let start = i
            if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { i += 1 }
                emit(.comment, from: start)
                continue
            }
            if c == "/" && peek(1) == "*" {
                lexBlockComment()
                emit(.comment, from: start)
                continue
            }
            if c == "\"" {
                lexString(hashes: 0)
                previousSignificant = "\""
                continue
            }
            if c == "#" {
                // A raw string: #"…"#, ##"…"##, or #"""…"""#.
                var hashes = 0
                while peek(hashes) == "#" { hashes += 1 }
                if peek(hashes) == "\"" {
                    lexString(hashes: hashes)
                    previousSignificant = "\""
                    continue
                }
                if let n = peek(1), Self.isIdentifierStart(n) {
                    i += 1
                    while let d = peek(), Self.isIdentifierContinue(d) { i += 1 }
                    emit(.directive, from: start)
                    previousSignificant = "#"
                    continue
                }
                i += 1
                emit(.plain, from: start)
                continue
            }
            if c == "@", let n = peek(1), Self.isIdentifierStart(n) {
                i += 1
                while let d = peek(), Self.isIdentifierContinue(d) { i += 1 }
                emit(.attribute, from: start)
                previousSignificant = "@"
                continue
            }
            if ("0"..."9").contains(c) {
                lexNumber()
                emit(.number, from: start)
                previousSignificant = "0"
                continue
            }
            if c == "`" {
                // An escaped identifier: `default`.
                i += 1
                while let d = peek(), d != "`", d != "\n" { i += 1 }
                if peek() == "`" { i += 1 }
                emit(peek() == "(" ? .function : .plain, from: start)
                previousSignificant = "id"
                continue
            }
            if Self.isIdentifierStart(c) {
                while let d = peek(), Self.isIdentifierContinue(d) { i += 1 }
                var word = ""
                word.unicodeScalars.append(contentsOf: s[start..<i])
                let afterDot = previousSignificant == "."
                let kind: SwiftToken.Kind
                if !afterDot && SwiftHighlighter.keywords.contains(word) {
                    kind = .keyword
                } else if let first = word.unicodeScalars.first(where: { $0 != "_" }),
                          first.properties.isUppercase {
                    kind = .type
                } else if peek() == "(" || previousSignificant == "func" {
                    kind = .function
                } else {
                    kind = .plain
                }
                emit(kind, from: start)
                previousSignificant = kind == .keyword ? word : "id"
                continue
            }
            if insideInterpolation {
                if c == "(" { depth += 1 }
                if c == ")" {
                    if depth == 0 { return }
                    depth -= 1
                }
            }
            i += 1
            emit(.plain, from: start)
            if c != " " && c != "\t" && c != "\n" {
                previousSignificant = String(Character(c))
            }
        }
    }

    /// Consumes a (nested) block comment starting at `/*`.
    mutating func lexBlockComment() {
        var depth = 0
        while let c = peek() {
            if c == "/" && peek(1) == "*" {
                depth += 1
                i += 2
            } else if c == "*" && peek(1) == "/" {
                depth -= 1
                i += 2
                if depth == 0 { return }
            } else {
                i += 1
            }
        }
    }

    /// Consumes a number: decimal, hex, octal or binary, with underscores, fractions and exponents.
    mutating func lexNumber() {
        if peek() == "0", let x = peek(1), x == "x" || x == "o" || x == "b" {
            i += 2
            while let d = peek(), d.properties.isASCIIHexDigit || d == "_" || d == "." || d == "p" || d == "P" {
                if d == ".", !(peek(1).map { $0.properties.isASCIIHexDigit } ?? false) { break }
                i += 1
            }
            return
        }
        while let d = peek(), ("0"..."9").contains(d) || d == "_" { i += 1 }
        if peek() == ".", let n = peek(1), ("0"..."9").contains(n) {
            i += 1
            while let d = peek(), ("0"..."9").contains(d) || d == "_" { i += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var j = 1
            if let sign = peek(1), sign == "+" || sign == "-" { j = 2 }
            if let n = peek(j), ("0"..."9").contains(n) {
                i += j
                while let d = peek(), ("0"..."9").contains(d) || d == "_" { i += 1 }
            }
        }
    }

    /// Consumes a string literal whose opening delimiter (with `hashes` leading `#`) starts here, lexing
    /// its interpolations as code.
    mutating func lexString(hashes: Int) {
        var start = i
        i += hashes
        let multiline = peek() == "\"" && peek(1) == "\"" && peek(2) == "\""
        i += multiline ? 3 : 1
        func closes(_ lexer: SwiftLexer) -> Int? {
            // The length of the closing delimiter at the current position, if there is one.
            var j = 0
            if multiline {
                guard lexer.peek() == "\"", lexer.peek(1) == "\"", lexer.peek(2) == "\"" else { return nil }
                j = 3
            } else {
                guard lexer.peek() == "\"" else { return nil }
                j = 1
            }
            for k in 0..<hashes where lexer.peek(j + k) != "#" { return nil }
            return j + hashes
        }
        while let c = peek() {
            if let length = closes(self) {
                i += length
                emit(.string, from: start)
                return
            }
            if c == "\n" && !multiline {
                // An unterminated single-line string ends at the line's end.
                emit(.string, from: start)
                return
            }
            if c == "\\" {
                var k = 1
                var matched = true
                for _ in 0..<hashes {
                    if peek(k) != "#" { matched = false; break }
                    k += 1
                }
                if matched && peek(k) == "(" {
                    emit(.string, from: start)
                    let open = i
                    i += k + 1
                    emit(.interpolation, from: open)
                    lexCode(insideInterpolation: true)
                    if peek() == ")" {
                        let close = i
                        i += 1
                        emit(.interpolation, from: close)
                    }
                    start = i
                    continue
                }
                if matched {
                    // An escape sequence: skip the escaped character so that \" does not close the string.
                    i += k
                    if peek() != nil { i += 1 }
                    continue
                }
            }
            i += 1
        }
        emit(.string, from: start)
    }
}
