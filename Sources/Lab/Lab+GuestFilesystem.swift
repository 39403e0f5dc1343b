import AgentGuest
import Foundation
import Libvirt

// What a captured copy of the agent guest's disk holds, looked at from the host without mounting it:
// a read-only file system check, the journal's "needs recovery" flag, and the workload's log.

/// A capture of the agent guest's data disk (a snapshot's backing file, a backup, an export copied over NBD)
/// as the host sees it. Made by `Lab.inspectGuestFilesystem(_:format:)`.
public struct CapturedFilesystem: Sendable {
    /// The raw image that was checked (a conversion in the lab directory, or the file itself if it was raw).
    public var rawImage: String
    /// `e2fsck -fn`'s exit status: 0 when it found nothing to repair, 4 when it found errors it left alone
    /// (`-n` answers "no" to every repair), 8 or more when it could not check.
    public var fsckStatus: Int32
    /// What `e2fsck -fn` printed.
    public var fsckOutput: String
    /// Whether the ext4 journal still had to be replayed (`needs_recovery` in the features `dumpe2fs -h`
    /// lists): set while the file system is mounted and written, cleared by an unmount or a freeze.
    public var needsRecovery: Bool
    /// Whether the file system was recovered before the checks as a boot would (`replayJournal`, on a file
    /// system that needed it: `e2fsck -p`, which replays the journal and makes the safe repairs).
    public var journalReplayed: Bool
    /// `/data/workload.log` as it is in the image (read with `debugfs`), or nil when the image has no such
    /// file — as in a crash-consistent capture read without replaying its journal, when the file was created
    /// after the last journal checkpoint.
    public var workloadLog: WorkloadLog?

    /// Whether `e2fsck -fn` found nothing to repair.
    public var isClean: Bool { fsckStatus == 0 }

    /// Whether the workload log ends with a whole, valid record (no torn tail, no bad record) and has at
    /// least one.
    public var lastRecordIsWhole: Bool { workloadLog.map { $0.isConsistent && !$0.records.isEmpty } ?? false }
}

extension Lab {
    /// Looks at a captured copy of the agent guest's data disk from the host, without mounting it.
    ///
    /// ```swift
    /// let capture = try lab.inspectGuestFilesystem(base)          // the backing file of a disk-only snapshot
    /// try lab.expect(capture.isClean, capture.fsckOutput)          // e2fsck -fn: nothing to repair
    /// try lab.expect(!capture.needsRecovery, "the journal was flushed by the freeze")
    /// try lab.expect(capture.lastRecordIsWhole, "\(capture.workloadLog.problems)")
    /// ```
    ///
    /// A qcow2 image (with its backing chain) is first converted to a raw file in the lab directory with
    /// `qemu-img convert -U -O raw`; a raw image is checked where it is unless `replayJournal` is set. Then:
    /// `dumpe2fs -h` (is the journal's `needs_recovery` flag set?), with `replayJournal` and the flag set
    /// `e2fsck -E journal_only -y` on the copy (what a mount would do first), then `e2fsck -fn` (a forced
    /// check that repairs nothing) and `debugfs -R "dump /workload.log …"` (the workload's log as the image
    /// holds it, parsed with `WorkloadLog`).
    ///
    /// - Parameters:
    ///   - path: the captured image.
    ///   - format: its format.
    ///   - replayJournal: replay a pending journal on a copy before checking (the captured file is never
    ///     changed).
    ///   - local: `path` is a raw file on the machine the snippet runs on (`localPath(_:)`, what a backup tool
    ///     wrote), not on the host.
    /// - Throws: `LabFailure` when a tool is missing or fails to run.
    public func inspectGuestFilesystem(_ path: String, format: DiskFormat = .qcow2, replayJournal: Bool = false,
                                       local: Bool = false,
                                       file: String = #filePath, line: Int = #line) throws -> CapturedFilesystem {
        let base = URL(fileURLWithPath: path).lastPathComponent
        var raw = path
        if local {
            guard format == .raw else { throw LabFailure("inspectGuestFilesystem(local: true) takes a raw file", file: file, line: line) }
            if replayJournal {
                raw = localDirectory.appendingPathComponent("\(base).inspect.raw").path
                try? FileManager.default.removeItem(atPath: raw)
                do { try FileManager.default.copyItem(atPath: path, toPath: raw) } catch {
                    throw LabFailure("cannot copy \(path) to \(raw): \(error)", file: file, line: line)
                }
            }
        } else if format != .raw || replayJournal {
            let converted = try self.path("\(base).inspect.raw", file: file, line: line)
            onTeardown { [self] in try removeFile(converted) }
            _ = try Tool.qemuImg.runChecked(["convert", "-U", "-f", format.rawValue, "-O", "raw", path, converted], on: host,
                                            file: file, line: line)
            raw = converted
        }
        // The file-system tools run where the snippet runs, on a raw copy downloaded from the host when the
        // host is another machine (the e2fsprogs of a hypervisor are not part of what Rewind asks of it).
        if !host.isLocal && !local {
            let local = localDirectory.appendingPathComponent("\(base).inspect.raw").path
            try download(raw, to: local, file: file, line: line)
            raw = local
        }
        var needsRecovery = try Self.needsRecovery(raw, file: file, line: line)
        var replayed = false
        if replayJournal && needsRecovery {
            // Recovered as the guest's next boot would: `e2fsck -p` replays the journal and makes the repairs that
            // are safe without asking (such as the allocation bitmaps' checksums a crash leaves stale); status
            // 1 means it corrected something, 2 that a mounted system would reboot.
            let replay = try Tool(name: "e2fsck").run(["-p", raw], on: .local, file: file, line: line)
            if replay.status >= 4 {
                throw LabFailure("`\(replay.commandLine)` could not replay the journal (status \(replay.status)): "
                                 + (replay.stderr + replay.stdout).trimmingCharacters(in: .whitespacesAndNewlines),
                                 file: file, line: line)
            }
            replayed = true
            needsRecovery = try Self.needsRecovery(raw, file: file, line: line)
        }
        let fsck = try Tool(name: "e2fsck").run(["-f", "-n", raw], on: .local, file: file, line: line)
        if fsck.status >= 8 {
            throw LabFailure("`\(fsck.commandLine)` could not check the file system (status \(fsck.status)): "
                             + (fsck.stderr + fsck.stdout).trimmingCharacters(in: .whitespacesAndNewlines),
                             file: file, line: line)
        }

        let logCopy = localDirectory.appendingPathComponent("\(base).workload.log").path
        onTeardown { try? FileManager.default.removeItem(atPath: logCopy) }
        try? FileManager.default.removeItem(atPath: logCopy)
        let guestPath = AgentGuest.workloadLogPath.hasPrefix("/data/")
            ? String(AgentGuest.workloadLogPath.dropFirst("/data".count)) : AgentGuest.workloadLogPath
        let dump = try Tool(name: "debugfs").run(["-R", "dump \(guestPath) \(logCopy)", raw], on: .local, file: file, line: line)
        let data = FileManager.default.contents(atPath: logCopy)
        if data == nil && !dump.stderr.contains("File not found") {
            throw LabFailure("`\(dump.commandLine)` did not dump \(guestPath): "
                             + (dump.stderr + dump.stdout).trimmingCharacters(in: .whitespacesAndNewlines),
                             file: file, line: line)
        }
        return CapturedFilesystem(rawImage: raw, fsckStatus: fsck.status,
                                  fsckOutput: (fsck.stdout + fsck.stderr).trimmingCharacters(in: .whitespacesAndNewlines),
                                  needsRecovery: needsRecovery, journalReplayed: replayed,
                                  workloadLog: data.map(WorkloadLog.init(data:)))
    }

    /// Whether the ext4 file system in the raw image has `needs_recovery` among its features (`dumpe2fs -h`).
    static func needsRecovery(_ raw: String, file: String, line: Int) throws(LabFailure) -> Bool {
        let header = try Tool(name: "dumpe2fs").runChecked(["-h", raw], on: .local, file: file, line: line).stdout
        let features = header.split(separator: "\n").first { $0.hasPrefix("Filesystem features:") } ?? ""
        return features.split(separator: " ").contains("needs_recovery")
    }
}
