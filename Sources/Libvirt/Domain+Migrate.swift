internal import CLibvirt

// Migration to another host: `virDomainMigrate3`, the client-driven form (this process holds a connection to
// both daemons; the data goes QEMU to QEMU, and disks not on shared storage through NBD, as in a block copy).

extension Domain {
    /// Flags of `virDomainMigrate3` (`virDomainMigrateFlags`).
    public struct MigrateFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_MIGRATE_LIVE`: the guest keeps running while its memory is copied; it pauses only for the
        /// last pass (without the flag it is paused for the whole migration).
        public static let live = MigrateFlags(rawValue: VIR_MIGRATE_LIVE.rawValue)
        /// `VIR_MIGRATE_PERSIST_DEST`: define the domain on the destination too (not only run it).
        public static let persistDestination = MigrateFlags(rawValue: VIR_MIGRATE_PERSIST_DEST.rawValue)
        /// `VIR_MIGRATE_UNDEFINE_SOURCE`: undefine the domain on the source once it runs on the destination.
        public static let undefineSource = MigrateFlags(rawValue: VIR_MIGRATE_UNDEFINE_SOURCE.rawValue)
        /// `VIR_MIGRATE_PAUSED`: leave the domain paused on the destination.
        public static let paused = MigrateFlags(rawValue: VIR_MIGRATE_PAUSED.rawValue)
        /// `VIR_MIGRATE_NON_SHARED_DISK`: copy every writable disk's whole chain to the destination over NBD
        /// (the destination's images must exist, with the same size).
        public static let nonSharedDisk = MigrateFlags(rawValue: VIR_MIGRATE_NON_SHARED_DISK.rawValue)
        /// `VIR_MIGRATE_NON_SHARED_INC`: copy only the top image of each disk (the backing chain must exist on
        /// the destination).
        public static let nonSharedIncremental = MigrateFlags(rawValue: VIR_MIGRATE_NON_SHARED_INC.rawValue)
        /// `VIR_MIGRATE_ABORT_ON_ERROR`: cancel when an I/O error happens during the migration.
        public static let abortOnError = MigrateFlags(rawValue: VIR_MIGRATE_ABORT_ON_ERROR.rawValue)
        /// `VIR_MIGRATE_UNSAFE`: migrate even when libvirt thinks it unsafe (disk cache modes, say).
        public static let unsafe = MigrateFlags(rawValue: VIR_MIGRATE_UNSAFE.rawValue)
    }

    /// The typed parameters of `virDomainMigrate3` that Rewind uses.
    ///
    /// ```swift
    /// // Two hosts on one machine: tell QEMU where to send memory and disks instead of the host name.
    /// let moved = try dom.migrate(to: destination,
    ///                             parameters: .init(uri: "tcp://127.0.0.1", disksURI: "tcp://127.0.0.1"),
    ///                             flags: [.live, .nonSharedDisk])
    /// ```
    public struct MigrateParameters: Sendable, Hashable {
        /// `VIR_MIGRATE_PARAM_URI` (`migrate_uri`): where the source QEMU sends the memory stream, e.g.
        /// `tcp://10.0.0.2`; by default the destination's host name.
        public var uri: String?
        /// `VIR_MIGRATE_PARAM_DEST_NAME` (`destination_name`): the domain's name on the destination.
        public var destinationName: String?
        /// `VIR_MIGRATE_PARAM_DEST_XML` (`destination_xml`): the domain XML to use on the destination (paths
        /// that differ there, say); it must describe the same guest ABI.
        public var destinationXML: String?
        /// `VIR_MIGRATE_PARAM_DISKS_URI` (`disks_uri`, libvirt 6.8): where the source connects to the
        /// destination's NBD server for `nonSharedDisk`; by default the destination's host name.
        public var disksURI: String?
        /// `VIR_MIGRATE_PARAM_BANDWIDTH` (`bandwidth`): the memory stream's limit in MiB/s.
        public var bandwidthMiBs: UInt64?

        /// Creates parameters; nil ones are not passed.
        public init(uri: String? = nil, destinationName: String? = nil, destinationXML: String? = nil,
                    disksURI: String? = nil, bandwidthMiBs: UInt64? = nil) {
            self.uri = uri
            self.destinationName = destinationName
            self.destinationXML = destinationXML
            self.disksURI = disksURI
            self.bandwidthMiBs = bandwidthMiBs
        }

        func typedParameters() throws(LibvirtError) -> TypedParameterList {
            var list = TypedParameterList()
            if let uri { try list.add(VIR_MIGRATE_PARAM_URI, .string(uri)) }
            if let destinationName { try list.add(VIR_MIGRATE_PARAM_DEST_NAME, .string(destinationName)) }
            if let destinationXML { try list.add(VIR_MIGRATE_PARAM_DEST_XML, .string(destinationXML)) }
            if let disksURI { try list.add(VIR_MIGRATE_PARAM_DISKS_URI, .string(disksURI)) }
            if let bandwidthMiBs { try list.add(VIR_MIGRATE_PARAM_BANDWIDTH, .ulong(bandwidthMiBs)) }
            return list
        }
    }

    /// Moves the domain to the host of `destination` and returns it there (the corresponding C function is
    /// `virDomainMigrate3`). When it returns, the guest runs on the destination and is gone from this host
    /// (it remains defined here unless `undefineSource`); when it throws, the guest still runs here.
    public func migrate(to destination: Connection, parameters: MigrateParameters = .init(),
                        flags: MigrateFlags = []) throws(LibvirtError) -> Domain {
        let list = try parameters.typedParameters()
        let moved = try check(virDomainMigrate3(try handle(), try destination.handle(), list.pointer,
                                                UInt32(list.count), flags.rawValue))
        return Domain(handle: moved, connection: destination)
    }
}
