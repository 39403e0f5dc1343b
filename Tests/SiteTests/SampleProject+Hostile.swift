import Foundation
import Lab
import Runner
@testable import Site

extension SampleProject {
    /// A project whose guide and results file put `<script>` (and other markup) everywhere text can go:
    /// headings, prose, raw HTML, link titles, image text, code, hidden lines, output blocks, and in the
    /// results every message, reason, error code, evidence field and the host's URI.
    static func makeHostile() throws -> (SampleProject, SiteBuilder.Options) {
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
        return (sample, options)
    }
}
