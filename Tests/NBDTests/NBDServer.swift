import Foundation
import Glibc

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "rewind-nbd-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}

/// Starts `tool` with `posix_spawn`, stdout to /dev/null and stderr to `log`, and returns its pid.
///
/// Foundation's `Process` starts children with the spawning thread's signal mask, which blocks
/// SIGTERM, so a server started that way ignores `kill(pid, SIGTERM)`. This resets the mask and
/// the signal dispositions in the child.
func spawn(_ tool: String, _ arguments: [String], log: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([tool] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, tool, &actions, &attributes, argv, environ)
    guard rc == 0 else {
        throw CommandFailed(description: "posix_spawn \(tool): \(String(cString: strerror(rc)))")
    }
    return pid
}

/// Waits for `pid` to exit and returns its exit status (or 128 + signal).
@discardableResult
func reap(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

/// Runs a tool to completion and fails when it exits non-zero.
func run(_ tool: String, _ arguments: [String], log: String) throws {
    let status = reap(try spawn(tool, arguments, log: log))
    guard status == 0 else {
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw CommandFailed(description: "\(tool) \(arguments.joined(separator: " ")) exited \(status): \(output)")
    }
}

/// An NBD server process this test started (qemu-nbd or nbdkit in the foreground), stopped by its pid.
final class NBDServer {
    private(set) var pid: pid_t = 0

    /// Starts `tool` and waits until `unixSocket` (or TCP `port` on 127.0.0.1) accepts connections.
    init(_ tool: String, _ arguments: [String], unixSocket: String? = nil, port: Int? = nil,
         log: String) throws {
        pid = try spawn(tool, arguments, log: log)
        let deadline = Date().addingTimeInterval(5)
        while !(unixSocket.map(Self.acceptsUnix) ?? port.map(Self.acceptsTCP) ?? true) {
            var status: Int32 = 0
            let exited = waitpid(pid, &status, WNOHANG) == pid
            if exited { pid = 0 }
            guard !exited, Date() < deadline else {
                stop()
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw CommandFailed(description: "\(tool) did not start listening: \(output)")
            }
            usleep(2_000)
        }
    }

    /// Sends SIGTERM to the server's pid and reaps it (once).
    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        reap(pid)
        pid = 0
    }

    deinit { stop() }

    private static func acceptsUnix(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1)) + [0]
            raw.copyBytes(from: bytes)
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    private static func acceptsTCP(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// The deterministic pattern written into test images: byte `i` of a region is `(seed &+ i &* 7) & 0xff`.
func pattern(seed: UInt8, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: Int(seed) &+ $0 &* 7) }
}

/// Creates a sparse raw image of `size` bytes holding `regions` (offset → bytes) and nothing else.
func makeSparseImage(at path: String, size: UInt64, regions: [(UInt64, [UInt8])]) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw CommandFailed(description: "cannot create \(path)")
    }
    let handle = try FileHandle(forWritingTo: URL(filePath: path))
    defer { try? handle.close() }
    try handle.truncate(atOffset: size)
    for (offset, bytes) in regions {
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: bytes)
    }
}
