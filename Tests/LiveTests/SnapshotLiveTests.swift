import Foundation
import FoundationXML
import Glibc
import Libvirt
import Testing

/// Snapshots on a real QEMU domain through `qemu:///system`. Run with `REWIND_LIVE=1`.
@Suite("Snapshots (live QEMU)", .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
struct SnapshotLiveTests {
    @Test("An external disk-only snapshot sends guest writes to the overlay and leaves the base file unchanged")
    func externalDiskOnly() throws {
        let lab = try SnapLiveDomain()
        defer { lab.cleanUp() }
        try lab.domain.start()
        #expect(try lab.domain.state().state == .running)

        // Only the disk is captured, into a new overlay file; the old file becomes its read-only backing file.
        let snapXML = """
            <domainsnapshot>
              <name>ext1</name>
              <disks>
                <disk name='vda' snapshot='external'><source file='\(lab.overlay)'/></disk>
              </disks>
            </domainsnapshot>
            """
        let snap = try lab.domain.createSnapshot(xml: snapXML, flags: .diskOnly)
        #expect(snap.name == "ext1")
        #expect(try snap.isCurrent())
        #expect(try snap.parent() == nil)
        #expect(try lab.domain.listSnapshots([.diskOnly, .external]).map(\.name) == ["ext1"])
        let recorded = try snap.xmlDescription()
        #expect(try snapXPath(recorded, "/domainsnapshot/state") == ["disk-snapshot"])
        #expect(try snapXPath(recorded, "/domainsnapshot/memory/@snapshot") == ["no"])
        #expect(try snapXPath(recorded, "/domainsnapshot/disks/disk[@name='vda']/@snapshot") == ["external"])
        #expect(try snapXPath(recorded, "/domainsnapshot/disks/disk[@name='vda']/source/@file") == [lab.overlay])

        // The running domain now writes to the overlay, on top of the base; so does its persistent definition.
        let vda = "/domain/devices/disk[target/@dev='vda']"
        let live = try lab.domain.xmlDescription()
        #expect(try snapXPath(live, "\(vda)/source/@file") == [lab.overlay])
        #expect(try snapXPath(live, "\(vda)/backingStore/source/@file") == [lab.base])
        let persistent = try lab.domain.xmlDescription(.inactive)
        #expect(try snapXPath(persistent, "\(vda)/source/@file") == [lab.overlay])

        // A guest write (simulated through the monitor) must not touch the base file, which QEMU now only reads.
        let before = try snapSHA256(lab.base)
        try lab.hmpQemuIO("write -P 0xaa 0 1M")
        try lab.hmpQemuIO("flush")
        #expect(try lab.domain.state().state == .running)
        #expect(try snapSHA256(lab.base) == before)

        // The monitor reply says nothing: check that the write really happened, in the overlay only.
        try lab.domain.destroy()
        #expect(try lab.offlineRead(lab.overlay, pattern: "0xaa"))
        #expect(try lab.offlineRead(lab.base, pattern: "0"))
        #expect(try snapSHA256(lab.base) == before)
    }
}

/// A throw-away QEMU domain named `rewind-snap-<random>` with one 16 MiB qcow2 disk under
/// /var/lib/libvirt/images/rewind/, booting no OS. `cleanUp()` removes the domain and every file it made.
private final class SnapLiveDomain {
    static let directory = "/var/lib/libvirt/images/rewind"
    let name: String
    let base: String
    let overlay: String
    let connection: Connection
    let domain: Domain

    init() throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        name = "rewind-snap-\(suffix)"
        base = "\(Self.directory)/\(name)-vda.qcow2"
        overlay = "\(Self.directory)/\(name)-vda.ext1.qcow2"
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        do {
            try snapRun("qemu-img", ["create", "-q", "-f", "qcow2", base, "16M"])
            connection = try Connection(uri: "qemu:///system")
            domain = try connection.defineDomain(xml: Self.domainXML(name: name, disk: base))
        } catch {
            Self.removeFiles([base, overlay])
            throw error
        }
    }

    /// A q35 guest with 64 MiB of RAM, one virtio disk and nothing else (no NIC, no graphics, no balloon).
    /// `name` and `disk` are made by `init`, never taken from outside.
    static func domainXML(name: String, disk: String) -> String {
        let type = kvmWorks() ? "kvm" : "qemu"
        return """
            <domain type='\(type)'>
              <name>\(name)</name>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='q35'>hvm</type></os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='\(disk)'/>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <memballoon model='none'/>
              </devices>
            </domain>
            """
    }

    /// Whether /dev/kvm opens read-write.
    static func kvmWorks() -> Bool {
        let fd = open("/dev/kvm", O_RDWR)
        if fd < 0 { return false }
        close(fd)
        return true
    }

    /// Runs a qemu-io command against vda inside the running QEMU, through the HMP monitor (libvirt-qemu's
    /// `virDomainQemuMonitorCommand`, via virsh). The reply is always empty, so callers verify the effect.
    func hmpQemuIO(_ command: String) throws {
        try snapRun("virsh", ["-c", "qemu:///system", "qemu-monitor-command", name, "--hmp",
                              "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"\(command)\""])
    }

    /// Whether the first MiB of a qcow2 file (read with qemu-io, domain stopped) holds only `pattern` bytes.
    func offlineRead(_ path: String, pattern: String) throws -> Bool {
        let out = try snapRun("qemu-io", ["-f", "qcow2", "-r", "-c", "read -P \(pattern) 0 1M", path])
        return out.contains("read 1048576/1048576 bytes") && !out.contains("Pattern verification failed")
    }

    /// Destroys and undefines the domain (with its snapshot metadata) and deletes its files; errors are ignored
    /// because this runs on every path, including after a failure.
    func cleanUp() {
        if (try? domain.isActive()) == true { try? domain.destroy() }
        try? domain.undefine(.snapshotsMetadata)
        Self.removeFiles([base, overlay])
    }

    static func removeFiles(_ paths: [String]) {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// A failed helper command.
private struct SnapCommandError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a tool found on PATH and returns its standard output and error together; throws when it exits non-zero.
@discardableResult
private func snapRun(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw SnapCommandError(description: "\(tool) \(arguments.joined(separator: " ")) exited "
                                   + "\(process.terminationStatus): \(output)")
    }
    return output
}

/// The SHA-256 of a file's raw bytes, as printed by sha256sum.
private func snapSHA256(_ path: String) throws -> String {
    let out = try snapRun("sha256sum", ["-b", path])
    return String(out.prefix { !$0.isWhitespace })
}

/// The string values an XPath expression selects in an XML document.
private func snapXPath(_ xml: String, _ path: String) throws -> [String] {
    try XMLDocument(xmlString: xml).nodes(forXPath: path).compactMap(\.stringValue)
}
