import Foundation
import RewindXML

/// A domain checkpoint XML document, `<domaincheckpoint>` (libvirt's formatcheckpoint page,
/// https://libvirt.org/formatcheckpoint.html).
///
/// Build one for `virDomainCheckpointCreateXML` (or as the checkpoint argument of
/// `virDomainBackupBegin`), or read what `virDomainCheckpointGetXMLDesc` returns.
///
/// ```swift
/// let cp = CheckpointDefinition(name: "cp1", disks: [.init(name: "vda"), .init(name: "vdb", checkpoint: .no)])
/// // With VIR_DOMAIN_CHECKPOINT_XML_SIZE, libvirt adds each disk's dirty size:
/// let read = try CheckpointDefinition(xml: desc)
/// print(read.parent, read.disks.map(\.size))
/// ```
///
/// `parent`, `creationTime` and each disk's `size` are only read from libvirt's output.
public struct CheckpointDefinition: Sendable, Hashable {
    /// The checkpoint name (`<name>`); nil lets libvirt use the creation time.
    public var name: String?
    /// A free-form description (`<description>`).
    public var description: String?
    /// Per-disk choices (`<disks>`); empty leaves every disk to libvirt's default.
    public var disks: [Disk]
    /// The parent checkpoint's name (`<parent><name>`); read only.
    public var parent: String?
    /// When the checkpoint was made (`<creationTime>`, whole seconds); read only.
    public var creationTime: Date?

    /// Creates a checkpoint document.
    public init(name: String? = nil, description: String? = nil, disks: [Disk] = []) {
        self.name = name
        self.description = description
        self.disks = disks
    }

    /// How one disk takes part in a checkpoint (`<disk checkpoint=…>`).
    public enum Mode: String, Sendable, Hashable {
        /// A persistent dirty bitmap in the qcow2 image tracks changes from now on (`bitmap`).
        case bitmap
        /// The disk is left out (`no`).
        case no
    }

    /// One disk in a checkpoint (`<disks><disk>`).
    public struct Disk: Sendable, Hashable {
        /// The disk's target name, e.g. `vda` (`name=…`).
        public var name: String
        /// How it takes part (`checkpoint=…`); nil for libvirt's default (`bitmap`).
        public var checkpoint: Mode?
        /// The bitmap's name (`bitmap=…`); QEMU requires it to equal the checkpoint name, which is the default.
        public var bitmap: String?
        /// Bytes changed since the checkpoint (`size=…`), present only when the description was read with
        /// `VIR_DOMAIN_CHECKPOINT_XML_SIZE` (and the driver supports it); read only.
        public var size: UInt64?

        /// Creates a disk entry.
        public init(name: String, checkpoint: Mode? = .bitmap, bitmap: String? = nil) {
            self.name = name
            self.checkpoint = checkpoint
            self.bitmap = bitmap
        }
    }

    // MARK: Writing

    /// The `<domaincheckpoint>` document for `virDomainCheckpointCreateXML` or `virDomainBackupBegin`.
    public func xml() -> String {
        let doc = XMLDocument(rootName: "domaincheckpoint")
        let root = doc.root
        root.addOptionalChild("name", name)
        root.addOptionalChild("description", description)
        if !disks.isEmpty {
            let list = root.addChild(name: "disks")
            for disk in disks {
                let d = list.addChild(name: "disk")
                d["name"] = disk.name
                if let mode = disk.checkpoint { d["checkpoint"] = mode.rawValue }
                if let bitmap = disk.bitmap { d["bitmap"] = bitmap }
            }
        }
        return doc.serialized()
    }

    // MARK: Parsing

    /// Reads a `<domaincheckpoint>` document, such as the output of `virDomainCheckpointGetXMLDesc`.
    ///
    /// - Throws: `LibvirtError` with code `VIR_ERR_XML_ERROR` if the text is not well-formed XML, is not a
    ///   `<domaincheckpoint>`, or has an unknown mode or malformed number.
    public init(xml: String) throws(LibvirtError) {
        let root = try parseDocument(xml, root: "domaincheckpoint", format: "formatcheckpoint").root
        self.init(name: root.childText("name"), description: root.firstChild(named: "description")?.text)
        disks = try (root.firstChild(named: "disks")?.children(named: "disk") ?? []).map { (d) throws(LibvirtError) in
            var mode: Mode?
            if let raw = d["checkpoint"] {
                guard let m = Mode(rawValue: raw) else { throw .invalidXML("unknown disk checkpoint mode '\(raw)'") }
                mode = m
            }
            var disk = Disk(name: try d.requiredAttribute("name"), checkpoint: mode, bitmap: d["bitmap"])
            if let raw = d["size"] {
                guard let size = UInt64(raw) else { throw .invalidXML("checkpoint disk size '\(raw)' is not a number") }
                disk.size = size
            }
            return disk
        }
        parent = root.firstChild(named: "parent")?.childText("name")
        creationTime = try parseCreationTime(root)
    }
}
