import RewindXML

/// What one emulator, architecture, machine and domain type combination supports, parsed from
/// `virConnectGetDomainCapabilities` (`Connection.domainCapabilitiesXML(…)`; libvirt's formatdomaincaps
/// page, https://libvirt.org/formatdomaincaps.html).
///
/// ```swift
/// let dcaps = try DomainCapabilities(xml: conn.domainCapabilitiesXML(virtType: "kvm"))
/// if dcaps.features["backup"] == true { … }   // <features><backup supported='yes'/>
/// ```
///
/// Only the parts Rewind needs are read; the document is not written back.
public struct DomainCapabilities: Sendable, Hashable {
    /// The emulator binary (`<path>`).
    public var path: String?
    /// The domain type these capabilities are for (`<domain>`), e.g. `kvm`.
    public var virtType: VirtType
    /// The machine type (`<machine>`), e.g. `pc-q35-7.2`.
    public var machine: String?
    /// The architecture (`<arch>`).
    public var arch: String?
    /// The most vCPUs a domain may have (`<vcpu max=…>`).
    public var maxVCPUs: Int?
    /// Each `<features>` child by name and whether it is `supported='yes'`, e.g. `backup`,
    /// `backingStoreInput`, `vmcoreinfo`, `sev`.
    public var features: [String: Bool]
    /// Each `<devices>` child by name (`disk`, `graphics`, `channel`, …) and whether it is supported.
    public var devices: [String: Bool]
    /// The disk buses the emulator offers (`<devices><disk><enum name='bus'>`), e.g. `virtio`, `sata`.
    public var diskBuses: [String]

    /// Creates a value (mostly for tests; see `init(xml:)`).
    public init(path: String? = nil, virtType: VirtType, machine: String? = nil, arch: String? = nil,
                maxVCPUs: Int? = nil, features: [String: Bool] = [:], devices: [String: Bool] = [:],
                diskBuses: [String] = []) {
        self.path = path
        self.virtType = virtType
        self.machine = machine
        self.arch = arch
        self.maxVCPUs = maxVCPUs
        self.features = features
        self.devices = devices
        self.diskBuses = diskBuses
    }

    /// Whether `virDomainBackupBegin` is available (`<features><backup supported='yes'/>`).
    public var supportsBackup: Bool { features["backup"] == true }

    /// Reads a `<domainCapabilities>` document.
    ///
    /// - Throws: `LibvirtError` with code `VIR_ERR_XML_ERROR` if the text is not well-formed XML or not a
    ///   `<domainCapabilities>` document, or a number is malformed.
    public init(xml: String) throws(LibvirtError) {
        let root = try parseDocument(xml, root: "domainCapabilities", format: "formatdomaincaps").root
        self.init(path: root.childText("path"), virtType: VirtType(rawValue: root.childText("domain") ?? ""),
                  machine: root.childText("machine"), arch: root.childText("arch"))
        maxVCPUs = try root.firstChild(named: "vcpu")?.intAttribute("max")
        for f in root.firstChild(named: "features")?.children ?? [] {
            features[f.name] = f.boolAttribute("supported") ?? false
        }
        for d in root.firstChild(named: "devices")?.children ?? [] {
            devices[d.name] = d.boolAttribute("supported") ?? false
        }
        let disk = root.firstChild(named: "devices")?.firstChild(named: "disk")
        diskBuses = (disk?.children(named: "enum").first { $0["name"] == "bus" })
            .map { $0.children(named: "value").map { $0.text } } ?? []
    }
}
