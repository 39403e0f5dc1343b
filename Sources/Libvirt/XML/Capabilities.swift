import Foundation
import RewindXML

/// The host capabilities, parsed from `virConnectGetCapabilities` (`Connection.capabilitiesXML()`;
/// libvirt's formatcaps page, https://libvirt.org/formatcaps.html).
///
/// Rewind uses it to choose a domain type: `.kvm` when the host lists it for the guest architecture,
/// `.qemu` (TCG) otherwise.
///
/// ```swift
/// let caps = try Capabilities(xml: conn.capabilitiesXML())
/// let type: VirtType = caps.supports(.kvm, arch: "x86_64") ? .kvm : .qemu
/// ```
///
/// Only the parts Rewind needs are read; the document is not written back.
public struct Capabilities: Sendable, Hashable {
    /// The host CPU architecture (`<host><cpu><arch>`), e.g. `x86_64`.
    public var hostArch: String?
    /// The guest kinds the driver can run (`<guest>` elements).
    public var guests: [Guest]

    /// Creates a value (mostly for tests; see `init(xml:)`).
    public init(hostArch: String?, guests: [Guest]) {
        self.hostArch = hostArch
        self.guests = guests
    }

    /// One `<guest>`: an OS type on an architecture, with its emulator, machines and domain types.
    public struct Guest: Sendable, Hashable {
        /// The OS type (`<os_type>`): `hvm` for full virtualization.
        public var osType: String
        /// The architecture (`<arch name=…>`).
        public var arch: String
        /// The word size in bits (`<wordsize>`).
        public var wordSize: Int?
        /// The default emulator binary (`<emulator>`).
        public var emulator: String?
        /// The machine types (`<machine>`), e.g. `pc-q35-7.2` and its alias `q35`.
        public var machines: [Machine]
        /// The domain types that can run this guest (`<domain type=…>`), e.g. `qemu` and `kvm`.
        public var domainTypes: [VirtType]

        /// Creates a value.
        public init(osType: String, arch: String, wordSize: Int? = nil, emulator: String? = nil,
                    machines: [Machine] = [], domainTypes: [VirtType] = []) {
            self.osType = osType
            self.arch = arch
            self.wordSize = wordSize
            self.emulator = emulator
            self.machines = machines
            self.domainTypes = domainTypes
        }
    }

    /// A machine type (`<machine>`).
    public struct Machine: Sendable, Hashable {
        /// The name, e.g. `q35` or `pc-q35-7.2`.
        public var name: String
        /// For an alias, the versioned machine it stands for (`canonical=…`), e.g. `pc-q35-7.2` for `q35`.
        public var canonical: String?
        /// The most vCPUs it supports (`maxCpus=…`).
        public var maxCPUs: Int?
        /// Whether QEMU marks it deprecated (`deprecated='yes'`).
        public var deprecated: Bool

        /// Creates a value.
        public init(name: String, canonical: String? = nil, maxCPUs: Int? = nil, deprecated: Bool = false) {
            self.name = name
            self.canonical = canonical
            self.maxCPUs = maxCPUs
            self.deprecated = deprecated
        }
    }

    /// Whether some `hvm` guest lists the domain type `type` (for architecture `arch`, when given).
    public func supports(_ type: VirtType, arch: String? = nil) -> Bool {
        guests.contains { g in
            g.osType == "hvm" && (arch == nil || g.arch == arch) && g.domainTypes.contains(type)
        }
    }

    /// Whether KVM is listed for any `hvm` guest (`<domain type='kvm'/>`): the host can run hardware-
    /// accelerated guests through this driver.
    public var hasKVM: Bool { supports(.kvm) }

    /// Reads a `<capabilities>` document.
    ///
    /// - Throws: `LibvirtError` with code `VIR_ERR_XML_ERROR` if the text is not well-formed XML or not a
    ///   `<capabilities>` document.
    public init(xml: String) throws(LibvirtError) {
        let root = try parseDocument(xml, root: "capabilities", format: "formatcaps").root
        var guests: [Guest] = []
        for g in root.children(named: "guest") {
            let osType = g.childText("os_type") ?? ""
            guard let arch = g.firstChild(named: "arch") else { continue }
            var guest = Guest(osType: osType, arch: arch["name"] ?? "")
            guest.wordSize = try arch.childText("wordsize").map { (t) throws(LibvirtError) in try parseInt(t, what: "<wordsize>") }
            guest.emulator = arch.childText("emulator")
            guest.machines = try arch.children(named: "machine").map { (m) throws(LibvirtError) in
                Machine(name: m.text.trimmingCharacters(in: .whitespacesAndNewlines), canonical: m["canonical"],
                        maxCPUs: try m.intAttribute("maxCpus"), deprecated: m.boolAttribute("deprecated") ?? false)
            }
            guest.domainTypes = arch.children(named: "domain").compactMap { $0["type"].map(VirtType.init(rawValue:)) }
            guests.append(guest)
        }
        self.init(hostArch: root.firstChild(named: "host")?.firstChild(named: "cpu")?.childText("arch"), guests: guests)
    }
}
