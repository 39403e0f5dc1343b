import Foundation
import Glibc
import Synchronization

/// A record that a lab run is in progress: a lock file `/run/rewind/runs/<runID>.lock` held with a
/// shared `flock` by every process working for the run.
///
/// `rewind verify` holds it for each snippet run (from before the snippet process starts until its
/// cleanup is done), and every `Lab` holds it for its lifetime, so that `rewind lab clean` can tell a run
/// in progress (the lock is held) from the leftovers of a run that crashed (the file is there, nobody
/// holds it) and leaves the former alone.
///
/// ```swift
/// let lock = RunLock(runID: "k3x9q2-0-4")       // held until released or deinitialized
/// print(RunLock.isHeld(runID: "k3x9q2-0-4"))    // true, in any process
/// lock?.release()
/// ```
///
/// Taking the lock is best effort: without a writable `/run/rewind/runs` (not root) there is no lock,
/// and the run looks like a leftover to `rewind lab clean` once its domains exist.
public final class RunLock: Sendable {
    /// The directory of the lock files, `/run/rewind/runs`.
    public static let defaultDirectory = "/run/rewind/runs"

    /// The path of the lock file.
    public let path: String
    private let fd: Int32

    /// Takes a shared lock on `<directory>/<runID>.lock` (creating the file), or returns nil when that is
    /// not possible (no permission, a run id that is not a plain file name, or a clean-up holding the run).
    public init?(runID: String, directory: String = RunLock.defaultDirectory) {
        guard Self.isValidRunID(runID) else { return nil }
        let path = Self.path(runID: runID, directory: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return nil
        }
        // A clean-up may remove the file between our open and our lock: then the lock we hold is on a
        // file nobody can find, and we try again with a new one.
        for _ in 0..<5 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return nil }
            guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
                close(fd)
                return nil
            }
            if Self.sameFile(fd, path) {
                self.path = path
                self.fd = fd
                return
            }
            close(fd)
        }
        return nil
    }

    /// Releases the lock (once; later calls do nothing); the last holder removes the lock file (the run is over).
    public func release() {
        guard released.set() else { return }
        // Only the last holder can turn its shared lock into an exclusive one without waiting.
        if flock(fd, LOCK_EX | LOCK_NB) == 0, Self.sameFile(fd, path) {
            unlink(path)
        }
        close(fd)
    }

    private let released = ManagedFlag()

    deinit {
        release()
    }

    /// Whether some process holds the lock of `runID` (the run is in progress).
    public static func isHeld(runID: String, directory: String = RunLock.defaultDirectory) -> Bool {
        guard isValidRunID(runID) else { return false }
        let fd = open(path(runID: runID, directory: directory), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// The run ids that have a lock file in `directory` (held or not).
    public static func recordedRuns(directory: String = RunLock.defaultDirectory) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".lock") }.map { String($0.dropLast(5)) }.filter(isValidRunID).sorted()
    }

    /// Removes the lock file of `runID` unless a process holds it. Returns whether a file was removed.
    @discardableResult
    public static func removeIfStale(runID: String, directory: String = RunLock.defaultDirectory) -> Bool {
        guard isValidRunID(runID) else { return false }
        let p = path(runID: runID, directory: directory)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, sameFile(fd, p) else { return false }
        return unlink(p) == 0
    }

    /// `<directory>/<runID>.lock`.
    public static func path(runID: String, directory: String = RunLock.defaultDirectory) -> String {
        directory + "/" + runID + ".lock"
    }

    /// Whether `runID` can name a lock file: lower-case ASCII letters, digits, `-`, `_` and `.`, not
    /// starting with `.`, at most 100 characters.
    public static func isValidRunID(_ runID: String) -> Bool {
        guard !runID.isEmpty, runID.utf8.count <= 100, !runID.hasPrefix(".") else { return false }
        return runID.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
        }
    }

    /// Whether the open file `fd` is the file at `path` now.
    private static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var a = stat()
        var b = stat()
        guard fstat(fd, &a) == 0, stat(path, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}

/// A flag that can be set once, from any thread (`RunLock` releases exactly once).
final class ManagedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    /// Sets the flag; returns whether this call set it (it was clear before).
    func set() -> Bool {
        !value.exchange(true, ordering: .acquiringAndReleasing)
    }
}
