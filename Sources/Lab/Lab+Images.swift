import Foundation
import Libvirt

// Image files seen from outside QEMU: create them, read their data, map their allocation, follow their
// backing file, list their internal snapshots, hash them. Every helper runs `qemu-img`, `qemu-io` or a
// SHA-256 tool (`openssl dgst`, else `sha256sum`) with a bounded wait, and opens images with `-U` (no lock)
// so that it can look at a file a domain holds. For a *running* domain's own qcow2 the answer may be stale
// (QEMU caches qcow2 metadata): use `expectPattern` or an NBD export for live disks, and these helpers for
// files QEMU has finished (backup targets, snapshot overlays, images of stopped domains).

extension Lab {
    /// Creates an empty image called `name` in the lab directory with `qemu-img create` and returns its
    /// path. It is deleted after the snippet.
    ///
    /// ```swift
    /// let base = try lab.createImage(name: "base.qcow2", sizeMiB: 16)
    /// let overlay = try lab.createImage(name: "overlay.qcow2", backing: base)   // 16 MiB, backed by base
    /// ```
    ///
    /// - Parameters:
    ///   - sizeMiB: the virtual size; nil means 64 MiB, or the backing file's size when there is one.
    ///   - format: the image format, `qcow2` or `raw`.
    ///   - backing: a backing file (its format is read with `qemu-img info` and written into the image).
    public func createImage(name: String, sizeMiB: Int? = nil, format: DiskFormat = .qcow2, backing: String? = nil,
                            file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        let image = try path(name, file: file, line: line)
        try createImage(at: image, sizeMiB: sizeMiB ?? (backing == nil ? 64 : nil), format: format, backing: backing,
                        file: file, line: line)
        return image
    }

    /// Creates an image at a path already checked to be in the lab directory; deletes it in teardown.
    func createImage(at image: String, sizeMiB: Int?, format: DiskFormat, backing: String?,
                     file: String, line: Int) throws(LabFailure) {
        var arguments = ["create", "-q", "-f", format.rawValue]
        if let backing {
            let backingFormat = try imageInfo(backing, file: file, line: line).format
            arguments += ["-b", backing, "-F", backingFormat]
        }
        arguments.append(image)
        if let sizeMiB { arguments.append("\(sizeMiB)M") }
        onTeardown { [self] in try removeFile(image) }
        _ = try Tool.qemuImg.runChecked(arguments, on: host, file: file, line: line)
    }

    /// Whether `length` bytes at `offset` of the image at `path` all equal `pattern`, read with
    /// `qemu-io -r -U -f FORMAT PATH -c "read -P 0xNN OFFSET LENGTH"`.
    ///
    /// ```swift
    /// try lab.expect(try lab.imageHasPattern(target, pattern: 0x11, offset: 0, length: 1 << 20),
    ///                "the backup holds the data written before it started")
    /// ```
    ///
    /// - Returns: true if qemu-io read the range and found the pattern, false if it reported
    ///   `Pattern verification failed`.
    /// - Throws: `LabFailure` naming the command and qemu-io's output for anything else (no such file,
    ///   a range beyond the end, …).
    public func imageHasPattern(_ path: String, format: DiskFormat = .qcow2, pattern: UInt8, offset: Int, length: Int,
                                file: String = #filePath, line: Int = #line) throws(LabFailure) -> Bool {
        let command = "read -P \(Self.hex(pattern)) \(offset) \(length)"
        let result = try Tool.qemuIO.run(["-r", "-U", "-f", format.rawValue, path, "-c", command], on: host, file: file, line: line)
        let output = result.stdout + result.stderr
        let readLine = "read \(length)/\(length) bytes at offset \(offset)"
        if output.contains("Pattern verification failed") && output.contains(readLine) { return false }
        if result.status == 0 && output.contains(readLine) { return true }
        throw LabFailure("`\(result.commandLine)` exited with status \(result.status): "
                         + output.trimmingCharacters(in: .whitespacesAndNewlines), file: file, line: line)
    }

    /// The byte ranges of the image at `path` whose data is stored in that file itself (not in a backing
    /// file, not unallocated or zero): the depth-0 `data` extents of `qemu-img map --output=json -U`,
    /// adjacent ranges merged.
    ///
    /// ```swift
    /// for range in try lab.allocatedRanges(incremental) {
    ///     lab.recordExtent("data", offset: range.lowerBound, length: UInt64(range.count))
    /// }
    /// ```
    public func allocatedRanges(_ path: String, format: DiskFormat = .qcow2,
                                file: String = #filePath, line: Int = #line) throws(LabFailure) -> [Range<UInt64>] {
        struct MapEntry: Decodable {
            var start: UInt64
            var length: UInt64
            var depth: Int
            var data: Bool
        }
        let entries = try Tool.qemuImg.json([MapEntry].self, ["map", "--output=json", "-U", "-f", format.rawValue, path], on: host,
                                            file: file, line: line)
        var ranges: [Range<UInt64>] = []
        for e in entries where e.depth == 0 && e.data && e.length > 0 {
            if let last = ranges.last, last.upperBound == e.start {
                ranges[ranges.count - 1] = last.lowerBound..<(e.start + e.length)
            } else {
                ranges.append(e.start..<(e.start + e.length))
            }
        }
        return ranges
    }

    /// The backing file recorded in the image at `path`, as written in its header (possibly relative), or
    /// nil when it has none (`backing-filename` of `qemu-img info --output=json -U`).
    ///
    /// ```swift
    /// // An incremental push backup names the live disk as its backing file:
    /// try lab.expectEqual(try lab.backingFile(of: incremental), try lab.diskSource(dom, "vda"))
    /// ```
    public func backingFile(of path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String? {
        try imageInfo(path, file: file, line: line).backingFilename
    }

    /// An internal snapshot stored inside a qcow2 image.
    public struct ImageSnapshot: Sendable, Hashable, Decodable {
        /// The snapshot's numeric id, as text (`id`).
        public var id: String
        /// Its name (`name`), the snapshot name libvirt gave it.
        public var name: String
        /// The size of the saved VM state (memory and devices); 0 for a disk-only snapshot.
        public var vmStateSize: UInt64

        /// Creates a value.
        public init(id: String, name: String, vmStateSize: UInt64) {
            self.id = id
            self.name = name
            self.vmStateSize = vmStateSize
        }

        enum CodingKeys: String, CodingKey {
            case id, name
            case vmStateSize = "vm-state-size"
        }
    }

    /// The internal snapshots stored in the qcow2 image at `path` (what `qemu-img snapshot -l -U` lists,
    /// read from `qemu-img info --output=json -U` so that names with spaces survive).
    ///
    /// ```swift
    /// let inside = try lab.imageSnapshots(try lab.diskSource(dom, "vda"))
    /// try lab.expectEqual(inside.map(\.name), ["before-upgrade"])
    /// ```
    public func imageSnapshots(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> [ImageSnapshot] {
        try imageInfo(path, file: file, line: line).snapshots ?? []
    }

    /// The SHA-256 of the file at `path` on the host, as 64 lower-case hex digits (what `sha256sum`
    /// prints; computed with `openssl dgst -sha256` where the host has OpenSSL, which is several times faster).
    ///
    /// ```swift
    /// let before = try lab.sha256(target)
    /// // … something that must not change the file …
    /// try lab.expectEqual(try lab.sha256(target), before)
    /// ```
    public func sha256(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        try Tool.sha256(path, on: host, file: file, line: line)
    }

    /// The SHA-256 of what a guest reads from the image at `path`: its virtual disk, converted to raw with
    /// `qemu-img convert -U` (so an image in use can be read) into a temporary file beside it, which is
    /// removed again. Unlike ``sha256(_:file:line:)`` it does not change when only the image's metadata
    /// does (a qcow2 header, a refcount table, a bitmap).
    ///
    /// ```swift
    /// let before = try lab.contentSHA256(disk)
    /// try dom.save(to: image)
    /// try lab.expectEqual(try lab.contentSHA256(disk), before, "the save left the disk's data alone")
    /// ```
    public func contentSHA256(_ path: String, format: DiskFormat = .qcow2,
                              file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        let raw = path + ".content-\(UUID().uuidString.prefix(8)).raw"
        let script = Tool.digestFunction
            + " qemu-img convert -U -f \"$1\" -O raw -- \"$2\" \"$3\" && digest \"$3\"; s=$?; rm -f -- \"$3\"; exit $s"
        let result = try Tool.shell.runChecked(["-c", script, "sh", format.rawValue, path, raw], on: host,
                                               timeout: .seconds(300), file: file, line: line)
        return try Tool.digest(in: result, file: file, line: line)
    }

    // MARK: Internals

    /// The fields of `qemu-img info --output=json` the lab uses.
    struct ImageInfo: Decodable {
        var format: String
        var virtualSize: UInt64
        var backingFilename: String?
        var snapshots: [ImageSnapshot]?

        enum CodingKeys: String, CodingKey {
            case format, snapshots
            case virtualSize = "virtual-size"
            case backingFilename = "backing-filename"
        }
    }

    func imageInfo(_ path: String, file: String, line: Int) throws(LabFailure) -> ImageInfo {
        try Tool.qemuImg.json(ImageInfo.self, ["info", "--output=json", "-U", path], on: host, file: file, line: line)
    }

    /// `0x0a`: a pattern byte as qemu-io wants it.
    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}
