import Foundation
import GuideModel
import Runner
import Testing
@testable import Site

@Suite("Headings in the search index")
struct HeadingCheckTests {
    static func guide() throws -> Guide {
        let (guide, errors) = Guide.parse(source: "# Title\n\n## Pull mode\n\ntext\n\n### Scratch files\n\nmore\n", path: "Guides/g.md")
        #expect(errors.isEmpty)
        return try #require(guide)
    }

    @Test("a page whose headings all have ids and index sections passes")
    func passes() throws {
        let guide = try Self.guide()
        let site = SiteContext(root: "/r", output: "/r/_site", guidePages: ["Guides/g.md": "guides/g.html"], results: ResultsSet(),
                               catalog: ClaimCatalog(), editBase: nil, guidesPrefix: "Guides/")
        var renderer = GuideRenderer(guide: guide, page: "guides/g.html", site: site)
        renderer.render()
        var index = SearchIndex()
        index.add(title: "Title", path: "guides/g.html", sections: renderer.sections)
        #expect(HeadingCheck.check([.init(guide: guide, path: "guides/g.html", html: renderer.html)], index: index).isEmpty)
    }

    @Test("a planted heading without its id, and one without an index section, are reported at their lines")
    func plantedFailures() throws {
        let guide = try Self.guide()
        let html = "<h2 id=\"pull-mode\">Pull mode</h2><h3>Scratch files</h3>"
        var index = SearchIndex()
        index.add(title: "Title", path: "guides/g.html", sections: [SearchSection(anchor: "pull-mode", title: "Pull mode", text: "text")])
        let errors = HeadingCheck.check([.init(guide: guide, path: "guides/g.html", html: html)], index: index)
        #expect(errors.map(\.file) == ["Guides/g.md:7", "Guides/g.md:7"])
        #expect(errors.first?.message.contains("no element with id \"scratch-files\"") == true)
        #expect(errors.last?.message.contains("(#scratch-files) has no section in the search index") == true)
    }
}
