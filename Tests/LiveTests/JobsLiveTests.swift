import Foundation
import Lab
import Libvirt
import Testing

// Live tier for jobs, backup, block jobs, save and freeze: qemu:///system, enabled with REWIND_LIVE=1.
// Every test makes its own lab with one no-OS q35 guest and two 64 MiB qcow2 disks (`withJobsGuest`): the
// domain is `rewind-jobs-<case>-<random>-vm`, its files are in the lab directory under
// /var/lib/libvirt/images/rewind/, and all of it is removed when the test ends.

private let MiB = 1 << 20

/// Runs `body` with a lab (`LabTestSupport.withQemuLab("jobs-<label>")`) and its running two-disk guest.
private func withJobsGuest(_ label: String, _ body: (Lab, Domain) async throws -> Void) async throws {
    try await LabTestSupport.withQemuLab("jobs-\(label)") { lab in try await body(lab, try lab.makeDomain(disks: 2)) }
}

/// Polls the block job on `disk` until it is ready (cur == end), pivots to its destination and expects the job
/// to be gone; returns the job as it was when ready.
private func pivotWhenReady(_ dom: Domain, disk: String, _ what: String) async throws -> Domain.BlockJobInfo? {
    var info: Domain.BlockJobInfo?
    try await poll(what) {
        info = try dom.blockJobInfo(disk: disk)
        return info?.isReady == true
    }
    try dom.blockJobAbort(disk: disk, flags: .pivot)
    #expect(try dom.blockJobInfo(disk: disk) == nil)
    return info
}

@Suite("Jobs live (qemu:///system)", .enabled(if: liveTestsEnabled), .serialized, .timeLimit(.minutes(2)))
struct JobsLiveTests {
    @Test("push full backup: holds the disk as at start; completed stats are consumed unless kept")
    func pushBackup() async throws {
        try await withJobsGuest("push") { lab, dom in
            let vda = try lab.diskSource(dom, "vda")
            let target = try lab.path("vda.backup.qcow2")
            try lab.write(dom, pattern: 0x11, offset: 0, length: MiB)

            try dom.beginBackup(xml: BackupDefinition(mode: .push, disks: [
                .init(name: "vda", target: target, driverType: .qcow2),
                .init(name: "vdb", backup: false),
            ]).xml())
            try lab.write(dom, pattern: 0x22, offset: 0, length: MiB)

            try await poll("the push backup to finish") {
                let s = try dom.jobStats()
                if s.type != .none { #expect(s.operation == .backup) }
                return s.type == .none
            }

            let kept = try dom.jobStats(flags: [.completed, .keepCompleted])
            #expect(kept.type == .completed)
            #expect(kept.operation == .backup)
            #expect(kept.success == true)
            #expect(kept.diskTotal == UInt64(64 * MiB))
            #expect(kept.diskProcessed == kept.diskTotal)
            let first = try dom.jobStats(flags: .completed)
            #expect(first.type == .completed)
            #expect(first.operation == .backup)
            let second = try dom.jobStats(flags: .completed)
            #expect(second.type == .none)
            #expect(second.operation == nil)

            #expect(try lab.imageHasPattern(target, pattern: 0x11, offset: 0, length: MiB))
            #expect(try !lab.imageHasPattern(target, pattern: 0x22, offset: 0, length: MiB))
            try dom.destroy()
            #expect(try lab.imageHasPattern(vda, pattern: 0x22, offset: 0, length: MiB))
        }
    }

    @Test("pull backup: job stats while running, XML with chosen values, ended by abortJob")
    func pullBackupEndsWithAbortJob() async throws {
        try await withJobsGuest("pull") { lab, dom in
            let socket = try lab.unixSocketPath("nbd.sock")
            let scratch = try lab.path("vda.scratch")
            try dom.beginBackup(xml: BackupDefinition(mode: .pull, server: .unix(socket: socket), disks: [
                .init(name: "vda", scratch: scratch),
                .init(name: "vdb", backup: false),
            ]).xml())
            let xml = try dom.backupXMLDescription()
            #expect(xml.contains("mode='pull'"))
            #expect(xml.contains("exportname='vda'"))

            try lab.write(dom, pattern: 0x33, offset: 0, length: MiB)
            let running = try dom.jobStats()
            #expect(running.type == .unbounded)
            #expect(running.operation == .backup)
            #expect(running.diskTempUsed == UInt64(MiB))
            #expect(running.diskTempTotal == UInt64(64 * MiB))
            #expect(try dom.jobInfo().type == .unbounded)
            #expect(try dom.blockJobInfo(disk: "vda")?.type == .backup)
            #expect(try dom.blockJobInfo(disk: "vdb") == nil)

            try dom.abortJob()
            try await poll("the pull backup to end") { try dom.jobStats().type == .none }
            let done = try dom.jobStats(flags: .completed)
            // An aborted pull backup counts as a successful job, with the cancellation as its message.
            #expect(done.type == .completed)
            #expect(done.operation == .backup)
            #expect(done.success == true)
            #expect(done.errmsg == "Operation canceled")
            #expect(!FileManager.default.fileExists(atPath: scratch))
            let gone = #expect(throws: LibvirtError.self) { _ = try dom.backupXMLDescription() }
            #expect(gone?.code == .noDomainBackup)
        }
    }

    @Test("block copy with TRANSIENT_JOB becomes ready (cur == end) and pivots to the destination")
    func blockCopyPivot() async throws {
        try await withJobsGuest("copy") { lab, dom in
            let vda = try lab.diskSource(dom, "vda")
            let dest = try lab.path("vda.copy.qcow2")
            try lab.write(dom, pattern: 0x44, offset: 0, length: MiB)
            #expect(try dom.blockJobInfo(disk: "vda") == nil)

            try dom.blockCopy(disk: "vda", destinationXML: lab.diskXML(file: dest),
                              parameters: .init(granularity: 65_536), flags: .transientJob)
            let ready = try await pivotWhenReady(dom, disk: "vda", "the copy to be ready")
            #expect(ready?.type == .copy)
            #expect(try lab.diskSource(dom, "vda") == dest)
            #expect(try !liveImageFiles(dom).contains(vda))

            try dom.destroy()
            #expect(try lab.imageHasPattern(dest, pattern: 0x44, offset: 0, length: MiB))
        }
    }

    @Test("pivot before ready is VIR_ERR_BLOCK_COPY_ACTIVE; speed can be changed; cancel ends the job")
    func pivotBeforeReady() async throws {
        try await withJobsGuest("pivot") { lab, dom in
            let vda = try lab.diskSource(dom, "vda")
            let dest = try lab.path("vda.copy.qcow2")
            try lab.write(dom, pattern: 0x55, offset: 0, length: 8 * MiB)
            try dom.blockCopy(disk: "vda", destinationXML: lab.diskXML(file: dest),
                              parameters: .init(bandwidth: 1), flags: .transientJob)

            let info = try #require(try dom.blockJobInfo(disk: "vda", flags: .bandwidthBytes))
            #expect(info.type == .copy)
            #expect(!info.isReady)
            #expect(info.bandwidth == 1)

            let error = #expect(throws: LibvirtError.self) { try dom.blockJobAbort(disk: "vda", flags: .pivot) }
            #expect(error?.code == .blockCopyActive)

            try dom.blockJobSetSpeed(disk: "vda", bandwidth: 3)
            #expect(try dom.blockJobInfo(disk: "vda")?.bandwidth == 3)
            try dom.blockJobSetSpeed(disk: "vda", bandwidth: 4096, flags: .bandwidthBytes)
            #expect(try dom.blockJobInfo(disk: "vda", flags: .bandwidthBytes)?.bandwidth == 4096)

            try dom.blockJobAbort(disk: "vda")
            #expect(try dom.blockJobInfo(disk: "vda") == nil)
            #expect(try lab.diskSource(dom, "vda") == vda)
        }
    }

    @Test("active commit after an external disk-only snapshot: ready, pivot, data back in the base")
    func activeCommit() async throws {
        try await withJobsGuest("commit") { lab, dom in
            let vda = try lab.diskSource(dom, "vda")
            let overlay = try lab.path("vda.overlay.qcow2")
            _ = try dom.createSnapshot(xml: SnapshotDefinition(name: "s1", disks: [
                .init(name: "vda", snapshot: .external, source: overlay),
                .init(name: "vdb", snapshot: .no),
            ]).xml(), flags: [.diskOnly, .noMetadata])
            #expect(try lab.diskSource(dom, "vda") == overlay)

            try lab.write(dom, pattern: 0x66, offset: 2 * MiB, length: MiB)
            try dom.blockCommit(disk: "vda", flags: .active)
            let ready = try await pivotWhenReady(dom, disk: "vda", "the active commit to be ready")
            #expect(ready?.type == .activeCommit)
            #expect(try lab.diskSource(dom, "vda") == vda)
            #expect(try !liveImageFiles(dom).contains(overlay))

            try dom.destroy()
            #expect(try lab.imageHasPattern(vda, pattern: 0x66, offset: 2 * MiB, length: MiB))
        }
    }

    @Test("save with PAUSED restores paused; restore with RUNNING overrides a paused image")
    func saveRestoreStateFlags() async throws {
        try await withJobsGuest("save") { lab, dom in
            let conn = lab.connection
            let image = try lab.path("state.save")

            try dom.save(to: image, flags: .paused)
            #expect(try dom.state().state == .shutoff)
            #expect(try dom.state().reasonName == "SAVED")
            #expect(try conn.saveImageXML(path: image).contains("<name>\(dom.name)</name>"))
            try conn.restore(from: image)
            #expect(try dom.state().state == .paused)

            try dom.save(to: image)
            #expect(try dom.state().reasonName == "SAVED")
            try conn.restore(from: image, flags: .running)
            let state = try dom.state()
            #expect(state.state == .running)
            #expect(state.reasonName == "RESTORED")

            let both = #expect(throws: LibvirtError.self) { try dom.save(to: image, flags: [.running, .paused]) }
            #expect(both?.code == .invalidArg)
            #expect(try dom.state().state == .running)
        }
    }

    @Test("managed save: image while stopped, start restores (RESTORED) and consumes it; removal forces a boot")
    func managedSave() async throws {
        try await withJobsGuest("msave") { lab, dom in
            #expect(try !dom.hasManagedSaveImage())
            try dom.managedSave()
            #expect(try dom.hasManagedSaveImage())
            #expect(try dom.state().reasonName == "SAVED")
            #expect(try dom.managedSaveXML().contains("<name>\(dom.name)</name>"))

            try dom.start()
            #expect(try !dom.hasManagedSaveImage())
            #expect(try dom.state().state == .running)
            #expect(try dom.state().reasonName == "RESTORED")

            try dom.managedSave()
            try dom.removeManagedSaveImage()
            #expect(try !dom.hasManagedSaveImage())
            try dom.start()
            #expect(try dom.state().reasonName == "BOOTED")
        }
    }

    @Test("freeze and thaw without a guest agent fail with VIR_ERR_ARGUMENT_UNSUPPORTED")
    func freezeWithoutAgent() async throws {
        try await withJobsGuest("freeze") { lab, dom in
            let freeze = #expect(throws: LibvirtError.self) { try dom.freezeFilesystems() }
            #expect(freeze?.code == .argumentUnsupported)
            #expect(freeze?.message.contains("guest agent") == true)
            let thaw = #expect(throws: LibvirtError.self) { try dom.thawFilesystems(mountpoints: ["/"]) }
            #expect(thaw?.code == .argumentUnsupported)
        }
    }

    @Test("QEMU monitor: QMP returns JSON, HMP returns text; block threshold on a real disk")
    func monitorAndThreshold() async throws {
        try await withJobsGuest("qmp") { lab, dom in
            let reply = try dom.qemuMonitorCommand(#"{"execute":"query-status"}"#)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
            let ret = try #require(json["return"] as? [String: Any])
            #expect(ret["status"] as? String == "running")
            #expect(ret["running"] as? Bool == true)

            let text = try dom.qemuMonitorCommand("info status", hmp: true)
            #expect(text.contains("running"))

            let bad = #expect(throws: LibvirtError.self) { _ = try dom.qemuMonitorCommand("{not json") }
            #expect(bad != nil)

            try dom.setBlockThreshold(disk: "vda", threshold: UInt64(32 * MiB))
            let noDisk = #expect(throws: LibvirtError.self) { try dom.setBlockThreshold(disk: "vdz", threshold: UInt64(MiB)) }
            #expect(noDisk?.code == .invalidArg)
        }
    }
}
