import Foundation
import FoundationXML
import Libvirt

/// A private test-driver state (`test:///<tmpdir>/node.xml`) holding one persistent, running domain with one
/// qcow2 disk, so that a test can create, revert and delete snapshots or checkpoints without disturbing others.
struct SnapshotFixture {
    /// The name of the fixture's domain.
    static let domainName = "snapdom"

    /// A node description for libvirt's test driver. Domains listed in it start out running.
    private static let nodeXML = """
        <node>
          <domain type='test'>
            <name>snapdom</name>
            <memory unit='MiB'>64</memory>
            <vcpu>1</vcpu>
            <os><type arch='x86_64'>hvm</type></os>
            <devices>
              <disk type='file' device='disk'>
                <driver name='qemu' type='qcow2'/>
                <source file='/var/lib/libvirt/images/snapdom.qcow2'/>
                <target dev='vda' bus='virtio'/>
              </disk>
            </devices>
          </domain>
        </node>
        """

    let connection: Connection
    let domain: Domain

    init() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-snap-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The test driver reads the file once, when the connection opens.
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = dir.appendingPathComponent("node.xml")
        try Self.nodeXML.write(to: node, atomically: true, encoding: .utf8)
        connection = try Connection(uri: "test://" + node.path)
        domain = try connection.lookupDomain(name: Self.domainName)
    }
}

extension SnapshotFixture {
    /// A `<domainsnapshot>` document naming the snapshot; `name` is always a literal chosen by the test.
    static func snapshotXML(_ name: String) -> String {
        "<domainsnapshot><name>\(name)</name></domainsnapshot>"
    }

    /// A `<domaincheckpoint>` document naming the checkpoint; `name` is always a literal chosen by the test.
    static func checkpointXML(_ name: String) -> String {
        "<domaincheckpoint><name>\(name)</name></domaincheckpoint>"
    }

    /// The names of some snapshots, as a set.
    static func names(_ snapshots: [Snapshot]) -> Set<String> { Set(snapshots.map(\.name)) }

    /// The names of some checkpoints, as a set.
    static func names(_ checkpoints: [Checkpoint]) -> Set<String> { Set(checkpoints.map(\.name)) }

    /// The string values an XPath expression selects in an XML document.
    static func xpath(_ xml: String, _ path: String) throws -> [String] {
        try XMLDocument(xmlString: xml).nodes(forXPath: path).compactMap(\.stringValue)
    }
}
