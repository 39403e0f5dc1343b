internal import CLibvirt

// Application metadata of a domain: the elements inside `<metadata>` (formatdomain, "General metadata").

extension Domain {
    /// Which definition a call reads or changes (`virDomainModificationImpact`).
    public struct ModificationImpact: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_AFFECT_CURRENT`: the live definition of a running domain, else the persistent one.
        public static let current = ModificationImpact([])
        /// `VIR_DOMAIN_AFFECT_LIVE`: the live definition (the domain must be running).
        public static let live = ModificationImpact(rawValue: VIR_DOMAIN_AFFECT_LIVE.rawValue)
        /// `VIR_DOMAIN_AFFECT_CONFIG`: the persistent definition (the domain must be persistent).
        public static let config = ModificationImpact(rawValue: VIR_DOMAIN_AFFECT_CONFIG.rawValue)
    }

    /// The application metadata element in the namespace `namespaceURI`, or nil when the domain has none
    /// (the corresponding C function is `virDomainGetMetadata` with `VIR_DOMAIN_METADATA_ELEMENT`).
    ///
    /// libvirt returns the element *without* its namespace (`<lab run="…"/>` for
    /// `<rewind:lab xmlns:rewind="…" run="…"/>`); the item returned here carries `namespaceURI` again, on
    /// the element and on its children, with an empty prefix.
    ///
    /// ```swift
    /// if let tag = try dom.metadata(namespaceURI: MetadataItem.rewindNamespace) {
    ///     print(tag.attributes["run"] ?? "?")      // the lab run that created the domain
    /// }
    /// ```
    ///
    /// - Throws: `LibvirtError` for errors other than `VIR_ERR_NO_DOMAIN_METADATA` (which gives nil),
    ///   e.g. `VIR_ERR_OPERATION_INVALID` for `.live` on a domain that is not running, or
    ///   `VIR_ERR_XML_ERROR` if the returned text cannot be read.
    public func metadata(namespaceURI: String, _ impact: ModificationImpact = .current)
        throws(LibvirtError) -> MetadataItem? {
        let h = try handle()
        guard let p = virDomainGetMetadata(h, Int32(VIR_DOMAIN_METADATA_ELEMENT.rawValue), namespaceURI,
                                           impact.rawValue) else {
            let error = LibvirtError.last()
            if error.code == .noDomainMetadata { return nil }
            throw error
        }
        return try MetadataItem(xml: try checkString(p), defaultNamespace: namespaceURI)
    }
}
