import Foundation
import Support
import Libvirt

// Simulated guest I/O on a running QEMU domain, through the monitor's `qemu-io` command, checked in the
// domain's QEMU log.
//
// Lab guests have no OS, so a "guest write" is made by QEMU itself: HMP
// `qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P 0x11 0 65536"` writes through the
// disk's device, exactly where the guest's own writes would go (dirty bitmaps, backup jobs and mirrors see
// it). The monitor's reply is always empty; qemu-io prints its report (`wrote 65536/65536 bytes at offset
// 0`, `Pattern verification failed …`) on QEMU's own output, which libvirt sends to
// `/var/log/libvirt/qemu/<domain>.log` *on the host*. So every call here waits (at most `guestIOTimeout`,
// five times that on another host, polling every 5 ms) for qemu-io's report to appear in that log, read
// through the lab's host access, and fails if it does not.

extension Lab {
    /// How long `write` and `expectPattern` wait for qemu-io's report in the QEMU log.
    public static let guestIOTimeout: Duration = .seconds(2)

    /// Writes `length` bytes of `pattern` at `offset` of `disk`, as the guest would, and returns how long
    /// the monitor command took. The latency is also recorded in the evidence
    /// (`write vda latency`, in ms).
    ///
    /// ```swift
    /// let dom = try lab.makeDomain()
    /// try lab.write(dom, pattern: 0x11, offset: 0, length: 1 << 20)
    /// try lab.expectPattern(dom, pattern: 0x11, offset: 0, length: 1 << 20)
    /// ```
    ///
    /// The write is verified: qemu-io's `wrote LENGTH/LENGTH bytes at offset OFFSET` must appear in the
    /// domain's QEMU log within `guestIOTimeout`.
    ///
    /// - Throws: `Unsupported` off the QEMU driver; `LibvirtError` if the monitor refuses the command;
    ///   `LabFailure` naming the calling line if the disk is unknown or the write is not confirmed.
    @discardableResult
    public func write(_ domain: Domain, disk: String = "vda", pattern: UInt8, offset: Int, length: Int,
                      file: String = #filePath, line: Int = #line) throws -> Duration {
        let command = "write -P \(Self.hex(pattern)) \(offset) \(length)"
        let (latency, report) = try qemuIO(domain, disk: disk, command: command,
                                           done: ["wrote \(length)/\(length) bytes at offset \(offset)"],
                                           failed: ["write failed"], file: file, line: line)
        if !report.contains("wrote \(length)/\(length) bytes at offset \(offset)") {
            throw LabFailure("qemu-io \"\(command)\" on \(domain.name) \(disk) did not write: \(report)",
                             file: file, line: line)
        }
        record("write \(disk) latency", Self.milliseconds(latency), unit: "ms")
        return latency
    }

    /// Fails the snippet unless `length` bytes at `offset` of the running domain's `disk` all equal
    /// `pattern`, as the guest would read them now.
    ///
    /// It runs qemu-io `read -P 0xNN OFFSET LENGTH` on the live disk and requires `read LENGTH/LENGTH bytes
    /// at offset OFFSET` in the QEMU log, with no `Pattern verification failed` before it.
    ///
    /// ```swift
    /// try lab.write(dom, disk: "vdb", pattern: 0x22, offset: 65536, length: 65536)
    /// try lab.expectPattern(dom, disk: "vdb", pattern: 0x22, offset: 65536, length: 65536)
    /// ```
    ///
    /// - Throws: `LabFailure` naming the calling line when the data differs or the read is not confirmed;
    ///   `Unsupported` off the QEMU driver; `LibvirtError` if the monitor refuses the command.
    public func expectPattern(_ domain: Domain, disk: String = "vda", pattern: UInt8, offset: Int, length: Int,
                              file: String = #filePath, line: Int = #line) throws {
        let command = "read -P \(Self.hex(pattern)) \(offset) \(length)"
        let readLine = "read \(length)/\(length) bytes at offset \(offset)"
        let (_, report) = try qemuIO(domain, disk: disk, command: command, done: [readLine], failed: ["read failed"],
                                     file: file, line: line)
        if let mismatch = report.split(separator: "\n").first(where: { $0.contains("Pattern verification failed") }) {
            throw LabFailure("\(domain.name) \(disk) does not hold \(Self.hex(pattern)) in [\(offset), \(offset + length)): "
                             + "qemu-io: \(mismatch)", file: file, line: line)
        }
        if !report.contains(readLine) {
            throw LabFailure("qemu-io \"\(command)\" on \(domain.name) \(disk) did not read: \(report)", file: file, line: line)
        }
    }

    /// The file QEMU's stderr goes to for `domain` on this connection: `/var/log/libvirt/qemu/<name>.log`
    /// for `qemu:///system`, `~/.cache/libvirt/qemu/log/<name>.log` for `qemu:///session`.
    public func qemuLogPath(_ domain: Domain) -> String {
        if uri.hasPrefix("qemu:///session") {
            return FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".cache/libvirt/qemu/log/\(domain.name).log").path
        }
        return "/var/log/libvirt/qemu/\(domain.name).log"
    }

    // MARK: Internals

    /// Runs an HMP qemu-io command on a disk's device and returns the monitor round trip and the part of
    /// the QEMU log written since, once a line containing one of `done` or `failed` appeared in it.
    private func qemuIO(_ domain: Domain, disk: String, command: String, done: [String], failed: [String],
                        file: String, line: Int) throws -> (Duration, String) {
        try requireQEMU()
        let live = try DomainDefinition(xml: domain.xmlDescription())
        guard let d = live.disks.first(where: { $0.target == disk }) else {
            throw LabFailure("\(domain.name) has no disk \(disk) (it has \(live.disks.map(\.target)))", file: file, line: line)
        }
        guard d.bus == "virtio", let alias = d.alias else {
            throw LabFailure("disk \(disk) of \(domain.name) is not a virtio disk of a running domain "
                             + "(bus \(d.bus), alias \(d.alias ?? "none"))", file: file, line: line)
        }
        let log = qemuLogPath(domain)
        // The log is on the host: read through the host access (a plain file read on this machine).
        let start = try hostFileSizeOrZero(log, file: file, line: line)
        // The HMP command line is parsed by QEMU: the alias comes from libvirt and the command is ours.
        let hmp = "qemu-io -d /machine/peripheral/\(alias)/virtio-backend \"\(command)\""
        let clock = ContinuousClock()
        let began = clock.now
        let reply = try domain.qemuMonitorCommand(hmp, hmp: true)
        let latency = clock.now - began
        let trimmedReply = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmedReply.isEmpty {
            throw LabFailure("`\(hmp)` on \(domain.name) answered: \(trimmedReply)", file: file, line: line)
        }

        // Another host: one command there that returns when QEMU's report is in the log (or at the deadline),
        // not one remote command per look. It gets more time, since the command itself travels.
        if !host.isLocal {
            let limit = Self.guestIOTimeout * 5
            let looks = Int(limit.inMilliseconds / 5)
            let script = """
                log=$1; start=$2; looks=$3; shift 3; n=0
                while :; do
                  text=$(tail -c +$((start + 1)) "$log" 2>/dev/null)
                  for p in "$@"; do case $text in *"$p"*) printf '%s' "$text"; exit 0;; esac; done
                  n=$((n + 1)); [ "$n" -ge "$looks" ] && { printf '%s' "$text"; exit 3; }
                  sleep 0.005
                done
                """
            let r = try Tool.shell.run(["-c", script, "sh", log, String(start), String(looks)] + done + failed, on: host,
                                       timeout: limit + .seconds(30), file: file, line: line)
            if r.status == 0 { return (latency, r.stdout) }
            throw LabFailure("qemu-io \"\(command)\" on \(domain.name) \(disk): no report in \(log) within \(limit) "
                             + "(waited on the host, `\(r.commandLine)` exited \(r.status)); the log grew by: "
                             + (r.stdout.isEmpty ? "nothing" : r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
                             file: file, line: line)
        }
        let deadline = clock.now + Self.guestIOTimeout
        var text = ""
        while true {
            text = try readHostFile(log, from: start, file: file, line: line)
            if (done + failed).contains(where: { text.contains($0) }) { return (latency, text) }
            if clock.now >= deadline { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw LabFailure("qemu-io \"\(command)\" on \(domain.name) \(disk): no report in \(log) within "
                         + "\(Self.guestIOTimeout); the log grew by: "
                         + (text.isEmpty ? "nothing" : text.trimmingCharacters(in: .whitespacesAndNewlines)),
                         file: file, line: line)
    }

    static func milliseconds(_ d: Duration) -> Double {
        d.inMilliseconds
    }
}
