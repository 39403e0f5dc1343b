import Libvirt
import LiveHost

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

    /// How lab guests and the agent guest run on this host, and why: the one decision every guest Rewind
    /// starts follows.
    ///
    /// KVM when the host's capabilities offer `kvm` domains for x86_64, except where the host's KVM is
    /// `kvm_pvm` (a software, "pagetable-based" KVM without hardware virtualization; seen through the host
    /// access): there every guest's first touch of a page is a costly trap — a lab guest burns a whole
    /// core in system time for its first seconds, and a Linux guest crawls — while TCG starts both at a
    /// fraction of the cost. TCG when only `qemu` domains are offered; `.none` on the test driver.
    public var accelerator: (accelerator: Accelerator, reason: String) {
        get throws(LibvirtError) {
            try cachedAccelerator { () throws(LibvirtError) in
                guard try connection.hypervisorType == "QEMU" else { return (.none, "the \(uri) driver runs no guests") }
                return Self.chooseAccelerator(capabilitiesXML: try connection.capabilitiesXML(), kvmIsPVM: hostKVMIsPVM)
            }
        }
    }

    /// The decision of `accelerator`, from a capabilities document and whether the host's KVM is `kvm_pvm`.
    public static func chooseAccelerator(capabilitiesXML: String, kvmIsPVM: Bool) -> (accelerator: Accelerator, reason: String) {
        guard let capabilities = try? Capabilities(xml: capabilitiesXML) else { return (.none, "unreadable capabilities") }
        if capabilities.supports(.kvm, arch: "x86_64") {
            return kvmIsPVM
                ? (.tcg, "KVM here is kvm_pvm (no hardware virtualization): guests run far faster under TCG")
                : (.kvm, "libvirt offers kvm domains")
        }
        return capabilities.supports(.qemu, arch: "x86_64") ? (.tcg, "no KVM: TCG") : (.none, "neither kvm nor qemu domains")
    }

    /// Whether the host's KVM module is `kvm_pvm` (and neither `kvm_intel` nor `kvm_amd` is loaded), looked
    /// at through the host access; false when the host's files cannot be reached.
    var hostKVMIsPVM: Bool {
        func loaded(_ module: String) -> Bool { (try? fileExists("/sys/module/\(module)")) ?? false }
        return loaded("kvm_pvm") && !loaded("kvm_intel") && !loaded("kvm_amd")
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
