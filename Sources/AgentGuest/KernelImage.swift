import Foundation

/// Reads a Linux x86 `bzImage` (what Debian installs as /boot/vmlinuz-*): the compressed kernel inside it, and
/// whether the uncompressed ELF kernel has a PVH entry point.
///
/// QEMU boots an ELF kernel with a PVH entry (Xen ELF note 18, `XEN_ELFNOTE_PHYS32_ENTRY`) directly, so the guest
/// skips the bzImage's real-mode setup and its decompressor. Under TCG the decompressor alone costs seconds.
public enum KernelImage {
    /// The compressed payload of a bzImage, located through the boot protocol header (`setup_sects` at 0x1f1,
    /// `payload_offset` at 0x248, `payload_length` at 0x24c, relative to the protected-mode code), and its format
    /// (`xz`, `zstd`, `gzip`, …) from its magic bytes; nil if `data` is no bzImage with a payload.
    public static func payload(ofBzImage data: Data) -> (format: String, bytes: Data)? {
        let b = [UInt8](data)
        guard b.count > 0x250, b[0x202..<0x206].elementsEqual(Array("HdrS".utf8)) else { return nil }
        let setupSectors = b[0x1f1] == 0 ? 4 : Int(b[0x1f1])
        let offset = (setupSectors + 1) * 512 + Int(le32(b, 0x248))
        let length = Int(le32(b, 0x24c))
        guard length > 0, offset + length <= b.count else { return nil }
        let bytes = Data(b[offset..<(offset + length)])
        let magics: [(String, [UInt8])] = [("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]), ("zstd", [0x28, 0xB5, 0x2F, 0xFD]),
                                           ("gzip", [0x1F, 0x8B]), ("lz4", [0x02, 0x21, 0x4C, 0x18]), ("elf", [0x7F, 0x45, 0x4C, 0x46])]
        let format = magics.first { bytes.starts(with: $0.1) }?.0 ?? "unknown"
        return (format, bytes)
    }

    /// Whether an ELF64 file has the PVH entry note (name `Xen`, type 18) in a `PT_NOTE` segment.
    public static func hasPVHEntry(elf data: Data) -> Bool {
        let b = [UInt8](data)
        guard b.count > 0x40, b[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]), b[4] == 2, b[5] == 1 else { return false }
        let phoff = Int(le64(b, 0x20)), phentsize = Int(le16(b, 0x36)), phnum = Int(le16(b, 0x38))
        for i in 0..<phnum {
            let ph = phoff + i * phentsize
            guard ph + 56 <= b.count, le32(b, ph) == 4 else { continue }  // PT_NOTE
            let start = Int(le64(b, ph + 8)), size = Int(le64(b, ph + 32))
            guard start + size <= b.count else { continue }
            var n = start
            while n + 12 <= start + size {
                let namesz = Int(le32(b, n)), descsz = Int(le32(b, n + 4)), type = le32(b, n + 8)
                let name = b[(n + 12)..<min(n + 12 + namesz, b.count)]
                if type == 18, name.elementsEqual(Array("Xen".utf8) + [0]) { return true }
                n += 12 + align4(namesz) + align4(descsz)
            }
        }
        return false
    }

    /// The uncompressed ELF kernel of a bzImage if it has a PVH entry, decompressed with the host's `xz`,
    /// `zstd` or `gzip`; nil otherwise (then boot the bzImage itself).
    static func pvhKernel(fromBzImage url: URL) throws -> Data? {
        guard let (format, payload) = payload(ofBzImage: try Data(contentsOf: url)) else { return nil }
        let elf: Data
        switch format {
        case "xz": elf = try Shell.run("xz", ["-dc", "--single-stream"], input: payload).stdout
        case "zstd": elf = try Shell.run("zstd", ["-dcq"], input: payload).stdout
        case "gzip": elf = try Shell.run("gzip", ["-dc"], input: payload).stdout
        case "elf": elf = payload
        default: return nil
        }
        // Trailing bytes after the stream (the kernel build appends the size) may make a tool complain; what
        // counts is a complete ELF with the note.
        return hasPVHEntry(elf: elf) && loadSegmentsFit(elf: elf) ? elf : nil
    }

    /// Whether every `PT_LOAD` segment of an ELF64 file lies inside the file (a cut-short file fails).
    public static func loadSegmentsFit(elf data: Data) -> Bool {
        let b = [UInt8](data)
        guard b.count > 0x40 else { return false }
        let phoff = Int(le64(b, 0x20)), phentsize = Int(le16(b, 0x36)), phnum = Int(le16(b, 0x38))
        guard phnum > 0, phoff + phnum * phentsize <= b.count else { return false }
        for i in 0..<phnum {
            let ph = phoff + i * phentsize
            if le32(b, ph) == 1, le64(b, ph + 8) + le64(b, ph + 32) > UInt64(b.count) { return false }
        }
        return true
    }

    private static func align4(_ n: Int) -> Int { (n + 3) & ~3 }
    private static func le16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    private static func le64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(le32(b, o)) | UInt64(le32(b, o + 4)) << 32 }
}
