import Foundation
import Libvirt

/// A private test-driver state for one test: a temporary directory holding `node.xml` with one running,
/// persistent domain named `rewind-jobs-t` (disk `vda`), opened as `test:///<dir>/node.xml`.
/// The directory (and any file a test writes into it) is removed when the value is released.
final class JobsTestNode {
    static let domainName = "rewind-jobs-t"
    let directory: URL
    let connection: Connection
    let domain: Domain

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-jobs-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let node = directory.appendingPathComponent("node.xml")
        try Data("""
            <node>
              <domain type='test'>
                <name>\(Self.domainName)</name>
                <memory unit='MiB'>64</memory>
                <os><type>hvm</type></os>
                <devices>
                  <disk type='file' device='disk'>
                    <source file='/guest/rewind-jobs-vda.img'/>
                    <target dev='vda' bus='virtio'/>
                  </disk>
                </devices>
              </domain>
            </node>
            """.utf8).write(to: node)
        connection = try Connection(uri: "test://" + node.path)
        domain = try connection.lookupDomain(name: Self.domainName)
    }

    /// A path inside the private directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit {
        connection.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
