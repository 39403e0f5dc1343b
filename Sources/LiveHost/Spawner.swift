import Foundation
import Glibc

/// Starts long-running daemons detached from the caller: in a new session, with standard input
/// from /dev/null and standard output and error appended to a log file.
///
/// `posix_spawn` is used instead of `Foundation.Process` so that the pid returned is exactly the
/// daemon's (no intermediate `setsid` process that may fork) and so that no pipe ties the daemon
/// to the `rewind` process that started it.
enum Spawner {
    /// glibc's `POSIX_SPAWN_SETSID` (spawn.h). The Glibc module does not import it because glibc
    /// declares it only under `_GNU_SOURCE`; its value is part of glibc's ABI on every architecture.
    static let setSessionFlag: Int16 = 0x80

    /// Spawns `executable` with `arguments` (not including argv[0]) in a new session.
    /// Returns the pid of the new process.
    static func spawnDetached(executable: String, arguments: [String], logFile: String) throws(LiveHostError) -> Int32 {
        markDescriptorsCloseOnExec()
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // A new session (like setsid(1)); default signal dispositions and an empty signal mask,
        // whatever the caller had.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes,
                                 setSessionFlag | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = [executable] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, &cArgs, environ)
        if rc != 0 {
            throw LiveHostError(.commandFailed, "cannot start \(argv.joined(separator: " ")): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// Sets `FD_CLOEXEC` on every open descriptor above 2, so that a daemon never inherits one
    /// (an inherited lock file descriptor would keep Rewind's lock held for the daemon's lifetime).
    static func markDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
