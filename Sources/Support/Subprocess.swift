import Dispatch
import Foundation
import Glibc

/// The program could not be started, or could not be waited for.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// What failed, naming the program.
    public var description: String
    /// Whether the program was not found (nothing was started).
    public var notFound = false

    public init(_ description: String, notFound: Bool = false) {
        self.description = description
        self.notFound = notFound
    }
}

/// The one way Rewind starts programs: `posix_spawn`, with an empty signal mask and default signal
/// dispositions whatever the caller has (Foundation's `Process` passes on blocked signals and cannot start
/// a session), standard streams from ``ProcessSpec``, and, in ``run(_:timeout:)``, a bounded wait that
/// ends an overdue program with SIGTERM, then SIGKILL.
///
/// The corresponding C functions are `posix_spawn(3)` and `wait4(2)`.
public enum Subprocess {
    /// What a finished program did.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public var status: Int32
        /// Captured standard output, as bytes (empty unless ``ProcessSpec/Output/capture``).
        public var outputData: Data
        /// Captured standard error, as bytes (empty unless captured on its own).
        public var errorData: Data
        /// Captured standard output, as text.
        public var output: String { String(decoding: outputData, as: UTF8.self) }
        /// Captured standard error, as text.
        public var errorOutput: String { String(decoding: errorData, as: UTF8.self) }
        /// Whether the wait ran out and the program was ended.
        public var timedOut: Bool
        /// Wall time from start to exit, in seconds.
        public var seconds: Double
        /// CPU time it used (user + system, from `wait4`), in seconds.
        public var cpuSeconds: Double
        /// Exit status 0, in time.
        public var succeeded: Bool { status == 0 && !timedOut }
    }

    /// A started program: its pid and where its captured output lands.
    public struct Started: Sendable {
        /// The process id (with ``ProcessSpec/newSession``, also its session and group id).
        public let pid: pid_t
        let scratch: String?
        let capturesOutput: Bool
        let capturesErrors: Bool

        /// The captured outputs, read once the program has ended; the scratch folder is removed.
        func collect() -> (output: Data, errors: Data) {
            guard let scratch else { return (Data(), Data()) }
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            func read(_ name: String) -> Data {
                (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/" + name))) ?? Data()
            }
            return (capturesOutput ? read("out") : Data(), capturesErrors ? read("err") : Data())
        }
    }

    /// glibc's `POSIX_SPAWN_SETSID` (spawn.h): the Glibc module does not import it (glibc declares it only
    /// under `_GNU_SOURCE`); its value is part of glibc's ABI on every architecture.
    static let setSessionFlag: Int16 = 0x80

    /// Starts the program and returns at once. The caller waits for it (``wait(_:)``, or its own `waitpid`).
    public static func spawn(_ spec: ProcessSpec) throws(SpawnError) -> Started {
        guard let executable = Executable.find(spec.executable) else {
            throw SpawnError("`\(spec.executable)` is not installed (searched PATH and \(Executable.fallbackDirectories.joined(separator: ":")))",
                             notFound: true)
        }
        if spec.closeInheritedDescriptors { markDescriptorsCloseOnExec() }

        var scratch: String?
        func scratchFile(_ name: String) throws(SpawnError) -> String {
            if scratch == nil {
                let dir = NSTemporaryDirectory() + "rewind-proc-\(getpid())-\(UUID().uuidString.prefix(12))"
                guard mkdir(dir, 0o700) == 0 else {
                    throw SpawnError("cannot create \(dir) for \(spec.executable)'s output: \(String(cString: strerror(errno)))")
                }
                scratch = dir
            }
            return scratch! + "/" + name
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch spec.input {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .data(let data):
            let path = try scratchFile("in")
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw SpawnError("cannot write \(path), the standard input of \(spec.executable)")
            }
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        }
        var capturesOutput = false, capturesErrors = false
        for (fd, target) in [(Int32(1), spec.output), (Int32(2), spec.errorOutput)] {
            switch target {
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .file(let path, let append):
                posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o640)
            case .capture:
                let path = try scratchFile(fd == 1 ? "out" : "err")
                posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                if fd == 1 { capturesOutput = true } else { capturesErrors = true }
            case .parentStandardError: posix_spawn_file_actions_adddup2(&actions, 2, fd)
            case .sameAsOutput: if fd == 2 { posix_spawn_file_actions_adddup2(&actions, 1, 2) }
            }
        }
        if let dir = spec.currentDirectory, spawnAddChdir(&actions, dir) != 0 {
            throw SpawnError("cannot run \(spec.executable) in \(dir)")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if spec.newSession { flags |= setSessionFlag }
        posix_spawnattr_setflags(&attributes, flags)

        var environment = spec.environment ?? ProcessInfo.processInfo.environment
        for (k, v) in spec.addedEnvironment { environment[k] = v }
        let argv = ([executable] + spec.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        var rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // ETXTBSY: a file just written (a fresh build, a script) can still be open for writing in a child
        // that another thread is spawning at the same moment; that child closes it when it execs.
        var retries = 0
        while rc == ETXTBSY, retries < 100 {
            usleep(10_000)
            retries += 1
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard rc == 0 else {
            if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
            throw SpawnError("cannot start \(spec.commandLine): \(String(cString: strerror(rc)))")
        }
        return Started(pid: pid, scratch: scratch, capturesOutput: capturesOutput, capturesErrors: capturesErrors)
    }

    /// Runs the program to its end. With a `timeout`, an overdue program gets SIGTERM (its whole group when
    /// it has a session of its own), SIGKILL 2 s later, and the result says `timedOut`.
    public static func run(_ spec: ProcessSpec, timeout: Duration? = nil) throws(SpawnError) -> Result {
        let start = ContinuousClock.now
        let started = try spawn(spec)
        let (status, cpu, timedOut) = wait(started, timeout: timeout, group: spec.newSession)
        let (output, errors) = started.collect()
        return Result(status: status, outputData: output, errorData: errors, timedOut: timedOut,
                      seconds: start.secondsElapsed, cpuSeconds: cpu)
    }

    /// Waits for a started program; returns its status (128 + signal when a signal ended it) and CPU time.
    static func wait(_ started: Started, timeout: Duration?, group: Bool) -> (status: Int32, cpu: Double, timedOut: Bool) {
        let pid = started.pid
        final class Box: @unchecked Sendable { var status: Int32 = 0; var usage = rusage() }
        let box = Box()
        @Sendable func reap() {
            while wait4(pid, &box.status, 0, &box.usage) < 0 {
                if errno != EINTR { box.status = -1; return }
            }
        }
        var timedOut = false
        if let timeout {
            let done = DispatchSemaphore(value: 0)
            let waiter = Thread { reap(); done.signal() }
            waiter.start()
            if done.wait(timeout: .now() + .nanoseconds(Int(timeout.inSeconds * 1e9))) == .timedOut {
                timedOut = true
                kill(group ? -pid : pid, SIGTERM)
                if done.wait(timeout: .now() + .seconds(2)) == .timedOut {
                    kill(group ? -pid : pid, SIGKILL)
                    done.wait()
                }
            }
        } else {
            reap()
        }
        let u = box.usage
        let cpu = Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        let raw = box.status
        let status: Int32 = raw < 0 ? -1 : (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return (status, cpu, timedOut)
    }

    /// Runs `executable` and times it (wall and CPU), as the benchmarks do.
    ///
    /// - Parameters:
    ///   - captureOutput: collect standard output and error together; otherwise both go to `/dev/null`, or
    ///     standard output to `outputFile` when given.
    public static func run(_ executable: String, _ arguments: [String], captureOutput: Bool = false,
                           outputFile: String? = nil) throws(SpawnError) -> Result {
        var spec = ProcessSpec(executable, arguments)
        if captureOutput {
            spec.output = .capture
            spec.errorOutput = .sameAsOutput
        } else {
            spec.output = outputFile.map { .file($0, append: false) } ?? .null
            spec.errorOutput = .null
        }
        return try run(spec)
    }

    /// Sets `FD_CLOEXEC` on every open descriptor above 2.
    public static func markDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), declared only under `_GNU_SOURCE`.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnAddChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
