import Foundation
import GuideModel
import Runner

/// The home page: the guides with their verdict summaries, the hosts, and links to the conformance
/// matrix, the measurements and the API reference.
struct IndexPage {
    let guides: GuideSet
    let site: SiteContext
    let siteTitle: String
    let guidePages: [PageEntry]
    let apiLinks: [(title: String, path: String)]
    let page = SiteContext.indexPage

    func render() -> PageContent {
        var html = "<h1 id=\"top\">\(HTML.escape(siteTitle))<a class=\"permalink\" href=\"#top\" aria-label=\"Link to this section\">¶</a></h1>\n"
        html += "<p class=\"lead\">Executable guides to libvirt's domain state capture APIs — snapshots, block copy and commit, backups over NBD, checkpoints, freeze and thaw, save. Every Swift snippet is compiled and run; next to it is its verdict on every host it ran on.</p>\n"
        var sections = [SearchSection(anchor: "", title: siteTitle, text: "guides conformance measurements api reference")]
        var toc: [TOCEntry] = [TOCEntry(level: 2, text: "Guides", anchor: "guides")]
        html += "<h2 id=\"guides\">Guides<a class=\"permalink\" href=\"#guides\" aria-label=\"Link to this section\">¶</a></h2>\n"
        if guidePages.isEmpty {
            html += "<p class=\"muted\">There are no guides yet.</p>\n"
        } else {
            html += "<ul class=\"guide-list\">\n"
            for entry in guidePages {
                guard case .guide(let path) = entry.kind, let guide = guides.guide(path: path) else { continue }
                html += "<li><a href=\"\(HTML.attribute(Paths.percentEncode(entry.path)))\">\(HTML.escape(guide.title))</a>"
                if let summary = Self.summary(of: guide) { html += "<div class=\"summary\">\(HTML.escape(summary))</div>" }
                html += "<div class=\"muted\">\(guide.snippets.count) snippet\(guide.snippets.count == 1 ? "" : "s")"
                var totals = Totals()
                for s in guide.snippets { for host in site.results.hosts { if let r = host.result(snippet: s.id) { totals.add(r.verdict) } } }
                if totals.total > 0 { html += " · " + ConformancePage.totalsHTML(totals) }
                html += "</div></li>\n"
            }
            html += "</ul>\n"
        }
        toc.append(TOCEntry(level: 2, text: "Results", anchor: "results"))
        html += "<h2 id=\"results\">Results<a class=\"permalink\" href=\"#results\" aria-label=\"Link to this section\">¶</a></h2>\n"
        if site.results.hosts.isEmpty {
            html += "<p>This build shows no verdicts: pass results files with <code>rewind site --results FILE</code>.</p>\n"
        } else {
            html += "<ul>\n"
            for host in site.results.hosts {
                html += "<li><a href=\"\(HTML.attribute(site.hostHref(host.id, from: page)))\">\(host.id)</a> \(HTML.escape(host.label)): \(ConformancePage.totalsHTML(host.results.totals))</li>\n"
            }
            html += "</ul>\n"
        }
        toc.append(TOCEntry(level: 2, text: "Reference", anchor: "reference"))
        html += "<h2 id=\"reference\">Reference<a class=\"permalink\" href=\"#reference\" aria-label=\"Link to this section\">¶</a></h2>\n<ul>\n"
        html += "<li><a href=\"\(SiteContext.conformancePage)\">Conformance</a>: \(site.catalog.claims.count) claims of libvirt's documentation × the hosts, with coverage and findings.</li>\n"
        html += "<li><a href=\"\(SiteContext.measurementsPage)\">Measurements</a>: the numbers the snippets recorded, as charts.</li>\n"
        for link in apiLinks {
            html += "<li><a href=\"\(HTML.attribute(Paths.percentEncode(link.path)))\">\(HTML.escape(link.title))</a> (DocC)</li>\n"
        }
        html += "</ul>\n"
        sections.append(SearchSection(anchor: "guides", title: "Guides", text: guides.guides.map(\.title).joined(separator: " ")))
        return PageContent(html: html, toc: toc, sections: sections, assets: [])
    }

    /// The first paragraph of a guide, as plain text, cut at 240 characters.
    static func summary(of guide: Guide) -> String? {
        guard let paragraph = guide.document.children.first(where: { $0.kind == .paragraph }) else { return nil }
        let text = paragraph.plainText.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !text.isEmpty else { return nil }
        return text.count > 240 ? String(text.prefix(239)) + "…" : text
    }
}
