/// A top-level block of a guide (a child of its document node), in document order.
///
/// A site renderer walks the blocks to lay out a page: ``node`` holds the block's whole subtree, and
/// ``Guide/codeBlock(atLine:)`` tells what a code block inside it is (a snippet, a prelude, an expected
/// output or a plain display block).
public struct Block: Sendable, Hashable {
    /// The kinds of top-level block.
    public enum Kind: Sendable, Hashable {
        /// A heading of the given level.
        case heading(level: Int)
        /// A paragraph.
        case paragraph
        /// A list (its items may hold any blocks, code blocks included).
        case list
        /// A block quote.
        case blockQuote
        /// A thematic break.
        case thematicBreak
        /// A code block.
        case codeBlock
        /// A raw HTML block.
        case htmlBlock
        /// A table.
        case table
    }

    /// The block's subtree.
    public let node: Node

    /// Creates a block from a top-level node.
    public init(node: Node) {
        self.node = node
    }

    /// What the block is.
    public var kind: Kind {
        switch node.kind {
        case .heading(let level): .heading(level: level)
        case .list: .list
        case .blockQuote: .blockQuote
        case .thematicBreak: .thematicBreak
        case .codeBlock: .codeBlock
        case .htmlBlock: .htmlBlock
        case .table: .table
        default: .paragraph
        }
    }

    /// The lines of the Markdown file the block spans.
    public var lines: ClosedRange<Int> { node.lines }
}
