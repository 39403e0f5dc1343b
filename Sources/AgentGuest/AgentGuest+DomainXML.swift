import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension AgentGuest {
    /// The libvirt domain XML that boots `image` directly (no firmware disk, no boot loader):
    /// a q35 machine with one vCPU, `memoryMiB` of RAM, the data disk as `vda` (virtio, qcow2), the guest agent's
    /// virtio-serial channel `org.qemu.guest_agent.0`, and the serial console written to `consoleLog`. There is
    /// no network, no graphics and no balloon; a reboot or a crash (the kernel reboots on panic) stops the domain.
    ///
    /// - Parameters:
    ///   - name: the domain name.
    ///   - image: the built guest (kernel, initramfs, command line).
    ///   - disk: the domain's own copy of `image.dataDisk`.
    ///   - consoleLog: where QEMU writes the serial console.
    ///   - type: `kvm` or `qemu` (TCG).
    ///   - memoryMiB: the guest's RAM.
    ///   - kernelArguments: appended to `image.kernelCommandLine` (e.g. `rewind.interval_ms=2`).
    public static func domainXML(name: String, image: GuideImage, disk: URL, consoleLog: URL, type: String,
                                 memoryMiB: Int = 128, kernelArguments: [String] = []) -> String {
        func element(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil,
                     children: [XMLElement] = []) -> XMLElement {
            let e = XMLElement(name: name, stringValue: text)
            for (k, v) in attributes { e.addAttribute(XMLNode.attribute(withName: k, stringValue: v) as! XMLNode) }
            for c in children { e.addChild(c) }
            return e
        }
        let cmdline = ([image.kernelCommandLine] + kernelArguments).joined(separator: " ")
        let domain = element("domain", [("type", type)], children: [
            element("name", text: name),
            element("memory", [("unit", "MiB")], text: String(memoryMiB)),
            element("vcpu", text: "1"),
            element("os", children: [
                element("type", [("arch", "x86_64"), ("machine", "q35")], text: "hvm"),
                element("kernel", text: image.kernel.path),
                element("initrd", text: image.initramfs.path),
                element("cmdline", text: cmdline),
            ]),
            element("features", children: [element("acpi")]),
            element("clock", [("offset", "utc")]),
            element("on_poweroff", text: "destroy"),
            element("on_reboot", text: "destroy"),
            element("on_crash", text: "destroy"),
            element("devices", children: [
                element("disk", [("type", "file"), ("device", "disk")], children: [
                    element("driver", [("name", "qemu"), ("type", "qcow2")]),
                    element("source", [("file", disk.path)]),
                    element("target", [("dev", "vda"), ("bus", "virtio")]),
                ]),
                element("serial", [("type", "file")], children: [
                    element("source", [("path", consoleLog.path)]),
                    element("target", [("port", "0")]),
                ]),
                element("channel", [("type", "unix")], children: [
                    element("target", [("type", "virtio"), ("name", "org.qemu.guest_agent.0")]),
                ]),
                element("memballoon", [("model", "none")]),
            ]),
        ])
        return domain.xmlString(options: XMLNode.Options.nodePrettyPrint)
    }
}
