import Foundation
import Libvirt

/// A private test-driver state for one test (`TestDriverNode`) with one running, persistent domain named
/// `rewind-jobs-t` (a raw disk `vda`). Save images go into the node's directory, removed with it.
final class JobsTestNode {
    static let domainName = "rewind-jobs-t"
    let node: TestDriverNode
    var connection: Connection { node.connection }
    let domain: Domain

    init() throws {
        node = try TestDriverNode("jobs", domains: [
            TestDriverNode.guest(Self.domainName, disks: [
                .init(target: "vda", source: "/guest/rewind-jobs-vda.img", format: .raw),
            ]),
        ])
        domain = try node.domain(Self.domainName)
    }

    /// A path inside the private directory.
    func path(_ name: String) -> String { node.path(name) }
}
