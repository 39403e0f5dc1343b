import Foundation
import Glibc

/// One process as identified by Linux: its pid, its command name and its start time.
///
/// A pid alone is not an identity: after a process exits its pid can be reused by an
/// unrelated program. Rewind records all three values when it starts a daemon and
/// later treats the daemon as alive only if all three still match, so a stale state
/// file can never make `LiveHost.system.stop()` signal a stranger.
public struct ProcessRecord: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The process id.
    public var pid: Int32
    /// The command name (`/proc/<pid>/comm`, at most 15 characters), e.g. `libvirtd`.
    public var name: String
    /// When the process started, in clock ticks after boot (field 22 of `/proc/<pid>/stat`).
    public var startTime: UInt64
    /// The parent's pid (not part of the identity; informational).
    public var parentPid: Int32

    /// Creates a record from its parts.
    public init(pid: Int32, name: String, startTime: UInt64, parentPid: Int32) {
        self.pid = pid
        self.name = name
        self.startTime = startTime
        self.parentPid = parentPid
    }

    /// `libvirtd (pid 4017)`.
    public var description: String { "\(name) (pid \(pid))" }

    /// Parses the text of `/proc/<pid>/stat`. Returns nil for text that is not in that format.
    ///
    /// The command name sits between the first `(` and the *last* `)`, since it may itself
    /// contain spaces and parentheses. `state` is the one-letter process state (`R`, `S`, `Z`, …).
    public static func parseStat(_ text: String) -> (record: ProcessRecord, state: Character)? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close,
              let pid = Int32(text[..<open].trimmingCharacters(in: .whitespaces)) else { return nil }
        let name = String(text[text.index(after: open)..<close])
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] is field 3 (state), rest[1] field 4 (ppid), rest[19] field 22 (starttime).
        guard rest.count > 19, let state = rest[0].first, let ppid = Int32(rest[1]),
              let start = UInt64(rest[19]) else { return nil }
        return (ProcessRecord(pid: pid, name: name, startTime: start, parentPid: ppid), state)
    }

    /// The running process with this pid, or nil if there is none. A zombie (state `Z`) or a dead
    /// task (`X`) counts as gone: it no longer runs and only waits to be reaped.
    public static func current(pid: Int32) -> ProcessRecord? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let parsed = parseStat(text) else { return nil }
        if parsed.state == "Z" || parsed.state == "X" || parsed.state == "x" { return nil }
        return parsed.record
    }

    /// Whether this very process still runs: same pid, same command name, same start time.
    public var isAlive: Bool {
        guard let now = ProcessRecord.current(pid: pid) else { return false }
        return now.name == name && now.startTime == startTime
    }

    /// The running process whose pid is written in `pidFile` (as libvirtd and virtlogd write theirs),
    /// provided its command name is `name`. A missing file, a dead pid or a pid now used by another
    /// program all give nil: such a pid file is stale.
    public static func fromPidFile(_ pidFile: String, name: String) -> ProcessRecord? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let record = current(pid: pid), record.name == name else { return nil }
        return record
    }

    /// The running children of a process (found by scanning `/proc`).
    public static func children(of pid: Int32) -> [ProcessRecord] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.compactMap { current(pid: $0) }.filter { $0.parentPid == pid }
    }

    /// How `terminate(grace:)` ended.
    public enum Termination: String, Sendable, Codable {
        /// The process was already gone (or its pid now belongs to another program): nothing was signalled.
        case notRunning
        /// It exited after SIGTERM.
        case terminated
        /// It ignored SIGTERM for `grace` seconds and was sent SIGKILL.
        case killed
        /// It was still there even after SIGKILL (for example stuck in uninterruptible sleep).
        case survived
    }

    /// Ends this process, only if it is still the same process (see `isAlive`): SIGTERM, wait up to
    /// `grace` seconds, then SIGKILL and wait up to 5 s more. If it is a child of the calling process
    /// it is reaped too.
    @discardableResult
    public func terminate(grace: TimeInterval) -> Termination {
        guard isAlive else { reap(); return .notRunning }
        kill(pid, SIGTERM)
        if waitUntilGone(timeout: grace) { return .terminated }
        guard isAlive else { reap(); return .terminated }
        kill(pid, SIGKILL)
        return waitUntilGone(timeout: 5) ? .killed : .survived
    }

    /// Polls until this process is gone (or a zombie), reaping it if it is our child.
    /// Returns whether it went away within `timeout` seconds.
    public func waitUntilGone(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            reap()
            if !isAlive { reap(); return true }
            if Date() >= deadline { return false }
            usleep(20_000)
        }
    }

    /// Collects the exit status if this process is a child of the caller and has exited
    /// (`waitpid` with `WNOHANG`; a no-op for other processes). Returns whether it was reaped.
    @discardableResult
    public func reap() -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }
}
