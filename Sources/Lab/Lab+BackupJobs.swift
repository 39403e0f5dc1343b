import Foundation
import Support
import Glibc
import Libvirt

// Waiting for the end of a backup job, and sizes of the files a backup tool writes on its own machine.

extension Lab {
    /// Waits for the end of a backup job: its `JOB_COMPLETED` event (operation backup) *and* the
    /// `BLOCK_JOB_2` event of each disk in `disks`, in whatever order; returns the job's final statistics.
    ///
    /// Both matter: libvirt closes a push target only after `JOB_COMPLETED` (until libvirt 12.8 a read at
    /// that event could find it incomplete), and a disk's block job event comes once its file is closed.
    ///
    /// ```swift
    /// let events = try lab.events(dom)                 // subscribe before the job starts
    /// try dom.beginBackup(xml: push.xml())
    /// let stats = try await lab.backupEnded(events)
    /// try lab.expectEqual(stats.success, true)
    /// ```
    public func backupEnded(_ events: RecordedEvents, disks: Set<String> = ["vda"], timeout: Duration = .seconds(120),
                            file: String = #filePath, line: Int = #line) async throws -> JobStats {
        let event = try await backupEndedEvent(events, disks: disks, timeout: timeout, file: file, line: line)
        guard let stats = event.kind.jobCompleted else { try fail("no JOB_COMPLETED event", file: file, line: line) }
        return stats
    }

    /// Like ``backupEnded(_:disks:timeout:file:line:)``, but returns the `JOB_COMPLETED` event itself, for
    /// its timestamp (its `kind.jobCompleted` holds the statistics).
    ///
    /// ```swift
    /// let completed = try await lab.backupEndedEvent(events)
    /// lab.record("backup: until JOB_COMPLETED", seconds(completed.timestamp - start), unit: "s")
    /// ```
    public func backupEndedEvent(_ events: RecordedEvents, disks: Set<String> = ["vda"], timeout: Duration = .seconds(120),
                                 file: String = #filePath, line: Int = #line) async throws -> DomainEvent {
        var completed: DomainEvent?
        var open = disks
        _ = try await waitFor(events, timeout: timeout, where: { e in
            if e.kind.jobCompleted?.operation == .backup { completed = e }
            if let job = e.kind.blockJob, job.type == .backup { open.remove(job.disk) }
            return completed != nil && open.isEmpty
        }, file: file, line: line)
        guard let completed else { try fail("no JOB_COMPLETED event", file: file, line: line) }
        return completed
    }

    /// The bytes a file on the machine the snippet runs on occupies (its allocated blocks, so a sparse
    /// file counts only what it holds). `allocatedSize(_:)` measures a file on the host.
    public func localAllocatedSize(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> UInt64 {
        var s = stat()
        guard stat(path, &s) == 0 else {
            throw LabFailure("cannot stat \(path): \(String(cString: strerror(errno)))", file: file, line: line)
        }
        return UInt64(s.st_blocks) * 512
    }
}

extension Lab {
    /// Waits for the next `BLOCK_JOB_2` event of `disk` and fails the snippet unless its status is `status`:
    /// an event of the disk that is neither the one expected nor `READY` (a job that failed or was
    /// cancelled instead) ends the wait too, so a wrong outcome is reported at once, not after the timeout.
    ///
    /// ```swift
    /// try dom.blockCopy(disk: "vda", destinationXML: lab.diskXML(file: copy), flags: .transientJob)
    /// _ = try await lab.blockJobEvent(events, disk: "vda", .ready)
    /// try dom.blockJobAbort(disk: "vda", flags: .pivot)
    /// _ = try await lab.blockJobEvent(events, disk: "vda", .completed)
    /// ```
    public func blockJobEvent(_ events: RecordedEvents, disk: String, _ status: DomainEvent.BlockJobStatus,
                              timeout: Duration = .seconds(60),
                              file: String = #filePath, line: Int = #line) async throws -> DomainEvent {
        let event = try await waitFor(events, timeout: timeout, where: { e in
            guard let job = e.kind.blockJob, job.disk == disk else { return false }
            return job.status == status || job.status != .ready
        }, file: file, line: line)
        try expectEqual(event.kind.blockJob?.status, status, "block job on \(disk)", file: file, line: line)
        return event
    }
}

/// A duration in seconds, for `lab.record` (`Duration` has no such property).
///
/// ```swift
/// lab.record("pivot", seconds(ContinuousClock.now - start), unit: "s")
/// ```
public func seconds(_ duration: Duration) -> Double {
    duration.inSeconds
}
