import Foundation
import Glibc
import Support
import Synchronization

/// A child process started with `posix_spawn` in a session (and so a process group) of its own, with its
/// standard output and error sent to files, so that a timeout or an interruption can end it and everything
/// it started.
///
/// Ending "everything it started" takes more than `kill(-pgid)`: Foundation's `Process` puts each child it
/// starts in a process group of its own (a snippet running `qemu-img` or `sleep` through `Process`), so
/// the child's *session* is killed too: every process whose session id is the child's pid (found in
/// `/proc`). Only a process that starts a session of its own (a daemon calling `setsid`) escapes.
///
/// It does not use Foundation's `Process`, which cannot set a session or process group.
final class ChildProcess: Sendable {
    /// How a child ended.
    enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It exited with a status.
        case exited(Int32)
        /// A signal ended it.
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let s): "exited with status \(s)"
            case .signaled(let s): "killed by \(ChildProcess.signalName(s))"
            }
        }
    }

    /// The child could not be started.
    struct SpawnError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// The process groups of the children that have not ended yet (for `terminateAll`).
    private static let live = Mutex<Set<pid_t>>([])

    /// Sends SIGKILL to the process group and session of every child still running (used when `rewind` is
    /// interrupted: the children are in sessions of their own and do not get the terminal's SIGINT).
    static func terminateAll() {
        live.withLock { pids in
            for pid in pids {
                _ = kill(-pid, SIGKILL)
                killSession(pid)
            }
        }
    }

    /// Whether new children may start: false once `rewind` was interrupted (see `SnippetRunner.interrupt`).
    static let spawningAllowed = Mutex(true)

    /// Sends SIGKILL to every process in the session `sid` (except this process), found in `/proc`, a few
    /// rounds so that processes forked meanwhile are caught too. Returns how many were signalled.
    @discardableResult
    static func killSession(_ sid: pid_t) -> Int {
        var total = 0
        for _ in 0..<5 {
            let members = sessionMembers(sid)
            if members.isEmpty { break }
            for pid in members { if kill(pid, SIGKILL) == 0 { total += 1 } }
        }
        return total
    }

    /// The processes whose session id is `sid`, from `/proc/<pid>/stat` (zombies and this process excluded).
    static func sessionMembers(_ sid: pid_t) -> [pid_t] {
        let me = getpid()
        var members: [pid_t] = []
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = pid_t(name), pid != me else { continue }
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state ppid pgrp session …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, fields[0] != "Z", pid_t(fields[3]) == sid else { continue }
            members.append(pid)
        }
        return members
    }

    /// The child's pid (also its process group id).
    let pid: pid_t
    /// Whether the child has ended (it may not be reaped yet); guards signalling the group.
    private let state = Mutex(false)

    init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `executable` (looked up in `PATH` when it has no `/`).
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                      stdout: String, stderr: String) throws(SpawnError) -> ChildProcess {
        guard spawningAllowed.withLock({ $0 }) else {
            throw SpawnError(description: "not starting \(executable): rewind was interrupted")
        }
        // A new session and process group (sid = pgid = pid), default signal dispositions and an empty mask.
        var spec = ProcessSpec(executable, arguments)
        spec.environment = environment
        spec.output = .file(stdout, append: false)
        spec.errorOutput = .file(stderr, append: false)
        spec.newSession = true
        let pid: pid_t
        do {
            pid = try Subprocess.spawn(spec).pid
        } catch {
            throw SpawnError(description: error.description)
        }
        live.withLock { _ = $0.insert(pid) }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end (on a thread of its own, so that no concurrency thread blocks).
    ///
    /// The child is waited for without being reaped first (`waitid` with `WNOWAIT`), so that its pid, which
    /// is also its process group id, cannot be reused while the group is signalled; then, when
    /// `killGroup` is true, whatever is left of its process group and session is killed, and the child is reaped.
    func wait(killGroup: Bool = true) async -> Termination {
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                self.state.withLock { exited in
                    exited = true
                    if killGroup {
                        _ = kill(-pid, SIGKILL)
                        ChildProcess.killSession(pid)
                    }
                }
                ChildProcess.live.withLock { _ = $0.remove(pid) }
                var status: Int32 = 0
                while true {
                    let r = waitpid(pid, &status, 0)
                    if r == pid { break }
                    if r < 0 && errno != EINTR {
                        continuation.resume(returning: .exited(-1))
                        return
                    }
                }
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal))
            }
            thread.name = "rewind-wait-\(pid)"
            thread.start()
        }
    }

    /// Sends a signal to the child's whole process group, unless the child has already ended.
    func signalGroup(_ signal: Int32) {
        let pid = self.pid
        state.withLock { exited in
            if !exited { _ = kill(-pid, signal) }
        }
    }

    /// Runs a command to the end and returns its termination and output (both streams read from files in `scratch`).
    static func run(_ executable: String, _ arguments: [String], scratch: URL, name: String,
                    environment: [String: String]? = nil) async throws(SpawnError) -> (Termination, stdout: String, stderr: String) {
        let out = scratch.appendingPathComponent("\(name).out").path
        let err = scratch.appendingPathComponent("\(name).err").path
        let child = try spawn(executable, arguments, environment: environment, stdout: out, stderr: err)
        let termination = await child.wait()
        let o = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return (termination, o, e)
    }

    /// `SIGSEGV`, `SIGILL`, … or `signal N`.
    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
            SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}
