import Foundation
import Lab
import Testing
@testable import Reports
import Runner

@Suite("rewind compat: claims per build, inferred ranges, contradictions, diffs")
struct CompatTests {
    static func host(_ libvirt: String, _ qemu: String, uri: String, _ results: [SnippetResult]) -> HostResults {
        HostResults(host: HostInfo(uri: uri, driver: "QEMU", libvirtVersion: libvirt, hypervisorVersion: qemu, virtType: "kvm"),
                    results: results, runDuration: 1)
    }
    static func result(_ id: String, _ verdict: Verdict, claims: [String] = [], finding: String? = nil, outcome: String? = nil,
                       seconds: Double = 1) -> SnippetResult {
        var evidence = Evidence()
        evidence.outcome = outcome
        return SnippetResult(id: id, guide: "Guides/g.md", line: 1, verdict: verdict, duration: seconds,
                             evidence: outcome == nil ? nil : evidence, claims: claims, finding: finding)
    }

    /// Two runs written on separate hosts (separate files), as a CI matrix uploads them.
    static let old = RunResults(hosts: [host("9.0.0", "7.2.0", uri: "qemu+ssh://a/system", [
        result("revert-ext", .finding, finding: "snap.revert.external"),
        result("save-format", .pass, claims: ["save.params"], outcome: "refused: VIR_ERR_ARGUMENT_UNSUPPORTED"),
        result("copy-pivot", .pass, claims: ["copy.pivot"]),
    ])])
    static let new = RunResults(hosts: [host("12.8.0", "11.1.3", uri: "qemu+ssh://b/system", [
        result("revert-ext", .pass, finding: "snap.revert.external"),
        result("save-format", .pass, claims: ["save.params"], outcome: "accepted"),
        result("copy-pivot", .pass, claims: ["copy.pivot"]),
    ])])

    @Test("cells per build, ranges inferred from the runs, outcomes named where a pass behaves differently")
    func table() throws {
        let declared = ["revert-ext": CompatTable.Declaration(fixedIn: "9.9.0", isFinding: true)]
        let table = CompatTable.build(runs: [("old.json", Self.old), ("new.json", Self.new)], declarations: declared)
        #expect(table.builds.map(\.key) == ["libvirt 9.0.0 / QEMU 7.2.0", "libvirt 12.8.0 / QEMU 11.1.3"])
        let revert = try #require(table.rows.first { $0.claim == "snap.revert.external" })
        #expect(revert.inferred == "holds from 12.8.0; finding on 9.0.0")
        #expect(revert.contradictions.isEmpty, "fixed in 9.9: a finding on 9.0 and a pass on 12.8 agree")
        #expect(revert.declared == ["revert-ext: fixed in 9.9.0"])
        let save = try #require(table.rows.first { $0.claim == "save.params" })
        #expect(save.inferred.hasPrefix("holds on every build (9.0.0 to 12.8.0); by build: 9.0.0 refused"))
        let json = try table.json()
        #expect(json.contains("\"schema\" : \"rewind-compat\\/1\"") || json.contains("\"schema\" : \"rewind-compat/1\""))
    }

    @Test("a range the runs contradict is listed with the build that shows it")
    func contradictions() throws {
        // The finding still reproduces on 12.8 although the fence says fixed in 9.9; copy.pivot fails on 12.8.
        let broken = RunResults(hosts: [Self.host("12.8.0", "11.1.3", uri: "qemu+ssh://b/system", [
            Self.result("revert-ext", .finding, finding: "snap.revert.external"),
            Self.result("copy-pivot", .fail, claims: ["copy.pivot"]),
        ])])
        let table = CompatTable.build(runs: [("old.json", Self.old), ("broken.json", broken)],
                                      declarations: ["revert-ext": .init(fixedIn: "9.9.0", isFinding: true),
                                                     "copy-pivot": .init(since: "9.0.0")])
        #expect(table.rows.first { $0.claim == "snap.revert.external" }?.contradictions
                == ["revert-ext still reproduces its finding from 9.9.0 on, although fixed-in=9.9.0 (libvirt 12.8.0 / QEMU 11.1.3)"])
        #expect(table.rows.first { $0.claim == "copy.pivot" }?.contradictions
                == ["copy-pivot fails although it holds since=9.0.0 (libvirt 12.8.0 / QEMU 11.1.3)"])
        // A pass before fixed-in: a backport, named as such.
        let early = CompatTable.contradiction(snippet: "f", verdict: .pass, libvirt: "9.0.0", declared: .init(fixedIn: "9.9.0", isFinding: true))
        #expect(early?.contains("a backport of the fix in this build") == true)
        #expect(table.text().contains("2 contradictions between the runs and the declared ranges"))
    }

    @Test("diff: verdict and outcome changes between two builds; a planted regression exits non-zero by name")
    func diff() {
        let upgrade = CompatDiff(old: Self.old, new: Self.new)
        #expect(!upgrade.hasRegression)
        #expect(upgrade.changes.map(\.snippet) == ["revert-ext", "save-format"])
        #expect(upgrade.text().contains("revert-ext on qemu+ssh://a/system → qemu+ssh://b/system: finding → pass"))
        #expect(upgrade.text().contains("[refused: VIR_ERR_ARGUMENT_UNSUPPORTED → accepted]"))

        var planted = Self.new
        planted.hosts[0].results[2].verdict = .fail
        let regression = CompatDiff(old: Self.new, new: planted)
        #expect(regression.hasRegression)
        #expect(regression.text().contains("REGRESSIONS (1):\n  copy-pivot on qemu+ssh://b/system: pass → fail"))
        #expect(regression.tap().contains("not ok 1 - copy-pivot on qemu+ssh://b/system: pass → fail"))
    }

    @Test("results written by separate processes decode and merge (the CI matrix case)")
    func merges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-compat-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, results) in [("a.json", Self.old), ("b.json", Self.new)] {
            try JSONWriter().render(results).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let runs = try ["a.json", "b.json"].map { ($0, try RunResults(json: Data(contentsOf: dir.appendingPathComponent($0)))) }
        let table = CompatTable.build(runs: runs, declarations: [:])
        #expect(table.builds.count == 2)
        #expect(table.rows.map(\.claim) == ["copy.pivot", "save.params", "snap.revert.external"])
    }
}
