import Foundation
import Glibc
import Libvirt

// Names inside the lab directory, UNIX socket paths and TCP ports for NBD exports.

extension Lab {
    /// The path of a file called `name` inside `directory`, for images, backup targets and scratch files.
    ///
    /// ```swift
    /// let target = try lab.path("full.qcow2")   // <lab directory>/full.qcow2
    /// ```
    ///
    /// `name` is a single file name: a `/`, `.` or `..` (or an empty name) would let the path escape the lab
    /// directory, and is refused.
    ///
    /// - Throws: `LabFailure` naming the calling line when `name` is not a plain file name.
    public func path(_ name: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        guard Self.isPlainFileName(name) else {
            throw LabFailure("lab.path(\"\(name)\"): expected a plain file name (no '/', not '.' or '..')",
                             file: file, line: line)
        }
        return directory.appendingPathComponent(name).path
    }

    /// Whether `name` is one path component that stays inside its directory.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// The longest path a UNIX socket may have: `sun_path` holds 108 bytes, including the final NUL.
    public static let maximumSocketPathLength = 107

    /// A path for a UNIX socket called `name` (an NBD export of a pull backup, for example).
    ///
    /// The socket lives in the lab directory when the path fits in `sun_path` (107 bytes plus NUL);
    /// otherwise it is `/run/rewind/<runID>-<name>`. Either way nothing else uses the path (a stale file
    /// of that name is removed first), and the socket file is removed after the snippet: QEMU leaves it
    /// behind when a domain stops during a pull backup.
    ///
    /// ```swift
    /// let socket = try lab.unixSocketPath("backup.sock")
    /// let backup = BackupDefinition(mode: .pull, server: .unix(socket: socket), disks: [.init(name: "vda")])
    /// ```
    ///
    /// - Throws: `LabFailure` when `name` is not a plain file name, or no short enough path exists.
    public func unixSocketPath(_ name: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        let inLab = try path(name, file: file, line: line)
        let socket: String
        if inLab.utf8.count <= Self.maximumSocketPathLength {
            socket = inLab
        } else {
            let runDirectory = "/run/rewind"
            socket = "\(runDirectory)/\(runID)-\(name)"
            guard socket.utf8.count <= Self.maximumSocketPathLength else {
                throw LabFailure("no UNIX socket path for \"\(name)\" fits in 107 bytes (\(socket) has \(socket.utf8.count))",
                                 file: file, line: line)
            }
            try makeHostDirectory(runDirectory, file: file, line: line)
        }
        try removeFile(socket, file: file, line: line)
        onTeardown { [self] in try removeFile(socket) }
        return socket
    }

    /// Where a pull backup's NBD server should listen so that this snippet can read it: a UNIX socket in the
    /// lab directory when the host is this machine (`unixSocketPath(name)`), otherwise TCP on the host's
    /// address as the connection URI names it, on a free port (`freeTCPPort()`).
    ///
    /// ```swift
    /// let backup = BackupDefinition(mode: .pull, server: try lab.nbdServer("backup.sock"), disks: [.init(name: "vda")])
    /// try dom.beginBackup(xml: backup.xml())
    /// let used = try BackupDefinition(xml: try dom.backupXMLDescription())
    /// let export = try lab.openExport(used.server!, exportName: "vda")   // the address libvirt reports
    /// ```
    public func nbdServer(_ name: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> BackupDefinition.Server {
        if host.isLocal { return .unix(socket: try unixSocketPath(name, file: file, line: line)) }
        let address = URLComponents(string: uri)?.host.flatMap { $0.isEmpty || $0 == "localhost" ? nil : $0 } ?? "127.0.0.1"
        return .tcp(name: address, port: try freeTCPPort(file: file, line: line))
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago, for a pull backup's NBD server over TCP (which
    /// needs an explicit port).
    ///
    /// The port is found by binding port 0 and reading what the kernel chose; it is closed again before
    /// returning, so another process could take it in between (unlikely on a lab host).
    ///
    /// ```swift
    /// let port = try lab.freeTCPPort()
    /// let backup = BackupDefinition(mode: .pull, server: .tcp(name: "127.0.0.1", port: port), disks: [.init(name: "vda")])
    /// ```
    public func freeTCPPort(file: String = #filePath, line: Int = #line) throws(LabFailure) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LabFailure("socket(): \(String(cString: strerror(errno)))", file: file, line: line) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        guard bound == 0 else { throw LabFailure("bind(127.0.0.1:0): \(String(cString: strerror(errno)))", file: file, line: line) }
        var length = size
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw LabFailure("getsockname(): \(String(cString: strerror(errno)))", file: file, line: line) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
