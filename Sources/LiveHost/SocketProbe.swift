import Glibc

/// What is found at the path of a UNIX stream socket.
public enum SocketProbe: String, Sendable, Codable {
    /// No file at that path.
    case missing
    /// A file is there but nobody accepts connections on it: a leftover of a process that is gone.
    case stale
    /// A process accepts connections on it.
    case accepting
    /// Connecting failed for another reason (for example permissions).
    case unreachable

    /// Tries to connect to the UNIX stream socket at `path` (and closes the connection at once).
    public static func probe(_ path: String) -> SocketProbe {
        var st = stat()
        if stat(path, &st) != 0 { return .missing }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .unreachable }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return .unreachable }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc == 0 { return .accepting }
        switch errno {
        case ECONNREFUSED: return .stale
        case ENOENT: return .missing
        default: return .unreachable
        }
    }

    /// Whether something accepts TCP connections on an IPv4 `address` and `port` (the connection is
    /// closed at once). False when nothing listens, and when the address is not an IPv4 address.
    public static func acceptsTCP(address: String, port: UInt16) -> Bool {
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let rc = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return rc == 0
    }
}
