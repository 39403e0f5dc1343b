import Foundation
import Glibc
import Libvirt

/// What a guest disk holds, known from the writes made to it and nothing else: a reference for backups that
/// does not trust the API under test.
///
/// A snippet that checks a backup needs to know what the disk held at the instant the backup began. Reading
/// the disk through a backup (or through QEMU at all) would use the machinery under test to judge itself.
/// The model instead records every write the snippet makes (`lab.write(_:pattern:offset:length:into:)`
/// writes to the guest *and* records it here); a `snapshot()` taken just before a backup starts is that
/// backup's reference. The model writes its content to a file (`materialize(to:)`) and hashes it
/// (`sha256()`), so a restored image can be compared byte for byte.
///
/// ```swift
/// var disk = DiskModel(size: 64 << 20)
/// try lab.write(dom, pattern: 0x11, offset: 0, length: 1 << 20, into: &disk)
/// let atFull = disk.snapshot()                    // the reference of the backup about to begin
/// try dom.beginBackup(xml: full.xml(), checkpointXML: CheckpointDefinition(name: "c1").xml())
/// try lab.write(dom, pattern: 0x22, offset: 0, length: 4096, into: &disk)   // after the instant: not in it
/// …
/// try lab.expectEqual(try lab.localSHA256(restored), atFull.sha256(), "the restored full backup")
/// ```
public struct DiskModel: Sendable, Hashable {
    /// One write: `length` bytes of `pattern` at `offset`.
    public struct Write: Sendable, Hashable {
        /// The first byte.
        public var offset: UInt64
        /// How many bytes.
        public var length: UInt64
        /// The byte written to each of them.
        public var pattern: UInt8
        /// The bytes it covers.
        public var range: Range<UInt64> { offset..<(offset + length) }
    }

    /// The disk's virtual size.
    public let size: UInt64
    /// Every write, oldest first.
    public private(set) var writes: [Write] = []

    /// An all-zero disk of `size` bytes (a new qcow2 image reads as zeros).
    public init(size: UInt64) {
        self.size = size
    }

    /// Records a write (a later write wins where they overlap).
    public mutating func write(pattern: UInt8, offset: UInt64, length: UInt64) {
        precondition(offset + length <= size, "a write beyond the end of the disk")
        writes.append(Write(offset: offset, length: length, pattern: pattern))
    }

    /// The model as it is now (a value: later writes do not change it).
    public func snapshot() -> DiskModel { self }

    /// The bytes written since `earlier` (a snapshot of this model), merged, in offset order.
    public func written(since earlier: DiskModel) -> [Range<UInt64>] {
        Self.merge(writes.dropFirst(earlier.writes.count).map(\.range))
    }

    /// `ranges` rounded out to whole `granularity` blocks and merged: what a dirty bitmap with that
    /// granularity marks for those writes.
    public static func granules(_ ranges: [Range<UInt64>], granularity: UInt64) -> [Range<UInt64>] {
        merge(ranges.map { ($0.lowerBound / granularity * granularity) ..< (($0.upperBound + granularity - 1) / granularity * granularity) })
    }

    /// Sorted, overlapping or touching ranges joined.
    public static func merge(_ ranges: [Range<UInt64>]) -> [Range<UInt64>] {
        var merged: [Range<UInt64>] = []
        for r in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound ..< max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    /// The byte at `offset`.
    public func byte(at offset: UInt64) -> UInt8 {
        writes.last { $0.range.contains(offset) }?.pattern ?? 0
    }

    /// Writes the model's content to `path` on this machine: a sparse raw image of `size` bytes.
    public func materialize(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        for w in writes {
            var remaining = Int(w.length)
            var at = off_t(w.offset)
            let block = [UInt8](repeating: w.pattern, count: min(remaining, 1 << 20))
            while remaining > 0 {
                let n = min(remaining, block.count)
                let done = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, n, at) }
                guard done == n else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                remaining -= n
                at += off_t(n)
            }
        }
        guard ftruncate(fd, off_t(size)) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// The SHA-256 of the model's content, as `sha256sum` prints it (it is materialized in a temporary file).
    public func sha256() throws -> String {
        let path = NSTemporaryDirectory() + "rewind-diskmodel-\(UUID().uuidString).raw"
        defer { unlink(path) }
        try materialize(to: path)
        return try Tool.sha256(path, on: .local, file: #filePath, line: #line)
    }
}

extension Lab {
    /// A guest write (`write(_:disk:pattern:offset:length:)`) that is also recorded in `model`, the snippet's
    /// own account of what the disk holds (see `DiskModel`).
    public func write(_ domain: Domain, disk: String = "vda", pattern: UInt8, offset: Int, length: Int,
                      into model: inout DiskModel, file: String = #filePath, line: Int = #line) throws {
        try write(domain, disk: disk, pattern: pattern, offset: offset, length: length, file: file, line: line)
        model.write(pattern: pattern, offset: UInt64(offset), length: UInt64(length))
    }

    /// The SHA-256 of a file on the machine the snippet runs on (as `sha256sum` prints it), e.g. an image a
    /// backup tool restored there. (`sha256(_:)` hashes a file on the host.)
    public func localSHA256(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        try Tool.sha256(path, on: .local, file: file, line: line)
    }
}
