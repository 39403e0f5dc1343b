import Foundation
import Lab
import Libvirt
import Testing

/// Live domain events on `qemu:///system` (only with `REWIND_LIVE=1`).
///
/// Each test subscribes through the binding (`Domain.events`) on a lab guest (`LabTestSupport.withQemuLab`):
/// `rewind-ev-live-<random>-vm`, a q35 guest with no OS, 64 MiB RAM and one 64 MiB virtio qcow2 disk, removed
/// with its files when the test ends.
@Suite("Domain events (live, qemu:///system)", .serialized, .enabled(if: liveTestsEnabled), .timeLimit(.minutes(3)))
struct EventLiveTests {
    private static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    @Test("lifecycle events of a running QEMU domain, with callback-to-consumer latency")
    func lifecycle() async throws {
        try await LabTestSupport.withQemuLab("ev-live") { lab in
            let dom = try lab.makeDomain(start: false)
            let events = try dom.events([.lifecycle])
            defer { events.cancel() }

            var received: [DomainEvent] = []
            var latencies: [Duration] = []
            func expect(_ event: DomainEvent.LifecycleEvent, _ action: () throws -> Void) async throws {
                try action()
                let e = try await events.next(matching: { $0.kind.lifecycle?.event == event }, timeout: .seconds(30))
                latencies.append(ContinuousClock.now - e.timestamp)
                received.append(e)
            }
            try await expect(.started) { try dom.start() }
            for _ in 0..<5 {
                try await expect(.suspended) { try dom.suspend() }
                try await expect(.resumed) { try dom.resume() }
            }
            try await expect(.stopped) { try dom.destroy() }

            #expect(received.first?.kind.lifecycle?.detailName == "BOOTED")
            #expect(received.last?.kind.lifecycle?.detailName == "DESTROYED")
            #expect(received.allSatisfy { $0.domainName == dom.name })
            for (a, b) in zip(received, received.dropFirst()) { #expect(a.timestamp <= b.timestamp) }
            print("[events] qemu:///system: median callback-to-consumer latency \(Self.median(latencies)) over \(latencies.count) lifecycle events")
        }
    }

    @Test("block copy reports READY, then CANCELED after an abort (BLOCK_JOB_2)")
    func blockCopyReadyThenCanceled() async throws {
        try await LabTestSupport.withQemuLab("ev-live") { lab in
            let dom = try lab.makeDomain()
            let events = try dom.events([.blockJob2, .lifecycle])
            defer { events.cancel() }

            let virsh = "/usr/bin/virsh"
            try runHostCommand(virsh, ["-c", "qemu:///system", "blockcopy", dom.name, "vda", try lab.path("copy.qcow2"),
                                       "--transient-job", "--format", "qcow2"])
            var blockEvents: [DomainEvent] = []
            do {
                let ready = try await events.next(matching: { $0.kind.blockJob != nil }, timeout: .seconds(60))
                blockEvents.append(ready)
                #expect(ready.kind.blockJob?.status == .ready)
            } catch {
                // Leave no job behind, then report.
                _ = try? runHostCommand(virsh, ["-c", "qemu:///system", "blockjob", dom.name, "vda", "--abort"])
                throw error
            }

            try runHostCommand(virsh, ["-c", "qemu:///system", "blockjob", dom.name, "vda", "--abort"])
            let canceled = try await events.next(matching: { $0.kind.blockJob != nil }, timeout: .seconds(60))
            blockEvents.append(canceled)

            #expect(blockEvents.map { $0.kind.blockJob?.status } == [.ready, .canceled])
            #expect(blockEvents.allSatisfy { $0.kind.blockJob?.disk == "vda" })
            #expect(blockEvents.allSatisfy { $0.kind.blockJob?.type == .copy })
            #expect(blockEvents[0].timestamp <= blockEvents[1].timestamp)
            #expect(blockEvents.allSatisfy { $0.domainName == dom.name })
            // The domain kept running through the copy and its abort.
            #expect(try dom.state().state == .running)
            print("[events] block copy: \(blockEvents.map { "\($0.kind)" }.joined(separator: " -> ")), READY to CANCELED \(blockEvents[1].timestamp - blockEvents[0].timestamp)")
        }
    }

    @Test("a push backup ends with JOB_COMPLETED carrying the backup's statistics")
    func backupJobCompleted() async throws {
        try await LabTestSupport.withQemuLab("ev-live") { lab in
            let dom = try lab.makeDomain()
            let events = try dom.events([.jobCompleted])
            defer { events.cancel() }

            let backupPath = try lab.path("backup.qcow2")
            let backup = BackupDefinition(mode: .push, disks: [
                .init(name: "vda", target: backupPath, driverType: .qcow2),
            ])
            try dom.beginBackup(xml: backup.xml())
            let done = try await events.next(timeout: .seconds(60))
            let stats = try #require(done.kind.jobCompleted)
            #expect(stats.type == .completed)
            #expect(stats.operation == .backup)
            #expect(stats.success == true)
            #expect(stats.diskTotal == 64 << 20)
            #expect(!stats.raw.isEmpty)
            #expect(done.domainName == dom.name)
            #expect(FileManager.default.fileExists(atPath: backupPath))
            print("[events] push backup: \(done.kind); \(stats.raw.count) parameters")
        }
    }

    @Test("a guest write beyond a block threshold raises BLOCK_THRESHOLD")
    func blockThreshold() async throws {
        try await LabTestSupport.withQemuLab("ev-live") { lab in
            let dom = try lab.makeDomain()
            let events = try dom.events([.blockThreshold])
            defer { events.cancel() }

            let threshold: UInt64 = 1 << 20
            try dom.setBlockThreshold(disk: "vda", threshold: threshold)
            // A simulated guest write of 2 MiB (qemu-io through HMP, confirmed in the QEMU log).
            try lab.write(dom, pattern: 0xaa, offset: 0, length: 2 << 20)
            let crossed = try await events.next(timeout: .seconds(30))
            let t = try #require(crossed.kind.blockThreshold)
            #expect(t.dev == "vda")
            #expect(t.path == (try lab.diskSource(dom, "vda")))
            #expect(t.threshold == threshold)
            // The qcow2 file grew past the threshold by the data written (its metadata comes before it).
            #expect(t.excess > 0 && t.excess <= 2 << 20)
            print("[events] \(crossed.kind)")
        }
    }
}
