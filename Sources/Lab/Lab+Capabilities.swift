import Libvirt
import HostRecords

// What the lab's connection can do: the driver, and the virtualization type guests get.

extension Lab {
    /// Whether the connection goes to libvirt's QEMU driver (`qemu:///system`), as opposed to the test
    /// driver (`test:///default`), which keeps state in memory and runs no guest.
    ///
    /// ```swift
    /// if lab.isQEMU { try lab.write(dom, pattern: 0x11, offset: 0, length: 65536) }
    /// ```
    public var isQEMU: Bool { (try? connection.hypervisorType) == "QEMU" }

    /// The domain type lab guests get (`<domain type=…>`): `.kvm` or `.qemu` (TCG, software emulation) as
    /// `accelerator` decides, `.test` on the test driver.
    ///
    /// ```swift
    /// lab.note("guests run as \(try lab.virtType)")     // guests run as kvm
    /// ```
    public var virtType: VirtType {
        get throws(LibvirtError) {
            guard try connection.hypervisorType == "QEMU" else { return .test }
            return try accelerator.accelerator == .kvm ? .kvm : .qemu
        }
    }

    /// How lab guests and the agent guest run on this host, and why: ``Accelerator/choose(offersKVM:offersQEMU:kvm:)``,
    /// the one decision every guest Rewind starts follows, from the host's capabilities and its KVM module
    /// (seen through the host access); `.none` on the test driver.
    public var accelerator: (accelerator: Accelerator, reason: String) {
        get throws(LibvirtError) {
            try cachedAccelerator { () throws(LibvirtError) in
                guard try connection.hypervisorType == "QEMU" else { return (.none, "the \(uri) driver runs no guests") }
                return Self.chooseAccelerator(capabilitiesXML: try connection.capabilitiesXML(), kvm: host.kvmModule)
            }
        }
    }

    /// The decision of `accelerator` from a capabilities document (read with libxml2) and the host's KVM module.
    public static func chooseAccelerator(capabilitiesXML: String, kvm: Accelerator.KVMModule) -> (accelerator: Accelerator, reason: String) {
        guard let capabilities = try? Capabilities(xml: capabilitiesXML) else { return (.none, "unreadable capabilities") }
        return Accelerator.choose(offersKVM: capabilities.supports(.kvm, arch: "x86_64"),
                                  offersQEMU: capabilities.supports(.qemu, arch: "x86_64"), kvm: kvm)
    }

    /// Stops the snippet as *unsupported* unless the connection goes to the QEMU driver.
    ///
    /// The test driver has no disks to write, no NBD exports and no block jobs; snippets that need them
    /// start with this (and their fence declares `needs=qemu`):
    ///
    /// ```swift
    /// try lab.requireQEMU()
    /// let dom = try lab.makeDomain()
    /// ```
    ///
    /// - Throws: `Unsupported` with capability `qemu` and a reason such as
    ///   `needs qemu; connection driver is TEST`.
    public func requireQEMU() throws(Unsupported) {
        let driver: String
        do {
            driver = try connection.hypervisorType
        } catch {
            throw Unsupported(capability: "qemu", reason: "needs qemu; cannot ask the connection its driver: \(error.message)")
        }
        if driver != "QEMU" {
            throw Unsupported(capability: "qemu", reason: "needs qemu; connection driver is \(driver)")
        }
    }
}
