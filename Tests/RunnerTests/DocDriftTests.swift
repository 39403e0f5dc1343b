import Foundation
import GuideModel
import Testing
@testable import Runner

/// Doc drift: libvirt names in guides (and in the binding's doc comments) against libvirt's API files.
@Suite("Doc drift")
struct DocDriftTests {
    /// The installed API (libvirt-dev is a build dependency, so its API files are there).
    static let api: LibvirtAPI = {
        do { return try LibvirtAPI.installed() } catch { fatalError("\(error)") }
    }()

    static func guide(_ text: String, path: String = "Guides/g.md") throws -> Guide {
        let (guide, errors) = Guide.parse(source: text, path: path)
        #expect(errors.isEmpty, "\(errors)")
        return try #require(guide)
    }

    static func check(_ text: String) throws -> DocDrift.Report {
        DocDrift(api: api).check([(try guide(text), text)])
    }

    @Test func readsTheInstalledAPIFiles() throws {
        let api = Self.api
        #expect(api.files.contains { $0.hasSuffix("/libvirt-api.xml") })
        #expect(api.kind(of: "virDomainBackupBegin") == .function)
        #expect(api.kind(of: "virDomainCheckpointCreateXML") == .function)
        #expect(api.kind(of: "VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT") == .enum)
        #expect(api.kind(of: "VIR_ERR_OPERATION_UNSUPPORTED") == .enum)
        #expect(api.kind(of: "VIR_DOMAIN_EVENT_CALLBACK") == .macro)
        #expect(api.kind(of: "virDomainPtr") == .typedef)
        #expect(api.kind(of: "virConnectDomainEventBlockJobCallback") == .functype)
        // libvirt-qemu-api.xml.
        #expect(api.kind(of: "virDomainQemuMonitorCommand") == .function)
        // The two names libvirt's own documentation uses but never added.
        #expect(!api.contains("virDomainBackupEnd"))
        #expect(!api.contains("virDomainSnapshotCreateXML2"))
        #expect(api.hasName(withPrefix: "VIR_DOMAIN_SNAPSHOT_CREATE_"))
        #expect(!api.hasName(withPrefix: "VIR_DOMAIN_SNAPSHOT_CREAT_X"))
        #expect(api.names.count > 2000)
    }

    @Test func loadErrorsNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-gov-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notAPI = dir.appendingPathComponent("not-api.xml").path
        try Data("<api name='x'><files/></api>".utf8).write(to: URL(fileURLWithPath: notAPI))
        #expect(throws: LibvirtAPI.LoadError(description: "\(notAPI): no /api/symbols in the file")) {
            try LibvirtAPI.load(files: [notAPI])
        }
        let broken = dir.appendingPathComponent("broken.xml").path
        try Data("<api><symbols>".utf8).write(to: URL(fileURLWithPath: broken))
        do {
            _ = try LibvirtAPI.load(files: [broken])
            Issue.record("a broken file was accepted")
        } catch {
            #expect(error.description.hasPrefix("\(broken): "))
        }
        let small = dir.appendingPathComponent("small.xml").path
        try Data("<api><symbols><function name='virA1'/><enum name='VIR_A_B'/><macro name='VIR_M'/></symbols></api>".utf8)
            .write(to: URL(fileURLWithPath: small))
        let api = try LibvirtAPI.load(files: [small])
        #expect(api.names == ["virA1": .function, "VIR_A_B": .enum, "VIR_M": .macro])
        #expect(api.files == [small])
    }

    @Test func findsNamesInEveryKindOfText() {
        let text = """
            # Title with virDomainSave

            Prose names virDomainBackupBegin(), inline `VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL` and a
            [link](https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainAbortJob).

            ```swift id=x
            // virDomainBlockCopy with VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB|VIR_DOMAIN_BLOCK_COPY_SHALLOW
            let e = "VIR_ERR_NO_DOMAIN"
            ```

            Prefixes: `VIR_DOMAIN_SNAPSHOT_CREATE_*`, VIR_DOMAIN_JOB_…, virDomainSnapshot*, VIR_ERR_<NAME>, VIR_FROM_..., virDomainEvent<Event>DetailType
            Not names: virsh, virtqemud, virt-install, _virDomain, xVIR_A, VIR_lower, virX, VIRTUAL_THING.
            [ref]: https://libvirt.org/html/libvirt-libvirt-domain-checkpoint.html#virDomainCheckpointDelete
            """
        let refs = DocDrift.references(in: text)
        let found = refs.map { "\($0.line):\($0.name)\($0.isPrefix ? "*" : "")" }
        #expect(found == [
            "1:virDomainSave",
            "3:virDomainBackupBegin", "3:VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL",
            "4:virDomainAbortJob",
            "7:virDomainBlockCopy", "7:VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB", "7:VIR_DOMAIN_BLOCK_COPY_SHALLOW",
            "8:VIR_ERR_NO_DOMAIN",
            "11:VIR_DOMAIN_SNAPSHOT_CREATE_*", "11:VIR_DOMAIN_JOB_*", "11:virDomainSnapshot*", "11:VIR_ERR_*",
            "11:VIR_FROM_*", "11:virDomainEvent*",
            "13:virDomainCheckpointDelete",
        ])
    }

    @Test func unknownNamesFailAtTheirLine() throws {
        let text = """
            # Drift

            End a pull backup with `virDomainBackupEnd()` (it does not exist).

            ```swift id=drift
            // VIR_DOMAIN_BACKUP_END_FORCE, then VIR_DOMAIN_BACKUP_BEGIN_* is fine
            ```

            `VIR_NOPE_*` matches nothing.
            """
        let report = try Self.check(text)
        #expect(report.problems == [
            "Guides/g.md:3: unknown libvirt name 'virDomainBackupEnd' (not in libvirt-api.xml; if the name does not exist on purpose, name it in a '> Nonexistent:' note)",
            "Guides/g.md:6: unknown libvirt name 'VIR_DOMAIN_BACKUP_END_FORCE' (not in libvirt-api.xml; if the name does not exist on purpose, name it in a '> Nonexistent:' note)",
            "Guides/g.md:9: no libvirt name starts with 'VIR_NOPE_' (not in libvirt-api.xml; if the name does not exist on purpose, name it in a '> Nonexistent:' note)",
        ])
        #expect(report.references == 4)
        #expect(report.distinctNames == 4)
    }

    @Test func aNonexistentNoteAllowsTheNamesInItsGuideOnly() throws {
        let findings = """
            # Findings

            > Nonexistent: `virDomainBackupEnd` and
            > virDomainSnapshotCreateXML2, both named by libvirt's documentation.

            The page says `virDomainBackupEnd()`; a pull backup really ends with `virDomainAbortJob`.

            ```swift id=f
            // dlsym("virDomainSnapshotCreateXML2") is nil
            ```
            """
        let other = """
            # Other

            Says `virDomainBackupEnd` without a note.
            """
        let g1 = try Self.guide(findings, path: "Guides/findings.md")
        let g2 = try Self.guide(other, path: "Guides/other.md")
        #expect(DocDrift.declarations(in: g1).map(\.name) == ["virDomainBackupEnd", "virDomainSnapshotCreateXML2"])
        #expect(DocDrift.declarations(in: g1).map(\.line) == [3, 3])
        let report = DocDrift(api: Self.api).check([(g1, findings), (g2, other)])
        #expect(report.nonexistent == ["Guides/findings.md: virDomainBackupEnd",
                                       "Guides/findings.md: virDomainSnapshotCreateXML2"])
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.hasPrefix("Guides/other.md:3: unknown libvirt name 'virDomainBackupEnd'") == true)
    }

    @Test func aNoteThatIsWrongIsDriftToo() throws {
        let text = """
            # Notes

            > Nonexistent: `virDomainBackupBegin`.

            > Nonexistent: nothing named here.

            > A quote that mentions Nonexistent: later is not a note, so virDomainNope is unknown.
            """
        let report = try Self.check(text)
        #expect(report.problems == [
            "Guides/g.md:3: 'virDomainBackupBegin' is marked nonexistent, but libvirt-api.xml declares it (function)",
            "Guides/g.md:5: a 'Nonexistent:' note names no libvirt identifier",
            "Guides/g.md:7: unknown libvirt name 'virDomainNope' (not in libvirt-api.xml; if the name does not exist on purpose, name it in a '> Nonexistent:' note)",
        ])
    }

    @Test func guideChecksCollectClaimAndDriftErrors() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-gov-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Guides"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Conformance"), withIntermediateDirectories: true)
        try Data(ClaimCoverageTests.catalogJSON.utf8).write(to: root.appendingPathComponent("Conformance/claims.json"))
        let text = """
            # G

            ```swift id=one claims=a.both,z.unknown
            // virDomainFoo
            lab.expect(Int.bitWidth == 64, "asserts something, so only the claim and the name are errors")
            ```
            """
        try Data(text.utf8).write(to: root.appendingPathComponent("Guides/g.md"))
        let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
        let snippets = RunnableSnippet.all(in: set)
        let checks = GuideChecks.run(guides: set.guides, snippets: snippets, root: root, api: Self.api)
        #expect(checks.catalogPath == "Conformance/claims.json")
        #expect(checks.errors.count == 2)
        #expect(checks.errors.first == "Guides/g.md:3: unknown claim id 'z.unknown' in claims= (not in the claims catalog)")
        #expect(checks.errors.last?.hasPrefix("Guides/g.md:4: unknown libvirt name 'virDomainFoo'") == true)

        var results = RunResults(hosts: [ClaimCoverageTests.host("test:///default", driver: "TEST", ["one": .pass])])
        checks.attach(to: &results, snippets: snippets)
        #expect(results.coverage?.hosts.first?.passing == ["a.both"])
        #expect(results.docDrift?.references == 1)

        // Without a catalog at the default place there is no coverage and no error; an explicit one must exist.
        try FileManager.default.removeItem(at: root.appendingPathComponent("Conformance/claims.json"))
        let none = GuideChecks.run(guides: set.guides, snippets: snippets, root: root, api: Self.api)
        #expect(none.catalog == nil && none.errors.count == 1)
        let missing = GuideChecks.run(guides: set.guides, snippets: snippets, root: root,
                                      catalog: root.appendingPathComponent("other.json"), api: Self.api)
        #expect(missing.errors.first?.hasPrefix(root.appendingPathComponent("other.json").path + ": cannot read the file") == true)
    }
}
