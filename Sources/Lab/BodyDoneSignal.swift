import Glibc

/// The one-byte signal a snippet process gives when its body has ended and only its teardown is left, so that
/// the runner can start the next snippet while this one tears down (destroying a guest waits on QEMU's exit:
/// a fifth of a second libvirt spends polling, not computing). It goes through a named pipe (FIFO) in the
/// run's folder: the runner holds the read end open before the child starts and waits in `poll`, the child
/// writes one byte; nothing sleeps or retries.
public enum BodyDoneSignal {
    /// The runner's end of the FIFO, open from before the child starts (so neither side ever blocks in `open`).
    public final class Reader: @unchecked Sendable {
        private let fd: Int32

        fileprivate init(fd: Int32) { self.fd = fd }

        /// Blocks until the child signals (true), or until every writer is gone without a byte (false: the
        /// child ended before its body did, and ``BodyDoneSignal/release(_:)`` hung up). Call it once, off the
        /// cooperative thread pool; it closes the read end.
        public func wait() -> Bool {
            defer { close(fd) }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while true {
                let n = poll(&entry, 1, -1)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                var byte: UInt8 = 0
                let got = read(fd, &byte, 1)
                if got == 1 { return true }
                if got < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                return false
            }
        }
    }

    /// Makes the FIFO at `path` (replacing a stale file) and opens the runner's read end.
    public static func make(_ path: String) -> Reader? {
        unlink(path)
        guard mkfifo(path, 0o600) == 0 else { return nil }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            unlink(path)
            return nil
        }
        return Reader(fd: fd)
    }

    /// The child's side: writes the byte; false when nobody holds the read end, so it never blocks.
    @discardableResult
    public static func signal(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var byte: UInt8 = 1
        return write(fd, &byte, 1) == 1
    }

    /// Called once the child has ended: opening and closing the FIFO for writing wakes a reader still waiting
    /// (it sees the hang-up, false); then the FIFO is removed.
    public static func release(_ path: String) {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        unlink(path)
    }
}
