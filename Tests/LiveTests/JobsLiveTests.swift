import Foundation
import Glibc
import Libvirt
import Testing

// Live tier for jobs, backup, block jobs, save and freeze: qemu:///system, enabled with REWIND_LIVE=1.
// Every test makes its own no-OS q35 domain `rewind-jobs-<case>` with two 64 MiB qcow2 disks under
// /var/lib/libvirt/images/rewind/, and removes the domain and every `rewind-jobs-<case>-*` file there,
// also when it fails (and before it starts, in case an earlier run was killed).

private let jobsLiveEnabled = ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"
private let jobsImageDir = "/var/lib/libvirt/images/rewind"
private let MiB: UInt64 = 1 << 20

/// A failure of the live fixture itself (a command, a deadline).
struct JobsLiveError: Error, CustomStringConvertible {
    var description: String
}

/// The result of a host command.
struct JobsCommandResult {
    var status: Int32
    var output: String
    var succeeded: Bool { status == 0 }
}

/// Runs a host command, capturing stdout and stderr together.
func jobsRun(_ executable: String, _ arguments: [String]) throws -> JobsCommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return JobsCommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// Whether a qcow2 image holds `pattern` in [offset, offset+length), read with qemu-io on the host.
/// qemu-io's exit status alone is not trusted: its output must report the full read and no mismatch.
func jobsImageHolds(_ path: String, pattern: UInt8, offset: UInt64, length: UInt64) throws -> Bool {
    let hex = "0x" + String(pattern, radix: 16)
    let r = try jobsRun("/usr/bin/qemu-io", ["-r", "-f", "qcow2", "-c", "read -P \(hex) \(offset) \(length)", path])
    return r.succeeded && !r.output.contains("verification failed") && r.output.contains("read \(length)/\(length) bytes")
}

/// Escapes a value for an XML attribute or text node.
func jobsXMLEscaped(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "'": out += "&apos;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

/// Polls `condition` every `interval` until it holds, or throws after `timeout`.
func jobsPoll(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(20),
              _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try !condition() {
        guard clock.now < deadline else { throw JobsLiveError(description: "timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// One live lab domain and the files that belong to it.
final class JobsLiveDomain: @unchecked Sendable {
    let name: String
    let connection: Connection
    let domain: Domain
    let vda: String
    let vdb: String

    /// A file path in the image directory owned by this domain: `<dir>/<name>-<suffix>`.
    func file(_ suffix: String) -> String { "\(jobsImageDir)/\(name)-\(suffix)" }

    private init(name: String, connection: Connection, domain: Domain, vda: String, vdb: String) {
        self.name = name
        self.connection = connection
        self.domain = domain
        self.vda = vda
        self.vdb = vdb
    }

    /// Whether QEMU can use KVM here: `/dev/kvm` opens read-write.
    static var kvmWorks: Bool {
        let fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Defines and starts `rewind-jobs-<label>`, runs `body`, and always removes everything.
    static func with(_ label: String, _ body: (JobsLiveDomain) async throws -> Void) async throws {
        let name = "rewind-jobs-\(label)"
        let connection = try Connection(uri: "qemu:///system")
        removeAll(name: name, connection: connection)
        defer { removeAll(name: name, connection: connection) }

        try FileManager.default.createDirectory(atPath: jobsImageDir, withIntermediateDirectories: true)
        let vda = "\(jobsImageDir)/\(name)-vda.qcow2"
        let vdb = "\(jobsImageDir)/\(name)-vdb.qcow2"
        for image in [vda, vdb] {
            let r = try jobsRun("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", image, "64M"])
            guard r.succeeded else { throw JobsLiveError(description: "qemu-img create \(image): \(r.output)") }
        }
        let xml = """
            <domain type='\(kvmWorks ? "kvm" : "qemu")'>
              <name>\(jobsXMLEscaped(name))</name>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='q35'>hvm</type></os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='\(jobsXMLEscaped(vda))'/>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='\(jobsXMLEscaped(vdb))'/>
                  <target dev='vdb' bus='virtio'/>
                </disk>
                <memballoon model='none'/>
              </devices>
            </domain>
            """
        let domain = try connection.defineDomain(xml: xml)
        try domain.start()
        try await body(JobsLiveDomain(name: name, connection: connection, domain: domain, vda: vda, vdb: vdb))
    }

    /// Destroys and undefines the domain if it exists, then deletes every file named after it.
    private static func removeAll(name: String, connection: Connection) {
        if let dom = try? connection.lookupDomain(name: name) {
            if (try? dom.isActive()) == true { try? dom.destroy() }
            try? dom.undefine([.managedSave, .snapshotsMetadata, .checkpointsMetadata, .nvram])
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: jobsImageDir)) ?? []
        for f in files where f.hasPrefix(name + "-") {
            try? FileManager.default.removeItem(atPath: "\(jobsImageDir)/\(f)")
        }
    }

    /// Simulates a guest write: fills [offset, offset+length) of disk `index` (0 = vda) with `pattern`,
    /// through HMP `qemu-io` (its reply is empty; read the data back to check it).
    func guestWrite(disk index: Int = 0, pattern: UInt8, offset: UInt64, length: UInt64) throws {
        let hex = "0x" + String(pattern, radix: 16)
        _ = try domain.qemuMonitorCommand(
            "qemu-io -d /machine/peripheral/virtio-disk\(index)/virtio-backend \"write -P \(hex) \(offset) \(length)\"",
            hmp: true)
    }

    /// The live domain XML contains `<source file='path'`.
    func liveSourceIs(_ path: String) throws -> Bool {
        try domain.xmlDescription().contains("<source file='\(jobsXMLEscaped(path))'")
    }
}

@Suite("Jobs live (qemu:///system)", .enabled(if: jobsLiveEnabled), .serialized, .timeLimit(.minutes(2)))
struct JobsLiveTests {
    @Test("push full backup: holds the disk as at start; completed stats are consumed unless kept")
    func pushBackup() async throws {
        try await JobsLiveDomain.with("push") { lab in
            let dom = lab.domain
            let target = lab.file("vda.backup.qcow2")
            try lab.guestWrite(pattern: 0x11, offset: 0, length: MiB)

            try dom.beginBackup(xml: """
                <domainbackup mode='push'>
                  <disks>
                    <disk name='vda' backup='yes' type='file'>
                      <target file='\(jobsXMLEscaped(target))'/>
                      <driver type='qcow2'/>
                    </disk>
                    <disk name='vdb' backup='no'/>
                  </disks>
                </domainbackup>
                """)
            try lab.guestWrite(pattern: 0x22, offset: 0, length: MiB)

            try await jobsPoll("the push backup to finish") {
                let s = try dom.jobStats()
                if s.type != .none { #expect(s.operation == .backup) }
                return s.type == .none
            }

            let kept = try dom.jobStats(flags: [.completed, .keepCompleted])
            #expect(kept.type == .completed)
            #expect(kept.operation == .backup)
            #expect(kept.success == true)
            #expect(kept.diskTotal == 64 * MiB)
            #expect(kept.diskProcessed == kept.diskTotal)
            let first = try dom.jobStats(flags: .completed)
            #expect(first.type == .completed)
            #expect(first.operation == .backup)
            let second = try dom.jobStats(flags: .completed)
            #expect(second.type == .none)
            #expect(second.operation == nil)

            #expect(try jobsImageHolds(target, pattern: 0x11, offset: 0, length: MiB))
            #expect(try !jobsImageHolds(target, pattern: 0x22, offset: 0, length: MiB))
            try dom.destroy()
            #expect(try jobsImageHolds(lab.vda, pattern: 0x22, offset: 0, length: MiB))
        }
    }

    @Test("pull backup: job stats while running, XML with chosen values, ended by abortJob")
    func pullBackupEndsWithAbortJob() async throws {
        try await JobsLiveDomain.with("pull") { lab in
            let dom = lab.domain
            let socket = lab.file("nbd.sock")
            let scratch = lab.file("vda.scratch")
            try dom.beginBackup(xml: """
                <domainbackup mode='pull'>
                  <server transport='unix' socket='\(jobsXMLEscaped(socket))'/>
                  <disks>
                    <disk name='vda' backup='yes' type='file'>
                      <scratch file='\(jobsXMLEscaped(scratch))'/>
                    </disk>
                    <disk name='vdb' backup='no'/>
                  </disks>
                </domainbackup>
                """)
            let xml = try dom.backupXMLDescription()
            #expect(xml.contains("mode='pull'"))
            #expect(xml.contains("exportname='vda'"))

            try lab.guestWrite(pattern: 0x33, offset: 0, length: MiB)
            let running = try dom.jobStats()
            #expect(running.type == .unbounded)
            #expect(running.operation == .backup)
            #expect(running.diskTempUsed == MiB)
            #expect(running.diskTempTotal == 64 * MiB)
            #expect(try dom.jobInfo().type == .unbounded)
            #expect(try dom.blockJobInfo(disk: "vda")?.type == .backup)
            #expect(try dom.blockJobInfo(disk: "vdb") == nil)

            try dom.abortJob()
            try await jobsPoll("the pull backup to end") { try dom.jobStats().type == .none }
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
        try await JobsLiveDomain.with("copy") { lab in
            let dom = lab.domain
            let dest = lab.file("vda.copy.qcow2")
            try lab.guestWrite(pattern: 0x44, offset: 0, length: MiB)
            #expect(try dom.blockJobInfo(disk: "vda") == nil)

            try dom.blockCopy(disk: "vda", destinationXML: """
                <disk type='file'><source file='\(jobsXMLEscaped(dest))'/><driver type='qcow2'/></disk>
                """, parameters: .init(granularity: 65_536), flags: .transientJob)
            var info: Domain.BlockJobInfo?
            try await jobsPoll("the copy to be ready") {
                info = try dom.blockJobInfo(disk: "vda")
                return info?.isReady == true
            }
            #expect(info?.type == .copy)
            try dom.blockJobAbort(disk: "vda", flags: .pivot)
            #expect(try dom.blockJobInfo(disk: "vda") == nil)
            #expect(try lab.liveSourceIs(dest))
            #expect(try !lab.liveSourceIs(lab.vda))

            try dom.destroy()
            #expect(try jobsImageHolds(dest, pattern: 0x44, offset: 0, length: MiB))
        }
    }

    @Test("pivot before ready is VIR_ERR_BLOCK_COPY_ACTIVE; speed can be changed; cancel ends the job")
    func pivotBeforeReady() async throws {
        try await JobsLiveDomain.with("pivot") { lab in
            let dom = lab.domain
            let dest = lab.file("vda.copy.qcow2")
            try lab.guestWrite(pattern: 0x55, offset: 0, length: 8 * MiB)
            try dom.blockCopy(disk: "vda", destinationXML: """
                <disk type='file'><source file='\(jobsXMLEscaped(dest))'/><driver type='qcow2'/></disk>
                """, parameters: .init(bandwidth: 1), flags: .transientJob)

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
            #expect(try lab.liveSourceIs(lab.vda))
        }
    }

    @Test("active commit after an external disk-only snapshot: ready, pivot, data back in the base")
    func activeCommit() async throws {
        try await JobsLiveDomain.with("commit") { lab in
            let dom = lab.domain
            let overlay = lab.file("vda.overlay.qcow2")
            let snap = try jobsRun("/usr/bin/virsh", [
                "-c", "qemu:///system", "snapshot-create-as", lab.name, "s1", "--disk-only",
                "--diskspec", "vda,file=\(overlay)", "--diskspec", "vdb,snapshot=no", "--no-metadata",
            ])
            try #require(snap.succeeded, "virsh snapshot-create-as: \(snap.output)")
            #expect(try lab.liveSourceIs(overlay))

            try lab.guestWrite(pattern: 0x66, offset: 2 * MiB, length: MiB)
            try dom.blockCommit(disk: "vda", flags: .active)
            var info: Domain.BlockJobInfo?
            try await jobsPoll("the active commit to be ready") {
                info = try dom.blockJobInfo(disk: "vda")
                return info?.isReady == true
            }
            #expect(info?.type == .activeCommit)
            try dom.blockJobAbort(disk: "vda", flags: .pivot)
            #expect(try dom.blockJobInfo(disk: "vda") == nil)
            #expect(try lab.liveSourceIs(lab.vda))
            #expect(try !lab.liveSourceIs(overlay))

            try dom.destroy()
            #expect(try jobsImageHolds(lab.vda, pattern: 0x66, offset: 2 * MiB, length: MiB))
        }
    }

    @Test("save with PAUSED restores paused; restore with RUNNING overrides a paused image")
    func saveRestoreStateFlags() async throws {
        try await JobsLiveDomain.with("save") { lab in
            let dom = lab.domain
            let conn = lab.connection
            let image = lab.file("state.save")

            try dom.save(to: image, flags: .paused)
            #expect(try dom.state().state == .shutoff)
            #expect(try dom.state().reasonName == "SAVED")
            #expect(try conn.saveImageXML(path: image).contains("<name>\(lab.name)</name>"))
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
        try await JobsLiveDomain.with("msave") { lab in
            let dom = lab.domain
            #expect(try !dom.hasManagedSaveImage())
            try dom.managedSave()
            #expect(try dom.hasManagedSaveImage())
            #expect(try dom.state().reasonName == "SAVED")
            #expect(try dom.managedSaveXML().contains("<name>\(lab.name)</name>"))

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
        try await JobsLiveDomain.with("freeze") { lab in
            let freeze = #expect(throws: LibvirtError.self) { try lab.domain.freezeFilesystems() }
            #expect(freeze?.code == .argumentUnsupported)
            #expect(freeze?.message.contains("guest agent") == true)
            let thaw = #expect(throws: LibvirtError.self) { try lab.domain.thawFilesystems(mountpoints: ["/"]) }
            #expect(thaw?.code == .argumentUnsupported)
        }
    }

    @Test("QEMU monitor: QMP returns JSON, HMP returns text; block threshold on a real disk")
    func monitorAndThreshold() async throws {
        try await JobsLiveDomain.with("qmp") { lab in
            let dom = lab.domain
            let reply = try dom.qemuMonitorCommand(#"{"execute":"query-status"}"#)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
            let ret = try #require(json["return"] as? [String: Any])
            #expect(ret["status"] as? String == "running")
            #expect(ret["running"] as? Bool == true)

            let text = try dom.qemuMonitorCommand("info status", hmp: true)
            #expect(text.contains("running"))

            let bad = #expect(throws: LibvirtError.self) { _ = try dom.qemuMonitorCommand("{not json") }
            #expect(bad != nil)

            try dom.setBlockThreshold(disk: "vda", threshold: 32 * MiB)
            let noDisk = #expect(throws: LibvirtError.self) { try dom.setBlockThreshold(disk: "vdz", threshold: MiB) }
            #expect(noDisk?.code == .invalidArg)
        }
    }
}
