/// A domain (virtualization) type, the `type` attribute of `<domain>` (formatdomain) and the
/// `<domain type=…>` entries of the capabilities (formatcaps, formatdomaincaps).
///
/// ```swift
/// var def = DomainDefinition(name: "lab", type: .kvm)
/// if !(try Capabilities(xml: conn.capabilitiesXML())).supports(.kvm) { def.type = .qemu }
/// ```
public struct VirtType: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral {
    /// The XML spelling, e.g. `kvm`.
    public var rawValue: String
    /// Creates a type from its XML spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a type from a string literal such as `"kvm"`.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// Hardware-assisted virtualization through `/dev/kvm` (`kvm`).
    public static let kvm = VirtType(rawValue: "kvm")
    /// QEMU's software emulator, TCG (`qemu`).
    public static let qemu = VirtType(rawValue: "qemu")
    /// libvirt's in-process test driver (`test`).
    public static let test = VirtType(rawValue: "test")
    /// The XML spelling.
    public var description: String { rawValue }
}

/// A disk image format, the `type` of a disk's `<driver>` or `<format>` element (formatdomain,
/// "Hard drives, floppy disks, CDROMs"), also used by snapshots and backups.
public struct DiskFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral {
    /// The XML spelling, e.g. `qcow2`.
    public var rawValue: String
    /// Creates a format from its XML spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a format from a string literal such as `"qcow2"`.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// QEMU's copy-on-write format: backing files, internal snapshots, persistent dirty bitmaps.
    public static let qcow2 = DiskFormat(rawValue: "qcow2")
    /// A plain image with no metadata.
    public static let raw = DiskFormat(rawValue: "raw")
    /// The XML spelling.
    public var description: String { rawValue }
}
