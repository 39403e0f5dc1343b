import Foundation
import RewindXML

/// A lab-sized libvirt domain definition: the subset of the domain XML format (libvirt's
/// formatdomain page, https://libvirt.org/formatdomain.html) that Rewind's lab guests use.
///
/// Building: `xml()` writes a q35 guest with the given memory, vCPUs and disks, no network interface,
/// no graphics, `<memballoon model='none'/>`, optionally a serial console, the QEMU guest agent
/// channel, direct kernel boot, and application metadata (Rewind tags its domains with
/// `MetadataItem.rewindLab(run:)`).
///
/// Parsing: `init(xml:)` reads what `virDomainGetXMLDesc` returns (`Domain.xmlDescription()`), live or
/// inactive, keeping the fields above plus what libvirt adds at run time: the domain `id`, each disk's
/// live `<source>`, its `<backingStore>` chain, a block job's `<mirror>`, the device `alias`.
/// Everything else in the document is ignored.
///
/// ```swift
/// var def = DomainDefinition(name: "rewind-lab-1", type: .kvm, memoryMiB: 64)
/// def.disks = [.init(target: "vda", source: "/var/lib/libvirt/images/rewind/lab-1.qcow2")]
/// def.metadata = [.rewindLab(run: runID)]
/// let dom = try conn.defineDomain(xml: def.xml())
/// let live = try DomainDefinition(xml: dom.xmlDescription())
/// print(live.disks[0].source, live.disks[0].backingChain.map(\.file))
/// ```
///
/// Strings (names, paths, metadata values) are written and read through libxml2 and may contain any
/// characters, including quotes, `&`, `<` and non-ASCII text.
public struct DomainDefinition: Sendable, Hashable {
    /// The domain name (`<name>`).
    public var name: String
    /// The UUID (`<uuid>`); nil lets libvirt generate one.
    public var uuid: String?
    /// The domain type (`<domain type=…>`): `.kvm`, `.qemu` (TCG) or `.test`.
    public var type: VirtType
    /// The domain id of a running domain (`<domain id=…>`); read only, never written.
    public var id: Int?
    /// Maximum memory in MiB (`<memory unit='MiB'>`). When parsing, libvirt's value is converted from
    /// its unit and rounded down to whole MiB.
    public var memoryMiB: Int
    /// The number of virtual CPUs (`<vcpu>`).
    public var vcpus: Int
    /// The guest architecture (`<os><type arch=…>`), e.g. `x86_64`; nil for the driver's default.
    public var arch: String?
    /// The machine type (`<os><type machine=…>`); `q35` when building. libvirt expands it, e.g. `pc-q35-7.2`.
    public var machine: String?
    /// Whether ACPI is enabled (`<features><acpi/>`); needed for a clean guest shutdown.
    public var acpi: Bool
    /// The emulator binary (`<devices><emulator>`); nil for the driver's default.
    public var emulator: String?
    /// Disks, in device order (`<devices><disk device='disk'|'cdrom'>`).
    public var disks: [Disk]
    /// The serial console (`<serial>` plus `<console>`), or nil for none.
    public var console: Console?
    /// Whether the QEMU guest agent channel is present:
    /// `<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>`.
    public var guestAgent: Bool
    /// The guest agent channel's `state` as libvirt reports it for a running domain (`connected` or
    /// `disconnected`); read only, never written.
    public var guestAgentState: String?
    /// A firmware image on the host that replaces the default BIOS: `<os><loader readonly='yes'
    /// type='rom'>PATH</loader>`.
    public var firmwareROM: String?
    /// Whether the guest boots with UEFI firmware in pflash and keeps its variables in an NVRAM file
    /// (`<os firmware='efi'>`, a `<loader type='pflash'>` or an `<nvram>`); read only, never written. Internal
    /// snapshots of such guests need libvirt 10.9 and an NVRAM file in qcow2 format.
    public private(set) var usesUEFI = false
    /// UEFI firmware in pflash with its NVRAM file (`<os><loader type='pflash'>` and `<nvram>`), written when
    /// set; when parsing, what the definition says (a definition using `firmware='efi'` alone has it once
    /// libvirt filled in the paths, as in a defined or running domain's XML).
    public var uefi: UEFI?

    /// UEFI firmware: the read-only code image and the per-guest variables file (formatdomain, "BIOS
    /// bootloader": `<loader>` and `<nvram>`).
    ///
    /// ```swift
    /// definition.uefi = .init(code: "/usr/share/OVMF/OVMF_CODE_4M.fd",
    ///                         nvram: "/var/lib/libvirt/images/vm_VARS.qcow2", nvramFormat: .qcow2,
    ///                         template: "/var/lib/libvirt/images/VARS_template.qcow2", templateFormat: .qcow2)
    /// ```
    public struct UEFI: Sendable, Hashable {
        /// The firmware code (`<loader readonly='yes' type='pflash'>PATH</loader>`).
        public var code: String?
        /// The guest's variables file (`<nvram>PATH</nvram>`).
        public var nvram: String?
        /// The variables file's format (`<nvram format=…>`, libvirt 10.x): internal snapshots of a UEFI
        /// guest need `qcow2`. Nil when the definition does not say (raw then; libvirt 9.0 never says).
        public var nvramFormat: DiskFormat?
        /// The file a missing variables file is made from (`<nvram template=…>`).
        public var template: String?
        /// The template's format (`templateFormat=`): libvirt makes a qcow2 NVRAM only from a qcow2 template.
        public var templateFormat: DiskFormat?
        /// Creates a UEFI firmware description.
        public init(code: String? = nil, nvram: String? = nil, nvramFormat: DiskFormat? = nil,
                    template: String? = nil, templateFormat: DiskFormat? = nil) {
            self.code = code
            self.nvram = nvram
            self.nvramFormat = nvramFormat
            self.template = template
            self.templateFormat = templateFormat
        }
    }
    /// Direct kernel boot: the kernel image on the host (`<os><kernel>`).
    public var kernel: String?
    /// Direct kernel boot: the initial ramdisk on the host (`<os><initrd>`).
    public var initrd: String?
    /// Direct kernel boot: the kernel command line (`<os><cmdline>`).
    public var cmdline: String?
    /// Application metadata elements (`<metadata>`), each in its own namespace.
    public var metadata: [MetadataItem]
    /// What libvirt does when the guest powers off, reboots or crashes (`<on_poweroff>`, `<on_reboot>`,
    /// `<on_crash>`); nil leaves libvirt's default (destroy, restart, destroy).
    public var onPoweroff: LifecycleAction?
    /// See ``onPoweroff``.
    public var onReboot: LifecycleAction?
    /// See ``onPoweroff``.
    public var onCrash: LifecycleAction?

    /// A lifecycle action (formatdomain, "Events configuration"), e.g. `destroy`, `restart`, `preserve`.
    public struct LifecycleAction: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        /// The XML spelling.
        public var rawValue: String
        /// Creates an action from its XML spelling.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates an action from a literal such as `"destroy"`.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The domain is stopped and its resources released.
        public static let destroy = LifecycleAction(rawValue: "destroy")
        /// The domain is stopped and started again with the same configuration.
        public static let restart = LifecycleAction(rawValue: "restart")
    }

    /// The QEMU guest agent's virtio-serial channel name.
    public static let guestAgentChannelName = "org.qemu.guest_agent.0"

    /// Creates a definition. The defaults describe Rewind's smallest lab guest: 64 MiB, one vCPU,
    /// x86_64 q35 with ACPI, no disks, no console, no guest agent.
    public init(name: String, uuid: String? = nil, type: VirtType = .kvm, memoryMiB: Int = 64, vcpus: Int = 1,
                arch: String? = "x86_64", machine: String? = "q35", acpi: Bool = true, emulator: String? = nil,
                disks: [Disk] = [], console: Console? = nil, guestAgent: Bool = false,
                kernel: String? = nil, initrd: String? = nil, cmdline: String? = nil,
                metadata: [MetadataItem] = []) {
        self.name = name
        self.uuid = uuid
        self.type = type
        self.memoryMiB = memoryMiB
        self.vcpus = vcpus
        self.arch = arch
        self.machine = machine
        self.acpi = acpi
        self.emulator = emulator
        self.disks = disks
        self.console = console
        self.guestAgent = guestAgent
        self.kernel = kernel
        self.initrd = initrd
        self.cmdline = cmdline
        self.metadata = metadata
    }

    /// A serial console (formatdomain, "Consoles, serial, parallel & channel devices").
    public enum Console: Sendable, Hashable {
        /// A pseudo terminal; when parsing a running domain, `path` is its device, e.g. `/dev/pts/0`.
        case pty(path: String? = nil)
        /// Guest output appended to a file on the host (`<serial type='file'><source path=…/>`).
        case file(path: String)
        /// Another character device type found when parsing (e.g. `unix`, `null`); written with its type only.
        case other(type: String)
    }

    /// The `run` attribute of Rewind's lab tag in `metadata` (see `MetadataItem.rewindLab(run:)`), if present.
    public var rewindRunID: String? { metadata.first(where: \.isRewindLab)?.attributes["run"] }

    // MARK: Writing

    /// The domain XML, ready for `Connection.defineDomain(xml:)` or `createDomain(xml:)`.
    public func xml() -> String {
        let doc = XMLDocument(rootName: "domain")
        let root = doc.root
        root["type"] = type.rawValue
        root.addChild(name: "name", text: name)
        root.addOptionalChild("uuid", uuid)
        if !metadata.isEmpty {
            let m = root.addChild(name: "metadata")
            for item in metadata { item.write(into: m) }
        }
        root.addChild(name: "memory", text: String(memoryMiB))["unit"] = "MiB"
        root.addChild(name: "vcpu", text: String(vcpus))

        let os = root.addChild(name: "os")
        let osType = os.addChild(name: "type", text: "hvm")
        if let arch { osType["arch"] = arch }
        if let machine { osType["machine"] = machine }
        if let firmwareROM {
            let loader = os.addChild(name: "loader", text: firmwareROM)
            loader["readonly"] = "yes"
            loader["type"] = "rom"
        }
        if let uefi {
            if let code = uefi.code {
                let loader = os.addChild(name: "loader", text: code)
                loader["readonly"] = "yes"
                loader["type"] = "pflash"
            }
            let nvram = uefi.nvram.map { os.addChild(name: "nvram", text: $0) } ?? os.addChild(name: "nvram")
            if let template = uefi.template { nvram["template"] = template }
            if let format = uefi.templateFormat { nvram["templateFormat"] = format.rawValue }
            if let format = uefi.nvramFormat { nvram["format"] = format.rawValue }
        }
        os.addOptionalChild("kernel", kernel)
        os.addOptionalChild("initrd", initrd)
        os.addOptionalChild("cmdline", cmdline)
        if acpi { root.addChild(name: "features").addChild(name: "acpi") }
        root.addOptionalChild("on_poweroff", onPoweroff?.rawValue)
        root.addOptionalChild("on_reboot", onReboot?.rawValue)
        root.addOptionalChild("on_crash", onCrash?.rawValue)

        let devices = root.addChild(name: "devices")
        devices.addOptionalChild("emulator", emulator)
        for disk in disks { disk.write(into: devices) }
        if let console {
            for kind in ["serial", "console"] {
                let e = devices.addChild(name: kind)
                switch console {
                case .pty(let path):
                    e["type"] = "pty"
                    if let path { e.addChild(name: "source")["path"] = path }
                case .file(let path):
                    e["type"] = "file"
                    e.addChild(name: "source")["path"] = path
                case .other(let type):
                    e["type"] = type
                }
            }
        }
        if guestAgent {
            let channel = devices.addChild(name: "channel")
            channel["type"] = "unix"
            let target = channel.addChild(name: "target")
            target["type"] = "virtio"
            target["name"] = Self.guestAgentChannelName
        }
        devices.addChild(name: "memballoon")["model"] = "none"
        return doc.serialized()
    }

    // MARK: Parsing

    /// Reads a domain XML document, such as the output of `virDomainGetXMLDesc`.
    ///
    /// - Throws: `LibvirtError` with code `VIR_ERR_XML_ERROR` if the text is not well-formed XML, is not a
    ///   `<domain>`, lacks `<name>`, or has a malformed number.
    public init(xml: String) throws(LibvirtError) {
        let doc = try parseDocument(xml, root: "domain", format: "formatdomain")
        try self.init(element: doc.root)
    }

    /// Reads a `<domain>` element (also used for the copy embedded in snapshot and checkpoint XML).
    init(element root: XMLElement) throws(LibvirtError) {
        guard let name = root.childText("name") else { throw .invalidXML("<domain> has no <name>") }
        self.init(name: name, type: VirtType(rawValue: root["type"] ?? ""), arch: nil, machine: nil, acpi: false)
        id = try root.intAttribute("id")
        uuid = root.childText("uuid")
        if let memory = root.firstChild(named: "memory") {
            let value = try parseInt(memory.text, what: "<memory>")
            let unit = memory["unit"] ?? "KiB"
            guard let scale = bytesPerUnit(unit) else { throw .invalidXML("unknown memory unit '\(unit)'") }
            let (bytes, overflow) = UInt64(max(value, 0)).multipliedReportingOverflow(by: scale)
            if overflow { throw .invalidXML("<memory> \(value) \(unit) is too large") }
            memoryMiB = Int(bytes >> 20)
        } else {
            memoryMiB = 0
        }
        vcpus = try root.childText("vcpu").map { (t) throws(LibvirtError) in try parseInt(t, what: "<vcpu>") } ?? 1
        if let os = root.firstChild(named: "os") {
            let osType = os.firstChild(named: "type")
            arch = osType?["arch"]
            machine = osType?["machine"]
            if let loader = os.firstChild(named: "loader"), loader["type"] == "rom" { firmwareROM = loader.text }
            usesUEFI = os["firmware"] == "efi" || os.firstChild(named: "nvram") != nil
                || os.firstChild(named: "loader")?["type"] == "pflash"
            if usesUEFI {
                let loader = os.firstChild(named: "loader").flatMap { $0["type"] == "rom" ? nil : $0 }
                let nvram = os.firstChild(named: "nvram")
                uefi = UEFI(code: loader?.text, nvram: nvram.map(\.text).flatMap { $0.isEmpty ? nil : $0 },
                            nvramFormat: nvram?["format"].map(DiskFormat.init(rawValue:)),
                            template: nvram?["template"],
                            templateFormat: nvram?["templateFormat"].map(DiskFormat.init(rawValue:)))
            }
            kernel = os.childText("kernel")
            initrd = os.childText("initrd")
            cmdline = os.firstChild(named: "cmdline")?.text
        }
        acpi = root.firstChild(named: "features")?.firstChild(named: "acpi") != nil
        onPoweroff = root.childText("on_poweroff").map(LifecycleAction.init(rawValue:))
        onReboot = root.childText("on_reboot").map(LifecycleAction.init(rawValue:))
        onCrash = root.childText("on_crash").map(LifecycleAction.init(rawValue:))
        metadata = root.firstChild(named: "metadata")?.children.compactMap { MetadataItem(element: $0) } ?? []

        guard let devices = root.firstChild(named: "devices") else { return }
        emulator = devices.childText("emulator")
        disks = try devices.children(named: "disk").map { (e) throws(LibvirtError) in try Disk(element: e) }
        if let serial = devices.firstChild(named: "serial") ?? devices.firstChild(named: "console") {
            let path = serial.firstChild(named: "source")?["path"]
            switch serial["type"] ?? "pty" {
            case "pty": console = .pty(path: path)
            case "file": console = .file(path: path ?? "")
            case let other: console = .other(type: other)
            }
        }
        for channel in devices.children(named: "channel") {
            guard let target = channel.firstChild(named: "target"),
                  target["type"] == "virtio", target["name"] == Self.guestAgentChannelName else { continue }
            guestAgent = true
            guestAgentState = target["state"]
        }
    }
}
