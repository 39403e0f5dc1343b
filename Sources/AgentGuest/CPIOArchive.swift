import Foundation

/// Writes a cpio archive in the "newc" format (magic `070701`), the format the Linux kernel unpacks as an
/// initramfs. Entries are written in the order they are added; every entry has uid 0, gid 0 and mtime 0, so
/// the same content gives the same bytes.
public struct CPIOArchive: Sendable {
    /// What an entry is.
    public enum Kind: Sendable, Hashable {
        /// A directory.
        case directory
        /// A regular file with these contents.
        case file(Data)
        /// A symbolic link to this target.
        case symlink(String)
        /// A character device node (major, minor).
        case characterDevice(major: UInt32, minor: UInt32)
    }

    /// One archive member.
    public struct Entry: Sendable, Hashable {
        /// The path inside the archive, without a leading slash (`bin/busybox`).
        public var path: String
        /// The kind and contents.
        public var kind: Kind
        /// The permission bits (for example `0o755`).
        public var permissions: UInt32
    }

    /// The members, in archive order.
    public private(set) var entries: [Entry] = []
    private var paths: Set<String> = []

    /// An empty archive.
    public init() {}

    /// Whether `path` (with or without a leading slash) has been added.
    public func contains(_ path: String) -> Bool { paths.contains(Self.normalize(path)) }

    /// Adds a member. Missing parent directories are added first (mode 0755); adding a path twice keeps the first.
    public mutating func add(_ path: String, _ kind: Kind, permissions: UInt32? = nil) {
        let p = Self.normalize(path)
        guard !p.isEmpty, !paths.contains(p) else { return }
        let parts = p.split(separator: "/")
        if parts.count > 1 {
            add(parts.dropLast().joined(separator: "/"), .directory)
        }
        let defaultPermissions: UInt32
        switch kind {
        case .directory: defaultPermissions = 0o755
        case .file: defaultPermissions = 0o644
        case .symlink: defaultPermissions = 0o777
        case .characterDevice: defaultPermissions = 0o600
        }
        paths.insert(p)
        entries.append(Entry(path: p, kind: kind, permissions: permissions ?? defaultPermissions))
    }

    /// The archive's bytes, ending with the `TRAILER!!!` member.
    public func encoded() -> Data {
        var out = Data()
        var inode: UInt32 = 1
        for entry in entries {
            let mode: UInt32, body: Data, nlink: UInt32
            var rdevMajor: UInt32 = 0, rdevMinor: UInt32 = 0
            switch entry.kind {
            case .directory: (mode, body, nlink) = (0o040000, Data(), 2)
            case .file(let data): (mode, body, nlink) = (0o100000, data, 1)
            case .symlink(let target): (mode, body, nlink) = (0o120000, Data(target.utf8), 1)
            case .characterDevice(let major, let minor):
                (mode, body, nlink) = (0o020000, Data(), 1)
                (rdevMajor, rdevMinor) = (major, minor)
            }
            Self.append(to: &out, name: entry.path, inode: inode, mode: mode | (entry.permissions & 0o7777),
                        nlink: nlink, body: body, rdevMajor: rdevMajor, rdevMinor: rdevMinor)
            inode += 1
        }
        Self.append(to: &out, name: "TRAILER!!!", inode: 0, mode: 0, nlink: 1, body: Data(), rdevMajor: 0, rdevMinor: 0)
        return out
    }

    private static func normalize(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    private static func append(to out: inout Data, name: String, inode: UInt32, mode: UInt32, nlink: UInt32,
                               body: Data, rdevMajor: UInt32, rdevMinor: UInt32) {
        let nameBytes = Array(name.utf8) + [0]
        // c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize c_devmajor c_devminor c_rdevmajor c_rdevminor
        // c_namesize c_check: 13 fields of 8 hex digits after the 6-byte magic.
        let fields: [UInt32] = [inode, mode, 0, 0, nlink, 0, UInt32(body.count), 0, 0, rdevMajor, rdevMinor,
                                UInt32(nameBytes.count), 0]
        var header = "070701"
        for f in fields { header += hex8(f) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: nameBytes)
        pad(&out)
        out.append(body)
        pad(&out)
    }

    private static func hex8(_ value: UInt32) -> String {
        let s = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: 8 - s.count) + s
    }

    private static func pad(_ out: inout Data) {
        let rest = out.count % 4
        if rest != 0 { out.append(contentsOf: [UInt8](repeating: 0, count: 4 - rest)) }
    }
}
