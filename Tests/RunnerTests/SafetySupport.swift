import Foundation
import Glibc
import Testing
@testable import Lab
import Libvirt
@testable import Runner

/// The safety tests: the built `rewind` binary run on fixture guides, bad input, interruption, decoys.
///
/// They share one snippet work directory (one build of the Rewind libraries for the generated package), so
/// the suite and everything nested in it runs one test at a time.
@Suite("Safety", .serialized)
struct SafetyTests {}

/// Helpers for the safety tests.
enum Safety {
    /// The snippet work directory of the safety tests (its `.build` is reused between runs).
    static let workDirectory = Fixture.packageRoot.appendingPathComponent(".build/rewind-safety-tests/snippets")

    /// Whether the live tier runs (`REWIND_LIVE=1`).
    static let live = ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"

    /// The `rewind` executable built next to this test bundle.
    static func rewindBinary() throws -> String {
        let path = Fixture.packageRoot.appendingPathComponent(".build/debug/rewind").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SafetyError("\(path) is missing: run `swift build` first")
        }
        return path
    }

    /// A test failure with a message.
    struct SafetyError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// What a `rewind` process did.
    struct Run: CustomStringConvertible {
        var termination: ChildProcess.Termination
        var stdout: String
        var stderr: String
        var seconds: Double

        /// The exit status, or nil when a signal ended it.
        var status: Int32? {
            if case .exited(let s) = termination { return s }
            return nil
        }

        var description: String { "\(termination) after \(Int(seconds)) s\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// Runs `rewind arguments`, waiting at most `timeout` seconds (then kills it and fails).
    ///
    /// `poll` is called every 100 ms while it runs, with its pid; use it to signal the process.
    static func rewind(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 900,
                       poll: (@Sendable (pid_t) -> Void)? = nil) async throws -> Run {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-safe-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in extra { environment[k] = v }
        let out = scratch.appendingPathComponent("out").path
        let err = scratch.appendingPathComponent("err").path
        let start = ContinuousClock.now
        let child = try ChildProcess.spawn(try rewindBinary(), arguments, environment: environment, stdout: out, stderr: err)
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(100))
                poll?(child.pid)
                if SnippetRunner.seconds(since: start) > timeout {
                    child.signalGroup(SIGKILL)
                    ChildProcess.killSession(child.pid)
                    return
                }
            }
        }
        let termination = await child.wait()
        watchdog.cancel()
        let seconds = SnippetRunner.seconds(since: start)
        let run = Run(termination: termination,
                      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
                      seconds: seconds)
        if seconds > timeout { throw SafetyError("rewind \(arguments.joined(separator: " ")) ran past \(Int(timeout)) s:\n\(run)") }
        return run
    }

    /// `rewind verify` on the guides of `root`, with the safety work directory and this package.
    static func verify(root: URL, uri: String = "test:///default", extra: [String] = [],
                       environment: [String: String] = [:], timeout: Double = 900,
                       poll: (@Sendable (pid_t) -> Void)? = nil) async throws -> Run {
        try await rewind(["verify", "--root", root.path, "--package-path", Fixture.packageRoot.path,
                          "--work-dir", workDirectory.path, "--connect", uri, "--jobs", "1"] + extra,
                         environment: environment, timeout: timeout, poll: poll)
    }

    /// A fresh project root holding `Guides/<name>` for each file (raw bytes, so that a test can write
    /// invalid UTF-8).
    static func makeRoot(_ files: [String: Data]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-safe-\(UUID().uuidString.prefix(8))")
        for (name, data) in files {
            let url = root.appendingPathComponent("Guides").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        return root
    }

    /// `makeRoot` with text files.
    static func makeRoot(text files: [String: String]) throws -> URL {
        try makeRoot(files.mapValues { Data($0.utf8) })
    }

    /// A random session id for `rewind verify --session-id` (letters and digits).
    static func sessionID() -> String {
        "sf" + String((0..<8).map { _ in Array("abcdefghijklmnopqrstuvwxyz0123456789").randomElement()! })
    }

    /// The pids of processes whose command line contains `marker` (this process excluded).
    static func processes(containing marker: String) -> [pid_t] {
        let me = getpid()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(pid_t.init).filter { pid in
            guard pid != me, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
                .split(separator: ")").last?.split(separator: " ").first
            return state != "Z" && String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(marker)
        }
    }

    /// The names of the domains on `uri` that start with `prefix`.
    static func domains(on uri: String, prefix: String) throws -> [String] {
        let connection = try Connection(uri: uri)
        defer { connection.close() }
        return try connection.listDomains().map(\.name).filter { $0.hasPrefix(prefix) }
    }

    /// The SHA-256 of a file (with `sha256sum`).
    static func sha256(_ path: String) async throws -> String {
        let (termination, out, err) = try await ChildProcess.run(
            "sha256sum", [path], scratch: FileManager.default.temporaryDirectory, name: "rewind-safe-sha-\(UUID().uuidString.prefix(8))")
        guard termination == .exited(0), let sum = out.split(separator: " ").first else {
            throw SafetyError("sha256sum \(path): \(termination): \(err)")
        }
        return String(sum)
    }

    /// Runs a tool to the end and fails unless it exits with status 0.
    @discardableResult
    static func tool(_ executable: String, _ arguments: [String]) async throws -> String {
        let (termination, out, err) = try await ChildProcess.run(
            executable, arguments, scratch: FileManager.default.temporaryDirectory, name: "rewind-safe-tool-\(UUID().uuidString.prefix(8))")
        guard termination == .exited(0) else {
            throw SafetyError("\(executable) \(arguments.joined(separator: " ")): \(termination): \(err)")
        }
        return out
    }

    /// The hidden prelude the fixture guides share (`context=safe`): `labDomain` makes a tagged lab domain
    /// (on QEMU with a qcow2 disk under `/var/lib/libvirt/images/rewind/<run>`) and registers its removal.
    static let prelude = #"""
        ```swift context=safe prelude
        func labDomain(_ suffix: String, disk: Bool = true, start: Bool = true) throws -> Domain {
            let isTest = try lab.connection.hypervisorType.uppercased() == "TEST"
            let type: VirtType = isTest ? .test : (FileManager.default.fileExists(atPath: "/dev/kvm") ? .kvm : .qemu)
            var def = DomainDefinition(name: lab.name(suffix), type: type, metadata: [.rewindLab(run: lab.runID)])
            if isTest {
                def.arch = "i686"
                def.machine = nil
            }
            let imageDirectory = "/var/lib/libvirt/images/rewind/\(lab.runID)"
            if disk && !isTest {
                try FileManager.default.createDirectory(atPath: imageDirectory, withIntermediateDirectories: true)
                let image = imageDirectory + "/\(UUID().uuidString).qcow2"
                let qemuImg = Process()
                qemuImg.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
                qemuImg.arguments = ["create", "-q", "-f", "qcow2", image, "16M"]
                try qemuImg.run()
                qemuImg.waitUntilExit()
                try lab.expect(qemuImg.terminationStatus == 0, "qemu-img create \(image) failed")
                def.disks = [.init(target: "vda", source: image)]
            }
            let dom = try lab.connection.defineDomain(xml: def.xml())
            lab.onTeardown {
                if (try? dom.isActive()) == true { try dom.destroy() }
                try dom.undefine()
                try? FileManager.default.removeItem(atPath: imageDirectory)
            }
            if start { try dom.start() }
            return dom
        }
        ```

        """#
}
