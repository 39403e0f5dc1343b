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
        let guide = """
            # Evil <script>alert("title")</script> guide

            Text <script>alert("inline")</script> and [a link](https://example.org "<script>t</script>")
            and ![<script>alt</script>](pic.png "<img>").

            <script>alert("block")</script>

            ## Heading with <script>alert(2)</script>

            ```swift id=evil-snippet claims=snap.create.full-default
            let s = "<script>alert('code')</script>"
            # let hidden = "</span><script>alert('hidden')</script>"
            ```

            ```output
            <script>alert("output")</script>
            ```

            ```html
            <script>alert("display")</script>
            ```
            """
        let sample = try SampleProject.make(guides: ["Guides/evil.md": guide])
        defer { sample.remove() }
        try Data([0x89, 0x50]).write(to: sample.root.appendingPathComponent("Guides/pic.png"))

        var evidence = Evidence()
        evidence.measurements = [.init(name: "<script>m</script>", value: 1, unit: "<b>u</b>")]
        evidence.notes = ["<script>alert('note')</script>"]
        evidence.events = [.init(time: 0.1, name: "<script>e</script>", detail: "<script>d</script>")]
        let host = HostInfo(uri: "test:///<script>alert('uri')</script>", driver: "TEST<script>", libvirtVersion: "9.0.0",
                            hypervisorVersion: "<i>", virtType: "<script>v</script>")
        let run = RunResults(hosts: [HostResults(host: host, results: [
            SnippetResult(id: "evil-snippet", guide: "Guides/evil.md", line: 10, verdict: .fail,
                          message: "internal error: <script>alert('libvirt')</script>", location: "<script>loc</script>",
                          reason: "<script>reason</script>", errorCode: "VIR_ERR_<script>", duration: 0.5,
                          evidence: evidence, diff: "<script>diff</script>", stdout: "<script>out</script>",
                          stderr: "<script>err</script>", cleanup: ["<script>cleanup</script>"]),
        ], runDuration: 1)])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let resultsURL = sample.root.appendingPathComponent("evil-results.json")
        try encoder.encode(run).write(to: resultsURL)
        var options = sample.options
        options.results = [resultsURL]

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
