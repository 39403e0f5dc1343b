import Foundation
import GuideModel
import Runner

/// The home page: who the site is for, three ways in (learn, do, check a version), the guides in reading
/// order with their verdict summaries, the hosts, and links to the conformance matrix, the measurements and
/// the API reference.
struct IndexPage {
    let guides: GuideSet
    let site: SiteContext
    let siteTitle: String
    let guidePages: [PageEntry]
    let apiLinks: [(title: String, path: String)]
    let page = SiteContext.indexPage

    func render() -> PageContent {
        var html = "<h1 id=\"top\">\(HTML.escape(siteTitle))<a class=\"permalink\" href=\"#top\" aria-label=\"Link to this section\">¶</a></h1>\n"
        html += "<p class=\"lead\">Executable guides to libvirt's domain state capture APIs — snapshots, block copy and commit, backups (push, and pull over NBD), checkpoints, freeze and thaw, save. Every snippet is a Swift program over a thin binding of libvirt's C API (each call names its C function), compiled and run against real libvirt hosts; next to it is what it did on each libvirt version.</p>\n"
        html += "<p>For <strong>developers</strong> choosing the API for a task and writing the program, <strong>hypervisor maintainers</strong> who run the same checks against their own host and build, and anyone who needs to know what changed between libvirt versions.</p>\n"
        var sections = [SearchSection(anchor: "", title: siteTitle, text: "guides conformance measurements api reference start learn do check version")]
        var toc: [TOCEntry] = []

        // Three ways in.
        let ordered = guidePages.compactMap { entry -> (PageEntry, Guide)? in
            guard case .guide(let path) = entry.kind, let guide = guides.guide(path: path) else { return nil }
            return (entry, guide)
        }
        let introduction = ordered.first { Self.basename($0.1.path) == "index.md" }
        let chapters = ordered.filter { Self.basename($0.1.path) != "index.md" }
        let learn = chapters.prefix(2)
        let cookbook = chapters.first { Self.basename($0.1.path) == "cookbook.md" }
        toc.append(TOCEntry(level: 2, text: "Start here", anchor: "start"))
        html += "<h2 id=\"start\">Start here<a class=\"permalink\" href=\"#start\" aria-label=\"Link to this section\">¶</a></h2>\n<div class=\"ways\">\n"
        if !learn.isEmpty {
            html += "<section class=\"way\" aria-labelledby=\"way-learn\"><h3 id=\"way-learn\">Learn</h3><p>Which API captures what, when, and at what cost to the guest.</p><p>"
            html += learn.map { "<a href=\"\(HTML.attribute(Paths.percentEncode($0.0.path)))\">\(HTML.escape($0.1.title))</a>" }.joined(separator: " → ")
            html += "</p></section>\n"
        }
        if let cookbook {
            html += "<section class=\"way\" aria-labelledby=\"way-do\"><h3 id=\"way-do\">Do</h3><p>A task in mind: a consistent backup, a nightly incremental, rolling back an upgrade, moving a disk live.</p><p>"
            html += "<a href=\"\(HTML.attribute(Paths.percentEncode(cookbook.0.path)))\">\(HTML.escape(cookbook.1.title))</a></p></section>\n"
        }
        html += "<section class=\"way\" aria-labelledby=\"way-check\"><h3 id=\"way-check\">Check a version</h3><p>Does it work on your distribution's libvirt? Every claim against every version these guides ran on"
        html += site.results.hosts.isEmpty ? "." : " (" + site.results.hosts.map { HTML.escape($0.versionLabel) }.joined(separator: ", ") + ")."
        html += "</p><p><a href=\"\(SiteContext.compatPage)\">Which libvirt do I need?</a> · <a href=\"\(SiteContext.conformancePage)\">Conformance</a> · <a href=\"\(SiteContext.measurementsPage)\">Measurements</a></p></section>\n</div>\n"

        // The guides, in reading order.
        toc.append(TOCEntry(level: 2, text: "Guides, in reading order", anchor: "guides"))
        html += "<h2 id=\"guides\">Guides, in reading order<a class=\"permalink\" href=\"#guides\" aria-label=\"Link to this section\">¶</a></h2>\n"
        if chapters.isEmpty {
            html += "<p class=\"muted\">There are no guides yet.</p>\n"
        } else {
            if let introduction {
                html += "<p>New to state capture? <a href=\"\(HTML.attribute(Paths.percentEncode(introduction.0.path)))\">\(HTML.escape(introduction.1.title))</a> says what the guides cover and how they are checked.</p>\n"
            }
            html += "<ol class=\"guide-list\">\n"
            for (entry, guide) in chapters {
                html += "<li><a href=\"\(HTML.attribute(Paths.percentEncode(entry.path)))\">\(HTML.escape(guide.title))</a>"
                if let summary = Self.summary(of: guide) { html += "<div class=\"summary\">\(HTML.escape(summary))</div>" }
                var totals = Totals()
                for s in guide.snippets { for host in site.results.hosts { if let r = host.result(snippet: s.id) { totals.add(r.verdict) } } }
                if !guide.snippets.isEmpty {
                    html += "<div class=\"muted\">\(guide.snippets.count) snippet\(guide.snippets.count == 1 ? "" : "s")"
                    if totals.total > 0 { html += " · " + ConformancePage.totalsHTML(totals) }
                    html += "</div>"
                }
                html += "</li>\n"
            }
            html += "</ol>\n"
        }
        toc.append(TOCEntry(level: 2, text: "Results", anchor: "results"))
        html += "<h2 id=\"results\">Results<a class=\"permalink\" href=\"#results\" aria-label=\"Link to this section\">¶</a></h2>\n"
        if site.results.hosts.isEmpty {
            html += "<p>This build shows no verdicts: pass results files with <code>rewind site --results FILE</code>.</p>\n"
        } else {
            html += "<ul>\n"
            for host in site.results.hosts {
                html += "<li><a href=\"\(HTML.attribute(site.hostHref(host.id, from: page)))\"><strong>\(HTML.escape(host.versionLabel))</strong></a> <span class=\"muted\">\(HTML.escape(host.label))</span>: \(ConformancePage.totalsHTML(host.results.totals))</li>\n"
            }
            html += "</ul>\n"
        }
        toc.append(TOCEntry(level: 2, text: "Reference", anchor: "reference"))
        html += "<h2 id=\"reference\">Reference<a class=\"permalink\" href=\"#reference\" aria-label=\"Link to this section\">¶</a></h2>\n<ul>\n"
        html += "<li><a href=\"\(SiteContext.conformancePage)\">Conformance</a>: \(site.catalog.claims.count) claims of libvirt's documentation × the hosts, with coverage and findings.</li>\n"
        html += "<li><a href=\"\(SiteContext.compatPage)\">Which build does what</a>: every claim per libvirt/QEMU build of the results, the range the runs show, and where it contradicts the guides' declared ranges.</li>\n"
        html += "<li><a href=\"\(SiteContext.measurementsPage)\">Measurements</a>: the numbers the snippets recorded, as charts.</li>\n"
        for link in apiLinks {
            html += "<li><a href=\"\(HTML.attribute(Paths.percentEncode(link.path)))\">\(HTML.escape(link.title))</a> (DocC)</li>\n"
        }
        html += "</ul>\n"
        sections.append(SearchSection(anchor: "guides", title: "Guides", text: guides.guides.map(\.title).joined(separator: " ")))
        return PageContent(html: html, toc: toc, sections: sections, assets: [])
    }

    private static func basename(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    /// The first sentence of a guide's first paragraph, as plain text; a sentence longer than 240
    /// characters is cut at the last word that fits.
    static func summary(of guide: Guide) -> String? {
        guard let paragraph = guide.document.children.first(where: { $0.kind == .paragraph }) else { return nil }
        let text = paragraph.plainText.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !text.isEmpty else { return nil }
        var sentence = text
        if let end = text.firstRange(of: ". ") { sentence = String(text[..<end.lowerBound]) + "." }
        guard sentence.count > 240 else { return sentence }
        var cut = String(sentence.prefix(240))
        if let space = cut.lastIndex(of: " ") { cut = String(cut[..<space]) }
        return cut.trimmingCharacters(in: CharacterSet(charactersIn: ",;:")) + " …"
    }
}
