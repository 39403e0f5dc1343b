import Foundation
import Glibc
import Libvirt
import Testing

/// Live domain events on `qemu:///system` (only with `REWIND_LIVE=1`).
@Suite("Domain events (live, qemu:///system)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"),
       .timeLimit(.minutes(3)))
struct EventLiveTests {
    static let imageDirectory = "/var/lib/libvirt/images/rewind"

    /// A q35 guest with no OS: 64 MiB RAM, one 64 MiB virtio qcow2 disk, no balloon, no NIC.
    /// Everything it creates is removed by `cleanUp()`, which the tests call from `defer`.
    final class LabDomain {
        let name: String
        let diskPath: String
        let copyPath: String
        let backupPath: String
        let connection: Connection
        private(set) var domain: Domain?

        init() throws {
            let id = UUID().uuidString.prefix(8).lowercased()
            name = "rewind-ev-live-\(id)"
            diskPath = "\(EventLiveTests.imageDirectory)/rewind-ev-\(id).qcow2"
            copyPath = "\(EventLiveTests.imageDirectory)/rewind-ev-\(id)-copy.qcow2"
            backupPath = "\(EventLiveTests.imageDirectory)/rewind-ev-\(id)-backup.qcow2"
            connection = try Connection(uri: "qemu:///system")
        }

        /// KVM when `/dev/kvm` opens read-write, TCG otherwise.
        static var virtType: VirtType {
            let fd = open("/dev/kvm", O_RDWR)
            guard fd >= 0 else { return .qemu }
            close(fd)
            return .kvm
        }

        /// The q35 lab guest, written through libxml2 (`DomainDefinition`): 64 MiB, one vCPU, the disk as
        /// `vda` on virtio, `<memballoon model='none'/>`, no NIC, no graphics.
        var definition: DomainDefinition {
            DomainDefinition(name: name, type: Self.virtType, memoryMiB: 64,
                             disks: [.init(target: "vda", source: diskPath, format: .qcow2)])
        }

        /// Creates the disk and defines the domain (not started).
        func define() throws -> Domain {
            try FileManager.default.createDirectory(atPath: EventLiveTests.imageDirectory,
                                                    withIntermediateDirectories: true)
            try EventLiveTests.run("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", diskPath, "64M"])
            let dom = try connection.defineDomain(xml: definition.xml())
            domain = dom
            return dom
        }

        /// Destroys and undefines the domain and removes its files; safe to call in any state.
        func cleanUp() {
            if let dom = domain {
                if (try? dom.isActive()) == true { try? dom.destroy() }
                try? dom.undefine([.managedSave, .snapshotsMetadata, .checkpointsMetadata, .nvram])
            }
            for path in [diskPath, copyPath, backupPath] where FileManager.default.fileExists(atPath: path) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String { "\(command) exited with \(status): \(output)" }
    }

    /// Runs a command to completion and returns its output; throws when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(command: ([executable] + arguments).joined(separator: " "),
                                status: process.terminationStatus, output: output)
        }
        return output
    }

    private static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    @Test("lifecycle events of a running QEMU domain, with callback-to-consumer latency")
    func lifecycle() async throws {
        let lab = try LabDomain()
        defer { lab.cleanUp() }
        let dom = try lab.define()
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
        #expect(received.allSatisfy { $0.domainName == lab.name })
        for (a, b) in zip(received, received.dropFirst()) { #expect(a.timestamp <= b.timestamp) }
        print("[events] qemu:///system: median callback-to-consumer latency \(Self.median(latencies)) over \(latencies.count) lifecycle events")
    }

    @Test("block copy reports READY, then CANCELED after an abort (BLOCK_JOB_2)")
    func blockCopyReadyThenCanceled() async throws {
        let lab = try LabDomain()
        defer { lab.cleanUp() }
        let dom = try lab.define()
        try dom.start()
        let events = try dom.events([.blockJob2, .lifecycle])
        defer { events.cancel() }

        let virsh = "/usr/bin/virsh"
        try Self.run(virsh, ["-c", "qemu:///system", "blockcopy", lab.name, "vda", lab.copyPath,
                             "--transient-job", "--format", "qcow2"])
        var blockEvents: [DomainEvent] = []
        do {
            let ready = try await events.next(matching: { $0.kind.blockJob != nil }, timeout: .seconds(60))
            blockEvents.append(ready)
            #expect(ready.kind.blockJob?.status == .ready)
        } catch {
            // Leave no job behind, then report.
            _ = try? Self.run(virsh, ["-c", "qemu:///system", "blockjob", lab.name, "vda", "--abort"])
            throw error
        }

        try Self.run(virsh, ["-c", "qemu:///system", "blockjob", lab.name, "vda", "--abort"])
        let canceled = try await events.next(matching: { $0.kind.blockJob != nil }, timeout: .seconds(60))
        blockEvents.append(canceled)

        #expect(blockEvents.map { $0.kind.blockJob?.status } == [.ready, .canceled])
        #expect(blockEvents.allSatisfy { $0.kind.blockJob?.disk == "vda" })
        #expect(blockEvents.allSatisfy { $0.kind.blockJob?.type == .copy })
        #expect(blockEvents[0].timestamp <= blockEvents[1].timestamp)
        #expect(blockEvents.allSatisfy { $0.domainName == lab.name })
        // The domain kept running through the copy and its abort.
        #expect(try dom.state().state == .running)
        print("[events] block copy: \(blockEvents.map { "\($0.kind)" }.joined(separator: " -> ")), READY to CANCELED \(blockEvents[1].timestamp - blockEvents[0].timestamp)")
    }

    @Test("a push backup ends with JOB_COMPLETED carrying the backup's statistics")
    func backupJobCompleted() async throws {
        let lab = try LabDomain()
        defer { lab.cleanUp() }
        let dom = try lab.define()
        try dom.start()
        let events = try dom.events([.jobCompleted])
        defer { events.cancel() }

        let backup = BackupDefinition(mode: .push, disks: [
            .init(name: "vda", target: lab.backupPath, driverType: .qcow2),
        ])
        try dom.beginBackup(xml: backup.xml())
        let done = try await events.next(timeout: .seconds(60))
        let stats = try #require(done.kind.jobCompleted)
        #expect(stats.type == .completed)
        #expect(stats.operation == .backup)
        #expect(stats.success == true)
        #expect(stats.diskTotal == 64 << 20)
        #expect(!stats.raw.isEmpty)
        #expect(done.domainName == lab.name)
        #expect(FileManager.default.fileExists(atPath: lab.backupPath))
        print("[events] push backup: \(done.kind); \(stats.raw.count) parameters")
    }

    @Test("a guest write beyond a block threshold raises BLOCK_THRESHOLD")
    func blockThreshold() async throws {
        let lab = try LabDomain()
        defer { lab.cleanUp() }
        let dom = try lab.define()
        try dom.start()
        let events = try dom.events([.blockThreshold])
        defer { events.cancel() }

        let threshold: UInt64 = 1 << 20
        try dom.setBlockThreshold(disk: "vda", threshold: threshold)
        // A simulated guest write of 2 MiB (qemu-io through HMP; its reply is always empty).
        _ = try dom.qemuMonitorCommand(
            #"qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P 0xaa 0 2M""#, hmp: true)
        let crossed = try await events.next(timeout: .seconds(30))
        let t = try #require(crossed.kind.blockThreshold)
        #expect(t.dev == "vda")
        #expect(t.path == lab.diskPath)
        #expect(t.threshold == threshold)
        // The qcow2 file grew past the threshold by the data written (its metadata comes before it).
        #expect(t.excess > 0 && t.excess <= 2 << 20)
        print("[events] \(crossed.kind)")
    }
}
