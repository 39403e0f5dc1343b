import RewindXML

extension DomainDefinition {
    /// A disk of a domain (formatdomain, "Hard drives, floppy disks, CDROMs"): a file-backed
    /// `<disk type='file'>`.
    ///
    /// `target`, `bus`, `source`, `format`, `readOnly`, `device` and `backingChain` are written by
    /// `DomainDefinition.xml()`; `mirror`, `alias` and `index` are only read from libvirt's output.
    public struct Disk: Sendable, Hashable {
        /// The device name in the guest (`<target dev=…>`), e.g. `vda`. Snapshot, checkpoint, backup and
        /// block job calls name disks by it.
        public var target: String
        /// The bus (`<target bus=…>`), e.g. `virtio`, `sata`, `scsi`.
        public var bus: String
        /// The image file on the host (`<source file=…>`); nil for an empty CD-ROM drive. For a running
        /// domain this is the *live* top image, e.g. the overlay after an external snapshot.
        public var source: String?
        /// The image format (`<driver type=…>`).
        public var format: DiskFormat
        /// Whether the guest sees the disk read-only (`<readonly/>`).
        public var readOnly: Bool
        /// The device kind (`<disk device=…>`): `disk` or `cdrom`.
        public var device: String
        /// Where a qcow2 image keeps its guest data when that is a file of its own (`<source><dataStore>`,
        /// libvirt 10.10): the qcow2 `source` then holds only metadata (its dirty bitmaps among it), so a
        /// raw data file gets checkpoints and incremental backups.
        public var dataStore: DataStore?
        /// The backing chain below `source`, nearest first (nested `<backingStore>` elements). Empty when
        /// the image has no backing file, or when libvirt did not report the chain.
        public var backingChain: [BackingStore]
        /// An active block copy or active commit job's destination (`<mirror>`); read only.
        public var mirror: Mirror?
        /// libvirt's device alias (`<alias name=…>`), e.g. `virtio-disk0`, the QEMU device id; read only.
        public var alias: String?
        /// libvirt's node index of the top image (`<source index=…>`), e.g. `vda[2]` in block job calls;
        /// read only.
        public var index: Int?

        /// Creates a disk; by default a virtio qcow2 disk.
        public init(target: String, bus: String = "virtio", source: String?, format: DiskFormat = .qcow2,
                    readOnly: Bool = false, device: String = "disk", backingChain: [BackingStore] = []) {
            self.target = target
            self.bus = bus
            self.source = source
            self.format = format
            self.readOnly = readOnly
            self.device = device
            self.backingChain = backingChain
        }

        /// The source file followed by the backing chain's files, top (live) image first.
        public var chainFiles: [String] { ([source] + backingChain.map(\.file)).compactMap { $0 } }

        /// The disk as a `<disk type='file'>` document of its own (built with libxml2, so any path is
        /// escaped), e.g. the destination of a block copy (`virDomainBlockCopy`'s `destxml`):
        ///
        /// ```swift
        /// let destination = DomainDefinition.Disk(target: "vda", source: "/fast/vm-vda.qcow2").xml()
        /// try dom.blockCopy(disk: "vda", destinationXML: destination, flags: .transientJob)
        /// ```
        public func xml() -> String {
            let doc = XMLDocument(rootName: "disk")
            fill(doc.root)
            return doc.serialized(pretty: false)
        }

        func write(into devices: XMLElement) {
            fill(devices.addChild(name: "disk"))
        }

        /// Writes the disk's attributes and children into the `<disk>` element `d`.
        private func fill(_ d: XMLElement) {
            d["type"] = "file"
            d["device"] = device
            let driver = d.addChild(name: "driver")
            driver["name"] = "qemu"
            driver["type"] = format.rawValue
            if let source {
                let element = d.addChild(name: "source")
                element["file"] = source
                if let dataStore {
                    let store = element.addChild(name: "dataStore")
                    store["type"] = "file"
                    store.addChild(name: "format")["type"] = dataStore.format.rawValue
                    store.addChild(name: "source")["file"] = dataStore.file
                }
            }
            var parent = d
            for layer in backingChain {
                let b = parent.addChild(name: "backingStore")
                b["type"] = "file"
                if let format = layer.format { b.addChild(name: "format")["type"] = format.rawValue }
                if let file = layer.file { b.addChild(name: "source")["file"] = file }
                parent = b
            }
            let t = d.addChild(name: "target")
            t["dev"] = target
            t["bus"] = bus
            if readOnly { d.addChild(name: "readonly") }
        }

        init(element d: XMLElement) throws(LibvirtError) {
            guard let t = d.firstChild(named: "target"), let dev = t["dev"] else {
                throw .invalidXML("a <disk> has no <target dev=…>")
            }
            let source = d.firstChild(named: "source")
            self.init(target: dev, bus: t["bus"] ?? "", source: source?["file"] ?? source?["dev"],
                      format: DiskFormat(rawValue: d.firstChild(named: "driver")?["type"] ?? ""),
                      readOnly: d.firstChild(named: "readonly") != nil, device: d["device"] ?? "disk")
            index = try source?.intAttribute("index")
            alias = d.firstChild(named: "alias")?["name"]
            backingChain = try BackingStore.chain(below: d)
            if let m = d.firstChild(named: "mirror") { mirror = try Mirror(element: m) }
            if let store = source?.firstChild(named: "dataStore"), let file = store.firstChild(named: "source")?["file"] {
                dataStore = DataStore(file: file, format: DiskFormat(rawValue: store.firstChild(named: "format")?["type"] ?? "raw"))
            }
        }
    }

    /// A qcow2 image's external data file (`<dataStore type='file'>`, libvirt 10.10; the image made with
    /// `qemu-img create -f qcow2 -o data_file=FILE,data_file_raw=on`).
    public struct DataStore: Sendable, Hashable {
        /// The data file (`<source file=…>`).
        public var file: String
        /// Its format (`<format type=…>`): `raw`.
        public var format: DiskFormat
        /// Creates a data store description.
        public init(file: String, format: DiskFormat = .raw) {
            self.file = file
            self.format = format
        }
    }

    /// One layer of a disk's backing chain (a `<backingStore>` element).
    public struct BackingStore: Sendable, Hashable {
        /// The backing image file (`<source file=…>`).
        public var file: String?
        /// Its format (`<format type=…>`).
        public var format: DiskFormat?
        /// libvirt's node index (`<backingStore index=…>`), for `vda[N]` names in block job calls; read only.
        public var index: Int?

        /// Creates a layer.
        public init(file: String?, format: DiskFormat? = .qcow2, index: Int? = nil) {
            self.file = file
            self.format = format
            self.index = index
        }

        /// Follows nested `<backingStore>` elements; an empty `<backingStore/>` ends the chain.
        static func chain(below element: XMLElement) throws(LibvirtError) -> [BackingStore] {
            var out: [BackingStore] = []
            var current = element
            while let b = current.firstChild(named: "backingStore"), b.firstChild(named: "source") != nil
                    || b["type"] != nil {
                let s = b.firstChild(named: "source")
                out.append(BackingStore(file: s?["file"] ?? s?["dev"],
                                        format: b.firstChild(named: "format")?["type"].map(DiskFormat.init(rawValue:)),
                                        index: try b.intAttribute("index")))
                current = b
            }
            return out
        }
    }

    /// The `<mirror>` of a disk with an active block copy or active block commit job (formatdomain,
    /// "Hard drives…", `mirror`).
    public struct Mirror: Sendable, Hashable {
        /// The destination file (`<mirror file=…>` or its `<source file=…>`).
        public var file: String?
        /// The destination format (`<mirror format=…>` or its `<format type=…>`).
        public var format: DiskFormat?
        /// The job (`<mirror job=…>`): `copy` or `active-commit`.
        public var job: String?
        /// The `ready` attribute: `yes` once the job reached its second (mirroring) phase, `abort` or
        /// `pivot` while it is being ended; nil before it is ready.
        public var ready: String?

        /// Creates a value.
        public init(file: String?, format: DiskFormat?, job: String?, ready: String?) {
            self.file = file
            self.format = format
            self.job = job
            self.ready = ready
        }

        /// Whether the job is in its mirroring phase (`ready='yes'`): a pivot or a clean abort can be done.
        public var isReady: Bool { ready == "yes" }

        init(element m: XMLElement) throws(LibvirtError) {
            let s = m.firstChild(named: "source")
            self.init(file: m["file"] ?? s?["file"] ?? s?["dev"],
                      format: (m["format"] ?? m.firstChild(named: "format")?["type"]).map(DiskFormat.init(rawValue:)),
                      job: m["job"], ready: m["ready"])
        }
    }
}
