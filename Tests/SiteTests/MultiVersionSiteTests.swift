import Foundation
import Lab
import Testing
@testable import Runner
@testable import Site

/// The site of a run on three libvirt versions: the matrix has a column per host with its libvirt version,
/// a finding fixed in a later release says where, and one chart compares a measurement across the hosts.
@Suite("Site across libvirt versions")
struct MultiVersionSiteTests {
    /// A third host, libvirt 12.8, where the external revert works (the finding is fixed there).
    static var sidResults: RunResults {
        var pause = Evidence()
        pause.measurements = [.init(name: "guest pause", value: 7.5, unit: "ms")]
        var reverted = Evidence()
        reverted.outcome = "reverted"
        let host = HostInfo(uri: "qemu+tcp://127.0.0.1:16612/system", driver: "QEMU", libvirtVersion: "12.8.0",
                            hypervisorVersion: "11.1.3", virtType: "kvm", probedAt: Date(timeIntervalSince1970: 1_764_007_200))
        return RunResults(startedAt: Date(timeIntervalSince1970: 1_764_007_200), hosts: [HostResults(host: host, results: [
            SnippetResult(id: "snapshot-create", guide: "Guides/01-snapshots.md", line: 14, verdict: .pass, duration: 0.4,
                          evidence: pause, claims: ["snap.create.full-default", "snap.create.current-child"]),
            SnippetResult(id: "revert-external", guide: "Guides/01-snapshots.md", line: 27, verdict: .pass,
                          message: "fixed in libvirt 9.9.0 (finding snap.revert.external no longer reproduces on 12.8.0)",
                          duration: 0.3, evidence: reverted, finding: "snap.revert.external"),
            SnippetResult(id: "backup-pull", guide: "Guides/02-backup.md", line: 7, verdict: .pass, duration: 0.9,
                          claims: ["backup.pull"]),
            SnippetResult(id: "backup-push", guide: "Guides/02-backup.md", line: 16, verdict: .skipped,
                          reason: "compile-only", claims: ["backup.push"]),
        ], runDuration: 1.7)])
    }

    static func make() throws -> (SampleProject, SiteBuilder.Options) {
        let sample = try SampleProject.make()
        // The catalog says where the finding was fixed and what each version did.
        let catalog = sample.root.appendingPathComponent("Conformance/claims.json")
        var text = try String(contentsOf: catalog, encoding: .utf8)
        text = text.replacingOccurrences(of: #""finding": "libvirt 9.0 refuses: <revert to external snapshot not supported yet>"}"#,
                                         with: #""finding": "libvirt 9.0 refuses: <revert to external snapshot not supported yet>", "fixedIn": "9.9.0", "versions": "9.0: refused; 12.8: reverted"}"#)
        try Data(text.utf8).write(to: catalog)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let sid = sample.root.appendingPathComponent("results-sid.json")
        try encoder.encode(SampleProject.stamped(sidResults, try SampleProject.sourceDigests(root: sample.root))).write(to: sid)
        var options = sample.options
        options.results.append(sid)
        return (sample, options)
    }

    @Test("matrix columns name each host's libvirt; the finding says where it was fixed; a chart spans the hosts")
    func build() throws {
        let (sample, options) = try Self.make()
        defer { sample.remove() }
        let report = try SiteBuilder(options: options).build()
        let conformance = try sample.read("conformance.html")
        // Columns named and ordered by libvirt version: the test driver, then 9.0, then 12.8.
        let columns = conformance.components(separatedBy: "<th class=\"host-col\">").dropFirst().compactMap {
            $0.components(separatedBy: "</a></th>").first?.components(separatedBy: ">").last
        }
        #expect(columns == ["test", "9.0", "12.8"], "\(columns)")
        // The one claim whose verdict differs between the live hosts is listed under "Changes across versions".
        let changes = try #require(conformance.range(of: "<table class=\"changes\">").map { String(conformance[$0.lowerBound...].prefix(3000)) })
        #expect(changes.contains("snap.revert.external"))
        #expect(conformance.contains("finding fixed in libvirt <strong>9.9.0</strong>"))
        #expect(conformance.contains("9.0: refused; 12.8: reverted"))
        #expect(conformance.contains("fixed in libvirt 9.9.0 (finding snap.revert.external no longer reproduces on 12.8.0)"))
        let measurements = try sample.read("measurements.html")
        // One "guest pause" chart with a bar per host: the QEMU 9.0 run and the 12.8 run side by side.
        let chart = try #require(measurements.range(of: "guest pause").map { String(measurements[$0.lowerBound...].prefix(6000)) })
        #expect(chart.contains("16.2") && chart.contains("7.5"), "both hosts' pauses in one chart")
        #expect(report.pages.contains("conformance.html"))
    }

    @Test("the three-host site passes the browser test", .enabled(if: ProcessInfo.processInfo.environment["REWIND_BROWSER"] == "1"))
    func browser() throws {
        let (sample, options) = try Self.make()
        defer { sample.remove() }
        let report = try SiteBuilder(options: options).build()
        let shots = BrowserTests.screenshots.appendingPathComponent("multi-version")
        try? FileManager.default.removeItem(at: shots)
        let (status, output) = try BrowserTests.runBrowserTest(site: URL(fileURLWithPath: report.output), screenshots: shots,
                                                               search: "extents", expect: "guides/02-backup.html",
                                                               requireHidden: true,
                                                               extra: ["--outcome-differs", "revert-external=9.0,12.8"])
        #expect(status == 0, "browser test failed:\n\(output)")
        #expect(FileManager.default.fileExists(atPath: shots.appendingPathComponent("conformance-light.png").path))
    }
}

@Suite("Site: stale verdicts")
struct StaleVerdictTests {
    @Test("a verdict reached with other code than the page shows is marked stale, never shown as the verdict")
    func changedSnippetIsStale() throws {
        let (sample, options) = try MultiVersionSiteTests.make()
        defer { sample.remove() }
        _ = try SiteBuilder(options: options).build()
        var page = try sample.read("guides/01-snapshots.html")
        let fresh = try #require(Self.verdictLine(of: "snapshot-create", in: page))
        #expect(fresh.contains("v-pass") && !fresh.contains("v-stale"), "the results match the guide: \(fresh)")

        // The guide's snippet changes after the runs: its old verdicts are stale, the other snippets' are not.
        let guide = sample.root.appendingPathComponent("Guides/01-snapshots.md")
        let text = try String(contentsOf: guide, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("createSnapshot") })
        try Data(text.replacingOccurrences(of: String(line), with: line + " // changed").utf8).write(to: guide)
        _ = try SiteBuilder(options: options).build()
        page = try sample.read("guides/01-snapshots.html")
        let stale = try #require(Self.verdictLine(of: "snapshot-create", in: page))
        #expect(stale.contains("stale: verified on older code"))
        #expect(!stale.contains("v-pass"), "no pass is shown beside changed code: \(stale)")
        let other = try #require(Self.verdictLine(of: "revert-external", in: page))
        #expect(!other.contains("v-stale"), "an unchanged snippet keeps its verdicts: \(other)")

        // A results file from before digests existed cannot be matched: stale too.
        var old = MultiVersionSiteTests.sidResults
        old.hosts[0].results[0].sourceDigest = nil
        let oldFile = sample.root.appendingPathComponent("results-old.json")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(old).write(to: oldFile)
        var oldOptions = sample.options
        oldOptions.results = [oldFile]
        _ = try SiteBuilder(options: oldOptions).build()
        let undated = try #require(Self.verdictLine(of: "snapshot-create", in: try sample.read("guides/01-snapshots.html")))
        #expect(undated.contains("v-stale"))
    }

    /// The verdict line (`<ul class="verdict-line">…</ul>`) of a snippet's figure.
    static func verdictLine(of id: String, in page: String) -> String? {
        guard let figure = page.range(of: "data-snippet=\"\(id)\""),
              let start = page.range(of: "<ul class=\"verdict-line\"", range: figure.upperBound..<page.endIndex),
              let end = page.range(of: "</ul>", range: start.upperBound..<page.endIndex) else { return nil }
        return String(page[start.lowerBound..<end.upperBound])
    }
}
