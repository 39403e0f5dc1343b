import RewindXML

/// A domain backup XML document, `<domainbackup>` (libvirt's formatbackup page,
/// https://libvirt.org/formatbackup.html).
///
/// Build one for `virDomainBackupBegin`, or read what `virDomainBackupGetXMLDesc` returns: libvirt's
/// answer includes the values it chose (export names and bitmaps, the backup mode of each disk,
/// generated file names, node indexes).
///
/// ```swift
/// // Pull mode: libvirt exports each disk over NBD; QEMU needs an explicit TCP port.
/// let backup = BackupDefinition(mode: .pull, incremental: "cp1",
///                               server: .tcp(name: "localhost", port: 10811),
///                               disks: [.init(name: "vda", scratch: scratchPath, driverType: .qcow2),
///                                       .init(name: "vdb", backup: false)])
/// let backupXML = backup.xml()                          // for virDomainBackupBegin
/// let checkpointXML = CheckpointDefinition(name: "cp2").xml()
/// // Later, with the XML virDomainBackupGetXMLDesc returned:
/// let used = try BackupDefinition(xml: description)
/// print(used.disks[0].exportName, used.disks[0].exportBitmap)   // vda, backup-vda
/// ```
public struct BackupDefinition: Sendable, Hashable {
    /// Push or pull (`<domainbackup mode=…>`).
    public var mode: Mode
    /// The checkpoint an incremental backup starts from (`<incremental>`); nil for a full backup.
    public var incremental: String?
    /// Where a pull backup's NBD server listens (`<server>`); nil for libvirt's default, or for push mode.
    public var server: Server?
    /// A TCP server that requires TLS (`<server … tls='yes'>`): QEMU serves with the certificates of the
    /// host's `backup_tls_x509_cert_dir` (qemu.conf), and a client needs a certificate signed by that CA.
    public var tls = false
    /// Per-disk choices (`<disks>`); empty lets every disk take part with generated files.
    public var disks: [Disk]

    /// Creates a backup document.
    public init(mode: Mode, incremental: String? = nil, server: Server? = nil, disks: [Disk] = []) {
        self.mode = mode
        self.incremental = incremental
        self.server = server
        self.disks = disks
    }

    /// Push or pull.
    public enum Mode: String, Sendable, Hashable {
        /// libvirt (QEMU) writes each disk's point-in-time contents into a target file and ends the job by
        /// itself (`push`).
        case push
        /// libvirt exports each disk's point-in-time contents over NBD for a third party to read, until
        /// the job is aborted (`pull`).
        case pull
    }

    /// The NBD server of a pull backup (`<server>`).
    public enum Server: Sendable, Hashable {
        /// `transport='tcp' name=… port=…`.
        case tcp(name: String, port: Int?)
        /// `transport='unix' socket=…`.
        case unix(socket: String)
    }

    /// One disk in a backup (`<disks><disk>`).
    public struct Disk: Sendable, Hashable {
        /// The disk's target name, e.g. `vda` (`name=…`).
        public var name: String
        /// Whether the disk takes part (`backup='yes'|'no'`).
        public var backup: Bool
        /// The storage type of the target or scratch file (`type=…`), `file` by default.
        public var type: String?
        /// Push mode: the file the backup is written to (`<target file=…>`).
        public var target: String?
        /// Pull mode: the scratch file that keeps overwritten blocks (`<scratch file=…>`).
        public var scratch: String?
        /// The format of the target or scratch file (`<driver type=…>`).
        public var driverType: DiskFormat?
        /// Pull mode: the NBD export name (`exportname=…`); libvirt defaults it to the disk name.
        public var exportName: String?
        /// Pull mode, incremental: the dirty-bitmap meta context exported with the disk (`exportbitmap=…`);
        /// libvirt defaults it to `backup-<disk>`.
        public var exportBitmap: String?
        /// `full` or `incremental`, as libvirt reports it (`backupmode=…`); read only.
        public var backupMode: String?
        /// The checkpoint this disk's incremental backup starts from, as libvirt reports it (`incremental=…`);
        /// read only.
        public var incremental: String?
        /// libvirt's node index of the target or scratch image (`index=…`); read only.
        public var index: Int?

        /// Creates a disk entry.
        public init(name: String, backup: Bool = true, type: String? = "file", target: String? = nil,
                    scratch: String? = nil, driverType: DiskFormat? = nil, exportName: String? = nil,
                    exportBitmap: String? = nil) {
            self.name = name
            self.backup = backup
            self.type = backup ? type : nil
            self.target = target
            self.scratch = scratch
            self.driverType = driverType
            self.exportName = exportName
            self.exportBitmap = exportBitmap
        }
    }

    // MARK: Writing

    /// The `<domainbackup>` document for `virDomainBackupBegin`.
    public func xml() -> String {
        let doc = XMLDocument(rootName: "domainbackup")
        let root = doc.root
        root["mode"] = mode.rawValue
        root.addOptionalChild("incremental", incremental)
        if let server {
            let s = root.addChild(name: "server")
            switch server {
            case .tcp(let name, let port):
                s["transport"] = "tcp"
                if tls { s["tls"] = "yes" }
                s["name"] = name
                if let port { s["port"] = String(port) }
            case .unix(let socket):
                s["transport"] = "unix"
                s["socket"] = socket
            }
        }
        if !disks.isEmpty {
            let list = root.addChild(name: "disks")
            for disk in disks {
                let d = list.addChild(name: "disk")
                d["name"] = disk.name
                d["backup"] = disk.backup ? "yes" : "no"
                guard disk.backup else { continue }
                if let type = disk.type { d["type"] = type }
                if let name = disk.exportName { d["exportname"] = name }
                if let bitmap = disk.exportBitmap { d["exportbitmap"] = bitmap }
                if let type = disk.driverType { d.addChild(name: "driver")["type"] = type.rawValue }
                if let target = disk.target { d.addChild(name: "target")["file"] = target }
                if let scratch = disk.scratch { d.addChild(name: "scratch")["file"] = scratch }
            }
        }
        return doc.serialized()
    }

    // MARK: Parsing

    /// Reads a `<domainbackup>` document, such as the output of `virDomainBackupGetXMLDesc`.
    ///
    /// - Throws: `LibvirtError` with code `VIR_ERR_XML_ERROR` if the text is not well-formed XML, is not a
    ///   `<domainbackup>`, or has an unknown mode or transport or a malformed number.
    public init(xml: String) throws(LibvirtError) {
        let root = try parseDocument(xml, root: "domainbackup", format: "formatbackup").root
        let rawMode = root["mode"] ?? "push"
        guard let mode = Mode(rawValue: rawMode) else { throw .invalidXML("unknown backup mode '\(rawMode)'") }
        self.init(mode: mode, incremental: root.childText("incremental"))
        if let s = root.firstChild(named: "server") {
            switch s["transport"] ?? "tcp" {
            case "tcp":
                server = .tcp(name: s["name"] ?? "", port: try s.intAttribute("port"))
                tls = s["tls"] == "yes"
            case "unix": server = .unix(socket: s["socket"] ?? "")
            case let other: throw .invalidXML("unknown backup server transport '\(other)'")
            }
        }
        disks = try (root.firstChild(named: "disks")?.children(named: "disk") ?? []).map { (d) throws(LibvirtError) in
            var disk = Disk(name: try d.requiredAttribute("name"), backup: d.boolAttribute("backup") ?? true,
                            type: d["type"],
                            target: d.firstChild(named: "target")?["file"], scratch: d.firstChild(named: "scratch")?["file"],
                            driverType: d.firstChild(named: "driver")?["type"].map(DiskFormat.init(rawValue:)),
                            exportName: d["exportname"], exportBitmap: d["exportbitmap"])
            disk.backupMode = d["backupmode"]
            disk.incremental = d["incremental"]
            disk.index = try d.intAttribute("index")
            return disk
        }
    }
}
