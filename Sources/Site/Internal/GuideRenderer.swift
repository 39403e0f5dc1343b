import Foundation
import GuideModel
import Runner

/// Renders a guide's Markdown tree to HTML (the page's main content) with GuideModel's ``HTMLFormatter``,
/// and collects its table of contents and search sections (``PageOutline``).
///
/// The site changes only what a page needs (``SiteHTML``): heading permalinks, snippets and outputs, links
/// resolved between pages, local images copied into the site. Raw HTML from the Markdown is never passed
/// through: HTML comments are dropped and any other raw HTML is shown as escaped text.
struct GuideRenderer {
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

    init(guide: Guide, page: String, site: SiteContext) {
        self.guide = guide
        self.page = page
        self.site = site
    }

    /// Renders the whole guide.
    mutating func render() {
        var formatter = HTMLFormatter(delegate: SiteHTML(guide: guide, page: page, site: site))
        guide.document.accept(&formatter)
        html = formatter.result
        assets = formatter.delegate.assets
        linkOrigins = formatter.delegate.linkOrigins
        problems = formatter.delegate.problems
        var pipes = PipeParagraphFinder()
        guide.document.accept(&pipes)
        problems += pipes.lines.map {
            SiteError(file: "\(guide.path):\($0)", message: "a paragraph starts with '|': a table that does not parse as a pipe table (its second line must be a delimiter row such as |---|---| with as many cells as the header)")
        }
        var outline = PageOutline(guide: guide)
        guide.document.accept(&outline)
        outline.finish()
        toc = outline.toc
        sections = outline.sections
    }
}

/// Finds paragraphs that begin with `|`: a table that did not parse would reach the reader as one paragraph
/// of pipes, so the build fails on it.
private struct PipeParagraphFinder: MarkupWalker {
    var lines: [Int] = []

    mutating func visitParagraph(_ node: Node) {
        if node.plainText.hasPrefix("|") { lines.append(node.line) }
        descendInto(node)
    }
}

/// What the site changes in GuideModel's rendering of a guide.
struct SiteHTML: HTMLFormatterDelegate {
    let guide: Guide
    let page: String
    let site: SiteContext

    /// Local files the page shows (images), to copy into the site.
    private(set) var assets: [SiteAsset] = []
    /// Where each link of the guide's text comes from, by href.
    private(set) var linkOrigins: [String: String] = [:]
    /// Malformed constructs (a decision flow that does not parse), at their guide line.
    private(set) var problems: [SiteError] = []
    /// The id of the snippet rendered just before, so that its expected output can be attached to it.
    private var lastSnippetID: String?

    init(guide: Guide, page: String, site: SiteContext) {
        self.guide = guide
        self.page = page
        self.site = site
    }

    func headingID(_ node: Node, level: Int) -> String? {
        guard let anchor = guide.heading(atLine: node.line)?.anchor, !anchor.isEmpty else { return nil }
        return anchor
    }

    func headingSuffix(_ node: Node, level: Int, id: String?) -> String {
        guard let id else { return "" }
        return "<a class=\"permalink\" href=\"#\(HTML.attribute(Paths.percentEncode(id)))\" aria-label=\"Link to this section\" title=\"Link to this section\">¶</a>"
    }

    func rawHTML(_ node: Node, html raw: String, isBlock: Bool) -> String {
        if raw.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<!--") { return "" }
        return isBlock
            ? "<pre class=\"raw-html\" title=\"Raw HTML from the guide, shown as text\"><code>\(HTML.escape(raw))</code></pre>\n"
            : "<code class=\"raw-html\">\(HTML.escape(raw))</code>"
    }

    /// A script the snippets run (`sh script=NAME`): its name, the snippets that run it (their verdicts are
    /// the script's), a Copy button, and the commands.
    func scriptHTML(name: String, literal: String) -> String {
        let anchor = "script-" + name
        let runners = guide.snippets.filter { $0.code.contains("runScript(\"\(name)\"") }
        var html = "<figure class=\"snippet script\" id=\"\(HTML.attribute(anchor))\">\n<figcaption class=\"snippet-head\">"
        html += "<a class=\"snippet-id\" href=\"#\(HTML.attribute(anchor))\" title=\"Link to this script\"><code>\(HTML.escape(name))</code></a>"
        html += "<span class=\"badge b-recipe\" title=\"a shell script the snippets run as it is shown\">script</span>"
        for runner in runners {
            html += "<a class=\"badge\" href=\"#\(HTML.attribute(SiteContext.snippetAnchor(runner.id)))\" title=\"the snippet that runs this script and checks its outcome\">run by <code>\(HTML.escape(runner.id))</code></a>"
        }
        html += "<span class=\"snippet-tools js-only\"><button type=\"button\" class=\"copy\" title=\"Copy the script\">Copy</button></span>"
        html += "</figcaption>\n<pre class=\"code lang-sh\"><code>"
        html += literal.split(separator: "\n", omittingEmptySubsequences: false).dropLast(literal.hasSuffix("\n") ? 1 : 0)
            .map { "<span class=\"line\">\(HTML.escape(String($0)))\n</span>" }.joined()
        html += "</code></pre></figure>\n"
        return html
    }

    mutating func codeBlock(_ node: Node, info: String, literal: String) -> String? {
        var html = ""
        let block = guide.codeBlock(atLine: node.line)
        switch block?.role {
        case .snippet(let id):
            if let snippet = guide.snippet(id: id) {
                lastSnippetID = id
                return SnippetRenderer(snippet: snippet, page: page, site: site).render()
            }
        case .prelude(let context):
            let lines = SwiftHighlighter.htmlLines(guide.prelude(context: context)?.sourceCode ?? literal)
            html += "<details class=\"prelude\"><summary>Setup code of the context <code>\(HTML.escape(context))</code> (runs before each of its snippets)</summary>\n"
            html += "<pre class=\"code swift\"><code>" + lines.map { "<span class=\"line\">\($0)\n</span>" }.joined() + "</code></pre></details>\n"
            return html
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
            return html
        case .script(let name):
            return scriptHTML(name: name, literal: literal)
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
            lastSnippetID = nil
            return html
        }
        let langClass = language.map { " lang-" + HTML.attribute($0) } ?? ""
        html += "<pre class=\"code\(langClass)\"><code>"
        if language == "swift" {
            html += SwiftHighlighter.htmlLines(literal).map { $0 + "\n" }.joined()
        } else {
            html += HTML.escape(literal)
        }
        html += "</code></pre>\n"
        lastSnippetID = nil
        return html
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

    mutating func link(_ node: Node, destination: String, title: String) -> (href: String, attributes: String) {
        let href = site.resolveLink(destination, fromGuide: guide.path, page: page)
        if linkOrigins[href] == nil { linkOrigins[href] = "\(guide.path):\(node.line): \(destination)" }
        return (HTML.attribute(href), Paths.isExternal(href) ? " class=\"external\" rel=\"noopener\"" : "")
    }

    /// A libvirt name or XML element in inline code links to libvirt's reference.
    func inlineCode(_ node: Node, code: String) -> String? {
        guard let url = site.reference.url(forInlineCode: code) else { return nil }
        return "<a class=\"api-ref\" href=\"\(HTML.attribute(url))\" title=\"libvirt's reference\"><code>\(HTML.escape(code))</code></a>"
    }

    mutating func image(_ node: Node, source: String, title: String) -> String? {
        let alt = node.plainText
        if Paths.isExternal(source) || source.hasPrefix("data:") {
            // The site loads nothing from elsewhere: an external image becomes a link to it.
            return "<a class=\"external image-link\" rel=\"noopener\" href=\"\(HTML.attribute(source))\">\(HTML.escape(alt.isEmpty ? source : alt))</a>"
        }
        let (asset, href) = site.resolveImage(source, fromGuide: guide.path, page: page)
        if linkOrigins[href] == nil { linkOrigins[href] = "\(guide.path):\(node.line): \(source)" }
        if let asset { assets.append(asset) }
        var html = "<img src=\"\(HTML.attribute(href))\" alt=\"\(HTML.attribute(alt))\""
        if !title.isEmpty { html += " title=\"\(HTML.attribute(title))\"" }
        return html + ">"
    }
}
