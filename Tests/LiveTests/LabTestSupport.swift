import Foundation
import Glibc
@testable import Lab
import Libvirt

/// Builds `Lab`s outside a snippet process, the way `SnippetMain` does, for the lab fixture tests.
enum LabTestSupport {
    /// A run id like `lab-test-1a2b3c4d`: lab names then start with `rewind-lab-test-…`.
    static func runID() -> String {
        "lab-test-" + UUID().uuidString.prefix(8).lowercased()
    }

    /// A lab on a private test-driver state (no domains at first), with a fresh directory under the
    /// system's temporary directory.
    static func testDriverLab(snippetID: String = "unit") throws -> Lab {
        let run = runID()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-\(run)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let node = dir.appendingPathComponent("node.xml")
        try "<node/>".write(to: node, atomically: true, encoding: .utf8)
        let connection = try Connection(uri: "test://" + node.path)
        try FileManager.default.removeItem(at: node)   // read once, when the connection opened
        return Lab(connection: connection, directory: dir, runID: run, snippetID: snippetID)
    }

    /// A lab on `qemu:///system` whose directory is `parent/<run id>`.
    static func qemuLab(under parent: String, snippetID: String = "live") throws -> Lab {
        let run = runID()
        let dir = URL(fileURLWithPath: parent, isDirectory: true).appendingPathComponent("rewind-\(run)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return Lab(connection: try Connection(uri: "qemu:///system"), directory: dir, runID: run, snippetID: snippetID)
    }

    /// Runs the lab's teardown and returns its errors; then, whatever happened, removes what is left
    /// (domains with the lab's prefix, its directory) so that a failing test leaves nothing behind.
    /// `leftovers` lists what the safety net still had to remove (domains, and the directory when it was
    /// not empty): empty when teardown did its job.
    static func finish(_ lab: Lab) async -> (teardownErrors: [String], leftovers: [String], directoryWasEmpty: Bool) {
        let errors = await lab.runTeardown()
        let empty = rmdir(lab.directory.path) == 0 || !FileManager.default.fileExists(atPath: lab.directory.path)
        // The lab's own connection: a test-driver state is private to it.
        var leftovers: [String] = []
        for domain in (try? lab.connection.listDomains()) ?? [] where domain.name.hasPrefix(lab.resourcePrefix) {
            leftovers += LabCleanup.remove(domain)
        }
        if FileManager.default.fileExists(atPath: lab.directory.path) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: lab.directory.path)) ?? []
            leftovers.append("directory \(lab.directory.path) with \(files.sorted())")
            try? FileManager.default.removeItem(at: lab.directory)
        }
        return (errors, leftovers, empty)
    }

    /// Names of the domains on the lab's connection that start with its prefix.
    static func prefixedDomains(_ lab: Lab) throws -> [String] {
        try lab.connection.listDomains().map(\.name).filter { $0.hasPrefix(lab.resourcePrefix) }
    }
}
