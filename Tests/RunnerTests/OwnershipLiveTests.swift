import Foundation
import Glibc
import Reports
import Testing
@testable import Lab
import Libvirt
@testable import Runner

extension SafetyTests {
    /// Decoys on the live host: `rewind verify` (with a snippet that crashes, so the child-side clean-up
    /// runs) and `rewind lab clean` remove only what Rewind can prove is its own.
    @Suite("Ownership (live)", .enabled(if: Safety.live))
    struct OwnershipLive {
        static let uri = "qemu:///system"
        static let imageRoot = "/var/lib/libvirt/images/rewind"

        /// A snippet that makes a lab domain and crashes (its clean-up runs in a process of its own), and one
        /// that makes, checks and destroys one.
        static let guide = "# Ownership\n\n" + Safety.prelude + #"""
            ```swift id=crashes-with-domain context=safe
            let dom = try labDomain("vm")
            try lab.expect(try dom.isActive())
            fatalError("crashing on purpose with \(dom.name) running")
            ```

            ```swift id=creates-and-destroys context=safe
            let dom = try labDomain("vm")
            try lab.expect(try dom.isActive())
            try dom.destroy()
            try lab.expect(!(try dom.isActive()))
            ```
            """#

        /// What a decoy looks like from outside: state, live and inactive XML, disk checksum.
        struct Snapshot: Equatable, CustomStringConvertible {
            var state: String
            var xml: String
            var inactiveXML: String
            var diskSHA256: String
            var description: String { "\(state), disk \(diskSHA256)" }
        }

        static func snapshot(_ dom: Domain, disk: String) async throws -> Snapshot {
            Snapshot(state: try dom.state().description, xml: try dom.xmlDescription(),
                     inactiveXML: try dom.xmlDescription(.inactive), diskSHA256: try await Safety.sha256(disk))
        }

        /// Defines and starts a domain with a 16 MiB qcow2 disk holding a pattern.
        static func makeDomain(_ connection: Connection, name: String, disk: String, metadata: [MetadataItem]) async throws -> Domain {
            try await Safety.tool("qemu-img", ["create", "-q", "-f", "qcow2", disk, "16M"])
            try await Safety.tool("qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 0 1M", disk])
            let type: VirtType = FileManager.default.fileExists(atPath: "/dev/kvm") ? .kvm : .qemu
            var def = DomainDefinition(name: name, type: type, metadata: metadata)
            def.disks = [.init(target: "vda", source: disk)]
            let dom = try connection.defineDomain(xml: def.xml())
            try dom.start()
            return dom
        }

        static func remove(_ connection: Connection, _ name: String) {
            guard let dom = try? connection.lookupDomain(name: name) else { return }
            if (try? dom.isActive()) == true { try? dom.destroy() }
            try? dom.undefine()
        }

        @Test("verify and lab clean leave an untagged rewind- domain and an ordinary domain untouched")
        func decoys() async throws {
            let fm = FileManager.default
            let session = Safety.sessionID()
            let token = String(UUID().uuidString.prefix(8)).lowercased()
            let connection = try Connection(uri: Self.uri)
            try fm.createDirectory(atPath: Self.imageRoot, withIntermediateDirectories: true)

            // Decoy 1: named exactly like the crashing snippet's lab domains, with a lookalike tag in another
            // namespace. Decoy 2: an ordinary domain. Both running, each with a disk.
            let prefixDecoyName = "rewind-\(session)-0-0-decoy"
            let ordinaryDecoyName = "decoy-rewind-safe-\(token)"
            let prefixDecoyDisk = "\(Self.imageRoot)/rewind-safe-decoy1-\(token).qcow2"
            let ordinaryDecoyDisk = "\(Self.imageRoot)/rewind-safe-decoy2-\(token).qcow2"
            // An earlier run that crashed: a tagged domain, an image directory, a socket, its lock file.
            let oldRun = "\(session)old-0-0"
            let oldDomainName = "rewind-\(oldRun)-vm"
            let oldImages = "\(Self.imageRoot)/\(oldRun)"
            let oldSocket = "/run/rewind/\(oldRun)-backup.sock"
            let oldLock = RunLock.path(runID: oldRun)
            let root = try Safety.makeRoot(text: ["ownership.md": Self.guide])
            defer {
                for name in [prefixDecoyName, ordinaryDecoyName, oldDomainName] { Self.remove(connection, name) }
                for path in [prefixDecoyDisk, ordinaryDecoyDisk, oldImages, oldSocket, oldLock, root.path] {
                    try? fm.removeItem(atPath: path)
                }
                // The verify run's own domains, should an assertion below have failed before clean-up.
                for name in (try? Safety.domains(on: Self.uri, prefix: "rewind-\(session)-")) ?? []
                where name != prefixDecoyName {
                    if let dom = try? connection.lookupDomain(name: name), LabOwnership.isOwned(dom) { Self.remove(connection, name) }
                }
            }

            let foreign = MetadataItem(namespaceURI: "https://example.invalid/not-rewind", prefix: "other", name: "lab",
                                       attributes: ["run": "\(session)-0-0"])
            let prefixDecoy = try await Self.makeDomain(connection, name: prefixDecoyName, disk: prefixDecoyDisk, metadata: [foreign])
            let ordinaryDecoy = try await Self.makeDomain(connection, name: ordinaryDecoyName, disk: ordinaryDecoyDisk, metadata: [])
            try fm.createDirectory(atPath: oldImages, withIntermediateDirectories: true)
            let oldDomain = try await Self.makeDomain(connection, name: oldDomainName, disk: oldImages + "/vm-vda.qcow2",
                                                      metadata: [.rewindLab(run: oldRun)])
            try fm.createDirectory(atPath: "/run/rewind", withIntermediateDirectories: true)
            _ = fm.createFile(atPath: oldSocket, contents: nil)
            try fm.createDirectory(atPath: RunLock.defaultDirectory, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: oldLock, contents: nil)

            let before1 = try await Self.snapshot(prefixDecoy, disk: prefixDecoyDisk)
            let before2 = try await Self.snapshot(ordinaryDecoy, disk: ordinaryDecoyDisk)

            // 1. rewind verify: warns about the earlier run, crashes one snippet (child-side clean-up), passes
            //    the other.
            let json = root.appendingPathComponent("results.json").path
            let verify = try await Safety.verify(root: root, uri: Self.uri, extra: ["--session-id", session, "--json", json])
            #expect(verify.status == 1, "\(verify)")
            #expect(verify.stderr.contains("warning: earlier lab runs left"), "\(verify)")
            #expect(verify.stderr.contains(oldDomainName), "\(verify)")
            let results = try JSONWriter.decode(Data(contentsOf: URL(fileURLWithPath: json)))
            let byID = Dictionary(uniqueKeysWithValues: results.hosts[0].results.map { ($0.id, $0) })
            let crashed = try #require(byID["crashes-with-domain"])
            #expect(crashed.verdict == .fail)
            #expect(crashed.message?.hasPrefix("crashed with") == true, "\(crashed)")
            let cleanup = crashed.cleanup ?? []
            #expect(cleanup.contains("destroyed rewind-\(session)-0-0-vm"), "\(cleanup)")
            #expect(cleanup.contains("undefined rewind-\(session)-0-0-vm"), "\(cleanup)")
            #expect(cleanup.contains("left \(prefixDecoyName) alone: it carries no Rewind lab tag"), "\(cleanup)")
            #expect(cleanup.contains("removed \(Self.imageRoot)/\(session)-0-0"), "\(cleanup)")
            #expect(!cleanup.contains { $0.contains(ordinaryDecoyName) })
            #expect(byID["creates-and-destroys"]?.verdict == .pass, "\(String(describing: byID["creates-and-destroys"]))")
            #expect(try Safety.domains(on: Self.uri, prefix: "rewind-\(session)-") == [prefixDecoyName])

            // 2. rewind lab clean --dry-run, over everything on the host: lists the earlier run, names the
            //    untagged decoy as left alone, never mentions the ordinary one.
            let dry = try await Safety.rewind(["lab", "clean", "--connect", Self.uri, "--dry-run",
                                               "--work-dir", Safety.workDirectory.path])
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.contains("would remove domain \(oldDomainName) (run \(oldRun), running)"), "\(dry)")
            #expect(dry.stdout.contains("would remove \(oldImages)"), "\(dry)")
            #expect(dry.stdout.contains("would remove \(oldSocket)"), "\(dry)")
            #expect(dry.stdout.contains("left alone \(prefixDecoyName): named rewind-… but not tagged"), "\(dry)")
            #expect(!dry.stdout.contains(ordinaryDecoyName), "\(dry)")
            #expect(try oldDomain.isActive())

            // 3. rewind lab clean, this session's runs only (other runs on this host are not this test's).
            let clean = try await Safety.rewind(["lab", "clean", "--connect", Self.uri, "--run", "\(session)*",
                                                 "--work-dir", Safety.workDirectory.path])
            #expect(clean.status == 0, "\(clean)")
            #expect(clean.stdout.contains("destroyed \(oldDomainName)"), "\(clean)")
            #expect(clean.stdout.contains("undefined \(oldDomainName)"), "\(clean)")
            #expect(throws: LibvirtError.self) { try connection.lookupDomain(name: oldDomainName) }
            for gone in [oldImages, oldSocket, oldLock] { #expect(!fm.fileExists(atPath: gone), "\(gone)") }
            let again = try await Safety.rewind(["lab", "clean", "--connect", Self.uri, "--run", "\(session)*",
                                                 "--work-dir", Safety.workDirectory.path])
            #expect(again.stdout.contains("nothing left behind on \(Self.uri)"), "\(again)")

            // 4. The decoys: same state, same XML, same disk contents.
            let after1 = try await Self.snapshot(prefixDecoy, disk: prefixDecoyDisk)
            let after2 = try await Self.snapshot(ordinaryDecoy, disk: ordinaryDecoyDisk)
            #expect(after1 == before1, "\(before1) → \(after1)")
            #expect(after2 == before2, "\(before2) → \(after2)")
            #expect(after1.state.hasPrefix("running"))
            #expect(after2.state.hasPrefix("running"))
        }
    }
}
