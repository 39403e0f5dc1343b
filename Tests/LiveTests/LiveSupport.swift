import Foundation
import Glibc
@testable import Lab
import Libvirt
import Testing

// Support shared by the tests of this target: labs built outside a snippet process (on a private test-driver
// state or on qemu:///system), their teardown with a safety net, host commands and polling.
//
// Live tests (qemu:///system) run only with REWIND_LIVE=1 (`liveTestsEnabled`). They get their domains from
// `Lab.makeDomain` inside `LabTestSupport.withQemuLab`, so every domain is named `rewind-<label>-<random>-…`,
// its images live in the lab directory under /var/lib/libvirt/images/rewind/, and all of it is removed when
// the test ends, failed or not.

/// Whether the live tier runs: `REWIND_LIVE=1` in the environment.
let liveTestsEnabled = ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"

/// Where live labs keep their directories (and so their images).
let liveImageRoot = "/var/lib/libvirt/images/rewind"

/// Builds `Lab`s outside a snippet process, the way `SnippetMain` does, and finishes them.
enum LabTestSupport {
    /// A run id like `lab-test-1a2b3c4d`: lab names then start with `rewind-lab-test-…`.
    static func runID(_ label: String = "lab-test") -> String {
        label + "-" + UUID().uuidString.prefix(8).lowercased()
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

    /// A lab on `qemu:///system` with run id `<label>-<random>`, whose directory is `parent/rewind-<run id>`.
    static func qemuLab(label: String = "lab-test", under parent: String = liveImageRoot,
                        snippetID: String = "live") throws -> Lab {
        let run = runID(label)
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
        defer { lab.releaseRunLock() }   // a test may keep the lab; its lock file must not outlive the test
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

    /// Runs `body` with a lab on `qemu:///system` (`qemuLab(label:under:)`), then finishes it, also when
    /// `body` throws, and expects a clean finish: teardown without errors, nothing left for the safety net,
    /// no domain with the lab's prefix, no lab directory. An error of `body` is rethrown after that.
    ///
    /// - Parameter scratchFiles: whether `body` leaves files in the lab directory on purpose, made by libvirt
    ///   or QEMU rather than by the lab (backup targets, copy destinations, overlays, save images). They are
    ///   removed after the lab's own teardown, as `rewind verify` removes a snippet's lab directory. With
    ///   false (for tests of the lab itself) the teardown alone must leave the directory empty.
    static func withQemuLab(_ label: String, under parent: String = liveImageRoot, scratchFiles: Bool = true,
                            _ body: (Lab) async throws -> Void) async throws {
        let lab = try qemuLab(label: label, under: parent)
        if scratchFiles {
            // Registered first, so it runs last: after the domains that held the files are gone.
            let directory = lab.directory
            lab.onTeardown {
                for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                    try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
                }
            }
        }
        var failure: (any Error)?
        do { try await body(lab) } catch { failure = error }
        let (errors, leftovers, empty) = await finish(lab)
        #expect(errors == [])
        #expect(leftovers == [])
        #expect(empty, "the lab directory should be empty after teardown")
        #expect(!FileManager.default.fileExists(atPath: lab.directory.path))
        #expect(try prefixedDomains(lab) == [])
        if let failure { throw failure }
    }
}

/// Every image file the live definition of `domain` names: each disk's source and backing chain, and the
/// destination of a block job's mirror.
func liveImageFiles(_ domain: Domain) throws -> [String] {
    try DomainDefinition(xml: domain.xmlDescription()).disks.flatMap { $0.chainFiles + [$0.mirror?.file].compactMap { $0 } }
}

/// Polls `condition` every `interval` until it holds, or throws after `timeout`.
func poll(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(20),
          _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try !condition() {
        guard clock.now < deadline else { throw HostCommandFailure("timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// A host command that failed, or a wait that timed out.
struct HostCommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a host command to completion and returns its standard output and error together; throws when it
/// exits with a non-zero status.
@discardableResult
func runHostCommand(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw HostCommandFailure(([executable] + arguments).joined(separator: " ")
                                 + " exited with \(process.terminationStatus): \(output)")
    }
    return output
}
