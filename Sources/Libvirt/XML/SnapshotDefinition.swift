import Foundation
import RewindXML

/// A domain snapshot XML document, `<domainsnapshot>` (libvirt's formatsnapshot page,
/// https://libvirt.org/formatsnapshot.html).
///
/// Build one for `virDomainSnapshotCreateXML`, or read what `virDomainSnapshotGetXMLDesc` returns.
///
/// ```swift
/// // An external, disk-only snapshot of vda; vdb is left out.
/// let snap = SnapshotDefinition(name: "before-upgrade", memory: .no, disks: [
///     .init(name: "vda", snapshot: .external, source: "/var/lib/libvirt/images/rewind/vda.s1.qcow2"),
///     .init(name: "vdb", snapshot: .no),
/// ])
/// let xml = snap.xml()
/// // Later, from libvirt:
/// let read = try SnapshotDefinition(xml: desc)
/// print(read.state, read.parent, read.creationTime)
/// ```
///
/// `state`, `parent`, `creationTime` and `domain` are only read from libvirt's output; `xml()` does not
/// write them (libvirt fills them in).
public struct SnapshotDefinition: Sendable, Hashable {
    /// The snapshot name (`<name>`); nil lets libvirt use the creation time.
    public var name: String?
    /// A free-form description (`<description>`).
    public var description: String?
    /// What happens to the guest's memory (`<memory snapshot=…>`); nil leaves it to libvirt's default.
    public var memory: Memory?
    /// Per-disk choices (`<disks>`); empty leaves every disk to libvirt's default.
    public var disks: [Disk]
    /// The domain state the snapshot captured (`<state>`); read only.
    public var state: State?
    /// The parent snapshot's name (`<parent><name>`); read only.
    public var parent: String?
    /// When the snapshot was made (`<creationTime>`, whole seconds); read only.
    public var creationTime: Date?
    /// The domain definition saved with the snapshot (`<domain>`), in the lab-sized form of
    /// `DomainDefinition`; read only.
    public var domain: DomainDefinition?

    /// Creates a snapshot document.
    public init(name: String? = nil, description: String? = nil, memory: Memory? = nil, disks: [Disk] = []) {
        self.name = name
        self.description = description
        self.memory = memory
        self.disks = disks
    }

    /// The memory part of a snapshot (`<memory>`).
    public enum Memory: Sendable, Hashable {
        /// No memory state (`snapshot='no'`): a disk-only snapshot, or a snapshot of an inactive domain.
        case no
        /// Memory saved inside the qcow2 images (`snapshot='internal'`).
        case `internal`
        /// Memory saved to a separate file (`snapshot='external' file=…`).
        case external(file: String)
    }

    /// How one disk takes part in a snapshot (`<disk snapshot=…>`).
    public enum Mode: String, Sendable, Hashable {
        /// The disk is left out (`no`).
        case no
        /// A snapshot inside the qcow2 image (`internal`).
        case `internal`
        /// A new overlay file becomes the disk's top image (`external`).
        case external
        /// The user snapshots the disk by other means while the guest is paused (`manual`, libvirt 8.2).
        case manual
    }

    /// One disk in a snapshot (`<disks><disk>`).
    public struct Disk: Sendable, Hashable {
        /// The disk's target name (`vda`) or source path (`<disk name=…>`).
        public var name: String
        /// How it takes part (`snapshot=…`); nil for libvirt's default.
        public var snapshot: Mode?
        /// For an external snapshot: the new overlay file (`<source file=…>`); nil lets libvirt name it.
        public var source: String?
        /// For an external snapshot: the overlay's format (`<driver type=…>`).
        public var driverType: DiskFormat?

        /// Creates a disk entry.
        public init(name: String, snapshot: Mode? = nil, source: String? = nil, driverType: DiskFormat? = nil) {
            self.name = name
            self.snapshot = snapshot
            self.source = source
            self.driverType = driverType
        }
    }

    /// The state a snapshot captured (`<state>`): a domain state name, or `disk-snapshot` for a
    /// disk-only snapshot of a running domain.
    public struct State: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The XML spelling.
        public var rawValue: String
        /// Creates a state from its XML spelling.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `running`: a full snapshot of a running domain; reverting resumes it.
        public static let running = State(rawValue: "running")
        /// `paused`.
        public static let paused = State(rawValue: "paused")
        /// `shutoff`: the domain was inactive; only disk state was captured.
        public static let shutoff = State(rawValue: "shutoff")
        /// `disk-snapshot`: a disk-only snapshot of a running domain (no memory).
        public static let diskSnapshot = State(rawValue: "disk-snapshot")
        /// `crashed`.
        public static let crashed = State(rawValue: "crashed")
        /// `pmsuspended`.
        public static let pmsuspended = State(rawValue: "pmsuspended")
        /// The XML spelling.
        public var description: String { rawValue }
    }

    // MARK: Writing

    /// The `<domainsnapshot>` document for `virDomainSnapshotCreateXML`.
    public func xml() -> String {
        let doc = XMLDocument(rootName: "domainsnapshot")
        let root = doc.root
        root.addOptionalChild("name", name)
        root.addOptionalChild("description", description)
        if let memory {
            let m = root.addChild(name: "memory")
            switch memory {
            case .no: m["snapshot"] = "no"
            case .internal: m["snapshot"] = "internal"
            case .external(let file):
                m["snapshot"] = "external"
                m["file"] = file
            }
        }
        if !disks.isEmpty {
            let list = root.addChild(name: "disks")
            for disk in disks {
                let d = list.addChild(name: "disk")
                d["name"] = disk.name
                if let mode = disk.snapshot { d["snapshot"] = mode.rawValue }
                if disk.source != nil || disk.driverType != nil { d["type"] = "file" }
                if let type = disk.driverType { d.addChild(name: "driver")["type"] = type.rawValue }
                if let source = disk.source { d.addChild(name: "source")["file"] = source }
            }
        }
        return doc.serialized()
    }

    // MARK: Parsing

    /// Reads a `<domainsnapshot>` document, such as the output of `virDomainSnapshotGetXMLDesc`.
    ///
    /// - Throws: `LibvirtError` with code `VIR_ERR_XML_ERROR` if the text is not well-formed XML, is not a
    ///   `<domainsnapshot>`, or has an unknown snapshot mode or malformed value.
    public init(xml: String) throws(LibvirtError) {
        let root = try parseDocument(xml, root: "domainsnapshot", format: "formatsnapshot").root
        self.init(name: root.childText("name"), description: root.firstChild(named: "description")?.text)
        if let m = root.firstChild(named: "memory") {
            switch m["snapshot"] {
            case "no": memory = Memory.no
            case "internal": memory = .internal
            case "external": memory = .external(file: m["file"] ?? "")
            case let other?: throw .invalidXML("unknown memory snapshot mode '\(other)'")
            case nil: memory = nil
            }
        }
        disks = try (root.firstChild(named: "disks")?.children(named: "disk") ?? []).map { (d) throws(LibvirtError) in
            var mode: Mode?
            if let raw = d["snapshot"] {
                guard let m = Mode(rawValue: raw) else { throw .invalidXML("unknown disk snapshot mode '\(raw)'") }
                mode = m
            }
            let source = d.firstChild(named: "source")
            return Disk(name: try d.requiredAttribute("name"), snapshot: mode,
                        source: source?["file"] ?? source?["dev"],
                        driverType: d.firstChild(named: "driver")?["type"].map(DiskFormat.init(rawValue:)))
        }
        state = root.childText("state").map(State.init(rawValue:))
        parent = root.firstChild(named: "parent")?.childText("name")
        creationTime = try parseCreationTime(root)
        if let d = root.firstChild(named: "domain") { domain = try DomainDefinition(element: d) }
    }
}
