/// The override points of ``HTMLFormatter``: what a site changes in the rendering of a guide (headings'
/// ids and links, code blocks, raw HTML, links and images), while the formatter renders the rest.
///
/// Every method has a default: the rendering of `cmark --safe`. A renderer implements only what it changes,
/// and may keep state (links seen, assets used) that the caller reads back from ``HTMLFormatter/delegate``.
public protocol HTMLFormatterDelegate {
    /// The `id` of a heading; nil for none (the default).
    mutating func headingID(_ node: Node, level: Int) -> String?
    /// HTML put inside a heading after its content (a permalink, say); empty by default.
    mutating func headingSuffix(_ node: Node, level: Int, id: String?) -> String
    /// The HTML of a code block, or nil for the default `<pre><code class="language-…">`.
    mutating func codeBlock(_ node: Node, info: String, literal: String) -> String?
    /// What stands for raw HTML from the guide (a block or inline); by default `<!-- raw HTML omitted -->`.
    mutating func rawHTML(_ node: Node, html: String, isBlock: Bool) -> String
    /// The `href` of a link and any further attributes (` class="external"`); by default the destination
    /// with dangerous schemes removed.
    mutating func link(_ node: Node, destination: String, title: String) -> (href: String, attributes: String)
    /// The HTML of an image, or nil for the default `<img>` with the destination made safe.
    mutating func image(_ node: Node, source: String, title: String) -> String?
    /// The HTML of a code span, or nil for the default `<code>` (a site links API names, say). Not called for
    /// code spans inside a link, where another link would be invalid HTML.
    mutating func inlineCode(_ node: Node, code: String) -> String?
}

extension HTMLFormatterDelegate {
    public mutating func headingID(_ node: Node, level: Int) -> String? { nil }
    public mutating func headingSuffix(_ node: Node, level: Int, id: String?) -> String { "" }
    public mutating func codeBlock(_ node: Node, info: String, literal: String) -> String? { nil }
    public mutating func rawHTML(_ node: Node, html: String, isBlock: Bool) -> String { "<!-- raw HTML omitted -->" }
    public mutating func link(_ node: Node, destination: String, title: String) -> (href: String, attributes: String) {
        (HTML.safeURL(destination), "")
    }
    public mutating func image(_ node: Node, source: String, title: String) -> String? { nil }
    public mutating func inlineCode(_ node: Node, code: String) -> String? { nil }
}

/// The options of the plain formatter, as `cmark --safe` renders (see ``HTMLFormatter/format(_:rawHTML:headingAnchors:codeBlockRenderer:)``).
public struct CMarkSafeHTML: HTMLFormatterDelegate, Sendable {
    /// What to do with raw HTML from the guide.
    public enum RawHTML: Sendable, Hashable {
        /// Replace it with `<!-- raw HTML omitted -->`, as cmark does in safe mode.
        case omit
        /// Show it as escaped text.
        case escape
    }

    /// What to do with raw HTML.
    public var rawHTML: RawHTML
    /// Heading ids to emit, by the heading's line (see ``Guide/headings``).
    public var headingAnchors: [Int: String]
    /// Renders code blocks in place of the default: called with the node, its info string and its content;
    /// returning `nil` keeps the default rendering.
    public var codeBlockRenderer: (@Sendable (_ node: Node, _ info: String, _ literal: String) -> String?)?

    /// Creates the options.
    public init(rawHTML: RawHTML = .omit, headingAnchors: [Int: String] = [:],
                codeBlockRenderer: (@Sendable (_ node: Node, _ info: String, _ literal: String) -> String?)? = nil) {
        self.rawHTML = rawHTML
        self.headingAnchors = headingAnchors
        self.codeBlockRenderer = codeBlockRenderer
    }

    public func headingID(_ node: Node, level: Int) -> String? { headingAnchors[node.line] }
    public func codeBlock(_ node: Node, info: String, literal: String) -> String? { codeBlockRenderer?(node, info, literal) }
    public func rawHTML(_ node: Node, html: String, isBlock: Bool) -> String {
        switch rawHTML {
        case .omit: "<!-- raw HTML omitted -->"
        case .escape: HTML.escape(html, quotes: .double)
        }
    }
}

/// Renders a ``Node`` tree to HTML, the way cmark's safe HTML renderer does, with override points.
///
/// With ``CMarkSafeHTML`` the output matches `cmark --safe` for the same document (which the tests check);
/// a site passes its own ``HTMLFormatterDelegate`` to change headings, code blocks, links, images and raw
/// HTML, and the formatter renders everything else. Nothing from the guide is trusted: text is escaped
/// (``HTML/escape(_:quotes:)``), raw HTML goes through the delegate, and `javascript:`, `vbscript:`,
/// `file:` and non-image `data:` URLs are removed by default.
///
/// ```swift
/// let html = HTMLFormatter.format(guide.document, headingAnchors: anchors)
/// var page = HTMLFormatter(delegate: MySiteRenderer())
/// guide.document.accept(&page)        // page.result, page.delegate
/// ```
public struct HTMLFormatter<Delegate: HTMLFormatterDelegate>: MarkupWalker {
    /// The override points, with whatever state they gathered while rendering.
    public var delegate: Delegate

    /// The HTML produced so far.
    public private(set) var result = ""

    /// For each open list, whether it is tight.
    private var listTightness: [Bool] = []
    /// For each open container of paragraphs, whether its paragraphs are tight (rendered without `<p>`).
    private var tightParagraphs: [Bool] = []
    /// How many links enclose the node being rendered.
    private var linkDepth = 0
    /// The column alignments of the table being rendered.
    private var tableAlignments: [Node.TableAlignment] = []

    /// Creates a formatter that renders through `delegate`.
    public init(delegate: Delegate) {
        self.delegate = delegate
    }

    // MARK: Blocks

    /// Renders the children of the document.
    public mutating func visitDocument(_ node: Node) {
        descendInto(node, tight: false)
    }

    /// Renders `<blockquote>`.
    public mutating func visitBlockQuote(_ node: Node) {
        newline()
        result += "<blockquote>\n"
        descendInto(node, tight: false)
        newline()
        result += "</blockquote>\n"
    }

    /// Renders `<ul>` or `<ol>`.
    public mutating func visitList(_ node: Node, ordered: Bool, start: Int, tight: Bool) {
        newline()
        result += ordered ? (start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n") : "<ul>\n"
        listTightness.append(tight)
        descendInto(node)
        listTightness.removeLast()
        newline()
        result += ordered ? "</ol>\n" : "</ul>\n"
    }

    /// Renders `<li>`.
    public mutating func visitItem(_ node: Node) {
        newline()
        result += "<li>"
        descendInto(node, tight: listTightness.last ?? false)
        result += "</li>\n"
    }

    /// Renders `<pre><code>`, with a `language-…` class from the info string's first word, unless the
    /// delegate renders the block.
    public mutating func visitCodeBlock(_ node: Node, info: String, literal: String) {
        newline()
        if let custom = delegate.codeBlock(node, info: info, literal: literal) {
            result += custom
            newline()
            return
        }
        let language = info.unicodeScalars.prefix { !Self.isCSpace($0) }
        if language.isEmpty {
            result += "<pre><code>"
        } else {
            result += "<pre><code class=\"language-\(Self.escape(String(String.UnicodeScalarView(language))))\">"
        }
        result += Self.escape(literal)
        result += "</code></pre>\n"
    }

    /// Renders raw HTML as the delegate says.
    public mutating func visitHTMLBlock(_ node: Node, html: String) {
        let replacement = delegate.rawHTML(node, html: html, isBlock: true)
        guard !replacement.isEmpty else { return }
        newline()
        result += replacement
        newline()
    }

    /// Renders `<p>` (nothing around the content in a tight list).
    public mutating func visitParagraph(_ node: Node) {
        let tight = tightParagraphs.last ?? false
        if !tight {
            newline()
            result += "<p>"
        }
        descendInto(node)
        if !tight {
            result += "</p>\n"
        }
    }

    /// Renders `<h1>`…`<h6>`, with the `id` and suffix the delegate gives.
    public mutating func visitHeading(_ node: Node, level: Int) {
        newline()
        let id = delegate.headingID(node, level: level)
        if let id {
            result += "<h\(level) id=\"\(Self.escape(id))\">"
        } else {
            result += "<h\(level)>"
        }
        descendInto(node)
        result += delegate.headingSuffix(node, level: level, id: id)
        result += "</h\(level)>\n"
    }

    /// Renders `<hr />`.
    public mutating func visitThematicBreak(_ node: Node) {
        newline()
        result += "<hr />\n"
    }

    /// Renders `<table>` as GitHub-flavoured Markdown renderers do: the header row in `<thead>`, the
    /// other rows in `<tbody>`, a column's alignment as an `align` attribute on each of its cells.
    public mutating func visitTable(_ node: Node, alignments: [Node.TableAlignment]) {
        newline()
        result += "<table>\n"
        tableAlignments = alignments
        var bodyOpen = false
        for row in node.children {
            if case .tableRow(header: true) = row.kind {
                result += "<thead>\n"
                row.accept(&self)
                result += "</thead>\n"
            } else {
                if !bodyOpen {
                    result += "<tbody>\n"
                    bodyOpen = true
                }
                row.accept(&self)
            }
        }
        if bodyOpen { result += "</tbody>\n" }
        result += "</table>\n"
        tableAlignments = []
    }

    /// Renders `<tr>` with one cell per column: missing cells are rendered empty, extra cells are
    /// dropped (GitHub's rule: the delimiter row fixes the number of columns).
    public mutating func visitTableRow(_ node: Node, header: Bool) {
        result += "<tr>\n"
        let tag = header ? "th" : "td"
        for column in tableAlignments.indices {
            let align = switch tableAlignments[column] {
            case .none: ""
            case .left: " align=\"left\""
            case .center: " align=\"center\""
            case .right: " align=\"right\""
            }
            result += "<\(tag)\(align)>"
            if column < node.children.count {
                descendInto(node.children[column])
            }
            result += "</\(tag)>\n"
        }
        result += "</tr>\n"
    }

    /// Renders a cell's content (``visitTableRow(_:header:)`` writes the cell's tags).
    public mutating func visitTableCell(_ node: Node) {
        descendInto(node)
    }

    // MARK: Inlines

    /// Renders escaped text.
    public mutating func visitText(_ node: Node, text: String) {
        result += Self.escape(text)
    }

    /// Renders a newline.
    public mutating func visitSoftBreak(_ node: Node) {
        result += "\n"
    }

    /// Renders `<br />`.
    public mutating func visitLineBreak(_ node: Node) {
        result += "<br />\n"
    }

    /// Renders `<code>`.
    public mutating func visitInlineCode(_ node: Node, code: String) {
        if linkDepth == 0, let custom = delegate.inlineCode(node, code: code) {
            result += custom
            return
        }
        result += "<code>\(Self.escape(code))</code>"
    }

    /// Renders raw HTML as the delegate says.
    public mutating func visitInlineHTML(_ node: Node, html: String) {
        result += delegate.rawHTML(node, html: html, isBlock: false)
    }

    /// Renders `<em>`.
    public mutating func visitEmphasis(_ node: Node) {
        result += "<em>"
        descendInto(node)
        result += "</em>"
    }

    /// Renders `<strong>`.
    public mutating func visitStrong(_ node: Node) {
        result += "<strong>"
        descendInto(node)
        result += "</strong>"
    }

    /// Renders `<a href>` with the delegate's href (by default the destination, removed when dangerous).
    public mutating func visitLink(_ node: Node, destination: String, title: String) {
        let (href, attributes) = delegate.link(node, destination: destination, title: title)
        result += "<a href=\"\(href)\""
        if !title.isEmpty {
            result += " title=\"\(Self.escape(title))\""
        }
        result += attributes + ">"
        linkDepth += 1
        descendInto(node)
        linkDepth -= 1
        result += "</a>"
    }

    /// Renders `<img>` with the children's plain text as `alt`, unless the delegate renders the image.
    public mutating func visitImage(_ node: Node, source: String, title: String) {
        if let custom = delegate.image(node, source: source, title: title) {
            result += custom
            return
        }
        result += "<img src=\"\(HTML.safeURL(source))\" alt=\"\(Self.escape(Self.altText(node)))\""
        if !title.isEmpty {
            result += " title=\"\(Self.escape(title))\""
        }
        result += " />"
    }

    // MARK: Helpers

    private mutating func descendInto(_ node: Node, tight: Bool) {
        tightParagraphs.append(tight)
        descendInto(node)
        tightParagraphs.removeLast()
    }

    /// Starts a new line unless the output is empty or already at the start of a line.
    private mutating func newline() {
        if let last = result.utf8.last, last != UInt8(ascii: "\n") {
            result += "\n"
        }
    }

    /// The alternative text of an image: the literal text of its descendants, breaks as spaces.
    private static func altText(_ node: Node) -> String {
        var text = ""
        for child in node.children {
            switch child.kind {
            case .text(let literal), .code(let literal), .htmlInline(let literal): text += literal
            case .softBreak, .lineBreak: text += " "
            default: text += altText(child)
            }
        }
        return text
    }

    private static func isCSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    /// `text` with `&`, `<`, `>` and `"` replaced by entities, as cmark escapes.
    static func escape(_ text: String) -> String {
        HTML.escape(text, quotes: .double)
    }
}

extension HTMLFormatter where Delegate == CMarkSafeHTML {
    /// Renders `node` and its subtree as `cmark --safe` does, with the given options.
    public static func format(
        _ node: Node, rawHTML: CMarkSafeHTML.RawHTML = .omit, headingAnchors: [Int: String] = [:],
        codeBlockRenderer: (@Sendable (_ node: Node, _ info: String, _ literal: String) -> String?)? = nil
    ) -> String {
        var formatter = HTMLFormatter(delegate: CMarkSafeHTML(
            rawHTML: rawHTML, headingAnchors: headingAnchors, codeBlockRenderer: codeBlockRenderer))
        node.accept(&formatter)
        return formatter.result
    }
}
