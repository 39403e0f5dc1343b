import GuideModel
/// One page of the site as the layout sees it.
struct PageEntry: Sendable, Hashable {
    /// The kinds of page.
    enum Kind: Sendable, Hashable {
        case index
        case guide(path: String)
        case conformance
        case compat
        case measurements
    }

    var kind: Kind
    /// Site path, e.g. `guides/backup.html`.
    var path: String
    /// Title, plain text.
    var title: String
    /// The repository file "edit this page" points to, if any.
    var source: String?
}

/// The content of a page before the layout wraps it.
struct PageContent: Sendable, Hashable, Codable {
    /// The main content's HTML.
    var html: String
    /// The on-page table of contents.
    var toc: [TOCEntry]
    /// Sections for the search index.
    var sections: [SearchSection]
    /// Files to copy into the site.
    var assets: [SiteAsset]
    /// Where the links written in the guide come from, by href (for link-check messages).
    var linkOrigins: [String: String] = [:]
}

/// Wraps page contents in the site's `page.html` template: header with search and theme toggle,
/// sidebar with every page, table of contents, prev/next links and the edit link.
struct PageLayout: Sendable {
    let template: Template
    let siteTitle: String
    let pages: [PageEntry]
    let site: SiteContext
    /// Extra links for the sidebar (the API reference), as (title, site path).
    let extraLinks: [(title: String, path: String)]

    func render(_ entry: PageEntry, index: Int, content: PageContent) throws(SiteError) -> String {
        let root = Paths.rootPrefix(of: entry.path)
        var nav = "<ul>\n"
        var guideListOpen = false
        for page in pages {
            let isGuide: Bool
            if case .guide = page.kind { isGuide = true } else { isGuide = false }
            if isGuide && !guideListOpen {
                nav += "<li class=\"nav-group\">Guides<ul>\n"
                guideListOpen = true
            } else if !isGuide && guideListOpen {
                nav += "</ul></li>\n"
                guideListOpen = false
            }
            let href = Paths.percentEncode(Paths.relative(from: entry.path, to: page.path))
            let current = page.path == entry.path ? " aria-current=\"page\"" : ""
            let title = page.kind == .index ? "Home" : page.title
            nav += "<li><a href=\"\(HTML.attribute(href))\"\(current)>\(HTML.escape(title))</a></li>\n"
        }
        if guideListOpen { nav += "</ul></li>\n" }
        for link in extraLinks {
            nav += "<li><a href=\"\(HTML.attribute(Paths.percentEncode(Paths.relative(from: entry.path, to: link.path))))\">\(HTML.escape(link.title))</a></li>\n"
        }
        nav += "</ul>"

        var toc = ""
        if content.toc.count > 1 {
            toc = "<nav class=\"toc\" aria-label=\"On this page\"><h2>On this page</h2><ul>\n"
            for item in content.toc {
                toc += "<li class=\"toc-\(item.level)\"><a href=\"#\(HTML.attribute(Paths.percentEncode(item.anchor)))\">\(HTML.escape(item.text))</a></li>\n"
            }
            toc += "</ul></nav>"
        }

        var prevNext = "<nav class=\"prevnext\" aria-label=\"Previous and next page\">"
        var headLinks = ""
        if index > 0 {
            let prev = pages[index - 1]
            let href = HTML.attribute(Paths.percentEncode(Paths.relative(from: entry.path, to: prev.path)))
            prevNext += "<a class=\"prev\" rel=\"prev\" href=\"\(href)\"><span class=\"muted\">← Previous</span><br>\(HTML.escape(prev.title))</a>"
            headLinks += "<link rel=\"prev\" href=\"\(href)\">"
        }
        if index + 1 < pages.count {
            let next = pages[index + 1]
            let href = HTML.attribute(Paths.percentEncode(Paths.relative(from: entry.path, to: next.path)))
            prevNext += "<a class=\"next\" rel=\"next\" href=\"\(href)\"><span class=\"muted\">Next →</span><br>\(HTML.escape(next.title))</a>"
            headLinks += "<link rel=\"next\" href=\"\(href)\">"
        }
        prevNext += "</nav>"

        var edit = ""
        if let source = entry.source {
            // With --edit-base the link opens the file in the repository's editor; without it, it points at
            // the Markdown next to the built site, which works for a local build only, and says so.
            let label = site.editBase == nil ? "Markdown source" : "Edit this page"
            edit = "<a class=\"edit\" href=\"\(HTML.attribute(site.editHref(repoPath: source, from: entry.path)))\">\(label) <span class=\"muted\">(\(HTML.escape(source)))</span></a>"
        }
        let title = entry.kind == .index ? siteTitle : entry.title + " · " + siteTitle
        return try template.render([
            "title": HTML.escape(title),
            "site_title": HTML.escape(siteTitle),
            "root": HTML.attribute(root),
            "head_links": headLinks,
            "nav": nav,
            "toc": toc,
            "content": content.html,
            "prev_next": prevNext,
            "edit_link": edit,
        ])
    }
}
