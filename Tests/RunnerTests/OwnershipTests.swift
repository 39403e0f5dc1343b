import Foundation
import Glibc
import Testing
@testable import Lab
import Libvirt
@testable import Runner

/// Ownership on private test-driver states: only domains named `rewind-<run>-…` AND tagged with that run
/// are ever removed; run locks tell runs in progress from leftovers; children die with their session.
@Suite("Ownership (test driver)")
struct OwnershipTests {
    /// A private test-driver state whose node file holds `domains` (it is read once, when the connection
    /// opens; every later connection to the same URI starts from it again).
    struct Node {
        var directory: URL
        var uri: String

        init(_ domains: [DomainDefinition] = []) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-safe-own-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let node = directory.appendingPathComponent("node.xml")
            let body = domains.map { d in
                // The node file wants the domain elements themselves: drop the XML declaration.
                d.xml().split(separator: "\n").filter { !$0.hasPrefix("<?xml") }.joined(separator: "\n")
            }.joined(separator: "\n")
            try "<node>\n\(body)\n</node>\n".write(to: node, atomically: true, encoding: .utf8)
            uri = "test://" + node.path
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func definition(_ name: String, tag: MetadataItem?) -> DomainDefinition {
        DomainDefinition(name: name, type: .test, arch: "i686", machine: nil, metadata: tag.map { [$0] } ?? [])
    }

    /// A lab tag lookalike in another namespace.
    static func foreignTag(run: String) -> MetadataItem {
        MetadataItem(namespaceURI: "https://example.invalid/not-rewind", prefix: "other", name: "lab", attributes: ["run": run])
    }

    @Test("ownership needs the prefix AND the tag of the same run")
    func status() throws {
        let node = try Node([
            Self.definition("rewind-r1-vm", tag: .rewindLab(run: "r1")),
            Self.definition("rewind-r1-untagged", tag: nil),
            Self.definition("rewind-r1-foreign", tag: Self.foreignTag(run: "r1")),
            Self.definition("rewind-r1-other-run", tag: .rewindLab(run: "r2")),
            Self.definition("plain-tagged", tag: .rewindLab(run: "r1")),
        ])
        defer { node.remove() }
        let connection = try Connection(uri: node.uri)
        func status(_ name: String) throws -> LabOwnership.Status {
            LabOwnership.status(of: try connection.lookupDomain(name: name))
        }
        #expect(try status("rewind-r1-vm") == .owned(run: "r1"))
        #expect(try status("rewind-r1-untagged") == .untagged)
        #expect(try status("rewind-r1-foreign") == .untagged)
        #expect(try status("rewind-r1-other-run") == .tagNameMismatch(run: "r2"))
        #expect(try status("plain-tagged") == .tagNameMismatch(run: "r1"))
        #expect(LabOwnership.isOwned(try connection.lookupDomain(name: "rewind-r1-vm"), run: "r1"))
        #expect(!LabOwnership.isOwned(try connection.lookupDomain(name: "rewind-r1-vm"), run: "r2"))
        #expect(!LabOwnership.isOwned(try connection.lookupDomain(name: "rewind-r1-untagged")))
    }

    @Test("child-side clean-up removes the run's tagged domains and leaves every decoy alone")
    func cleanupRefusesDecoys() throws {
        let node = try Node([
            Self.definition("rewind-r1-vm", tag: .rewindLab(run: "r1")),
            Self.definition("rewind-r1-untagged", tag: nil),
            Self.definition("rewind-r1-foreign", tag: Self.foreignTag(run: "r1")),
            Self.definition("rewind-r1-other-run", tag: .rewindLab(run: "r2")),
            Self.definition("rewind-r2-vm", tag: .rewindLab(run: "r2")),
        ])
        defer { node.remove() }
        var locations = LabInventory.Locations()
        locations.imageRoot = node.directory.appendingPathComponent("images").path
        locations.socketDirectory = node.directory.appendingPathComponent("sockets").path
        locations.lockDirectory = node.directory.appendingPathComponent("locks").path
        let lines = LabCleanup.run(uri: node.uri, runID: "r1", labDirectory: nil, locations: locations)
        // The node file's domains are running and persistent.
        #expect(lines.contains("destroyed rewind-r1-vm"), "\(lines)")
        #expect(lines.contains("undefined rewind-r1-vm"), "\(lines)")
        #expect(lines.contains("left rewind-r1-untagged alone: it carries no Rewind lab tag"), "\(lines)")
        #expect(lines.contains("left rewind-r1-foreign alone: it carries no Rewind lab tag"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("left rewind-r1-other-run alone: it carries the lab tag of run r2 but") }, "\(lines)")
        #expect(!lines.contains { $0.contains("rewind-r2-vm") }, "\(lines)")
        #expect(lines.count == 5, "\(lines)")

        // Removing through one connection: the decoys are still there, untouched.
        let connection = try Connection(uri: node.uri)
        for name in ["rewind-r1-untagged", "rewind-r1-foreign", "rewind-r1-other-run"] {
            let dom = try connection.lookupDomain(name: name)
            let before = try dom.xmlDescription()
            let said = LabCleanup.remove(dom, run: "r1")
            #expect(said.count == 1 && said[0].hasPrefix("left \(name) alone"), "\(said)")
            #expect(try dom.isActive())
            #expect(try dom.xmlDescription() == before)
        }
        let owned = try connection.lookupDomain(name: "rewind-r1-vm")
        #expect(LabCleanup.remove(owned, run: "r1") == ["destroyed rewind-r1-vm", "undefined rewind-r1-vm"])
        #expect(throws: LibvirtError.self) { try connection.lookupDomain(name: "rewind-r1-vm") }
    }

    @Test("a domain whose connection was closed cannot be proven Rewind's: left alone, no crash")
    func closedConnection() throws {
        let node = try Node([Self.definition("rewind-r1-vm", tag: .rewindLab(run: "r1"))])
        defer { node.remove() }
        let connection = try Connection(uri: node.uri)
        let dom = try connection.lookupDomain(name: "rewind-r1-vm")
        connection.close()
        guard case .unknown(let error) = LabOwnership.status(of: dom) else {
            Issue.record("expected .unknown, got \(LabOwnership.status(of: dom))")
            return
        }
        #expect(error.code == .invalidConn)
        let lines = LabCleanup.remove(dom, run: "r1")
        #expect(lines.count == 1 && lines[0].hasPrefix("left rewind-r1-vm alone: its metadata cannot be read (VIR_ERR_INVALID_CONN"), "\(lines)")
        #expect(throws: LibvirtError.self) { try LabInventory.scan(connection: connection) }
    }

    @Test("a run lock is shared by its holders, seen from elsewhere, and removed by the last one")
    func runLock() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-safe-locks-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(!RunLock.isHeld(runID: "a-0-1", directory: dir))
        let first = try #require(RunLock(runID: "a-0-1", directory: dir))
        let second = try #require(RunLock(runID: "a-0-1", directory: dir))
        #expect(RunLock.isHeld(runID: "a-0-1", directory: dir))
        #expect(!RunLock.removeIfStale(runID: "a-0-1", directory: dir))
        first.release()
        first.release()   // twice is harmless
        #expect(RunLock.isHeld(runID: "a-0-1", directory: dir))
        #expect(FileManager.default.fileExists(atPath: second.path))
        second.release()
        #expect(!FileManager.default.fileExists(atPath: second.path))
        #expect(!RunLock.isHeld(runID: "a-0-1", directory: dir))

        // A crashed run's lock file: present, held by nobody.
        _ = FileManager.default.createFile(atPath: RunLock.path(runID: "b-0-2", directory: dir), contents: nil)
        #expect(RunLock.recordedRuns(directory: dir) == ["b-0-2"])
        #expect(!RunLock.isHeld(runID: "b-0-2", directory: dir))
        #expect(RunLock.removeIfStale(runID: "b-0-2", directory: dir))
        #expect(RunLock.recordedRuns(directory: dir).isEmpty)

        // Names that could escape the directory are no run ids.
        for bad in ["", "../x", "a/b", ".hidden", "UPPER", "sp ace", String(repeating: "a", count: 101)] {
            #expect(RunLock(runID: bad, directory: dir) == nil, "\(bad)")
            #expect(!RunLock.isValidRunID(bad))
        }
    }

    @Test("the inventory finds leftovers of crashed runs and cleans only those")
    func inventory() throws {
        let node = try Node()
        defer { node.remove() }
        var locations = LabInventory.Locations()
        let base = node.directory
        locations.imageRoot = base.appendingPathComponent("images").path
        locations.socketDirectory = base.appendingPathComponent("sockets").path
        locations.lockDirectory = base.appendingPathComponent("locks").path
        locations.labRoots = [base.appendingPathComponent("labs").path]
        let fm = FileManager.default
        for dir in [locations.imageRoot + "/crashed-0-1", locations.imageRoot + "/rewind-crashed-0-1",
                    locations.imageRoot + "/live-0-1", locations.imageRoot + "/gone-0-3",
                    locations.labRoots[0] + "/crashed-0-1", locations.socketDirectory, locations.imageRoot + "/someone-else"] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: dir + "/disk.qcow2", contents: Data("image".utf8))
        }
        try bindSocket(locations.socketDirectory + "/crashed-0-1-backup.sock")
        try bindSocket(locations.socketDirectory + "/crashed-0-10-backup.sock")   // another run's
        try bindSocket(locations.socketDirectory + "/live-0-1-backup.sock")
        _ = fm.createFile(atPath: locations.socketDirectory + "/unrelated.sock", contents: nil)

        let connection = try Connection(uri: node.uri)
        func define(_ name: String, tag: MetadataItem?) throws -> Domain {
            let dom = try connection.defineDomain(xml: Self.definition(name, tag: tag).xml())
            try dom.start()
            return dom
        }
        _ = try define("rewind-crashed-0-1-vm", tag: .rewindLab(run: "crashed-0-1"))
        _ = try define("rewind-crashed-0-1-vm2", tag: .rewindLab(run: "crashed-0-1"))
        _ = try define("rewind-live-0-1-vm", tag: .rewindLab(run: "live-0-1"))
        let untagged = try define("rewind-crashed-0-1-decoy", tag: nil)
        let foreign = try define("rewind-crashed-0-1-foreign", tag: Self.foreignTag(run: "crashed-0-1"))
        let ordinary = try define("ordinary", tag: nil)
        let live = try #require(RunLock(runID: "live-0-1", directory: locations.lockDirectory))
        defer { live.release() }
        // A run that crashed after its domains were gone: only its lock file and image directory remain.
        _ = fm.createFile(atPath: RunLock.path(runID: "gone-0-3", directory: locations.lockDirectory), contents: nil)

        let inventory = try LabInventory.scan(connection: connection, locations: locations)
        #expect(inventory.runs.map(\.runID) == ["crashed-0-1", "gone-0-3"])
        #expect(inventory.runs[0].domains.map(\.name) == ["rewind-crashed-0-1-vm", "rewind-crashed-0-1-vm2"])
        #expect(inventory.runs[0].files == [
            locations.imageRoot + "/crashed-0-1", locations.imageRoot + "/rewind-crashed-0-1",
            locations.labRoots[0] + "/crashed-0-1", locations.socketDirectory + "/crashed-0-1-backup.sock",
        ])
        #expect(inventory.runs[1].domains.isEmpty)
        #expect(inventory.runs[1].files == [locations.imageRoot + "/gone-0-3",
                                            RunLock.path(runID: "gone-0-3", directory: locations.lockDirectory)])
        #expect(inventory.notOwned == ["rewind-crashed-0-1-decoy", "rewind-crashed-0-1-foreign"])
        #expect(inventory.inProgress == ["live-0-1": ["rewind-live-0-1-vm"]])

        let selected = try LabInventory.scan(connection: connection, locations: locations) { $0.hasPrefix("gone") }
        #expect(selected.runs.map(\.runID) == ["gone-0-3"])

        let dry = inventory.clean(on: connection, dryRun: true)
        #expect(dry.contains("would remove domain rewind-crashed-0-1-vm (run crashed-0-1, running)"), "\(dry)")
        #expect(try connection.listDomains().count == 6)
        #expect(fm.fileExists(atPath: locations.imageRoot + "/crashed-0-1"))

        let lines = inventory.clean(on: connection)
        #expect(!lines.contains { $0.hasPrefix("cannot") }, "\(lines)")
        let names = Set(try connection.listDomains().map(\.name))
        #expect(names == ["rewind-live-0-1-vm", "rewind-crashed-0-1-decoy", "rewind-crashed-0-1-foreign", "ordinary"])
        for dom in [untagged, foreign, ordinary] { #expect(try dom.isActive()) }
        for gone in inventory.runs.flatMap(\.files) { #expect(!fm.fileExists(atPath: gone), "\(gone)") }
        for kept in [locations.imageRoot + "/live-0-1", locations.imageRoot + "/someone-else",
                     locations.socketDirectory + "/crashed-0-10-backup.sock",
                     locations.socketDirectory + "/live-0-1-backup.sock", locations.socketDirectory + "/unrelated.sock",
                     RunLock.path(runID: "live-0-1", directory: locations.lockDirectory)] {
            #expect(fm.fileExists(atPath: kept), "\(kept)")
        }
        #expect(try LabInventory.scan(connection: connection, locations: locations).isEmpty)
    }

    @Test("a child's session dies with it, also processes in process groups of their own")
    func sessionKill() async throws {
        let marker = "rewind-safe-session-\(UUID().uuidString.prefix(8))"
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(marker)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // The background job puts itself in a process group of its own (perl's setpgrp; perl-base is
        // essential on Debian), as Foundation's Process does with its children.
        let script = "perl -e 'setpgrp(0, 0); exec \"sh\", \"-c\", \"sleep 300; : \(marker)\"' & "
            + "while ! ps -eo args | grep -q '^sh -c sleep 300; : \(marker)'; do sleep 0.05; done; echo started; exit 0"
        let (termination, out, _) = try await ChildProcess.run("sh", ["-c", script], scratch: scratch, name: "session")
        #expect(termination == .exited(0))
        #expect(out == "started\n")
        #expect(Safety.processes(containing: marker).isEmpty, "left: \(Safety.processes(containing: marker))")
    }

    /// Makes a UNIX socket file at `path` (bound, then closed: the file stays, like QEMU's after a kill).
    func bindSocket(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw Safety.SafetyError("bind \(path): \(String(cString: strerror(errno)))") }
    }
}
