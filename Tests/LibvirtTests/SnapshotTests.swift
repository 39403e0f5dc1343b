import Foundation
import Libvirt
import Testing

/// Snapshot metadata and state transitions on libvirt's test driver. Each test has its own private driver state.
@Suite("Snapshots (test driver)")
struct SnapshotTests {
    typealias F = DomainFixture

    @Test("A new snapshot is a child of the current one; reverting then creating makes a branch")
    func tree() throws {
        let f = try F()
        let s1 = try f.domain.createSnapshot(xml: F.snapshotXML("s1"))
        let s2 = try f.domain.createSnapshot(xml: F.snapshotXML("s2"))
        #expect(try s1.parent() == nil)
        #expect(try s2.parent()?.name == "s1")

        try s1.revert()
        #expect(try s1.isCurrent())
        let s3 = try f.domain.createSnapshot(xml: F.snapshotXML("s3"))
        #expect(try s3.parent()?.name == "s1")
        #expect(try s3.isCurrent())
        #expect(try !s2.isCurrent())

        #expect(F.names(try s1.children()) == ["s2", "s3"])
        #expect(try s1.numberOfChildren() == 2)
        #expect(try s2.numberOfChildren() == 0)
        #expect(try s2.children().isEmpty)
        #expect(F.names(try f.domain.listSnapshots()) == ["s1", "s2", "s3"])
        #expect(try f.domain.numberOfSnapshots() == 3)
        #expect(F.names(try f.domain.listSnapshots(.roots)) == ["s1"])
        #expect(F.names(try f.domain.listSnapshots(.leaves)) == ["s2", "s3"])
        #expect(F.names(try f.domain.listSnapshots(.noLeaves)) == ["s1"])
        #expect(try f.domain.lookupSnapshot(name: "s2").parent()?.name == "s1")
        // Every snapshot handle keeps its domain.
        #expect(try s3.parent()?.domain.name == F.domainName)
    }

    @Test("The current snapshot is nil until one is created")
    func currentSnapshot() throws {
        let f = try F()
        #expect(try f.domain.currentSnapshot() == nil)
        #expect(try !f.domain.hasCurrentSnapshot())

        let s1 = try f.domain.createSnapshot(xml: F.snapshotXML("s1"))
        #expect(try f.domain.hasCurrentSnapshot())
        #expect(try f.domain.currentSnapshot()?.name == "s1")
        #expect(try s1.isCurrent())
        #expect(try s1.hasMetadata())

        // With the default document, libvirt names the snapshot itself and it becomes current.
        let unnamed = try f.domain.createSnapshot()
        #expect(!unnamed.name.isEmpty && unnamed.name != "s1")
        #expect(try f.domain.currentSnapshot()?.name == unnamed.name)
        #expect(try unnamed.parent()?.name == "s1")
    }

    @Test("An unknown snapshot name throws VIR_ERR_NO_DOMAIN_SNAPSHOT")
    func lookupUnknown() throws {
        let f = try F()
        let error = #expect(throws: LibvirtError.self) { try f.domain.lookupSnapshot(name: "nope") }
        #expect(error?.code == .noDomainSnapshot)
    }

    @Test("TOPOLOGICAL lists every parent before its children; DESCENDANTS walks the whole subtree")
    func topological() throws {
        let f = try F()
        // r → a → b, a → c, r → d → e
        let r = try f.domain.createSnapshot(xml: F.snapshotXML("r"))
        let a = try f.domain.createSnapshot(xml: F.snapshotXML("a"))
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("b"))
        try a.revert()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("c"))
        try r.revert()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("d"))
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("e"))

        let ordered = try f.domain.listSnapshots(.topological)
        #expect(F.names(ordered) == ["r", "a", "b", "c", "d", "e"])
        let position = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.name, $0) })
        for snap in ordered {
            if let parent = try snap.parent() {
                #expect(position[parent.name]! < position[snap.name]!, "\(parent.name) must come before \(snap.name)")
            }
        }

        #expect(F.names(try r.children()) == ["a", "d"])
        #expect(F.names(try r.children(.descendants)) == ["a", "b", "c", "d", "e"])
        #expect(try r.numberOfChildren(.descendants) == 5)
        let subtree = try r.children([.descendants, .topological])
        let subPosition = Dictionary(uniqueKeysWithValues: subtree.enumerated().map { ($1.name, $0) })
        #expect(subPosition["a"]! < subPosition["b"]! && subPosition["a"]! < subPosition["c"]!)
        #expect(subPosition["d"]! < subPosition["e"]!)
        #expect(F.names(try r.children([.descendants, .leaves])) == ["b", "c", "e"])
    }

    @Test("Listing filters by state and location")
    func listFilters() throws {
        let f = try F()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("up"))
        try f.domain.destroy()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("down"))

        #expect(F.names(try f.domain.listSnapshots(.active)) == ["up"])
        #expect(F.names(try f.domain.listSnapshots(.inactive)) == ["down"])
        #expect(try f.domain.listSnapshots(.diskOnly).isEmpty)
        #expect(F.names(try f.domain.listSnapshots(.internal)) == ["up", "down"])
        #expect(try f.domain.listSnapshots(.external).isEmpty)
        #expect(F.names(try f.domain.listSnapshots(.metadata)) == ["up", "down"])
        #expect(try f.domain.listSnapshots(.noMetadata).isEmpty)
        #expect(try f.domain.numberOfSnapshots(.inactive) == 1)
    }

    @Test("Redefining from the XML description restores the metadata; CURRENT also makes it current")
    func redefine() throws {
        let f = try F()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("s1"))
        let s2 = try f.domain.createSnapshot(xml: F.snapshotXML("s2"))
        let xml = try s2.xmlDescription(.secure)
        #expect(try F.xpath(xml, "/domainsnapshot/name") == ["s2"])
        #expect(try F.xpath(xml, "/domainsnapshot/parent/name") == ["s1"])
        #expect(try F.xpath(xml, "/domainsnapshot/domain/name") == [F.domainName])

        // The test driver keeps no images, and refuses METADATA_ONLY as an unsupported flag.
        let metadataOnly = #expect(throws: LibvirtError.self) { try s2.delete(.metadataOnly) }
        #expect(metadataOnly?.code == .invalidArg)
        #expect(metadataOnly?.message.contains("unsupported flags (0x2)") == true)

        try s2.delete()
        let gone = #expect(throws: LibvirtError.self) { try f.domain.lookupSnapshot(name: "s2") }
        #expect(gone?.code == .noDomainSnapshot)
        let currentBefore = try f.domain.currentSnapshot()?.name
        #expect(currentBefore != "s2")

        let back = try f.domain.createSnapshot(xml: xml, flags: .redefine)
        #expect(back.name == "s2")
        #expect(try back.parent()?.name == "s1")
        #expect(try back.hasMetadata())
        #expect(try !back.isCurrent())
        #expect(try f.domain.currentSnapshot()?.name == currentBefore)

        let current = try f.domain.createSnapshot(xml: xml, flags: [.redefine, .current])
        #expect(try current.isCurrent())
        #expect(try f.domain.currentSnapshot()?.name == "s2")
        #expect(try f.domain.numberOfSnapshots() == 2)
    }

    @Test("CURRENT needs REDEFINE, and REDEFINE excludes HALT")
    func redefineFlagRules() throws {
        let f = try F()
        let currentOnly = #expect(throws: LibvirtError.self) {
            try f.domain.createSnapshot(xml: F.snapshotXML("x"), flags: .current)
        }
        #expect(currentOnly?.code == .invalidArg)
        #expect(currentOnly?.message.contains("VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE") == true)
        let redefineHalt = #expect(throws: LibvirtError.self) {
            try f.domain.createSnapshot(xml: F.snapshotXML("x"), flags: [.redefine, .halt])
        }
        #expect(redefineHalt?.code == .invalidArg)
        #expect(try f.domain.numberOfSnapshots() == 0)
    }

    @Test("The test driver rejects DISK_ONLY, NO_METADATA and REUSE_EXT as unsupported flags")
    func unsupportedCreateFlags() throws {
        let f = try F()
        let cases: [(Snapshot.CreateFlags, String)] = [(.diskOnly, "0x10"), (.noMetadata, "0x4"), (.reuseExternal, "0x20")]
        for (flags, hex) in cases {
            let error = #expect(throws: LibvirtError.self) {
                try f.domain.createSnapshot(xml: F.snapshotXML("x"), flags: flags)
            }
            #expect(error?.code == .invalidArg)
            #expect(error?.message.contains("unsupported flags (\(hex))") == true)
        }
        #expect(try f.domain.numberOfSnapshots() == 0)
    }

    @Test("Reverting restores the recorded state unless RUNNING or PAUSED overrides it")
    func revertState() throws {
        let f = try F()
        let running = try f.domain.createSnapshot(xml: F.snapshotXML("running"))
        try f.domain.suspend()
        let paused = try f.domain.createSnapshot(xml: F.snapshotXML("paused"))
        try f.domain.destroy()
        let off = try f.domain.createSnapshot(xml: F.snapshotXML("off"))
        #expect(try F.xpath(running.xmlDescription(), "/domainsnapshot/state") == ["running"])
        #expect(try F.xpath(paused.xmlDescription(), "/domainsnapshot/state") == ["paused"])
        #expect(try F.xpath(off.xmlDescription(), "/domainsnapshot/state") == ["shutoff"])

        func revert(_ snap: Snapshot, _ flags: Snapshot.RevertFlags = []) throws -> String {
            try snap.revert(flags)
            #expect(try snap.isCurrent())
            return try f.domain.state().description
        }
        #expect(try revert(running) == "running (FROM_SNAPSHOT)")
        #expect(try revert(running, .paused) == "paused (FROM_SNAPSHOT)")
        #expect(try revert(paused) == "paused (FROM_SNAPSHOT)")
        #expect(try revert(paused, .running) == "running (FROM_SNAPSHOT)")
        #expect(try revert(off) == "shut off (FROM_SNAPSHOT)")
        // Test-driver quirk (libvirt 9.0, `testDomainRevertToSnapshot`): for a snapshot of a shut-off domain,
        // RUNNING and PAUSED only queue STARTED/SUSPENDED events; the domain itself stays shut off. QEMU starts it.
        #expect(try revert(off, .running) == "shut off (FROM_SNAPSHOT)")
        #expect(try revert(off, .paused) == "shut off (FROM_SNAPSHOT)")

        let both = #expect(throws: LibvirtError.self) { try running.revert([.running, .paused]) }
        #expect(both?.code == .invalidArg)
    }

    @Test("Deleting a snapshot re-parents its children; CHILDREN and CHILDREN_ONLY delete subtrees")
    func deleteMerges() throws {
        let f = try F()
        let a = try f.domain.createSnapshot(xml: F.snapshotXML("a"))
        let b = try f.domain.createSnapshot(xml: F.snapshotXML("b"))
        let c = try f.domain.createSnapshot(xml: F.snapshotXML("c"))
        #expect(try c.parent()?.name == "b")

        try b.delete()
        #expect(try c.parent()?.name == "a")
        #expect(F.names(try a.children()) == ["c"])
        #expect(F.names(try f.domain.listSnapshots()) == ["a", "c"])

        let exclusive = #expect(throws: LibvirtError.self) { try a.delete([.children, .childrenOnly]) }
        #expect(exclusive?.code == .invalidArg)

        try a.delete(.childrenOnly)
        #expect(F.names(try f.domain.listSnapshots()) == ["a"])
        #expect(try a.numberOfChildren() == 0)

        try a.revert()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("d"))
        try a.delete(.children)
        #expect(try f.domain.numberOfSnapshots() == 0)
        #expect(try f.domain.currentSnapshot() == nil)
    }

    @Test("HALT shuts the domain off with reason FROM_SNAPSHOT")
    func halt() throws {
        let f = try F()
        #expect(try f.domain.isActive())
        let snap = try f.domain.createSnapshot(xml: F.snapshotXML("halted"), flags: .halt)
        #expect(try f.domain.state().description == "shut off (FROM_SNAPSHOT)")
        #expect(try !f.domain.isActive())
        // The snapshot itself recorded the running domain.
        #expect(try F.xpath(snap.xmlDescription(), "/domainsnapshot/state") == ["running"])
    }

    @Test("Snapshot metadata blocks undefining an inactive domain, unless SNAPSHOTS_METADATA")
    func undefineBlocked() throws {
        let f = try F()
        _ = try f.domain.createSnapshot(xml: F.snapshotXML("s1"))
        try f.domain.destroy()
        let blocked = #expect(throws: LibvirtError.self) { try f.domain.undefine() }
        #expect(blocked?.code == .operationInvalid)
        #expect(blocked?.message.contains("1 snapshots") == true)
        #expect(try f.domain.isPersistent())

        try f.domain.undefine(.snapshotsMetadata)
        let gone = #expect(throws: LibvirtError.self) { try f.connection.lookupDomain(name: F.domainName) }
        #expect(gone?.code == .noDomain)
    }

    @Test("After the connection is closed, snapshot methods throw VIR_ERR_INVALID_CONN")
    func closedConnection() throws {
        let f = try F()
        let snap = try f.domain.createSnapshot(xml: F.snapshotXML("s1"))
        f.connection.close()
        #expect(snap.name == "s1")
        let calls: [(String, () throws -> Void)] = [
            ("parent", { _ = try snap.parent() }),
            ("children", { _ = try snap.children() }),
            ("numberOfChildren", { _ = try snap.numberOfChildren() }),
            ("xmlDescription", { _ = try snap.xmlDescription() }),
            ("isCurrent", { _ = try snap.isCurrent() }),
            ("hasMetadata", { _ = try snap.hasMetadata() }),
            ("revert", { try snap.revert() }),
            ("delete", { try snap.delete() }),
            ("createSnapshot", { _ = try f.domain.createSnapshot() }),
            ("listSnapshots", { _ = try f.domain.listSnapshots() }),
            ("currentSnapshot", { _ = try f.domain.currentSnapshot() }),
            ("lookupSnapshot", { _ = try f.domain.lookupSnapshot(name: "s1") }),
        ]
        for (label, call) in calls {
            let error = #expect(throws: LibvirtError.self, "\(label)") { try call() }
            #expect(error?.code == .invalidConn, "\(label)")
        }
    }
}
