import Foundation
import GuideModel
import Lab
import Runner
@testable import Site

/// A small project in a temporary folder: guides, a claims catalog, results files and the site's real
/// templates (copied from the repository's `site/`), for building and checking a site.
struct SampleProject {
    let root: URL

    /// The repository this test file belongs to.
    static let repository: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let snapshotsGuide = """
        # Snapshots

        A snapshot captures a domain's disks and, optionally, its memory. Backups are in
        [the backup guide](02-backup.md#pull-mode); the claims are in [the catalog](../Conformance/claims.json).

        ## Create a snapshot

        ```swift context=lab prelude
        let uri = "test:///default"
        ```

        Create one with no flags:

        ```swift id=snapshot-create context=lab claims=snap.create.full-default,snap.create.current-child
        # let domain = try lab.domain(named: "rewind-site")
        # defer { domain.destroy() }
        let snapshot = try domain.createSnapshot(xml: "<domainsnapshot/>")
        print("created \\(snapshot.name) at \\(0x1F) /* not a comment */")
        ```

        ```output mask
        created {{name}} at 31 /* not a comment */
        ```

        ## Revert to an external snapshot

        ```swift id=revert-external finding=snap.revert.external needs=qemu,snapshot-external expect-error=VIR_ERR_OPERATION_UNSUPPORTED
        @MainActor func revert() throws {
            #if os(Linux)
            try domain.revert(to: snapshot) // fails on 9.0
            #endif
        }
        ```

        <div class="raw">raw <b>HTML</b> block</div>

        ### Escaping <script>alert("guide")</script> stays text

        Inline <span onclick="evil()">HTML</span> is shown as text, and so is `<script>`.

        ```xml
        <domainsnapshot><name>s1</name></domainsnapshot>
        ```

        | API | what it keeps |
        |:--|--:|
        | `virDomainSnapshotCreateXML` | disks \\| *memory* |
        """

    static let backupGuide = """
        # Backups

        Pull a backup over NBD. Back to [creating snapshots](01-snapshots.md#create-a-snapshot).

        ## Pull mode

        ```swift id=backup-pull claims=backup.pull needs=qemu,backup
        let job = try domain.beginBackup(xml: pullXML)
        # try job.waitUntilReady()
        # try job.abort()
        let extents = try nbd.blockStatus()
        ```

        ## Push mode

        ```swift id=backup-push claims=backup.push compile-only
        // compile-only: the sample has no host to back up
        try domain.beginBackup(xml: pushXML)
        ```

        ```swift id=shown-only ignore
        this is not compiled
        ```
        """

    static let claims = """
        {
          "description": "Sample claims.",
          "libvirt": "9.0.0",
          "qemu": "7.2",
          "claims": [
            {"id": "snap.create.full-default", "section": "Snapshots", "api": "SnapshotCreateXML(flags=0)",
             "claim": "A snapshot with no flags captures disks and memory.",
             "source": [{"doc": "docs/formatsnapshot.rst", "section": "full system"}], "tiers": ["test", "qemu"]},
            {"id": "snap.create.current-child", "section": "Snapshots", "api": "SnapshotCreateXML",
             "claim": "The new snapshot becomes current.", "source": [{"doc": "src/libvirt-domain-snapshot.c", "section": null}],
             "tiers": ["test"]},
            {"id": "snap.revert.external", "section": "Snapshots", "api": "RevertToSnapshot",
             "claim": "External snapshots can be reverted.", "source": [], "tiers": ["qemu"],
             "finding": "libvirt 9.0 refuses: <revert to external snapshot not supported yet>"},
            {"id": "backup.pull", "section": "Backups", "api": "BackupBegin(pull)",
             "claim": "A pull backup exports the disk over NBD.", "source": [{"doc": "docs/formatbackup.rst"}], "tiers": ["qemu"]},
            {"id": "backup.push", "section": "Backups", "api": "BackupBegin(push)",
             "claim": "A push backup writes the target file.", "source": [], "tiers": ["qemu"]},
            {"id": "backup.uncovered", "section": "Backups", "api": "BackupGetXMLDesc",
             "claim": "No snippet checks this one.", "source": [], "tiers": ["qemu"]}
          ]
        }
        """

    /// Results on the test driver: the QEMU-only snippets are unsupported.
    static var testDriverResults: RunResults {
        var evidence = Evidence()
        evidence.measurements = [.init(name: "guest pause", value: 0, unit: "ms"),
                                 .init(name: "API latency", value: 1.5, unit: "ms")]
        evidence.notes = ["note with <b>markup</b>"]
        let host = HostInfo(uri: "test:///default", driver: "TEST", libvirtVersion: "9.0.0", hypervisorVersion: "",
                            virtType: "test", probedAt: Date(timeIntervalSince1970: 1_764_000_000))
        return RunResults(startedAt: Date(timeIntervalSince1970: 1_764_000_000), hosts: [HostResults(host: host, results: [
            SnippetResult(id: "snapshot-create", guide: "Guides/01-snapshots.md", line: 14, verdict: .pass, duration: 0.21,
                          phases: .init(connect: 0.01, body: 0.18, teardown: 0.02), evidence: evidence,
                          claims: ["snap.create.full-default", "snap.create.current-child"]),
            SnippetResult(id: "revert-external", guide: "Guides/01-snapshots.md", line: 27, verdict: .unsupported,
                          reason: "needs qemu; connection driver is TEST", finding: "snap.revert.external"),
            SnippetResult(id: "backup-pull", guide: "Guides/02-backup.md", line: 7, verdict: .unsupported,
                          reason: "needs qemu; connection driver is TEST", claims: ["backup.pull"]),
            SnippetResult(id: "backup-push", guide: "Guides/02-backup.md", line: 16, verdict: .skipped,
                          reason: "compile-only", claims: ["backup.push"]),
        ], runDuration: 0.4)])
    }

    /// Results on QEMU: one pass with measurements, one finding, one failure whose libvirt error holds markup.
    static var qemuResults: RunResults {
        var pause = Evidence()
        pause.measurements = [.init(name: "guest pause", value: 16.2, unit: "ms"),
                              .init(name: "API latency", value: 41, unit: "ms")]
        pause.events = [.init(time: 0.012, name: "SUSPENDED", detail: "paused"), .init(time: 0.028, name: "RESUMED")]
        var backup = Evidence()
        backup.measurements = [.init(name: "job duration", value: 0.31, unit: "s")]
        backup.extents = [.init(label: "dirty", offset: 0, length: 1 << 20)]
        let host = HostInfo(uri: "qemu:///system", driver: "QEMU", libvirtVersion: "9.0.0", hypervisorVersion: "7.2.0",
                            virtType: "kvm", hostname: "lab", probedAt: Date(timeIntervalSince1970: 1_764_003_600))
        return RunResults(startedAt: Date(timeIntervalSince1970: 1_764_003_600), hosts: [HostResults(host: host, results: [
            SnippetResult(id: "snapshot-create", guide: "Guides/01-snapshots.md", line: 14, verdict: .pass, duration: 0.52,
                          evidence: pause, claims: ["snap.create.full-default", "snap.create.current-child"]),
            SnippetResult(id: "revert-external", guide: "Guides/01-snapshots.md", line: 27, verdict: .finding,
                          message: "revert to external snapshot not supported yet", errorCode: "VIR_ERR_OPERATION_UNSUPPORTED",
                          duration: 0.3, finding: "snap.revert.external"),
            SnippetResult(id: "backup-pull", guide: "Guides/02-backup.md", line: 7, verdict: .fail,
                          message: "internal error: <script>alert('libvirt')</script> unexpected", location: "Guides/02-backup.md:9",
                          errorCode: "VIR_ERR_INTERNAL_ERROR", duration: 1.25, evidence: backup, claims: ["backup.pull"],
                          stderr: "error: <img src=x onerror=alert(1)>"),
            SnippetResult(id: "backup-push", guide: "Guides/02-backup.md", line: 16, verdict: .skipped,
                          reason: "compile-only", claims: ["backup.push"]),
        ], runDuration: 2.1)])
    }

    /// Writes the sample into a new temporary folder. With `REWIND_SITE_KEEP=1` the folder is kept
    /// (its path is printed) for looking at the site by hand.
    static func make(guides: [String: String]? = nil) throws -> SampleProject {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-site-\(UUID().uuidString)")
        if keep { print("sample project: \(root.path)") }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("Guides"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Conformance"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("site"), withIntermediateDirectories: true)
        for name in ["page.html", "style.css", "site.js"] {
            try fm.copyItem(at: repository.appendingPathComponent("site/\(name)"), to: root.appendingPathComponent("site/\(name)"))
        }
        let files = guides ?? ["Guides/01-snapshots.md": snapshotsGuide, "Guides/02-backup.md": backupGuide]
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try Data(claims.utf8).write(to: root.appendingPathComponent("Conformance/claims.json"))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // The results were reached with the guides as written: each carries its snippet's source digest.
        // (A sample whose guides do not parse, for the error tests, gets none.)
        let digests = (try? Self.sourceDigests(root: root)) ?? [:]
        try encoder.encode(Self.stamped(testDriverResults, digests)).write(to: root.appendingPathComponent("results-test.json"))
        try encoder.encode(Self.stamped(qemuResults, digests)).write(to: root.appendingPathComponent("results-qemu.json"))
        return SampleProject(root: root)
    }

    /// Each snippet's current source digest, by id, from the guides under `root`.
    static func sourceDigests(root: URL) throws -> [String: String] {
        let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
        return Dictionary(RunnableSnippet.all(in: set).map { ($0.id, $0.sourceDigest) }, uniquingKeysWith: { a, _ in a })
    }

    /// The results with each snippet's source digest set.
    static func stamped(_ run: RunResults, _ digests: [String: String]) -> RunResults {
        var run = run
        for h in run.hosts.indices {
            for r in run.hosts[h].results.indices {
                run.hosts[h].results[r].sourceDigest = digests[run.hosts[h].results[r].id]
            }
        }
        return run
    }

    /// Build options for the sample, with both results files.
    var options: SiteBuilder.Options {
        var options = SiteBuilder.Options(root: root)
        options.results = [root.appendingPathComponent("results-test.json"), root.appendingPathComponent("results-qemu.json")]
        return options
    }

    /// The text of a built file.
    func read(_ sitePath: String, output: URL? = nil) throws -> String {
        try String(contentsOf: (output ?? root.appendingPathComponent("_site")).appendingPathComponent(sitePath), encoding: .utf8)
    }

    static var keep: Bool { ProcessInfo.processInfo.environment["REWIND_SITE_KEEP"] == "1" }

    func remove() {
        guard !Self.keep else { return }
        try? FileManager.default.removeItem(at: root)
    }
}
