/// One line of a snippet's code, mapped to its line in the Markdown file.
public struct SnippetLine: Sendable, Hashable {
    /// The line's Swift text: for a hidden line, the text after its `# ` marker (indentation before the
    /// marker is kept); otherwise the line as written.
    public let text: String

    /// Whether the line is hidden from readers (written `# code`, or just `#`). Hidden lines are compiled
    /// and run like the others. A `#` followed by anything but a space (`#if`, `#sourceLocation`,
    /// `#warning`) is ordinary Swift.
    public let isHidden: Bool

    /// The 1-based line of the Markdown file this line comes from, for `#sourceLocation` and error
    /// reports.
    public let markdownLine: Int

    /// Creates a line.
    public init(text: String, isHidden: Bool, markdownLine: Int) {
        self.text = text
        self.isHidden = isHidden
        self.markdownLine = markdownLine
    }

    /// Splits a code block's `literal` into lines whose first line is at `firstLine` of the Markdown file,
    /// recognizing hidden lines.
    public static func lines(of literal: String, firstLine: Int) -> [SnippetLine] {
        var pieces = literal.split(separator: "\n", omittingEmptySubsequences: false)
        if literal.hasSuffix("\n") || literal.isEmpty {
            pieces.removeLast()
        }
        return pieces.enumerated().map { offset, piece in
            let indentation = piece.prefix { $0 == " " || $0 == "\t" }
            let rest = piece.dropFirst(indentation.count)
            if rest == "#" {
                return SnippetLine(text: String(indentation), isHidden: true, markdownLine: firstLine + offset)
            }
            if rest.hasPrefix("# ") {
                return SnippetLine(
                    text: String(indentation) + String(rest.dropFirst(2)), isHidden: true,
                    markdownLine: firstLine + offset)
            }
            return SnippetLine(text: String(piece), isHidden: false, markdownLine: firstLine + offset)
        }
    }
}

extension Array where Element == SnippetLine {
    /// The lines' texts joined with newlines, ending with a newline (empty when there are no lines).
    var joinedCode: String {
        isEmpty ? "" : map(\.text).joined(separator: "\n") + "\n"
    }
}
