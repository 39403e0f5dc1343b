internal import CLibvirt

extension Domain {
    /// Takes a snapshot described by a `<domainsnapshot>` XML document, or with `.redefine` puts back a snapshot's
    /// metadata (the corresponding C function is `virDomainSnapshotCreateXML`).
    ///
    /// The minimal document `<domainsnapshot/>` lets libvirt choose the name (the current time) and, on a running
    /// domain, take a full system snapshot (disks and memory). With `.diskOnly`, a running QEMU domain needs
    /// external disk snapshots, e.g. `<disk name='vda' snapshot='external'><source file='…'/></disk>`.
    /// Unless `.redefine` or `.noMetadata` is given, the new snapshot becomes the current one and a child of the
    /// previous current snapshot.
    public func createSnapshot(xml: String = "<domainsnapshot/>",
                               flags: Snapshot.CreateFlags = []) throws(LibvirtError) -> Snapshot {
        Snapshot(handle: try check(virDomainSnapshotCreateXML(try handle(), xml, flags.rawValue)), domain: self)
    }

    /// The domain's snapshots matching `flags` (empty = all), in no particular order unless `.topological`
    /// (the corresponding C function is `virDomainListAllSnapshots`).
    public func listSnapshots(_ flags: Snapshot.ListFlags = []) throws(LibvirtError) -> [Snapshot] {
        var list: UnsafeMutablePointer<virDomainSnapshotPtr?>?
        let n = try check(virDomainListAllSnapshots(try handle(), &list, flags.rawValue))
        return Snapshot.take(list, count: n, domain: self)
    }

    /// How many of the domain's snapshots match `flags` (the corresponding C function is `virDomainSnapshotNum`).
    public func numberOfSnapshots(_ flags: Snapshot.ListFlags = []) throws(LibvirtError) -> Int {
        Int(try check(virDomainSnapshotNum(try handle(), flags.rawValue)))
    }

    /// Looks a snapshot of this domain up by name; an unknown name throws `VIR_ERR_NO_DOMAIN_SNAPSHOT`
    /// (the corresponding C function is `virDomainSnapshotLookupByName`).
    public func lookupSnapshot(name: String) throws(LibvirtError) -> Snapshot {
        Snapshot(handle: try check(virDomainSnapshotLookupByName(try handle(), name, 0)), domain: self)
    }

    /// The current snapshot, or nil when the domain has none
    /// (the corresponding C function is `virDomainSnapshotCurrent`; nil stands for `VIR_ERR_NO_DOMAIN_SNAPSHOT`).
    public func currentSnapshot() throws(LibvirtError) -> Snapshot? {
        do throws(LibvirtError) {
            return Snapshot(handle: try check(virDomainSnapshotCurrent(try handle(), 0)), domain: self)
        } catch where error.code == .noDomainSnapshot {
            return nil
        }
    }

    /// Whether the domain has a current snapshot (the corresponding C function is `virDomainHasCurrentSnapshot`).
    public func hasCurrentSnapshot() throws(LibvirtError) -> Bool {
        try check(virDomainHasCurrentSnapshot(try handle(), 0)) == 1
    }
}
