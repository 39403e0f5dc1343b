/// Renders a ``Node`` tree to HTML, the way cmark's safe HTML renderer does.
///
/// The output matches `cmark --safe` for the same document (which the tests check), so a site can start
/// from it and override single node kinds. Nothing from the guide is trusted: text is escaped, raw HTML
/// is omitted or escaped (``RawHTML``), and `javascript:`, `vbscript:`, `file:` and non-image `data:`
/// URLs are removed.
///
/// ```swift
/// let html = HTMLFormatter.format(guide.document, headingAnchors: anchors)
/// ```
public struct HTMLFormatter: MarkupWalker {
    /// What to do with raw HTML from the guide.
    public enum RawHTML: Sendable, Hashable {
        /// Replace it with `<!-- raw HTML omitted -->`, as cmark does in safe mode.
        case omit
        /// Show it as escaped text.
        case escape
    }

    /// What to do with raw HTML.
    public let rawHTML: RawHTML

    /// Heading ids to emit, by the heading's line (see ``Guide/headings``).
    public let headingAnchors: [Int: String]

    /// Renders code blocks in place of the default `<pre><code>`: called with the node, its info string and
    /// its content; returning `nil` keeps the default rendering. A site uses it to render snippets (hidden
    /// lines, highlighting, verdicts) while the formatter renders the prose around them.
    public let codeBlockRenderer: (@Sendable (_ node: Node, _ info: String, _ literal: String) -> String?)?

    /// The HTML produced so far.
    public private(set) var result = ""

    /// For each open list, whether it is tight.
    private var listTightness: [Bool] = []
    /// For each open container of paragraphs, whether its paragraphs are tight (rendered without `<p>`).
    private var tightParagraphs: [Bool] = []

    /// Creates a formatter.
    public init(
        rawHTML: RawHTML = .omit, headingAnchors: [Int: String] = [:],
        codeBlockRenderer: (@Sendable (_ node: Node, _ info: String, _ literal: String) -> String?)? = nil
    ) {
        self.rawHTML = rawHTML
        self.headingAnchors = headingAnchors
        self.codeBlockRenderer = codeBlockRenderer
    }

    /// Renders `node` and its subtree.
    public static func format(
        _ node: Node, rawHTML: RawHTML = .omit, headingAnchors: [Int: String] = [:],
        codeBlockRenderer: (@Sendable (_ node: Node, _ info: String, _ literal: String) -> String?)? = nil
    ) -> String {
        var formatter = HTMLFormatter(
            rawHTML: rawHTML, headingAnchors: headingAnchors, codeBlockRenderer: codeBlockRenderer)
        node.accept(&formatter)
        return formatter.result
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

    /// Renders `<pre><code>`, with a `language-…` class from the info string's first word.
    public mutating func visitCodeBlock(_ node: Node, info: String, literal: String) {
        newline()
        if let custom = codeBlockRenderer?(node, info, literal) {
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

    /// Renders raw HTML according to ``rawHTML``.
    public mutating func visitHTMLBlock(_ node: Node, html: String) {
        newline()
        result += raw(html)
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

    /// Renders `<h1>`…`<h6>`, with an `id` when ``headingAnchors`` has one for the heading's line.
    public mutating func visitHeading(_ node: Node, level: Int) {
        newline()
        if let anchor = headingAnchors[node.line] {
            result += "<h\(level) id=\"\(Self.escape(anchor))\">"
        } else {
            result += "<h\(level)>"
        }
        descendInto(node)
        result += "</h\(level)>\n"
    }

    /// Renders `<hr />`.
    public mutating func visitThematicBreak(_ node: Node) {
        newline()
        result += "<hr />\n"
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
        result += "<code>\(Self.escape(code))</code>"
    }

    /// Renders raw HTML according to ``rawHTML``.
    public mutating func visitInlineHTML(_ node: Node, html: String) {
        result += raw(html)
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

    /// Renders `<a href>`, with the destination removed when it is dangerous.
    public mutating func visitLink(_ node: Node, destination: String, title: String) {
        result += "<a href=\"\(Self.safeURL(destination))\""
        if !title.isEmpty {
            result += " title=\"\(Self.escape(title))\""
        }
        result += ">"
        descendInto(node)
        result += "</a>"
    }

    /// Renders `<img>` with the children's plain text as `alt`.
    public mutating func visitImage(_ node: Node, source: String, title: String) {
        result += "<img src=\"\(Self.safeURL(source))\" alt=\"\(Self.escape(Self.altText(node)))\""
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

    private func raw(_ html: String) -> String {
        switch rawHTML {
        case .omit: "<!-- raw HTML omitted -->"
        case .escape: Self.escape(html)
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

    /// `text` with `&`, `<`, `>` and `"` replaced by entities.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `url` escaped for an attribute, or the empty string when its scheme is dangerous.
    static func safeURL(_ url: String) -> String {
        let lowered = url.lowercased()
        let safeImages = ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"]
        let dangerous = ["javascript:", "vbscript:", "file:", "data:"]
        if !safeImages.contains(where: lowered.hasPrefix), dangerous.contains(where: lowered.hasPrefix) {
            return ""
        }
        var escaped = ""
        for byte in url.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += "&amp;"
            case UInt8(ascii: "'"): escaped += "&#x27;"
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                if "!#$%()*+,-./:;=?@_~".utf8.contains(byte) {
                    escaped.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
        }
        return escaped
    }
}

extension String {
    /// The string with zeros put in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
