import Libvirt

// What the lab's connection can do: the driver, and the virtualization type guests get.

extension Lab {
    /// Whether the connection goes to libvirt's QEMU driver (`qemu:///system`), as opposed to the test
    /// driver (`test:///default`), which keeps state in memory and runs no guest.
    ///
    /// ```swift
    /// if lab.isQEMU { try lab.write(dom, pattern: 0x11, offset: 0, length: 65536) }
    /// ```
    public var isQEMU: Bool { (try? connection.hypervisorType) == "QEMU" }

    /// The domain type lab guests get (`<domain type=…>`): `.kvm` when the host capabilities list KVM for
    /// x86_64, `.qemu` (TCG, software emulation) on a QEMU host without it, `.test` on the test driver.
    ///
    /// ```swift
    /// lab.note("guests run as \(try lab.virtType)")     // guests run as kvm
    /// ```
    public var virtType: VirtType {
        get throws(LibvirtError) {
            guard try connection.hypervisorType == "QEMU" else { return .test }
            let capabilities = try Capabilities(xml: try connection.capabilitiesXML())
            return capabilities.supports(.kvm, arch: "x86_64") ? .kvm : .qemu
        }
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
