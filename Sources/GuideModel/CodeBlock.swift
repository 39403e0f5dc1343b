/// A code block of a guide (at any depth: top level, in a list item or in a block quote) and what it is
/// for.
public struct CodeBlock: Sendable, Hashable {
    /// What a code block is for.
    public enum Role: Sendable, Hashable {
        /// A `swift` snippet with this id (see ``Guide/snippet(id:)``). Ignored snippets that have an id
        /// are snippets too, with mode ``SnippetMode/ignore``.
        case snippet(id: String)
        /// The prelude of the named context (see ``Guide/prelude(context:)``).
        case prelude(context: String)
        /// The expected output of the snippet with this id.
        case expectedOutput(snippetID: String)
        /// A `sh script=NAME` block: a script the snippets run (see ``Guide/scripts``).
        case script(name: String)
        /// A block shown as is: another language, an indented block, or a `swift ignore` block without id.
        case display
    }

    /// The 1-based line of the opening fence (of the first line, for an indented block).
    public let line: Int

    /// The last line of the block (the closing fence, when there is one).
    public let endLine: Int

    /// Whether the block is fenced (as opposed to indented).
    public let isFenced: Bool

    /// The info string exactly as written after the opening fence (empty for indented blocks).
    public let info: String

    /// The first word of the info string (`swift`, `output`, `xml`, …), or `nil` when there is none.
    public let language: String?

    /// The exact content.
    public let literal: String

    /// What the block is for.
    public let role: Role
}
