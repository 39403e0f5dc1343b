import GuideModel

/// Every heading a reader can link to is also a place search can find: each heading of level 2 or deeper
/// of a guide has its `id` on the page and a section of its own, with its anchor and title, in the search
/// index. A heading that fails is reported at its guide line.
enum HeadingCheck {
    /// One guide page as built: the guide, its site path, and its HTML.
    struct Page {
        var guide: Guide
        var path: String
        var html: String
    }

    static func check(_ pages: [Page], index: SearchIndex) -> [SiteError] {
        var indexed: Set<String> = []
        for section in index.sections {
            let page = index.pages[section.page].path
            indexed.insert(page + "#" + section.anchor)
        }
        var errors: [SiteError] = []
        for page in pages {
            for heading in page.guide.headings where heading.level > 1 {
                let at = "\(page.guide.path):\(heading.line)"
                if heading.anchor.isEmpty {
                    errors.append(SiteError(file: at, message: "heading \"\(heading.text)\" has no anchor"))
                    continue
                }
                if !page.html.contains("id=\"\(HTML.escape(heading.anchor, quotes: .double))\"") {
                    errors.append(SiteError(file: at, message: "heading \"\(heading.text)\": no element with id \"\(heading.anchor)\" on \(page.path)"))
                }
                if !indexed.contains(page.path + "#" + heading.anchor) {
                    errors.append(SiteError(file: at, message: "heading \"\(heading.text)\" (#\(heading.anchor)) has no section in the search index"))
                }
            }
        }
        return errors
    }
}
