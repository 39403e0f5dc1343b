/// An executable `swift` code block of a guide.
///
/// A snippet keeps its code exactly as written (``code``) and line by line (``lines``), each line
/// mapped to its line in the Markdown file so that the compiler's `#sourceLocation` and runtime
/// reports point into the guide. Lines written `# code` are hidden from readers but compiled and run.
public struct Snippet: Sendable, Hashable, Identifiable {
    /// The snippet's id (`id=`), unique across all guides.
    public let id: String

    /// The path of the guide that holds the snippet (for example `Guides/snapshots.md`).
    public let guide: String

    /// The 1-based line of the opening fence.
    public let line: Int

    /// The 1-based line of the first line of code (the line after the opening fence).
    public let codeLine: Int

    /// The block's exact content, hidden-line markers included.
    public let code: String

    /// The code, line by line, with hidden lines recognized and every line mapped to the Markdown file.
    public let lines: [SnippetLine]

    /// The fence attributes.
    public let attributes: SnippetAttributes

    /// The expected standard output, from the `output` block that follows the snippet (or names it).
    public let expectedOutput: ExpectedOutput?

    /// The snippet's context: the one it names, or the one of the snippet it continues.
    public let context: String?

    /// The prelude of ``context``: hidden setup code the runner puts before the snippet's code (before the
    /// first snippet's code, for a chain of continuing snippets).
    public let prelude: Prelude?

    /// What the runner does with the snippet.
    public var mode: SnippetMode { attributes.mode }

    /// The Swift source to compile: every line, hidden ones with their marker removed.
    public var sourceCode: String { lines.joinedCode }

    /// The code readers see: the lines that are not hidden.
    public var visibleCode: String { lines.filter { !$0.isHidden }.joinedCode }

    /// `guide:line`, the snippet's location for reports.
    public var location: String { "\(guide):\(line)" }

    /// Creates a snippet. Guides create their snippets while parsing; this initializer exists for tools
    /// and tests that synthesize snippets.
    public init(
        id: String, guide: String, line: Int, code: String, attributes: SnippetAttributes,
        expectedOutput: ExpectedOutput? = nil, context: String? = nil, prelude: Prelude? = nil
    ) {
        self.id = id
        self.guide = guide
        self.line = line
        self.codeLine = line + 1
        self.code = code
        self.lines = SnippetLine.lines(of: code, firstLine: line + 1)
        self.attributes = attributes
        self.expectedOutput = expectedOutput
        self.context = context
        self.prelude = prelude
    }
}
