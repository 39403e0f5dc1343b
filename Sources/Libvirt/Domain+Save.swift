internal import CLibvirt

// Saving a running domain's memory to a file (save/restore, and the libvirt-managed variant).

extension Domain {
    /// Flags for `save`, `managedSave` and `Connection.restore` (`virDomainSaveRestoreFlags`).
    public struct SaveFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SAVE_BYPASS_CACHE`: avoid filling the host's file system cache.
        public static let bypassCache = SaveFlags(rawValue: VIR_DOMAIN_SAVE_BYPASS_CACHE.rawValue)
        /// `VIR_DOMAIN_SAVE_RUNNING`: restore as running, whatever the state was when saved.
        public static let running = SaveFlags(rawValue: VIR_DOMAIN_SAVE_RUNNING.rawValue)
        /// `VIR_DOMAIN_SAVE_PAUSED`: restore as paused, whatever the state was when saved.
        public static let paused = SaveFlags(rawValue: VIR_DOMAIN_SAVE_PAUSED.rawValue)
        /// `VIR_DOMAIN_SAVE_RESET_NVRAM`: re-create the UEFI variable store from its template on restore.
        public static let resetNVRAM = SaveFlags(rawValue: VIR_DOMAIN_SAVE_RESET_NVRAM.rawValue)
    }

    /// Flags for reading the domain XML stored in a save image (`virDomainSaveImageXMLFlags`).
    public struct SaveImageXMLFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SAVE_IMAGE_XML_SECURE`: include security-sensitive data such as passwords.
        public static let secure = SaveImageXMLFlags(rawValue: VIR_DOMAIN_SAVE_IMAGE_XML_SECURE.rawValue)
    }

    /// Saves the domain's memory and device state to a file and stops it (the corresponding C function is
    /// `virDomainSaveFlags`).
    ///
    /// Afterwards the domain is `shut off (SAVED)` (a transient domain is gone). Only memory is saved: the
    /// disks must stay unchanged until `Connection.restore(from:xml:flags:)`.
    ///
    /// - Parameters:
    ///   - path: the file to write (on the host running the hypervisor).
    ///   - xml: an optional domain XML replacing host-specific parts of the definition stored in the image.
    ///   - flags: `.running`/`.paused` choose the state the domain is restored in.
    public func save(to path: String, xml: String? = nil, flags: SaveFlags = []) throws(LibvirtError) {
        try check(virDomainSaveFlags(try handle(), path, xml, flags.rawValue))
    }

    /// Saves the domain into a file libvirt manages and stops it (the corresponding C function is
    /// `virDomainManagedSave`). Only for persistent domains.
    ///
    /// The next `start()` restores from the image and deletes it; `start(.forceBoot)` discards it instead.
    public func managedSave(flags: SaveFlags = []) throws(LibvirtError) {
        try check(virDomainManagedSave(try handle(), flags.rawValue))
    }

    /// Whether a managed save image exists (the corresponding C function is `virDomainHasManagedSaveImage`).
    public func hasManagedSaveImage() throws(LibvirtError) -> Bool {
        try check(virDomainHasManagedSaveImage(try handle(), 0)) == 1
    }

    /// Deletes the managed save image, so the next start boots afresh (the corresponding C function is
    /// `virDomainManagedSaveRemove`).
    public func removeManagedSaveImage() throws(LibvirtError) {
        try check(virDomainManagedSaveRemove(try handle(), 0))
    }

    /// The domain XML stored in the managed save image (the corresponding C function is
    /// `virDomainManagedSaveGetXMLDesc`).
    public func managedSaveXML(flags: SaveImageXMLFlags = []) throws(LibvirtError) -> String {
        try checkString(virDomainManagedSaveGetXMLDesc(try handle(), flags.rawValue))
    }
}

extension Connection {
    /// Starts a domain from a file written by `Domain.save(to:xml:flags:)` (the corresponding C function is
    /// `virDomainRestoreFlags`).
    ///
    /// The domain comes back in the state it was saved in (`running (RESTORED)`), unless `.running` or
    /// `.paused` say otherwise.
    ///
    /// - Parameters:
    ///   - path: the save image.
    ///   - xml: an optional domain XML replacing host-specific parts of the stored definition.
    ///   - flags: `.running`, `.paused`, `.bypassCache`, `.resetNVRAM`.
    public func restore(from path: String, xml: String? = nil, flags: Domain.SaveFlags = []) throws(LibvirtError) {
        try check(virDomainRestoreFlags(try handle(), path, xml, flags.rawValue))
    }

    /// The domain XML stored in a save image (the corresponding C function is `virDomainSaveImageGetXMLDesc`).
    public func saveImageXML(path: String, flags: Domain.SaveImageXMLFlags = []) throws(LibvirtError) -> String {
        try checkString(virDomainSaveImageGetXMLDesc(try handle(), path, flags.rawValue))
    }
}
