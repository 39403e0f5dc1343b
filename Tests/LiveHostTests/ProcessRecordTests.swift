import Foundation
import Glibc
import Testing
@testable import LiveHost

@Suite("process identity and staleness")
struct ProcessRecordTests {
    /// A scratch directory for logs, pid files and sockets, removed when the value is released.
    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-host-proc-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        /// The path of a file called `name` in the directory.
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    /// Starts `/bin/sleep <seconds>` detached, logging into `scratch`, and returns its identity.
    static func sleeper(_ seconds: String, in scratch: Scratch) throws -> ProcessRecord {
        let pid = try Spawner.spawnDetached(executable: "/bin/sleep", arguments: [seconds], logFile: scratch.path("log"))
        return try LiveHost.identify(pid: pid, expecting: "sleep", log: "/dev/null")
    }

    @Test func parsesProcStatEvenWithParenthesesInTheName() throws {
        let fields = (4...52).map(String.init).joined(separator: " ")   // fields 4 … 52
        let parsed = try #require(ProcessRecord.parseStat("321 (a) b (c)) S \(fields)"))
        #expect(parsed.record.pid == 321)
        #expect(parsed.record.name == "a) b (c)")
        #expect(parsed.state == "S")
        #expect(parsed.record.parentPid == 4)
        #expect(parsed.record.startTime == 22)
        #expect(ProcessRecord.parseStat("garbage") == nil)
        #expect(ProcessRecord.parseStat("12 (x) S 1 2") == nil)
    }

    @Test func aLiveProcessIsRecognisedOnlyByItsOwnIdentity() throws {
        let dir = try Scratch()
        let record = try Self.sleeper("60", in: dir)
        let pid = record.pid
        defer { _ = record.terminate(grace: 5) }

        #expect(record.isAlive)
        #expect(record.parentPid == getpid())
        #expect(getsid(pid) == pid, "spawned in a new session, like setsid")
        // Same pid, other name or other start time: a different process (pid reuse).
        #expect(!ProcessRecord(pid: pid, name: "libvirtd", startTime: record.startTime, parentPid: 1).isAlive)
        #expect(!ProcessRecord(pid: pid, name: "sleep", startTime: record.startTime + 1, parentPid: 1).isAlive)

        let pidFile = dir.path("sleep.pid")
        try "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        #expect(ProcessRecord.fromPidFile(pidFile, name: "sleep") == record)
        #expect(ProcessRecord.fromPidFile(pidFile, name: "libvirtd") == nil)

        #expect(record.terminate(grace: 5) == .terminated)
        #expect(!record.isAlive)
        #expect(ProcessRecord.fromPidFile(pidFile, name: "sleep") == nil, "the pid file is stale now")
        #expect(record.terminate(grace: 5) == .notRunning, "a gone process is never signalled again")
    }

    @Test func anExitedProcessIsStaleBeforeAndAfterItIsReaped() throws {
        let dir = try Scratch()
        let record = try Self.sleeper("0.2", in: dir)
        let pid = record.pid
        // Not reaped yet: once it exits it is a zombie, which counts as gone.
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)/stat"),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              ProcessRecord.parseStat(stat)?.state != "Z", Date() < deadline {
            usleep(20_000)
        }
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        #expect(ProcessRecord.parseStat(stat)?.state == "Z")
        #expect(ProcessRecord.current(pid: pid) == nil)
        #expect(!record.isAlive)
        // Reaped: the pid is gone altogether.
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(ProcessRecord.current(pid: pid) == nil)
        #expect(!record.isAlive)
    }

    @Test func aStateFileNamingDeadProcessesIsNotLive() throws {
        let dir = try Scratch()
        let record = try Self.sleeper("60", in: dir)
        let path = dir.path("host.json")
        let state = HostState(supervisor: record, libvirtd: nil, virtlogd: nil, startedAt: Date(), logFile: "/dev/null")
        try state.save(path: path)
        let loaded = try #require(HostState.load(path: path))
        #expect(loaded.supervisor == record)
        #expect(loaded.isLive)

        #expect(record.terminate(grace: 5) == .terminated)
        #expect(HostState.load(path: path)?.isLive == false)
        #expect(HostState.load(path: dir.path("missing.json")) == nil)
    }

    /// A release host's state names a mount namespace; the kernel reuses a namespace's id once its last
    /// process ends, so only processes in that namespace *and* chrooted into the release root are its own.
    /// (A stale trixie state once named the namespace a new sid host had just been given.)
    @Test("a release host's processes: its namespace and its root, never the namespace id alone",
          .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
    func releaseProcessesNeedTheirRoot() throws {
        let dir = try Scratch()
        let pid = try Spawner.spawnDetached(executable: "/usr/bin/unshare",
                                            arguments: ["-m", "--propagation", "private", "/bin/sleep", "60"],
                                            logFile: dir.path("log"))
        let record = try LiveHost.identify(pid: pid, expecting: "sleep", log: dir.path("log"))
        defer { _ = record.terminate(grace: 5) }
        let namespace = try #require(ReleaseHost.namespace(of: pid))
        #expect(namespace != ReleaseHost.namespace(of: getpid()), "unshare -m made a namespace of its own")
        #expect(ReleaseHost.root(of: pid) == "/")

        #expect(ReleaseHost.processes(in: namespace, root: "/").map(\.pid) == [pid])
        let release = try Release.named("trixie")
        #expect(ReleaseHost.processes(in: namespace, root: release.rootPath).isEmpty,
                "same namespace id, another root: not the release's")
        let stale = ReleaseHost.State(release: release, supervisor: ProcessRecord(pid: pid, name: "tini", startTime: 1, parentPid: 1),
                                      namespace: namespace, startedAt: Date(), versions: [:])
        #expect(!stale.supervisor.isAlive)
        #expect(ReleaseHost.processes(of: stale).isEmpty)
        // The caller's own namespace is never a release host's, whatever the root.
        #expect(ReleaseHost.processes(in: try #require(ReleaseHost.namespace(of: getpid())), root: "/").isEmpty)
    }

    @Test func childrenAreFoundThroughProc() throws {
        let dir = try Scratch()
        let record = try Self.sleeper("60", in: dir)
        defer { _ = record.terminate(grace: 5) }
        #expect(ProcessRecord.children(of: getpid()).contains(record))
    }

    @Test func socketProbeTellsStaleFromAccepting() throws {
        let dir = try Scratch()
        let path = dir.path("s")
        #expect(SocketProbe.probe(path) == .missing)

        // Bind and listen: accepting. Close without unlinking: a stale socket file.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        try #require(listen(fd, 1) == 0)
        #expect(SocketProbe.probe(path) == .accepting)
        close(fd)
        #expect(SocketProbe.probe(path) == .stale)
    }
}
