/// The hidden setup code of a named context of a guide (a `swift context=<name> prelude` block).
///
/// The runner prepends a prelude to every snippet of its context. It is never run on its own.
public struct Prelude: Sendable, Hashable {
    /// The context's name.
    public let context: String

    /// The path of the guide that holds the prelude.
    public let guide: String

    /// The 1-based line of the opening fence.
    public let line: Int

    /// The 1-based line of the first line of code.
    public let codeLine: Int

    /// The block's exact content.
    public let code: String

    /// The code, line by line, mapped to the Markdown file (`# ` markers are removed as in snippets).
    public let lines: [SnippetLine]

    /// The Swift source to compile: every line, markers removed.
    public var sourceCode: String { lines.joinedCode }

    /// Creates a prelude whose opening fence is at `line`.
    public init(context: String, guide: String, line: Int, code: String) {
        self.context = context
        self.guide = guide
        self.line = line
        self.codeLine = line + 1
        self.code = code
        self.lines = SnippetLine.lines(of: code, firstLine: line + 1)
    }
}
