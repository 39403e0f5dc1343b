import Foundation
import Libvirt
import RewindXML

/// A private test-driver state (`TestDriverNode`) holding one persistent, running domain with one qcow2 disk,
/// so that a test can create, revert and delete snapshots or checkpoints, save the domain or freeze its file
/// systems without disturbing others. Files a test writes (save images) go into the node's directory.
struct DomainFixture {
    /// The name of the fixture's domain.
    static let domainName = "rewind-fixture"

    let node: TestDriverNode
    var connection: Connection { node.connection }
    let domain: Domain

    init() throws {
        node = try TestDriverNode("fixture", domains: [
            TestDriverNode.guest(Self.domainName, arch: "x86_64", disks: [
                .init(target: "vda", source: "/guest/rewind-fixture-vda.qcow2", format: .qcow2),
            ]),
        ])
        domain = try node.domain(Self.domainName)
    }

    /// A path inside the node's private directory.
    func path(_ name: String) -> String { node.path(name) }
}

extension DomainFixture {
    /// A `<domainsnapshot>` document naming the snapshot.
    static func snapshotXML(_ name: String) -> String { SnapshotDefinition(name: name).xml() }

    /// A `<domaincheckpoint>` document naming the checkpoint.
    static func checkpointXML(_ name: String) -> String { CheckpointDefinition(name: name).xml() }

    /// The names of some snapshots, as a set.
    static func names(_ snapshots: [Snapshot]) -> Set<String> { Set(snapshots.map(\.name)) }

    /// The names of some checkpoints, as a set.
    static func names(_ checkpoints: [Checkpoint]) -> Set<String> { Set(checkpoints.map(\.name)) }

    /// The string values an XPath expression selects in an XML document.
    static func xpath(_ xml: String, _ path: String) throws -> [String] {
        try XMLDocument(parsing: xml).strings(at: path)
    }
}
