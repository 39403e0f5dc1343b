import Glibc

/// An exclusive advisory lock (`flock`) on a file, so that two `rewind host start`/`stop`
/// commands never interleave. Released when the value is deinitialized.
final class HostLock {
    private let fd: Int32

    /// Blocks until the lock on `path` (created if needed) is held.
    init(path: String) throws(LiveHostError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LiveHostError(.fileSystem, "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let message = String(cString: strerror(errno))
            close(fd)
            throw LiveHostError(.fileSystem, "cannot lock \(path): \(message)")
        }
        self.fd = fd
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
