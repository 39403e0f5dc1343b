/// One element of a guide's Markdown tree: an immutable value converted from cmark's syntax tree.
///
/// The tree follows CommonMark's structure: a ``Kind/document`` holds blocks (paragraphs, headings,
/// lists, block quotes, code blocks, raw HTML blocks, thematic breaks), and the leaf blocks hold inline
/// nodes (text, emphasis, links, code spans, …). Tables (GitHub-flavoured Markdown's pipe tables) are the
/// one extension: cmark leaves them as paragraphs, and the parser turns such paragraphs into ``Kind/table(alignments:)``. Raw HTML is kept as text in ``Kind/htmlBlock(_:)`` and
/// ``Kind/htmlInline(_:)`` so that a renderer decides whether to escape or drop it; nothing in the model
/// is trusted HTML.
///
/// Walk a tree with a ``MarkupVisitor`` (or a ``MarkupWalker``) through ``accept(_:)``:
///
/// ```swift
/// var formatter = HTMLFormatter()
/// guide.document.accept(&formatter)
/// print(formatter.result)
/// ```
public struct Node: Sendable, Hashable {
    /// What a node is, with the data that belongs to that kind.
    public enum Kind: Sendable, Hashable {
        /// The root of a guide.
        case document
        /// A block quote (`> …`).
        case blockQuote
        /// A bullet or ordered list. `start` is the number of the first item (1 for bullet lists); `tight`
        /// is CommonMark's tightness (no blank lines between items), which decides whether item
        /// paragraphs are wrapped in `<p>`.
        case list(ordered: Bool, start: Int, tight: Bool)
        /// A list item.
        case item
        /// A code block, fenced or indented. `info` is the info string as cmark reports it (backslash
        /// escapes and entities resolved; empty for indented blocks); `literal` is the exact content.
        case codeBlock(info: String, literal: String)
        /// A raw HTML block, verbatim.
        case htmlBlock(String)
        /// A paragraph.
        case paragraph
        /// An ATX (`## …`) or setext heading of the given level (1–6).
        case heading(level: Int)
        /// A thematic break (`---`).
        case thematicBreak
        /// Literal text.
        case text(String)
        /// A soft line break (a newline inside a paragraph).
        case softBreak
        /// A hard line break (two trailing spaces or a backslash before the newline).
        case lineBreak
        /// A code span (`` `…` ``) with its content.
        case code(String)
        /// Raw inline HTML, verbatim.
        case htmlInline(String)
        /// Emphasis (`*…*`).
        case emphasis
        /// Strong emphasis (`**…**`).
        case strong
        /// A link to `destination` with an optional `title` (empty when absent).
        case link(destination: String, title: String)
        /// An image; its children are the alternative text.
        case image(source: String, title: String)
        /// A GitHub-flavoured Markdown table (an extension over CommonMark, see ``TableAlignment``); its
        /// children are ``tableRow(header:)`` nodes, the header row first, one per source line.
        case table(alignments: [TableAlignment])
        /// A row of a table; `header` for the first row (rendered in `<thead>` with `<th>` cells).
        case tableRow(header: Bool)
        /// A cell of a table row; its children are inline content.
        case tableCell
    }

    /// How a table column is aligned, from its delimiter cell (`---`, `:--`, `:-:`, `--:`).
    public enum TableAlignment: Sendable, Hashable {
        case none, left, center, right
    }

    /// What this node is.
    public let kind: Kind

    /// The 1-based line of the Markdown file on which the node starts.
    public let line: Int

    /// The 1-based line on which the node ends (equal to ``line`` for single-line nodes).
    public let endLine: Int

    /// The node's children, in document order.
    public let children: [Node]

    /// Creates a node. Guides build their trees while parsing; this initializer exists for renderers'
    /// tests and for synthesized content.
    public init(kind: Kind, line: Int, endLine: Int? = nil, children: [Node] = []) {
        self.kind = kind
        self.line = line
        self.endLine = max(endLine ?? line, line)
        self.children = children
    }

    /// The lines the node spans in the Markdown file.
    public var lines: ClosedRange<Int> { line...endLine }

    /// The node's plain text: text, code spans and the alternative text of images, with line breaks
    /// as spaces and raw HTML left out. This is the text a heading anchor is computed from.
    public var plainText: String {
        var collector = PlainTextCollector()
        accept(&collector)
        return collector.text
    }

    /// Whether the node is a block (as opposed to inline content).
    public var isBlock: Bool {
        switch kind {
        case .document, .blockQuote, .list, .item, .codeBlock, .htmlBlock, .paragraph, .heading,
             .thematicBreak, .table, .tableRow, .tableCell:
            return true
        case .text, .softBreak, .lineBreak, .code, .htmlInline, .emphasis, .strong, .link, .image:
            return false
        }
    }
}

extension Node {
    /// The same subtree with every line set to `line` (a table cell's inlines, parsed on their own).
    func placed(on line: Int) -> Node {
        Node(kind: kind, line: line, endLine: line, children: children.map { $0.placed(on: line) })
    }
}
