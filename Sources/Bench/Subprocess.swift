import Foundation
import Glibc

/// Runs a program and times it: `posix_spawn` with a clean signal mask and default signal
/// dispositions (Foundation's `Process` passes on the spawning thread's blocked signals), standard
/// input from `/dev/null`, and `wait4` for the exit status and the CPU time used.
public enum Subprocess {
    /// What a finished program did.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal number if a signal ended it.
        public var status: Int32
        /// Wall time from spawn to exit, in seconds.
        public var seconds: Double
        /// CPU time the program used (user + system, from `wait4`'s resource usage), in seconds.
        public var cpuSeconds: Double
        /// Standard output and standard error together, when captured (else empty).
        public var output: String
    }

    /// The program could not be started.
    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        /// What failed.
        public var description: String
    }

    /// The absolute path of `tool` in `PATH`, or nil.
    public static func which(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments` and waits for it (blocking the calling thread).
    ///
    /// - Parameters:
    ///   - captureOutput: collect standard output and error (through a temporary file); otherwise both go to
    ///     `/dev/null`, or to `outputFile` when given.
    ///   - outputFile: a file that receives standard output (not standard error).
    public static func run(_ executable: String, _ arguments: [String], captureOutput: Bool = false,
                           outputFile: String? = nil) throws(SpawnError) -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var capture: String?
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            let path = NSTemporaryDirectory() + "rewind-bench-out-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            capture = path
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, outputFile ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        defer { if let capture { unlink(capture) } }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let start = ContinuousClock.now
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        // ETXTBSY: a file just written (a fresh build, a script) can still be open for writing in a child
        // that another thread is spawning at the same moment; that child closes it when it execs.
        var retries = 0
        while rc == ETXTBSY, retries < 100 {
            usleep(10_000)
            retries += 1
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else { throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw SpawnError(description: "wait4 \(executable): \(String(cString: strerror(errno)))") }
        }
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let elapsed = seconds(since: start)
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = capture.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        return Result(status: exit, seconds: elapsed, cpuSeconds: cpu, output: output)
    }
}

/// Runs blocking work on a thread of its own, so that no Swift concurrency thread waits on a
/// subprocess, a socket or a disk (the pool has only as many threads as CPUs: 2 here).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
