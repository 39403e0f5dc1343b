internal import CLibvirt

// Block jobs: per-disk jobs (copy, commit, pull, and the per-disk part of a backup), queried and ended by
// the disk's target name (`vda`) or source path.

extension Domain {
    // MARK: Block copy

    /// Tunables of `blockCopy` (the `VIR_DOMAIN_BLOCK_COPY_*` typed parameters). Nil (or 0) means the
    /// hypervisor default.
    public struct BlockCopyParameters: Sendable, Hashable {
        /// `VIR_DOMAIN_BLOCK_COPY_BANDWIDTH` (`bandwidth`, unsigned long long): the speed limit in **bytes**/s
        /// while copying (phase 1).
        public var bandwidth: UInt64?
        /// `VIR_DOMAIN_BLOCK_COPY_GRANULARITY` (`granularity`, unsigned int): the dirty-block granularity in
        /// bytes; QEMU wants a power of two between 512 bytes and 64 MiB.
        public var granularity: UInt32?
        /// `VIR_DOMAIN_BLOCK_COPY_BUF_SIZE` (`buf-size`, unsigned long long): how many bytes may be in
        /// flight between source and destination.
        public var bufSize: UInt64?

        /// Creates tunables; all default to the hypervisor's choice.
        public init(bandwidth: UInt64? = nil, granularity: UInt32? = nil, bufSize: UInt64? = nil) {
            self.bandwidth = bandwidth
            self.granularity = granularity
            self.bufSize = bufSize
        }

        /// The typed parameter array for `virDomainBlockCopy`.
        func typedParameters() throws(LibvirtError) -> TypedParameterList {
            var list = TypedParameterList()
            if let bandwidth { try list.add(VIR_DOMAIN_BLOCK_COPY_BANDWIDTH, .ulong(bandwidth)) }
            if let granularity { try list.add(VIR_DOMAIN_BLOCK_COPY_GRANULARITY, .uint(granularity)) }
            if let bufSize { try list.add(VIR_DOMAIN_BLOCK_COPY_BUF_SIZE, .ulong(bufSize)) }
            return list
        }
    }

    /// Flags for `blockCopy` (`virDomainBlockCopyFlags`).
    public struct BlockCopyFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_BLOCK_COPY_SHALLOW`: copy only the top image of the backing chain; the destination
        /// shares the backing files.
        public static let shallow = BlockCopyFlags(rawValue: VIR_DOMAIN_BLOCK_COPY_SHALLOW.rawValue)
        /// `VIR_DOMAIN_BLOCK_COPY_REUSE_EXT`: the destination exists already (right format and size).
        public static let reuseExternal = BlockCopyFlags(rawValue: VIR_DOMAIN_BLOCK_COPY_REUSE_EXT.rawValue)
        /// `VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB`: allow the copy on a persistent domain; the job does not
        /// survive the domain stopping. QEMU refuses a copy of a persistent domain's disk without it.
        public static let transientJob = BlockCopyFlags(rawValue: VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB.rawValue)
        /// `VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES`: guest writes reach both images before completing, so the
        /// copy converges even when the guest writes faster than the copy proceeds.
        public static let synchronousWrites = BlockCopyFlags(rawValue: VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES.rawValue)
        /// `VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED` (libvirt 12.2, QEMU 10.1): the destination already reads as
        /// zeroes, so the copy need not write zeroes. Its value is libvirt's ABI (1 << 4); a daemon older than
        /// 12.2 refuses it as an unknown flag (`VIR_ERR_INVALID_ARG`).
        public static let targetZeroed = BlockCopyFlags(rawValue: 1 << 4)
    }

    /// Starts copying a disk to a new destination (the corresponding C function is `virDomainBlockCopy`).
    ///
    /// The job has two phases: it copies (phase 1), then mirrors every guest write (phase 2) once it is
    /// *ready* (the `BLOCK_JOB` `READY` event, or `blockJobInfo(disk:)` with `cur == end`). It never ends by
    /// itself: `blockJobAbort(disk:)` leaves the guest on the source and the destination as a copy of that
    /// moment; `blockJobAbort(disk:flags: .pivot)` switches the guest to the destination.
    ///
    /// - Parameters:
    ///   - disk: the disk's target (`vda`) or source path.
    ///   - destinationXML: a `<disk>` element describing the destination, such as
    ///     `<disk type='file'><source file='/images/copy.qcow2'/><driver type='qcow2'/></disk>`.
    ///   - parameters: bandwidth, granularity and buffer size.
    ///   - flags: `.transientJob` is needed for a persistent domain.
    public func blockCopy(disk: String, destinationXML: String, parameters: BlockCopyParameters = .init(),
                          flags: BlockCopyFlags = []) throws(LibvirtError) {
        let list = try parameters.typedParameters()
        try check(virDomainBlockCopy(try handle(), disk, destinationXML, list.pointer, list.count, flags.rawValue))
    }

    // MARK: Block commit

    /// Flags for `blockCommit` (`virDomainBlockCommitFlags`).
    public struct BlockCommitFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_BLOCK_COMMIT_SHALLOW`: a nil base means the top's immediate backing file, not the
        /// bottom of the chain.
        public static let shallow = BlockCommitFlags(rawValue: VIR_DOMAIN_BLOCK_COMMIT_SHALLOW.rawValue)
        /// `VIR_DOMAIN_BLOCK_COMMIT_DELETE`: delete the files made invalid once the commit succeeds.
        public static let delete = BlockCommitFlags(rawValue: VIR_DOMAIN_BLOCK_COMMIT_DELETE.rawValue)
        /// `VIR_DOMAIN_BLOCK_COMMIT_ACTIVE`: allow committing the active (top) image: a two-phase job ended
        /// with `blockJobAbort`, like a block copy.
        public static let active = BlockCommitFlags(rawValue: VIR_DOMAIN_BLOCK_COMMIT_ACTIVE.rawValue)
        /// `VIR_DOMAIN_BLOCK_COMMIT_RELATIVE`: keep backing file names relative.
        public static let relative = BlockCommitFlags(rawValue: VIR_DOMAIN_BLOCK_COMMIT_RELATIVE.rawValue)
        /// `VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES`: `bandwidth` is in bytes/s instead of MiB/s.
        public static let bandwidthBytes = BlockCommitFlags(rawValue: VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES.rawValue)
    }

    /// Starts merging the images from `top` down into `base` (the corresponding C function is
    /// `virDomainBlockCommit`).
    ///
    /// With `.active` and `top` being the active image, the job is an active commit: once ready, end it with
    /// `blockJobAbort(disk:flags: .pivot)` to make `base` the active image again (or without `.pivot` to stay on
    /// the overlay). Committed intermediate images are invalid afterwards, even if the job is aborted.
    ///
    /// - Parameters:
    ///   - disk: the disk's target (`vda`) or source path.
    ///   - base: the image to commit into; nil for the bottom of the chain (or, with `.shallow`, top's backing).
    ///   - top: the image to commit from; nil for the active image.
    ///   - bandwidth: a speed limit in MiB/s (bytes/s with `.bandwidthBytes`); 0 for none.
    public func blockCommit(disk: String, base: String? = nil, top: String? = nil, bandwidth: UInt = 0,
                            flags: BlockCommitFlags = []) throws(LibvirtError) {
        try check(virDomainBlockCommit(try handle(), disk, base, top, bandwidth, flags.rawValue))
    }

    // MARK: Ending and watching block jobs

    /// Flags for `blockJobAbort` (`virDomainBlockJobAbortFlags`).
    public struct BlockJobAbortFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC`: return at once instead of waiting for the job to end
        /// (its end is reported by a `BLOCK_JOB` event).
        public static let async = BlockJobAbortFlags(rawValue: VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC.rawValue)
        /// `VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT`: end a ready copy or active commit by switching the guest to the
        /// new image. Before the job is ready this fails with `VIR_ERR_BLOCK_COPY_ACTIVE`.
        public static let pivot = BlockJobAbortFlags(rawValue: VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT.rawValue)
    }

    /// Ends the block job on a disk: cancels it, or with `.pivot` completes a ready copy or active commit
    /// (the corresponding C function is `virDomainBlockJobAbort`).
    public func blockJobAbort(disk: String, flags: BlockJobAbortFlags = []) throws(LibvirtError) {
        try check(virDomainBlockJobAbort(try handle(), disk, flags.rawValue))
    }

    /// The kind of a block job (`virDomainBlockJobType`).
    public enum BlockJobType: Int32, Sendable, Hashable, Codable, CustomStringConvertible {
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_UNKNOWN` (also used for values newer than libvirt 9.0).
        case unknown = 0
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_PULL`: `virDomainBlockPull`.
        case pull = 1
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_COPY`: `virDomainBlockCopy`.
        case copy = 2
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT`: `virDomainBlockCommit` of a non-active image.
        case commit = 3
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT`: `virDomainBlockCommit` of the active image.
        case activeCommit = 4
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_BACKUP`: the per-disk part of `virDomainBackupBegin`.
        case backup = 5

        public var description: String {
            switch self {
            case .unknown: "unknown"
            case .pull: "pull"
            case .copy: "copy"
            case .commit: "commit"
            case .activeCommit: "active commit"
            case .backup: "backup"
            }
        }
    }

    /// Progress of a block job (`virDomainBlockJobInfo`).
    public struct BlockJobInfo: Sendable, Hashable {
        /// The kind of job.
        public var type: BlockJobType
        /// The speed limit, in MiB/s, or in bytes/s when asked with `.bandwidthBytes`; 0 for none.
        public var bandwidth: UInt
        /// The current position, between 0 and `end`.
        public var cur: UInt64
        /// The end position. For a copy or an active commit, `cur == end` means the job is ready
        /// (libvirt reports `cur == end` only then). For a pull backup this is scratch usage, not progress.
        public var end: UInt64

        /// `cur == end` with a non-zero `end`.
        public var isReady: Bool { end > 0 && cur == end }
    }

    /// Flags for `blockJobInfo` (`virDomainBlockJobInfoFlags`).
    public struct BlockJobInfoFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES`: report `bandwidth` in bytes/s instead of MiB/s.
        public static let bandwidthBytes = BlockJobInfoFlags(rawValue: VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES.rawValue)
    }

    /// The block job on a disk, or nil if there is none (the corresponding C function is
    /// `virDomainGetBlockJobInfo`).
    public func blockJobInfo(disk: String, flags: BlockJobInfoFlags = []) throws(LibvirtError) -> BlockJobInfo? {
        var info = virDomainBlockJobInfo()
        let found = try check(virDomainGetBlockJobInfo(try handle(), disk, &info, flags.rawValue))
        guard found == 1 else { return nil }
        return BlockJobInfo(type: BlockJobType(rawValue: info.type) ?? .unknown,
                            bandwidth: info.bandwidth, cur: info.cur, end: info.end)
    }

    /// Flags for `blockJobSetSpeed` (`virDomainBlockJobSetSpeedFlags`).
    public struct BlockJobSetSpeedFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES`: `bandwidth` is in bytes/s instead of MiB/s.
        public static let bandwidthBytes = BlockJobSetSpeedFlags(rawValue: VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES.rawValue)
    }

    /// Changes the speed limit of the block job on a disk (the corresponding C function is
    /// `virDomainBlockJobSetSpeed`).
    ///
    /// - Parameter bandwidth: MiB/s (bytes/s with `.bandwidthBytes`); 0 removes the limit.
    public func blockJobSetSpeed(disk: String, bandwidth: UInt,
                                 flags: BlockJobSetSpeedFlags = []) throws(LibvirtError) {
        try check(virDomainBlockJobSetSpeed(try handle(), disk, bandwidth, flags.rawValue))
    }
}
