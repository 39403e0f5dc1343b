import Foundation
import Lab
import Testing
@testable import Reports
@testable import Runner

/// Version-aware expectations: `since=`, `until=`, `fixed-in=` judged on the host's daemon version, and the
/// names of a newer libvirt than this machine's.
@Suite("Versions")
struct VersionTests {
    static func snippet(finding: String? = nil, versions: VersionRange = VersionRange()) -> RunnableSnippet {
        VerdictTests.snippet(finding: finding, versions: versions)
    }

    @Test("a range says where a host version falls")
    func ranges() {
        let since = VersionRange(since: "9.9.0")
        #expect(since.applies(to: "9.0.0") != .applies)
        #expect(since.applies(to: "9.9.0") == .applies)
        #expect(since.applies(to: "12.8.0") == .applies)
        let until = VersionRange(until: "11.2")
        #expect(until.applies(to: "11.1.0") == .applies)
        #expect(until.applies(to: "11.2.0") != .applies)
        #expect(VersionRange(fixedIn: "10.9.0").applies(to: "11.3.0") == .fixed(in: "10.9.0"))
        #expect(VersionRange(fixedIn: "10.9.0").applies(to: "9.0.0") == .applies)
        #expect(VersionRange(since: "9.9.0").applies(to: "not a version") == .unknownVersion)
        // 10.0 is newer than 9.10: versions compare as numbers, not text.
        #expect(VersionRange(since: "9.10.0").applies(to: "10.0.0") == .applies)
        if case .outside(let reason) = since.applies(to: "9.0.0") {
            #expect(reason.contains("9.9.0") && reason.contains("9.0.0"))
        } else {
            Issue.record("9.0.0 is outside since=9.9.0")
        }
    }

    @Test("fixed-in: a finding on an older host says where it was fixed; on a newer host a failed check is the fix")
    func fixedIn() {
        let s = Self.snippet(finding: "snap.revert.external", versions: VersionRange(fixedIn: "9.9.0"))
        let old = VerdictRules.judge(s, VerdictTests.outcome(.ok), hostVersion: "9.0.0")
        #expect(old.verdict == .finding)
        #expect(old.message?.contains("fixed in libvirt 9.9.0") == true)

        let fixed = VerdictRules.judge(s, VerdictTests.outcome(.labFailure, message: "libvirt reverted it",
                                                               file: "Guides/x.md", line: 12), hostVersion: "12.8.0")
        #expect(fixed.verdict == .pass)
        #expect(fixed.message?.contains("fixed in libvirt 9.9.0") == true)

        // Still reproducing on a version that should have the fix: a failure, not a finding.
        let still = VerdictRules.judge(s, VerdictTests.outcome(.ok), hostVersion: "12.8.0")
        #expect(still.verdict == .fail)
        #expect(still.message?.contains("still reproduces") == true)

        // Anything else (a libvirt error, a crash) is judged as written: a failure.
        let broken = VerdictRules.judge(s, VerdictTests.outcome(.libvirtError, message: "x", code: "VIR_ERR_INTERNAL_ERROR"),
                                        hostVersion: "12.8.0")
        #expect(broken.verdict == .fail)
    }

    @Test("not-reproduced-in: judged like fixed-in, but never called fixed")
    func notReproducedIn() {
        let s = Self.snippet(finding: "backup.push.target-ready-at-event", versions: VersionRange(notReproducedIn: "12.8.0"))
        #expect(VersionRange(notReproducedIn: "12.8.0").applies(to: "12.8.0") == .notReproduced(in: "12.8.0"))
        let old = VerdictRules.judge(s, VerdictTests.outcome(.ok), hostVersion: "11.3.0")
        #expect(old.verdict == .finding)
        #expect(old.message?.contains("not reproduced on libvirt 12.8.0") == true)
        let unseen = VerdictRules.judge(s, VerdictTests.outcome(.labFailure, message: "complete in all 80 attempts",
                                                                file: "Guides/x.md", line: 12), hostVersion: "12.8.0")
        #expect(unseen.verdict == .pass)
        #expect(unseen.message?.hasPrefix("not reproduced on libvirt 12.8.0") == true)
        #expect(unseen.message?.contains("fixed") == false)
        let still = VerdictRules.judge(s, VerdictTests.outcome(.ok), hostVersion: "12.8.0")
        #expect(still.verdict == .fail)
        #expect(still.message?.contains("not-reproduced-in=12.8.0") == true)
    }

    @Test("libvirt's newer names: the catalog knows them with their versions")
    func catalog() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let api = try LibvirtAPI.loadCatalog(root.appendingPathComponent(LibvirtAPI.catalogPath))
        #expect(api.since["VIR_ERR_AGENT_COMMAND_FAILED"] == "11.2.0")
        #expect(api.since["VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED"] == "12.2.0")
        #expect(api.kind(of: "virDomainBackupBegin") == .function)
        // A snippet naming VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED needs 12.2.0.
        var checks = GuideChecks()
        checks.api = api
        let s = RunnableSnippet(id: "z", guide: "Guides/x.md", line: 1, sourceLines: [
            .init(file: "Guides/x.md", line: 2, text: "let f = [VIR_DOMAIN_BLOCK_COPY_SHALLOW, VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED] // not VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE_RUNNING (12.6): a comment")])
        let newest = checks.newestName(in: s)
        #expect(newest?.name == "VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED")
        #expect(newest?.since == "12.2.0")

        // A flag by its Swift name counts like its C name: a host older than 8.0 cannot run this as written.
        checks.bindingConstants = GuideChecks.bindingConstants(root: root)
        #expect(checks.bindingConstants["synchronousWrites"] == ["VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES"])
        let swiftFlag = RunnableSnippet(id: "w", guide: "Guides/x.md", line: 1, sourceLines: [
            .init(file: "Guides/x.md", line: 2, text: "try dom.blockCopy(disk: \"vda\", destinationXML: xml, flags: [.transientJob, .synchronousWrites])")])
        #expect(checks.newestName(in: swiftFlag)?.name == "VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES")
        #expect(checks.newestName(in: swiftFlag)?.since == "8.0.0")
        // …unless the snippet branches on the version itself, to check what an older host does.
        let branching = RunnableSnippet(id: "b", guide: "Guides/x.md", line: 1, sourceLines: swiftFlag.sourceLines + [
            .init(file: "Guides/x.md", line: 3, text: "try lab.expect(lab.libvirt(atLeast: \"8.0.0\"))")])
        #expect(checks.newestName(in: branching) == nil)
    }

    @Test("the matrix: a claim's verdict per host, and the snippets whose verdicts differ")
    func matrix() {
        func host(_ uri: String, _ version: String, _ verdicts: [(String, Verdict)]) -> HostResults {
            HostResults(host: HostInfo(uri: uri, driver: "QEMU", libvirtVersion: version, hypervisorVersion: "",
                                       virtType: "kvm", probedAt: Date(), capabilities: [:]),
                        results: verdicts.map { SnippetResult(id: $0.0, guide: "Guides/x.md", line: 1, verdict: $0.1,
                                                               duration: 0, claims: ["c.\($0.0)"]) },
                        runDuration: 0)
        }
        let results = RunResults(startedAt: Date(), hosts: [
            host("qemu:///system", "9.0.0", [("a", .pass), ("b", .finding)]),
            host("qemu+tcp://127.0.0.1:16612/system", "12.8.0", [("a", .pass), ("b", .pass)]),
        ])
        let m = MatrixWriter().matrix(results)
        #expect(m.hosts.map(\.libvirt) == ["9.0.0", "12.8.0"])
        #expect(m.claims["c.b"]?["qemu:///system"] == .finding)
        #expect(m.claims["c.b"]?["qemu+tcp://127.0.0.1:16612/system"] == .pass)
        #expect(m.differing == ["b"])
    }
}
