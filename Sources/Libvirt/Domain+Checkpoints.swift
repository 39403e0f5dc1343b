internal import CLibvirt

extension Domain {
    /// Creates a checkpoint described by a `<domaincheckpoint>` XML document, or with `.redefine` puts back a
    /// checkpoint's metadata (the corresponding C function is `virDomainCheckpointCreateXML`).
    ///
    /// The minimal document `<domaincheckpoint/>` lets libvirt choose the name (the current time) and track
    /// every disk that supports it. The domain must be running. The new checkpoint is a child of the most
    /// recent one.
    public func createCheckpoint(xml: String = "<domaincheckpoint/>",
                                 flags: Checkpoint.CreateFlags = []) throws(LibvirtError) -> Checkpoint {
        Checkpoint(handle: try check(virDomainCheckpointCreateXML(try handle(), xml, flags.rawValue)), domain: self)
    }

    /// The domain's checkpoints matching `flags` (empty = all), in no particular order unless `.topological`
    /// (the corresponding C function is `virDomainListAllCheckpoints`).
    public func listCheckpoints(_ flags: Checkpoint.ListFlags = []) throws(LibvirtError) -> [Checkpoint] {
        var list: UnsafeMutablePointer<virDomainCheckpointPtr?>?
        let n = try check(virDomainListAllCheckpoints(try handle(), &list, flags.rawValue))
        return Checkpoint.take(list, count: n, domain: self)
    }

    /// Looks a checkpoint of this domain up by name; an unknown name throws `VIR_ERR_NO_DOMAIN_CHECKPOINT`
    /// (the corresponding C function is `virDomainCheckpointLookupByName`).
    public func lookupCheckpoint(name: String) throws(LibvirtError) -> Checkpoint {
        Checkpoint(handle: try check(virDomainCheckpointLookupByName(try handle(), name, 0)), domain: self)
    }
}
