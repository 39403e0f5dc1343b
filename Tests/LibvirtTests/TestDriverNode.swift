import Foundation
import Libvirt

/// A directory under the system's temporary directory, private to one test and removed with everything in
/// it when the value is released.
final class TemporaryDirectory {
    let url: URL

    /// Creates `<tmp>/rewind-<label>-<UUID>`.
    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of a file called `name` in the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to a file called `name` in the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// A private test-driver state for one test: `node.xml` in a `TemporaryDirectory`, opened as
/// `test:///<dir>/node.xml`, so that a test that changes state neither sees nor disturbs another.
///
/// The domains of the node file exist from the start, persistent and running. The directory (and any
/// file a test puts in it, such as a save image) lives as long as the value.
final class TestDriverNode {
    let directory: TemporaryDirectory
    let connection: Connection

    /// Writes the node file with `domains` (none: an empty host) and opens it.
    init(_ label: String, domains: [DomainDefinition] = []) throws {
        directory = try TemporaryDirectory(label)
        // Each domain document is written by libxml2 (`DomainDefinition.xml()`); only whole documents are joined.
        let node = try directory.write("node.xml", "<node>\n" + domains.map { $0.xml() }.joined() + "</node>\n")
        connection = try Connection(uri: "test://" + node)
    }

    /// The domain called `name`.
    func domain(_ name: String) throws -> Domain { try connection.lookupDomain(name: name) }

    /// The path of a file called `name` in the node's directory.
    func path(_ name: String) -> String { directory.path(name) }

    /// A guest for the test driver: `<domain type='test'>`, 64 MiB, one vCPU, no ACPI, `arch` (nil: the
    /// driver's default) and no machine type, with `disks`.
    static func guest(_ name: String, arch: String? = nil, disks: [DomainDefinition.Disk] = []) -> DomainDefinition {
        DomainDefinition(name: name, type: .test, arch: arch, machine: nil, acpi: false, disks: disks)
    }
}
