import Foundation
import Lab
import Libvirt
import Testing

/// Snapshots on a real QEMU domain through `qemu:///system`. Run with `REWIND_LIVE=1`.
///
/// The guest is a lab guest (`LabTestSupport.withQemuLab("snap")`): `rewind-snap-<random>-vm`, booting no OS,
/// with one 16 MiB qcow2 disk in the lab directory; the lab removes the domain and its files afterwards.
@Suite("Snapshots (live QEMU)", .enabled(if: liveTestsEnabled))
struct SnapshotLiveTests {
    @Test("An external disk-only snapshot sends guest writes to the overlay and leaves the base file unchanged")
    func externalDiskOnly() async throws {
        try await LabTestSupport.withQemuLab("snap") { lab in
            let vm = try lab.makeDomain(diskSizeMiB: 16)
            #expect(try vm.state().state == .running)
            let base = try lab.diskSource(vm, "vda")
            let overlay = try lab.path("vm-vda.ext1.qcow2")

            // Only the disk is captured, into a new overlay file; the old file becomes its read-only backing file.
            let snapshot = SnapshotDefinition(name: "ext1", disks: [.init(name: "vda", snapshot: .external, source: overlay)])
            let snap = try vm.createSnapshot(xml: snapshot.xml(), flags: .diskOnly)
            #expect(snap.name == "ext1")
            #expect(try snap.isCurrent())
            #expect(try snap.parent() == nil)
            #expect(try vm.listSnapshots([.diskOnly, .external]).map(\.name) == ["ext1"])
            let recorded = try SnapshotDefinition(xml: snap.xmlDescription())
            let recordedVDA = recorded.disks.filter { $0.name == "vda" }
            #expect(recorded.state == .diskSnapshot)
            #expect(recorded.memory == SnapshotDefinition.Memory.no)
            #expect(recordedVDA.map(\.snapshot) == [.external])
            #expect(recordedVDA.map(\.source) == [overlay])

            // The running domain now writes to the overlay, on top of the base; so does its persistent definition.
            func vda(_ flags: Domain.XMLFlags = []) throws -> [DomainDefinition.Disk] {
                try DomainDefinition(xml: vm.xmlDescription(flags)).disks.filter { $0.target == "vda" }
            }
            let live = try vda()
            #expect(live.map(\.source) == [overlay])
            #expect(live.map { $0.backingChain.first?.file } == [base])
            #expect(try vda(.inactive).map(\.source) == [overlay])

            // A guest write (simulated through the monitor) must not touch the base file, which QEMU now only reads.
            let before = try lab.sha256(base)
            try lab.write(vm, pattern: 0xaa, offset: 0, length: 1 << 20)
            // HMP qemu-io `flush`: the write reaches the files before they are hashed (the reply is empty).
            _ = try vm.qemuMonitorCommand(#"qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "flush""#, hmp: true)
            #expect(try vm.state().state == .running)
            #expect(try lab.sha256(base) == before)

            // The write really happened, in the overlay only.
            try vm.destroy()
            #expect(try lab.imageHasPattern(overlay, pattern: 0xaa, offset: 0, length: 1 << 20))
            #expect(try lab.imageHasPattern(base, pattern: 0, offset: 0, length: 1 << 20))
            #expect(try lab.sha256(base) == before)
        }
    }
}
