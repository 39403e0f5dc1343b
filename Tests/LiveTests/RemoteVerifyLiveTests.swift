import Foundation
import Testing
@testable import LiveHost

/// `rewind verify` with two `--connect` hosts, one of them remote: the test driver and the live host over
/// TCP on the loopback address (`qemu+tcp://127.0.0.1/system`). Only a libvirtd that `rewind host start`
/// started listens there (as in CI); with any other daemon the test is cancelled, saying why.
@Suite("rewind verify on a local and a remote host (REWIND_LIVE=1)",
       .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
struct RemoteVerifyLiveTests {
    /// The Rewind package (this repository).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The generated snippet package of this test: inside `.build`, so later runs build incrementally.
    static let workDirectory = packageRoot.appendingPathComponent(".build/rewind-live-tests/remote-snippets")

    /// Fast snippets of Guides/reading.md: one reads versions, one expects an error, one needs QEMU
    /// (unsupported on the test driver, run on QEMU).
    static let snippetIDs = ["reading-versions", "reading-missing-domain", "reading-needs-qemu"]

    /// Runs a program in the package root with its output (both streams) in `log`; returns its exit status and output.
    static func run(_ executable: String, _ arguments: [String], log: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))
    }

    /// The `rewind` executable built next to this test bundle.
    static func rewindExecutable() throws -> String {
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("rewind").path
        try #require(FileManager.default.isExecutableFile(atPath: path), "no rewind executable at \(path): run `swift build` first")
        return path
    }

    @Test("each --connect host gets its own results: test:///default and qemu+tcp://127.0.0.1/system")
    func twoHostsOneRemote() async throws {
        let status = LiveHost.system.status()
        guard status.tcpAnswers else {
            let why = status.startedByRewind
                ? "Rewind's libvirtd does not answer on \(LiveHost.system.tcpURI) (started with --no-tcp, or the port was "
                    + "taken; see \(LiveHost.system.libvirtdLog))"
                : "the libvirtd serving \(LiveHost.system.uri) was not started by `rewind host start`, so nothing listens on "
                    + "\(LiveHost.system.tcpURI)"
            FileHandle.standardError.write(Data("remote verify test cancelled: \(why)\n".utf8))
            try Test.cancel("TCP loopback unavailable: \(why)")
        }
        let rewind = try Self.rewindExecutable()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-remote-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let json = scratch.appendingPathComponent("results.json")

        var arguments = ["verify", "--root", Self.packageRoot.path, "--work-dir", Self.workDirectory.path,
                         "--connect", "test:///default", "--connect", LiveHost.system.tcpURI, "--json", json.path]
        for id in Self.snippetIDs { arguments += ["--filter", id] }
        let (exitStatus, output) = try Self.run(rewind, arguments, log: scratch.appendingPathComponent("output"))
        #expect(exitStatus == 0, "rewind \(arguments.joined(separator: " ")):\n\(output)")

        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let hosts = try #require(root["hosts"] as? [[String: Any]])
        try #require(hosts.count == 2, "one result set per --connect host")
        let infos = hosts.map { $0["host"] as? [String: Any] ?? [:] }
        #expect(infos.map { $0["uri"] as? String } == ["test:///default", LiveHost.system.tcpURI])
        #expect(infos.map { $0["driver"] as? String } == ["TEST", "QEMU"])
        for info in infos {
            let version = info["libvirtVersion"] as? String ?? ""
            #expect(version.hasPrefix("9."), "libvirt version of \(info["uri"] ?? "?"): \(version)")
            #expect(!(info["hypervisorVersion"] as? String ?? "").isEmpty)
        }
        #expect(infos[1]["virtType"] as? String == "kvm" || infos[1]["virtType"] as? String == "qemu")

        func verdicts(_ host: [String: Any]) -> [String: String] {
            let results = host["results"] as? [[String: Any]] ?? []
            return Dictionary(results.compactMap { r in
                (r["id"] as? String).map { ($0, r["verdict"] as? String ?? "") }
            }, uniquingKeysWith: { a, _ in a })
        }
        let local = verdicts(hosts[0]), remote = verdicts(hosts[1])
        #expect(local["reading-versions"] == "pass", "\(output)")
        #expect(local["reading-missing-domain"] == "pass")
        #expect(local["reading-needs-qemu"] == "unsupported", "the test driver is not QEMU")
        #expect(remote["reading-versions"] == "pass", "\(output)")
        #expect(remote["reading-missing-domain"] == "pass")
        #expect(remote["reading-needs-qemu"] == "pass", "the remote host is QEMU: the snippet runs there")
        #expect(local["snap-inactive"] == "skipped" && remote["snap-inactive"] == "skipped", "filtered out")
    }
}
