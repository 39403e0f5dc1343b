import Foundation
import Libvirt
import Testing

/// Checkpoint metadata on libvirt's test driver. Each test has its own private driver state.
@Suite("Checkpoints (test driver)")
struct CheckpointTests {
    typealias F = DomainFixture

    @Test("Each new checkpoint is a child of the previous one")
    func tree() throws {
        let f = try F()
        let c1 = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        let c2 = try f.domain.createCheckpoint(xml: F.checkpointXML("c2"))
        let c3 = try f.domain.createCheckpoint(xml: F.checkpointXML("c3"))
        #expect(try c1.parent() == nil)
        #expect(try c2.parent()?.name == "c1")
        #expect(try c3.parent()?.name == "c2")

        #expect(F.names(try c1.children()) == ["c2"])
        #expect(F.names(try c1.children(.descendants)) == ["c2", "c3"])
        #expect(try c3.children().isEmpty)
        #expect(F.names(try f.domain.listCheckpoints()) == ["c1", "c2", "c3"])
        #expect(F.names(try f.domain.listCheckpoints(.roots)) == ["c1"])
        #expect(F.names(try f.domain.listCheckpoints(.leaves)) == ["c3"])
        #expect(F.names(try f.domain.listCheckpoints(.noLeaves)) == ["c1", "c2"])
        #expect(try f.domain.lookupCheckpoint(name: "c2").parent()?.name == "c1")

        let ordered = try f.domain.listCheckpoints(.topological)
        #expect(ordered.map(\.name) == ["c1", "c2", "c3"])
        let subtree = try c1.children([.descendants, .topological])
        #expect(subtree.map(\.name) == ["c2", "c3"])
    }

    @Test("The XML names the disks and their bitmaps; NO_DOMAIN drops the domain definition")
    func xmlDescription() throws {
        let f = try F()
        let c1 = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        let full = try c1.xmlDescription(.secure)
        #expect(try F.xpath(full, "/domaincheckpoint/name") == ["c1"])
        #expect(try F.xpath(full, "/domaincheckpoint/disks/disk/@name") == ["vda"])
        #expect(try F.xpath(full, "/domaincheckpoint/disks/disk/@checkpoint") == ["bitmap"])
        #expect(try F.xpath(full, "/domaincheckpoint/domain/name") == [F.domainName])

        let bare = try c1.xmlDescription(.noDomain)
        #expect(try F.xpath(bare, "/domaincheckpoint/domain").isEmpty)
        #expect(try F.xpath(bare, "/domaincheckpoint/name") == ["c1"])

        // SIZE is accepted on a running domain; the test driver never computes a size.
        let sized = try c1.xmlDescription(.size)
        #expect(try F.xpath(sized, "/domaincheckpoint/disks/disk/@size").isEmpty)
        try f.domain.destroy()
        let inactive = #expect(throws: LibvirtError.self) { try c1.xmlDescription(.size) }
        #expect(inactive?.code == .operationInvalid)
    }

    @Test("An unknown checkpoint name throws VIR_ERR_NO_DOMAIN_CHECKPOINT")
    func lookupUnknown() throws {
        let f = try F()
        let error = #expect(throws: LibvirtError.self) { try f.domain.lookupCheckpoint(name: "nope") }
        #expect(error?.code == .noDomainCheckpoint)
    }

    @Test("Redefining from the XML description restores the checkpoint and its place in the tree")
    func redefine() throws {
        let f = try F()
        _ = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        let c2 = try f.domain.createCheckpoint(xml: F.checkpointXML("c2"))
        let xml = try c2.xmlDescription()
        try c2.delete()
        let gone = #expect(throws: LibvirtError.self) { try f.domain.lookupCheckpoint(name: "c2") }
        #expect(gone?.code == .noDomainCheckpoint)

        let back = try f.domain.createCheckpoint(xml: xml, flags: .redefine)
        #expect(back.name == "c2")
        #expect(try back.parent()?.name == "c1")
        #expect(try back.xmlDescription(.noDomain) == c2.xmlDescription(.noDomain))
        // The redefined checkpoint is again the newest: the next one is its child.
        let c3 = try f.domain.createCheckpoint(xml: F.checkpointXML("c3"))
        #expect(try c3.parent()?.name == "c2")
    }

    @Test("The test driver rejects REDEFINE_VALIDATE as an unsupported flag")
    func redefineValidate() throws {
        let f = try F()
        let c1 = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        let xml = try c1.xmlDescription()
        let error = #expect(throws: LibvirtError.self) {
            try f.domain.createCheckpoint(xml: xml, flags: [.redefine, .redefineValidate])
        }
        #expect(error?.code == .invalidArg)
        #expect(error?.message.contains("unsupported flags (0x4)") == true)
    }

    @Test("Deleting a checkpoint re-parents its children; the three delete flags")
    func delete() throws {
        let f = try F()
        let c1 = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        let c2 = try f.domain.createCheckpoint(xml: F.checkpointXML("c2"))
        let c3 = try f.domain.createCheckpoint(xml: F.checkpointXML("c3"))
        try c2.delete()
        #expect(try c3.parent()?.name == "c1")
        #expect(F.names(try f.domain.listCheckpoints()) == ["c1", "c3"])

        let exclusive = #expect(throws: LibvirtError.self) { try c1.delete([.children, .childrenOnly]) }
        #expect(exclusive?.code == .invalidArg)

        try c1.delete(.childrenOnly)
        #expect(F.names(try f.domain.listCheckpoints()) == ["c1"])

        let c4 = try f.domain.createCheckpoint(xml: F.checkpointXML("c4"))
        #expect(try c4.parent()?.name == "c1")
        // There is nothing on disk in the test driver, so METADATA_ONLY is an ordinary delete.
        try c4.delete(.metadataOnly)
        #expect(F.names(try f.domain.listCheckpoints()) == ["c1"])

        _ = try f.domain.createCheckpoint(xml: F.checkpointXML("c5"))
        try c1.delete(.children)
        #expect(try f.domain.listCheckpoints().isEmpty)
    }

    @Test("Checkpoints need a running domain on the test driver")
    func inactiveDomain() throws {
        let f = try F()
        try f.domain.destroy()
        let error = #expect(throws: LibvirtError.self) { try f.domain.createCheckpoint(xml: F.checkpointXML("c1")) }
        #expect(error?.code == .operationUnsupported)
    }

    @Test("The test driver keeps snapshots and checkpoints apart, both ways")
    func exclusiveWithSnapshots() throws {
        let f = try F()
        let snap = try f.domain.createSnapshot(xml: F.snapshotXML("s1"))
        let noCheckpoint = #expect(throws: LibvirtError.self) {
            try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        }
        #expect(noCheckpoint?.code == .operationUnsupported)
        #expect(noCheckpoint?.message.contains("snapshot exists") == true)

        try snap.delete()
        let c1 = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        let noSnapshot = #expect(throws: LibvirtError.self) {
            try f.domain.createSnapshot(xml: F.snapshotXML("s2"))
        }
        #expect(noSnapshot?.code == .operationUnsupported)
        #expect(noSnapshot?.message.contains("checkpoint exists") == true)

        try c1.delete()
        #expect(try f.domain.createSnapshot(xml: F.snapshotXML("s3")).name == "s3")
    }

    @Test("After the connection is closed, checkpoint methods throw VIR_ERR_INVALID_CONN")
    func closedConnection() throws {
        let f = try F()
        let c1 = try f.domain.createCheckpoint(xml: F.checkpointXML("c1"))
        f.connection.close()
        #expect(c1.name == "c1")
        let calls: [(String, () throws -> Void)] = [
            ("parent", { _ = try c1.parent() }),
            ("children", { _ = try c1.children() }),
            ("xmlDescription", { _ = try c1.xmlDescription() }),
            ("delete", { try c1.delete() }),
            ("createCheckpoint", { _ = try f.domain.createCheckpoint() }),
            ("listCheckpoints", { _ = try f.domain.listCheckpoints() }),
            ("lookupCheckpoint", { _ = try f.domain.lookupCheckpoint(name: "c1") }),
        ]
        for (label, call) in calls {
            let error = #expect(throws: LibvirtError.self, "\(label)") { try call() }
            #expect(error?.code == .invalidConn, "\(label)")
        }
    }
}
