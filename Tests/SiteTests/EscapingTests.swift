import Foundation
import Lab
import Runner
import Testing
@testable import Site

@Suite("Escaping")
struct EscapingTests {
    /// The `<script` tags a page may have: the layout's inline theme script and `site.js`.
    static func scriptTags(_ html: String) -> Int {
        html.components(separatedBy: "<script").count - 1
    }

    @Test("<script> in a guide and in a libvirt error message of a results file is shown as text, never run")
    func scriptIsEscaped() throws {
        let (sample, options) = try SampleProject.makeHostile()
        defer { sample.remove() }
        let report = try SiteBuilder(options: options).build()
        for page in report.pages {
            let html = try sample.read(page)
            #expect(Self.scriptTags(html) == 2, "\(page) has a <script> tag that is not the site's own")
            #expect(!html.contains("<img>"), "\(page)")
            #expect(!html.contains("<b>u</b>"), "\(page)")
            #expect(!html.contains("<i>"), "\(page)")
        }
        let page = try sample.read("guides/evil.html")
        #expect(page.contains("internal error: &lt;script&gt;alert(&#39;libvirt&#39;)&lt;/script&gt;")
                || page.contains("internal error: &lt;script&gt;alert('libvirt')&lt;/script&gt;"))
        #expect(page.contains("&lt;script&gt;alert(&quot;block&quot;)&lt;/script&gt;") || page.contains("&lt;script&gt;alert(\"block\")&lt;/script&gt;"))
        #expect(page.contains("title=\"&lt;script&gt;t&lt;/script&gt;\""))
        #expect(page.contains("alt=\"&lt;script&gt;alt&lt;/script&gt;\"") || page.contains("alt=\"alt\""))
        #expect(page.contains("&lt;/span&gt;&lt;script&gt;"), "a hidden line's text is escaped too")
        // The search index, loaded as a script, must not be able to close its <script> element.
        let index = try sample.read("search-index.js")
        #expect(!index.contains("</script"))
        #expect(!index.contains("<script"))
    }
}
