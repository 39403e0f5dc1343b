internal import CLibvirt

// Devices added to or removed from a domain: its running guest, its saved definition, or both.

extension Domain {
    /// Adds the device `xml` describes (a `<disk>`, say) to the running guest and/or its saved definition
    /// (the corresponding C function is `virDomainAttachDeviceFlags`). The impact flags are the device
    /// modify flags, whose values are those of the modification impact.
    ///
    /// ```swift
    /// let disk = DomainDefinition.Disk(target: "vdb", source: "/var/lib/libvirt/images/data.qcow2")
    /// try dom.attachDevice(xml: disk.xml(), impact: .config)      // from the next start
    /// ```
    public func attachDevice(xml: String, impact: ModificationImpact = .current) throws(LibvirtError) {
        try check(virDomainAttachDeviceFlags(try handle(), xml, impact.rawValue))
    }

    /// Removes the device `xml` names (for a disk, its `<target dev=…>`) from the running guest and/or its
    /// saved definition (the corresponding C function is `virDomainDetachDeviceFlags`).
    public func detachDevice(xml: String, impact: ModificationImpact = .current) throws(LibvirtError) {
        try check(virDomainDetachDeviceFlags(try handle(), xml, impact.rawValue))
    }
}
