import Foundation
import GuideModel
import Runner

/// Renders a guide's Markdown tree to HTML (the page's main content), collecting its table of contents
/// and search sections on the way.
///
/// Raw HTML from the Markdown is never passed through: HTML comments are dropped and any other raw HTML
/// is shown as escaped text. Every text goes through ``HTML/escape(_:)``.
struct GuideRenderer: MarkupWalker {
    let guide: Guide
    let page: String
    let site: SiteContext

    private(set) var html = ""
    private(set) var toc: [TOCEntry] = []
    private(set) var sections: [SearchSection] = []
    /// Local files the page shows (images), to copy into the site: (absolute source path, site path).
    private(set) var assets: [SiteAsset] = []
    /// Where each link of the guide's text comes from, by href: `Guides/a.md:12 (overview.md)`.
    private(set) var linkOrigins: [String: String] = [:]
    /// Malformed constructs (a decision flow that does not parse), at their guide line.
    private(set) var problems: [SiteError] = []

    private var tightStack: [Bool] = []
    private var sectionText = ""
    private var sectionAnchor = ""
    private var sectionTitle = ""
    /// The id of the snippet rendered just before, so that its expected output can be attached to it.
    private var lastSnippetID: String?

    init(guide: Guide, page: String, site: SiteContext) {
        self.guide = guide
        self.page = page
        self.site = site
        self.sectionTitle = guide.title
    }

    /// Renders the whole guide.
    mutating func render() {
        guide.document.accept(&self)
        closeSection()
    }

    private mutating func closeSection() {
        let text = sectionText.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if !text.isEmpty || !sectionAnchor.isEmpty {
            sections.append(SearchSection(anchor: sectionAnchor, title: sectionTitle, text: text))
        }
        sectionText = ""
    }

    private mutating func addText(_ text: String) {
        sectionText += text
    }

    // MARK: Blocks

    mutating func visitDocument(_ node: Node) {
        descendInto(node)
    }

    mutating func visitParagraph(_ node: Node) {
        if tightStack.last == true {
            descendInto(node)
            html += "\n"
        } else {
            html += "<p>"
            descendInto(node)
            html += "</p>\n"
        }
        addText(" ")
    }

    mutating func visitHeading(_ node: Node, level: Int) {
        let heading = guide.heading(atLine: node.line)
        let anchor = heading?.anchor ?? ""
        if level > 1 {
            closeSection()
            sectionAnchor = anchor
            sectionTitle = heading?.text ?? node.plainText
            if level <= 3 { toc.append(TOCEntry(level: level, text: sectionTitle, anchor: anchor)) }
        }
        let idAttribute = anchor.isEmpty ? "" : " id=\"\(HTML.attribute(anchor))\""
        html += "<h\(level)\(idAttribute)>"
        let saved = sectionText
        descendInto(node)
        sectionText = saved
        if !anchor.isEmpty {
            html += "<a class=\"permalink\" href=\"#\(HTML.attribute(Paths.percentEncode(anchor)))\" aria-label=\"Link to this section\" title=\"Link to this section\">¶</a>"
        }
        html += "</h\(level)>\n"
    }

    mutating func visitBlockQuote(_ node: Node) {
        html += "<blockquote>\n"
        tightStack.append(false)
        descendInto(node)
        tightStack.removeLast()
        html += "</blockquote>\n"
    }

    mutating func visitList(_ node: Node, ordered: Bool, start: Int, tight: Bool) {
        if ordered {
            html += start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n"
        } else {
            html += "<ul>\n"
        }
        tightStack.append(tight)
        descendInto(node)
        tightStack.removeLast()
        html += ordered ? "</ol>\n" : "</ul>\n"
    }

    mutating func visitItem(_ node: Node) {
        html += "<li>"
        descendInto(node)
        html += "</li>\n"
    }

    mutating func visitThematicBreak(_ node: Node) {
        html += "<hr>\n"
    }

    mutating func visitHTMLBlock(_ node: Node, html raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("<!--") { return }
        html += "<pre class=\"raw-html\" title=\"Raw HTML from the guide, shown as text\"><code>\(HTML.escape(raw))</code></pre>\n"
        addText(raw)
    }

    mutating func visitCodeBlock(_ node: Node, info: String, literal: String) {
        let block = guide.codeBlock(atLine: node.line)
        switch block?.role {
        case .snippet(let id):
            if let snippet = guide.snippet(id: id) {
                html += SnippetRenderer(snippet: snippet, page: page, site: site).render()
                addText(" " + snippet.id + " " + snippet.visibleCode + " ")
                lastSnippetID = id
                return
            }
        case .prelude(let context):
            let lines = SwiftHighlighter.htmlLines(guide.prelude(context: context)?.sourceCode ?? literal)
            html += "<details class=\"prelude\"><summary>Setup code of the context <code>\(HTML.escape(context))</code> (runs before each of its snippets)</summary>\n"
            html += "<pre class=\"code swift\"><code>" + lines.map { "<span class=\"line\">\($0)\n</span>" }.joined() + "</code></pre></details>\n"
            return
        case .expectedOutput(let snippetID):
            let masked = guide.snippet(id: snippetID)?.expectedOutput?.isMasked ?? false
            html += "<div class=\"output\" data-for=\"\(HTML.attribute(snippetID))\"><div class=\"output-label\">Expected output"
            if lastSnippetID != snippetID {
                html += " of <a href=\"#snippet-\(HTML.attribute(snippetID))\"><code>\(HTML.escape(snippetID))</code></a>"
            }
            if masked { html += " <span class=\"muted\">({{…}} matches any text)</span>" }
            html += "</div><pre class=\"code output-text\"><code>"
            html += masked ? Self.maskedHTML(literal) : HTML.escape(literal)
            html += "</code></pre></div>\n"
            addText(literal)
            return
        case .display, nil:
            break
        }
        let language = block?.language ?? info.split(separator: " ").first.map(String.init)
        if language == "flow" {
            do {
                let chart = try FlowChart(text: literal, firstLine: node.line + 1)
                html += chart.html(link: { site.resolveLink($0, fromGuide: guide.path, page: page) },
                                   snippetLink: { guidePath, id in
                                       let base = guidePath.split(separator: "#").first.map(String.init) ?? guidePath
                                       return site.resolveLink(base + "#" + SiteContext.snippetAnchor(id), fromGuide: guide.path, page: page)
                                   })
            } catch {
                problems.append(SiteError(file: "\(guide.path):\(error.line)", message: "decision flow: \(error.message)"))
                html += "<pre class=\"code\"><code>\(HTML.escape(literal))</code></pre>\n"
            }
            addText(literal)
            lastSnippetID = nil
            return
        }
        let langClass = language.map { " lang-" + HTML.attribute($0) } ?? ""
        html += "<pre class=\"code\(langClass)\"><code>"
        if language == "swift" {
            html += SwiftHighlighter.htmlLines(literal).map { $0 + "\n" }.joined()
        } else {
            html += HTML.escape(literal)
        }
        html += "</code></pre>\n"
        addText(literal)
        lastSnippetID = nil
    }

    /// Expected output with `{{…}}` wildcards marked.
    static func maskedHTML(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
            out += HTML.escape(String(rest[..<open.lowerBound]))
            out += "<span class=\"wildcard\">" + HTML.escape(String(rest[open.lowerBound..<close.upperBound])) + "</span>"
            rest = rest[close.upperBound...]
        }
        return out + HTML.escape(String(rest))
    }

    // MARK: Inlines

    mutating func visitText(_ node: Node, text: String) {
        html += HTML.escape(text)
        addText(text)
    }

    mutating func visitSoftBreak(_ node: Node) {
        html += "\n"
        addText(" ")
    }

    mutating func visitLineBreak(_ node: Node) {
        html += "<br>\n"
        addText(" ")
    }

    mutating func visitInlineCode(_ node: Node, code: String) {
        html += "<code>\(HTML.escape(code))</code>"
        addText(code)
    }

    mutating func visitInlineHTML(_ node: Node, html raw: String) {
        if raw.hasPrefix("<!--") { return }
        html += "<code class=\"raw-html\">\(HTML.escape(raw))</code>"
    }

    mutating func visitEmphasis(_ node: Node) {
        html += "<em>"
        descendInto(node)
        html += "</em>"
    }

    mutating func visitStrong(_ node: Node) {
        html += "<strong>"
        descendInto(node)
        html += "</strong>"
    }

    mutating func visitLink(_ node: Node, destination: String, title: String) {
        let href = site.resolveLink(destination, fromGuide: guide.path, page: page)
        if linkOrigins[href] == nil { linkOrigins[href] = "\(guide.path):\(node.line): \(destination)" }
        let external = Paths.isExternal(href)
        html += "<a href=\"\(HTML.attribute(href))\""
        if !title.isEmpty { html += " title=\"\(HTML.attribute(title))\"" }
        if external { html += " class=\"external\" rel=\"noopener\"" }
        html += ">"
        descendInto(node)
        html += "</a>"
    }

    mutating func visitImage(_ node: Node, source: String, title: String) {
        let alt = node.plainText
        if Paths.isExternal(source) || source.hasPrefix("data:") {
            // The site loads nothing from elsewhere: an external image becomes a link to it.
            html += "<a class=\"external image-link\" rel=\"noopener\" href=\"\(HTML.attribute(source))\">\(HTML.escape(alt.isEmpty ? source : alt))</a>"
            return
        }
        let (asset, href) = site.resolveImage(source, fromGuide: guide.path, page: page)
        if linkOrigins[href] == nil { linkOrigins[href] = "\(guide.path):\(node.line): \(source)" }
        if let asset { assets.append(asset) }
        html += "<img src=\"\(HTML.attribute(href))\" alt=\"\(HTML.attribute(alt))\""
        if !title.isEmpty { html += " title=\"\(HTML.attribute(title))\"" }
        html += ">"
        addText(alt)
    }
}
