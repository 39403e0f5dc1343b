/// A heading of a guide, with the anchor that links to it.
public struct Heading: Sendable, Hashable {
    /// The level, 1 to 6.
    public let level: Int

    /// The heading's plain text (see ``Node/plainText``).
    public let text: String

    /// A stable fragment id for the heading, computed the way GitHub does: the text lowercased, spaces
    /// turned into hyphens, and every character that is not a letter, mark, digit, `_` or `-` removed.
    /// A repeated anchor gets `-1`, `-2`, … appended, in document order. A heading with no usable
    /// character gets `section`.
    public let anchor: String

    /// The 1-based line of the heading in the Markdown file.
    public let line: Int

    /// Creates a heading.
    public init(level: Int, text: String, anchor: String, line: Int) {
        self.level = level
        self.text = text
        self.anchor = anchor
        self.line = line
    }
}
