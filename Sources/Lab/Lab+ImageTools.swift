import Foundation
import Libvirt

// Working on image files the way a backup tool does, outside QEMU: fill an image before its domain
// starts, run `qemu-img` for the steps a reader would type (rebase, convert, info), and compare images
// by their guest-visible content.

extension Lab {
    /// Writes `length` bytes of `pattern` at `offset` of the image at `path`, with
    /// `qemu-io -f FORMAT PATH -c "write -P 0xNN OFFSET LENGTH"`.
    ///
    /// Use it on images no running domain holds, for example to fill a lab guest's disk before the
    /// guest starts, so that a backup of it has real data to copy:
    ///
    /// ```swift
    /// let dom = try lab.makeDomain(diskSizeMiB: 256, start: false)
    /// try lab.writeImage(try lab.diskSource(dom, "vda"), pattern: 0x5a, offset: 0, length: 256 << 20)
    /// try dom.start()
    /// ```
    ///
    /// For a running domain use `write(_:disk:pattern:offset:length:)`, which writes through the guest's
    /// device.
    ///
    /// - Throws: `LabFailure` naming the calling line when qemu-io does not report the whole write (the
    ///   image is locked by a running domain, the range is beyond its end, …).
    public func writeImage(_ path: String, format: DiskFormat = .qcow2, pattern: UInt8, offset: Int, length: Int,
                           file: String = #filePath, line: Int = #line) throws(LabFailure) {
        let command = "write -P \(Self.hex(pattern)) \(offset) \(length)"
        let result = try Tool.qemuIO.run(["-f", format.rawValue, path, "-c", command], on: host, timeout: .seconds(300),
                                         file: file, line: line)
        let output = result.stdout + result.stderr
        guard result.status == 0, output.contains("wrote \(length)/\(length) bytes at offset \(offset)") else {
            throw LabFailure("`\(result.commandLine)` did not write (status \(result.status)): "
                             + output.trimmingCharacters(in: .whitespacesAndNewlines), file: file, line: line)
        }
    }

    /// Runs `qemu-img` with `arguments`, requires exit status 0 and returns its standard output.
    ///
    /// It is the lab's stand-in for the commands a reader runs by hand on backup files, for example
    /// rebasing an incremental backup onto the previous one and flattening the chain:
    ///
    /// ```swift
    /// try lab.qemuImg(["rebase", "-u", "-f", "qcow2", "-b", full, "-F", "qcow2", incremental])
    /// try lab.qemuImg(["convert", "-f", "qcow2", "-O", "raw", incremental, flat])
    /// ```
    ///
    /// The wait is bounded by `timeout`; the tool is killed when it runs longer.
    ///
    /// - Throws: `LabFailure` naming the calling line, the command line and qemu-img's error output.
    @discardableResult
    public func qemuImg(_ arguments: [String], timeout: Duration = .seconds(120),
                        file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        try Tool.qemuImg.runChecked(arguments, on: host, timeout: timeout, file: file, line: line).stdout
    }

    /// Whether two images show the same bytes to a guest, whatever their formats and backing chains
    /// (`qemu-img compare -U -f FORMAT_A -F FORMAT_B A B`: exit status 0 means identical, 1 different).
    ///
    /// ```swift
    /// try lab.expect(try lab.imagesMatch(restored, reference, formatB: .raw),
    ///                "the rebuilt chain equals the reference")
    /// ```
    ///
    /// An image smaller than the other compares equal only if the other's extra bytes are all zero.
    ///
    /// - Returns: true when identical; false when the contents differ (the first difference is added to
    ///   the evidence as a note).
    /// - Throws: `LabFailure` when qemu-img cannot compare them (missing file, unreadable image).
    public func imagesMatch(_ a: String, formatA: DiskFormat = .qcow2, _ b: String, formatB: DiskFormat = .qcow2,
                            file: String = #filePath, line: Int = #line) throws(LabFailure) -> Bool {
        let result = try Tool.qemuImg.run(["compare", "-U", "-f", formatA.rawValue, "-F", formatB.rawValue, a, b], on: host,
                                          timeout: .seconds(300), file: file, line: line)
        switch result.status {
        case 0:
            return true
        case 1:
            note("\(result.commandLine): " + result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            return false
        default:
            let detail = (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
            throw LabFailure("`\(result.commandLine)` exited with status \(result.status): \(detail)",
                             file: file, line: line)
        }
    }
}
