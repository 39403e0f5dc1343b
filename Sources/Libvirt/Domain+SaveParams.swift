internal import CLibvirt

// Saving and restoring with typed parameters: `virDomainSaveParams` and `virDomainRestoreParams` (libvirt
// 8.4), whose parameters grew after 9.0: the image format per call and parallel channels (libvirt 11.2).

extension Domain {
    /// The typed parameters of `virDomainSaveParams` / `virDomainRestoreParams`.
    ///
    /// ```swift
    /// // libvirt 11.2 and later: a compressed image, whatever qemu.conf's save_image_format says.
    /// try dom.save(parameters: .init(file: path, imageFormat: "gzip"))
    /// try connection.restore(parameters: .init(file: path))
    /// ```
    ///
    /// A daemon older than a parameter refuses it with `VIR_ERR_INVALID_ARG` (an unknown parameter), so the
    /// same call is a capability probe.
    public struct SaveParameters: Sendable, Hashable {
        /// `VIR_DOMAIN_SAVE_PARAM_FILE` (`file`): the image path on the host.
        public var file: String?
        /// `VIR_DOMAIN_SAVE_PARAM_DXML` (`dxml`): a domain XML to store (save) or use (restore) instead.
        public var xml: String?
        /// `VIR_DOMAIN_SAVE_PARAM_IMAGE_FORMAT` (`image_format`, libvirt 11.2): `raw`, `gzip`, `bzip2`, `xz`,
        /// `lzop`, `zstd` or `sparse` (QEMU's mapped-ram, QEMU 9.0 and later).
        public var imageFormat: String?
        /// `VIR_DOMAIN_SAVE_PARAM_PARALLEL_CHANNELS` (`parallel.channels`, libvirt 11.2): channels for a
        /// `sparse` image, on save and on restore.
        public var parallelChannels: Int32?

        /// Creates parameters; nil ones are not passed.
        public init(file: String? = nil, xml: String? = nil, imageFormat: String? = nil, parallelChannels: Int32? = nil) {
            self.file = file
            self.xml = xml
            self.imageFormat = imageFormat
            self.parallelChannels = parallelChannels
        }

        /// The parameter names of libvirt 11.2 that this machine's headers (libvirt 9.0) may not define.
        static let imageFormatName = "image_format"
        static let parallelChannelsName = "parallel.channels"

        func typedParameters() throws(LibvirtError) -> TypedParameterList {
            var list = TypedParameterList()
            if let file { try list.add(VIR_DOMAIN_SAVE_PARAM_FILE, .string(file)) }
            if let xml { try list.add(VIR_DOMAIN_SAVE_PARAM_DXML, .string(xml)) }
            if let imageFormat { try list.add(Self.imageFormatName, .string(imageFormat)) }
            if let parallelChannels { try list.add(Self.parallelChannelsName, .int(parallelChannels)) }
            return list
        }
    }

    /// Saves the running domain's state with typed parameters and stops it (the corresponding C function is
    /// `virDomainSaveParams`).
    public func save(parameters: SaveParameters, flags: SaveFlags = []) throws(LibvirtError) {
        let list = try parameters.typedParameters()
        try check(virDomainSaveParams(try handle(), list.pointer, list.count, flags.rawValue))
    }
}

extension Connection {
    /// Restores a domain from a save image described by typed parameters (the corresponding C function is
    /// `virDomainRestoreParams`).
    public func restore(parameters: Domain.SaveParameters, flags: Domain.SaveFlags = []) throws(LibvirtError) {
        let list = try parameters.typedParameters()
        try check(virDomainRestoreParams(try handle(), list.pointer, list.count, flags.rawValue))
    }
}
