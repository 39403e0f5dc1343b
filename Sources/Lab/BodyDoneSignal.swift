import Glibc

/// The one-byte signal a snippet process gives when its body has ended and only its teardown is left, so that
/// the runner can start the next snippet while this one tears down (destroying a guest waits on QEMU's exit:
/// a fifth of a second libvirt spends polling, not computing). It goes through a named pipe (FIFO) in the
/// run's folder: the runner waits in `open`/`read`, the child writes one byte; nothing polls or sleeps.
public enum BodyDoneSignal {
    /// Makes the FIFO at `path` (removing a stale file first).
    public static func make(_ path: String) -> Bool {
        unlink(path)
        return mkfifo(path, 0o600) == 0
    }

    /// Blocks until a writer signals (true) or closes without writing (false: the child ended before its
    /// body did, or `release` woke the reader). Call it off the cooperative thread pool.
    public static func waitBlocking(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 { return true }
            if n == 0 { return false }
            if errno != EINTR { return false }
        }
    }

    /// The child's side: writes the byte. Blocks only until the reader has the FIFO open (it opens it before
    /// the child starts), and never when nobody will ever read: then the open fails at once.
    public static func signal(_ path: String) {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
        close(fd)
    }

    /// Wakes a reader still waiting (the child ended without signalling): opening and closing the FIFO for
    /// writing gives it end-of-file. Then removes the FIFO.
    public static func release(_ path: String) {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        unlink(path)
    }
}
