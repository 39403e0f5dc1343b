/// One guide: a Markdown file under `Guides/`, parsed into an immutable model.
///
/// A guide holds its Markdown tree (``document``, ``blocks``), its ``headings`` with their anchors, every
/// code block and what it is for (``codeBlocks``), and the executable ``snippets`` with their preludes
/// and expected outputs. A `Guide` value is always valid: parsing returns one only when the file has no
/// error at all.
///
/// ```swift
/// let (guide, errors) = Guide.parse(source: text, path: "Guides/snapshots.md")
/// for error in errors { print(error) }          // Guides/snapshots.md:12: …
/// for snippet in guide?.snippets ?? [] { print(snippet.id, snippet.location) }
/// ```
public struct Guide: Sendable, Hashable {
    /// The path relative to the package root, for example `Guides/snapshots.md`.
    public let path: String

    /// The text of the first level-1 heading.
    public let title: String

    /// Every heading, in document order, with unique anchors.
    public let headings: [Heading]

    /// The Markdown tree.
    public let document: Node

    /// Every code block (at any depth), in document order.
    public let codeBlocks: [CodeBlock]

    /// The snippets (`swift` blocks with an id), in document order.
    public let snippets: [Snippet]

    /// The preludes of the guide's contexts, in document order.
    public let preludes: [Prelude]

    /// The scripts (`sh script=NAME` blocks), in document order.
    public let scripts: [Script]

    init(
        path: String, title: String, headings: [Heading], document: Node, codeBlocks: [CodeBlock],
        snippets: [Snippet], preludes: [Prelude], scripts: [Script] = []
    ) {
        self.path = path
        self.title = title
        self.headings = headings
        self.document = document
        self.codeBlocks = codeBlocks
        self.snippets = snippets
        self.preludes = preludes
        self.scripts = scripts
    }

    /// The top-level blocks, in document order, each with its kind and line range.
    public var blocks: [Block] { document.children.map(Block.init(node:)) }

    /// The snippet with the given id, if this guide has it.
    public func snippet(id: String) -> Snippet? {
        snippets.first { $0.id == id }
    }

    /// The prelude of the named context, if this guide has it.
    public func prelude(context: String) -> Prelude? {
        preludes.first { $0.context == context }
    }

    /// The code block whose opening fence (or first line) is at `line`.
    public func codeBlock(atLine line: Int) -> CodeBlock? {
        codeBlocks.first { $0.line == line }
    }

    /// The heading at `line`, with its anchor.
    public func heading(atLine line: Int) -> Heading? {
        headings.first { $0.line == line }
    }

    /// Parses the Markdown `source` of the guide at `path` (relative to the package root).
    ///
    /// - Returns: the guide when the file has no error, and every error found, sorted by line. Errors
    ///   that involve other guides (an id used twice across guides, a continuation of another guide's
    ///   snippet) are found by ``GuideSet``; here they are reported as unknown ids.
    public static func parse(source: String, path: String) -> (guide: Guide?, errors: [GuideError]) {
        parse(bytes: Array(source.utf8), path: path)
    }

    /// Parses the raw bytes of the guide at `path`; bytes that are not valid UTF-8 are reported with the
    /// line of the first bad byte.
    public static func parse(bytes: [UInt8], path: String) -> (guide: Guide?, errors: [GuideError]) {
        GuideDraft(path: path, bytes: bytes).finish(foreign: [:])
    }
}
