/// The expected standard output of a snippet: an `output` code block after it.
///
/// ````markdown
/// ```output
/// created snapshot s1
/// ```
/// ````
///
/// The text must match exactly. In a masked block (`output mask`, or `output masked`), `{{…}}` stands for
/// any run-specific text within one line (a UUID, a time, a path): `created {{uuid}} at {{time}}`. The
/// text inside the braces only documents what varies.
public struct ExpectedOutput: Sendable, Hashable {
    /// The expected output, exactly as written in the block.
    public let text: String

    /// Whether lines may hold `{{…}}` wildcards.
    public let isMasked: Bool

    /// The 1-based line of the block's opening fence.
    public let line: Int

    /// The 1-based line of the first line of expected text.
    public let textLine: Int

    /// Creates the expectation of a block whose opening fence is at `line`.
    public init(text: String, isMasked: Bool, line: Int) {
        self.text = text
        self.isMasked = isMasked
        self.line = line
        self.textLine = line + 1
    }

    /// Where an actual output first differs from the expectation.
    public struct Mismatch: Sendable, Hashable {
        /// The 1-based line of the Markdown file of the expected line that differs (the line after the
        /// expected text, when the actual output has more lines).
        public let markdownLine: Int
        /// The expected line, or `nil` when the actual output has more lines.
        public let expected: String?
        /// The actual line, or `nil` when the actual output has fewer lines.
        public let actual: String?

        /// Creates a mismatch.
        public init(markdownLine: Int, expected: String?, actual: String?) {
            self.markdownLine = markdownLine
            self.expected = expected
            self.actual = actual
        }
    }

    /// Whether `actual` matches the expectation.
    public func matches(_ actual: String) -> Bool {
        firstMismatch(in: actual) == nil
    }

    /// The first line where `actual` differs from the expectation, or `nil` when it matches.
    ///
    /// Outputs are compared line by line; a missing final newline counts as a difference in an unmasked
    /// block.
    public func firstMismatch(in actual: String) -> Mismatch? {
        let expectedLines = Self.lines(text)
        let actualLines = Self.lines(actual)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let expected = index < expectedLines.count ? expectedLines[index] : nil
            let found = index < actualLines.count ? actualLines[index] : nil
            let same: Bool
            if let expected, let found {
                same = isMasked ? Self.masked(expected, matches: found) : expected == found
            } else {
                same = false
            }
            if !same {
                return Mismatch(
                    markdownLine: textLine + index, expected: expected.map(String.init), actual: found.map(String.init))
            }
        }
        if !isMasked, text.hasSuffix("\n") != actual.hasSuffix("\n"), !(text.isEmpty && actual.isEmpty) {
            let index = max(expectedLines.count, 1) - 1
            return Mismatch(
                markdownLine: textLine + index,
                expected: String(expectedLines.last ?? ""),
                actual: String(actualLines.last ?? ""))
        }
        return nil
    }

    /// Splits `text` into lines; a final newline ends the last line rather than starting a new one.
    private static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") || text.isEmpty {
            lines.removeLast()
        }
        return lines
    }

    /// Whether `line` matches `pattern`, where each `{{…}}` of the pattern matches any text.
    static func masked(_ pattern: Substring, matches line: Substring) -> Bool {
        // The literal pieces between wildcards; the first must start the line and the last end it.
        var pieces: [Substring] = []
        var rest = pattern[...]
        while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
            pieces.append(rest[..<open.lowerBound])
            rest = rest[close.upperBound...]
        }
        pieces.append(rest)
        if pieces.count == 1 { return pattern == line }

        guard line.hasPrefix(pieces[0]) else { return false }
        var remaining = line.dropFirst(pieces[0].count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = remaining.firstRange(of: piece) else { return false }
            remaining = remaining[found.upperBound...]
        }
        return remaining.hasSuffix(pieces[pieces.count - 1])
    }
}
