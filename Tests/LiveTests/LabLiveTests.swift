import Foundation
import Glibc
@testable import Lab
import Libvirt
import Testing

/// Lab fixtures on a real QEMU host through `qemu:///system`. Run with `REWIND_LIVE=1`.
///
/// Each test builds a `Lab` as `SnippetMain` would, with a run id `lab-test-<random>` (so every domain is
/// `rewind-lab-test-…`), and finishes with the lab's teardown plus a safety net that reports anything the
/// teardown left behind (`LabTestSupport.withQemuLab(_:under:scratchFiles: false)`: the teardown alone must
/// leave the lab directory empty).
@Suite("Lab fixtures (live QEMU)", .enabled(if: liveTestsEnabled))
struct LabLiveTests {
    @Test("Two-disk guest: simulated writes are confirmed, a wrong pattern is caught, teardown leaves nothing")
    func guestWrites() async throws {
        try await LabTestSupport.withQemuLab("lab-test", scratchFiles: false) { lab in
            #expect(lab.isQEMU)
            try lab.requireQEMU()
            let vm = try lab.makeDomain(disks: 2)
            #expect(try vm.state().state == .running)
            let def = try DomainDefinition(xml: vm.xmlDescription())
            #expect(def.type == (try lab.virtType))
            #expect(def.machine?.hasPrefix("pc-q35") == true)
            #expect(def.disks.map(\.target) == ["vda", "vdb"])
            #expect(def.disks.map(\.alias) == ["virtio-disk0", "virtio-disk1"])
            let vda = try lab.diskSource(vm, "vda")
            #expect(vda == lab.directory.path + "/vm-vda.qcow2")
            #expect(try Lab.isOwned(vm, run: lab.runID))

            let latency = try lab.write(vm, pattern: 0x11, offset: 0, length: 1 << 20)
            try lab.write(vm, disk: "vdb", pattern: 0x22, offset: 65536, length: 65536)
            try lab.expectPattern(vm, pattern: 0x11, offset: 0, length: 1 << 20)
            try lab.expectPattern(vm, disk: "vdb", pattern: 0x22, offset: 65536, length: 65536)
            try lab.expectPattern(vm, disk: "vdb", pattern: 0x00, offset: 0, length: 65536)
            #expect(latency > .zero && latency < Lab.guestIOTimeout)
            #expect(lab.evidence.measurements.map(\.name) == ["write vda latency", "write vdb latency"])

            // A wrong pattern is a failure naming the calling line and qemu-io's complaint.
            // (Called outside `#expect`, whose expansion would give the closure the macro's line.)
            var mismatch: LabFailure?
            let line = #line + 1
            do { try lab.expectPattern(vm, disk: "vdb", pattern: 0x23, offset: 65536, length: 65536) } catch { mismatch = error as? LabFailure }
            #expect(mismatch?.line == line)
            #expect(mismatch?.file == #filePath)
            #expect(mismatch?.message.contains("Pattern verification failed") == true)
            // A range that is only partly written is caught too.
            #expect(throws: LabFailure.self) { try lab.expectPattern(vm, pattern: 0x11, offset: 0, length: 2 << 20) }
            // A write qemu-io refuses (beyond the end of the 64 MiB disk) is not reported as done.
            let refused = #expect(throws: LabFailure.self) { try lab.write(vm, pattern: 0x44, offset: 64 << 20, length: 512) }
            #expect(refused?.message.contains("write failed") == true)
            #expect(throws: LabFailure.self) { try lab.write(vm, disk: "vdz", pattern: 0x44, offset: 0, length: 512) }

            // The writes reached the image files: read them once QEMU has let go.
            try vm.destroy()
            #expect(try lab.imageHasPattern(vda, pattern: 0x11, offset: 0, length: 1 << 20))
            #expect(try lab.allocatedRanges(vda) == [0..<(1 << 20)])
            #expect(try lab.imageHasPattern(lab.path("vm-vdb.qcow2"), pattern: 0x22, offset: 65536, length: 65536))
        }
    }

    @Test("An internal snapshot of a running guest pauses it: the events give the pause window")
    func pauseWindowOfInternalSnapshot() async throws {
        try await LabTestSupport.withQemuLab("lab-test", scratchFiles: false) { lab in
            let vm = try lab.makeDomain()
            let events = try lab.events(vm)
            _ = try vm.createSnapshot(xml: SnapshotDefinition(name: "s1").xml())
            let suspended = try await lab.waitFor(events, timeout: .seconds(30)) { $0.kind.lifecycle?.event == .suspended }
            let resumed = try await lab.waitFor(events, timeout: .seconds(30)) { $0.kind.lifecycle?.event == .resumed }
            let window = try #require(lab.pauseWindow(in: events))
            #expect(window == resumed.timestamp - suspended.timestamp)
            #expect(window > .zero && window < .seconds(30))
            #expect(lab.evidence.events.contains { $0.name.hasPrefix("Suspended") })
            // The snapshot lives inside the disk image (memory state included).
            try vm.destroy()
            let inside = try lab.imageSnapshots(lab.diskSource(vm, "vda"))
            #expect(inside.map(\.name) == ["s1"])
            #expect(inside.first.map { $0.vmStateSize > 0 } == true)
        }
    }

    @Test("QEMU's own STOP/RESUME stamps bracket the vCPU stop of an internal snapshot, inside the API call")
    func qemuPauseWindowOfInternalSnapshot() async throws {
        try await LabTestSupport.withQemuLab("lab-test", scratchFiles: false) { lab in
            let vm = try lab.makeDomain()
            let events = try lab.events(vm, [.lifecycle], qemuMonitor: ["STOP", "RESUME"])
            let start = ContinuousClock.now
            _ = try vm.createSnapshot(xml: SnapshotDefinition(name: "s1").xml())
            let call = ContinuousClock.now - start
            let stop = try await lab.waitFor(events, timeout: .seconds(30)) { $0.kind.qemuMonitor?.name == "STOP" }
            let resume = try await lab.waitFor(events, timeout: .seconds(30)) { $0.kind.qemuMonitor?.name == "RESUME" }
            let stopped = try #require(stop.kind.qemuMonitor?.emittedAt)
            let resumed = try #require(resume.kind.qemuMonitor?.emittedAt)
            let window = try #require(lab.qemuPauseWindow(in: events))
            #expect(window == resumed - stopped)
            #expect(window > .zero && window < call)
            #expect(lab.evidence.measurements.contains { $0.name == "pause window (QEMU)" })
            #expect(lab.evidence.events.contains { $0.name == "QEMU STOP" })
        }
    }

    @Test("Pull backups over NBD: the export is the disk at backup start; the incremental one's bitmap has the new writes")
    func pullBackupExports() async throws {
        try await LabTestSupport.withQemuLab("lab-test", scratchFiles: false) { lab in
            let vm = try lab.makeDomain()
            try lab.write(vm, pattern: 0x11, offset: 0, length: 131072)

            // Full pull backup, with checkpoint c1 taken at the same instant.
            let fullSocket = try lab.unixSocketPath("full.sock")
            let full = BackupDefinition(mode: .pull, server: .unix(socket: fullSocket),
                                        disks: [.init(name: "vda", scratch: try lab.path("full.scratch"))])
            try vm.beginBackup(xml: full.xml(),
                               checkpointXML: CheckpointDefinition(name: "c1", disks: [.init(name: "vda")]).xml())
            try lab.write(vm, pattern: 0x22, offset: 0, length: 65536)         // after the backup began
            let fullExport = try lab.openExport(socket: fullSocket)
            #expect(fullExport.isReadOnly)
            #expect(try lab.exportHasPattern(fullExport, pattern: 0x11, offset: 0, length: 131072))
            try lab.expectPattern(vm, pattern: 0x22, offset: 0, length: 65536)
            try fullExport.shutdown()
            try vm.abortJob()

            // Incremental pull backup since c1: the bitmap marks both writes made after c1.
            try lab.write(vm, pattern: 0x33, offset: 1 << 20, length: 65536)
            let incSocket = try lab.unixSocketPath("inc.sock")
            let inc = BackupDefinition(mode: .pull, incremental: "c1", server: .unix(socket: incSocket),
                                       disks: [.init(name: "vda", scratch: try lab.path("inc.scratch"))])
            try vm.beginBackup(xml: inc.xml())
            let incExport = try lab.openExport(socket: incSocket,
                                               metaContexts: ["base:allocation", "qemu:dirty-bitmap:backup-vda"])
            #expect(try lab.dirtyRanges(incExport, bitmap: "backup-vda")
                    == [0..<65536, (1 << 20)..<((1 << 20) + 65536)])
            #expect(try lab.exportHasPattern(incExport, pattern: 0x33, offset: 1 << 20, length: 65536))
            try incExport.shutdown()
            try vm.abortJob()
        }
    }

    @Test("A lab directory outside /var/lib/libvirt/images works (libvirt runs as root, security_driver none)")
    func directoryElsewhere() async throws {
        try await LabTestSupport.withQemuLab("lab-test", under: FileManager.default.temporaryDirectory.path,
                                             scratchFiles: false) { lab in
            let vm = try lab.makeDomain(memoryMiB: 32, persistent: false)
            try lab.write(vm, pattern: 0x5c, offset: 4096, length: 4096)
            try lab.expectPattern(vm, pattern: 0x5c, offset: 4096, length: 4096)
        }
    }
}
