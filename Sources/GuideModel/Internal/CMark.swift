// The only file that calls libcmark. It parses a document and converts cmark's mutable tree into the
// immutable `Node` tree, recording what the guide parser needs to know about each code block. Paragraphs
// whose lines are a GitHub-flavoured pipe table (PipeTable.swift) become table nodes, each cell's text
// parsed by cmark as inline content: libcmark is CommonMark and has no tables of its own. No cmark
// type leaves this file.

internal import CCMark
import Glibc

/// A code block as cmark reports it, with its raw source positions.
struct RawCodeBlock {
    /// The converted node (kind `.codeBlock`).
    let node: Node
    /// cmark's start line and byte column (1-based).
    let startLine: Int
    let startColumn: Int
    /// cmark's end line and column as reported (the column is 0 when cmark closed the block implicitly
    /// at a blank or following line).
    let endLine: Int
    let endColumn: Int
    /// The info string as cmark reports it (unescaped).
    let info: String
    /// The exact content.
    let literal: String
    /// How many block quotes contain the block (each adds a `>` marker to every line).
    let quoteDepth: Int
}

/// The result of parsing one document with cmark.
struct CMarkDocument {
    /// The converted tree (kind `.document`).
    let document: Node
    /// Every code block, in document order.
    let codeBlocks: [RawCodeBlock]
}

/// Entry points into libcmark.
enum CMark {
    /// The deepest nesting of nodes a guide may have. Guides are prose: real documents stay far below
    /// this, and the limit keeps the recursive conversion and the visitors' recursion bounded.
    static let maximumDepth = 100

    /// Why a document could not be converted.
    enum Failure: Error {
        /// cmark returned no document (out of memory).
        case parserFailed
        /// The nesting is deeper than `maximumDepth`; `line` is the first line that goes too deep.
        case nestedTooDeeply(line: Int)
    }

    /// Parses `source` (valid UTF-8) with cmark and converts the result.
    ///
    /// - Parameter lineCount: the number of lines of the source, used to clamp end lines.
    static func parse(_ source: [UInt8], lineCount: Int) throws(Failure) -> CMarkDocument {
        // A terminating zero gives even an empty source a base address.
        let terminated = source + [0]
        let root: OpaquePointer? = terminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parse_document($0, buffer.count - 1, CMARK_OPT_VALIDATE_UTF8)
            }
        }
        guard let root else { throw .parserFailed }
        defer { cmark_node_free(root) }

        if let line = firstLineNestedTooDeeply(root) {
            throw .nestedTooDeeply(line: line)
        }
        var converter = Converter(lineCount: max(lineCount, 1), sourceLines: Self.lines(of: source))
        let document = converter.convert(root, fallbackLine: 1, quoteDepth: 0)
        return CMarkDocument(document: document, codeBlocks: converter.codeBlocks)
    }

    /// The source's lines (split at `\n`), for recognising tables in paragraphs.
    private static func lines(of source: [UInt8]) -> [Substring] {
        String(decoding: source, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The inline content of one table cell, parsed by cmark and placed on `line`. The text is parsed after
    /// a guard word ("a ") so that a cell never starts a block (a cell `- x` or `# x` stays text), and the
    /// guard is removed from the first text node again.
    static func inlines(of cell: String, line: Int) -> [Node] {
        guard !cell.isEmpty else { return [] }
        let guarded = Array(("a " + cell).utf8) + [0]
        let root: OpaquePointer? = guarded.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parse_document($0, buffer.count - 1, CMARK_OPT_VALIDATE_UTF8)
            }
        }
        guard let root else { return [.init(kind: .text(cell), line: line)] }
        defer { cmark_node_free(root) }
        guard let paragraph = cmark_node_first_child(root), cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH
        else { return [.init(kind: .text(cell), line: line)] }
        var converter = Converter(lineCount: 1, sourceLines: [])
        var nodes = converter.convert(paragraph, fallbackLine: 1, quoteDepth: 0).children.map { $0.placed(on: line) }
        if let first = nodes.first, case .text(let text) = first.kind, text.hasPrefix("a") {
            let rest = String(text.dropFirst(text.hasPrefix("a ") ? 2 : 1))
            if rest.isEmpty { nodes.removeFirst() } else { nodes[0] = Node(kind: .text(rest), line: line) }
        }
        return nodes
    }

    /// Renders `source` to HTML with cmark's own renderer in safe mode (raw HTML omitted, dangerous URLs
    /// removed). Used to check ``HTMLFormatter`` against the reference implementation.
    static func referenceHTML(_ source: String) -> String {
        var bytes = Array(source.utf8)
        bytes.append(0)
        guard let rendered = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_markdown_to_html($0, buffer.count - 1, CMARK_OPT_SAFE)
            }
        }) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// The start line of the first node deeper than `maximumDepth`, found without recursion.
    private static func firstLineNestedTooDeeply(_ root: OpaquePointer) -> Int? {
        guard let iterator = cmark_iter_new(root) else { return nil }
        defer { cmark_iter_free(iterator) }
        var depth = 0
        var lastLine = 1
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE || event == CMARK_EVENT_NONE { return nil }
            let node = cmark_iter_get_node(iterator)
            let line = Int(cmark_node_get_start_line(node))
            if line > 0 { lastLine = line }
            if event == CMARK_EVENT_ENTER {
                // Leaf nodes produce only an enter event.
                if isContainer(cmark_node_get_type(node)) {
                    depth += 1
                    if depth > maximumDepth { return lastLine }
                }
            } else if event == CMARK_EVENT_EXIT {
                depth -= 1
            }
        }
    }

    /// Whether cmark emits an exit event for nodes of this type (it does for every type that can have
    /// children, even when a node has none).
    private static func isContainer(_ type: cmark_node_type) -> Bool {
        switch type {
        case CMARK_NODE_DOCUMENT, CMARK_NODE_BLOCK_QUOTE, CMARK_NODE_LIST, CMARK_NODE_ITEM,
             CMARK_NODE_CUSTOM_BLOCK, CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_CUSTOM_INLINE,
             CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            return true
        default:
            return false
        }
    }

    /// Converts cmark nodes into `Node` values and records the code blocks on the way.
    private struct Converter {
        let lineCount: Int
        /// The document's lines, to read a paragraph's source when it may be a table.
        let sourceLines: [Substring]
        var codeBlocks: [RawCodeBlock] = []

        init(lineCount: Int, sourceLines: [Substring]) {
            self.lineCount = lineCount
            self.sourceLines = sourceLines
        }

        /// The paragraph at `line...endLine` as a table node, when its source lines are a pipe table.
        func table(line: Int, endLine: Int, quoteDepth: Int) -> Node? {
            guard line >= 1, endLine <= sourceLines.count, line < endLine else { return nil }
            guard let table = PipeTable.parse(lines: Array(sourceLines[(line - 1)..<endLine]), quoteDepth: quoteDepth)
            else { return nil }
            var rows: [Node] = []
            for (index, cells) in table.rows.enumerated() {
                // The delimiter row is the paragraph's second line: body rows start one line later.
                let rowLine = index == 0 ? line : line + index + 1
                let cellNodes = cells.map { Node(kind: .tableCell, line: rowLine, children: CMark.inlines(of: $0, line: rowLine)) }
                rows.append(Node(kind: .tableRow(header: index == 0), line: rowLine, children: cellNodes))
            }
            return Node(kind: .table(alignments: table.alignments), line: line, endLine: endLine, children: rows)
        }

        /// Converts `node` and its subtree. `fallbackLine` is used when cmark records no position
        /// (soft and hard line breaks have none).
        mutating func convert(_ node: OpaquePointer, fallbackLine: Int, quoteDepth: Int) -> Node {
            let type = cmark_node_get_type(node)
            let reportedStart = Int(cmark_node_get_start_line(node))
            let reportedEnd = Int(cmark_node_get_end_line(node))
            let reportedEndColumn = Int(cmark_node_get_end_column(node))
            let line = min(reportedStart > 0 ? reportedStart : fallbackLine, lineCount)
            var endLine = reportedEnd > 0 ? reportedEnd : line
            if reportedEndColumn == 0, endLine > line {
                // cmark ends implicitly closed blocks at column 0 of the following line.
                endLine -= 1
            }
            endLine = min(max(endLine, line), lineCount)

            let childQuoteDepth = type == CMARK_NODE_BLOCK_QUOTE ? quoteDepth + 1 : quoteDepth
            var children: [Node] = []
            var previousEnd = line
            var child = cmark_node_first_child(node)
            while let current = child {
                let converted = convert(current, fallbackLine: previousEnd, quoteDepth: childQuoteDepth)
                previousEnd = converted.endLine
                children.append(converted)
                child = cmark_node_next(current)
            }

            let kind: Node.Kind
            switch type {
            case CMARK_NODE_DOCUMENT: kind = .document
            case CMARK_NODE_BLOCK_QUOTE: kind = .blockQuote
            case CMARK_NODE_LIST:
                kind = .list(
                    ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                    start: Int(cmark_node_get_list_start(node)),
                    tight: cmark_node_get_list_tight(node) != 0)
            case CMARK_NODE_ITEM: kind = .item
            case CMARK_NODE_CODE_BLOCK:
                kind = .codeBlock(info: Self.string(cmark_node_get_fence_info(node)), literal: literal(node))
            case CMARK_NODE_HTML_BLOCK: kind = .htmlBlock(literal(node))
            case CMARK_NODE_PARAGRAPH:
                if let table = table(line: line, endLine: endLine, quoteDepth: quoteDepth) { return table }
                kind = .paragraph
            case CMARK_NODE_HEADING: kind = .heading(level: Int(cmark_node_get_heading_level(node)))
            case CMARK_NODE_THEMATIC_BREAK: kind = .thematicBreak
            case CMARK_NODE_TEXT: kind = .text(literal(node))
            case CMARK_NODE_SOFTBREAK: kind = .softBreak
            case CMARK_NODE_LINEBREAK: kind = .lineBreak
            case CMARK_NODE_CODE: kind = .code(literal(node))
            case CMARK_NODE_HTML_INLINE: kind = .htmlInline(literal(node))
            case CMARK_NODE_EMPH: kind = .emphasis
            case CMARK_NODE_STRONG: kind = .strong
            case CMARK_NODE_LINK:
                kind = .link(
                    destination: Self.string(cmark_node_get_url(node)),
                    title: Self.string(cmark_node_get_title(node)))
            case CMARK_NODE_IMAGE:
                kind = .image(
                    source: Self.string(cmark_node_get_url(node)),
                    title: Self.string(cmark_node_get_title(node)))
            case CMARK_NODE_CUSTOM_BLOCK:
                // The parser never creates custom nodes; keep their raw text like raw HTML if one appears.
                kind = .htmlBlock(Self.string(cmark_node_get_on_enter(node)) + Self.string(cmark_node_get_on_exit(node)))
                children = []
            default:
                kind = .htmlInline(Self.string(cmark_node_get_on_enter(node)) + Self.string(cmark_node_get_on_exit(node)))
                children = []
            }

            let converted = Node(kind: kind, line: line, endLine: endLine, children: children)
            if type == CMARK_NODE_CODE_BLOCK {
                codeBlocks.append(RawCodeBlock(
                    node: converted,
                    startLine: line,
                    startColumn: Int(cmark_node_get_start_column(node)),
                    endLine: reportedEnd > 0 ? reportedEnd : line,
                    endColumn: reportedEndColumn,
                    info: Self.string(cmark_node_get_fence_info(node)),
                    literal: literal(node),
                    quoteDepth: quoteDepth))
            }
            return converted
        }

        private func literal(_ node: OpaquePointer) -> String {
            Self.string(cmark_node_get_literal(node))
        }

        private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
            guard let pointer else { return "" }
            return String(cString: pointer)
        }
    }
}
