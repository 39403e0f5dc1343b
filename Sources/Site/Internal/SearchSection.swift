/// A part of a page the search index points at: a heading (or the page top) and the text under it.
struct SearchSection: Sendable, Hashable, Codable {
    /// The fragment id, empty for the top of the page.
    var anchor: String
    /// The heading text (the page title for the top).
    var title: String
    /// The plain text of the section, code included.
    var text: String
}

/// An entry of a page's table of contents.
struct TOCEntry: Sendable, Hashable, Codable {
    /// The heading level (2 or 3).
    var level: Int
    /// The heading text.
    var text: String
    /// The fragment id.
    var anchor: String
}
