internal import CLibvirt

// Domain jobs: the one long-running operation (backup, save, snapshot with memory, migration…) a domain
// can have at a time, its statistics and how to abort it. Block jobs are per disk: see Domain+BlockJobs.swift.

extension Domain {
    /// Flags for `jobStats(flags:)` (`virDomainGetJobStatsFlags`).
    public struct JobStatsFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_JOB_STATS_COMPLETED`: the statistics of the most recently completed job instead of the
        /// active one. They are removed once read, unless `.keepCompleted` is also given.
        public static let completed = JobStatsFlags(rawValue: VIR_DOMAIN_JOB_STATS_COMPLETED.rawValue)
        /// `VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED`: with `.completed`, leave the statistics in place.
        public static let keepCompleted = JobStatsFlags(rawValue: VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED.rawValue)
    }

    /// Flags for `abortJob(flags:)` (`virDomainAbortJobFlagsValues`).
    public struct AbortJobFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_ABORT_JOB_POSTCOPY`: suspend a post-copy migration instead of refusing to abort it.
        public static let postcopy = AbortJobFlags(rawValue: VIR_DOMAIN_ABORT_JOB_POSTCOPY.rawValue)
    }

    /// Progress of the active job in the fixed `virDomainJobInfo` layout
    /// (the corresponding C function is `virDomainGetJobInfo`).
    ///
    /// With no job running, `type` is `.none`.
    public func jobInfo() throws(LibvirtError) -> JobInfo {
        var info = virDomainJobInfo()
        try check(virDomainGetJobInfo(try handle(), &info))
        return try JobInfo(info)
    }

    /// Statistics of the active job, or with `.completed` of the last completed one
    /// (the corresponding C function is `virDomainGetJobStats`).
    ///
    /// Completed statistics are consumed by the first read unless `.keepCompleted` is passed too;
    /// a second read then reports `type == .none`.
    ///
    /// ```swift
    /// let events = try dom.events([.jobCompleted])
    /// try dom.beginBackup(xml: pushXML)
    /// print(try dom.jobStats().type)                   // unbounded: the backup runs
    /// _ = try await events.next(matching: { $0.kind.jobCompleted != nil }, timeout: .seconds(60))
    /// let done = try dom.jobStats(flags: .completed)   // operation == .backup, success == true
    /// ```
    public func jobStats(flags: JobStatsFlags = []) throws(LibvirtError) -> JobStats {
        var type: Int32 = 0
        var params: virTypedParameterPtr?
        var count: Int32 = 0
        try check(virDomainGetJobStats(try handle(), &type, &params, &count, flags.rawValue))
        let raw = takeTypedParameters(params, count: count)
        return JobStats(type: try JobType(checking: type), raw: raw)
    }

    /// Aborts the active job (the corresponding C function is `virDomainAbortJob`).
    ///
    /// This is also how a pull-mode backup ends (there is no `virDomainBackupEnd`); aborting a push-mode
    /// backup before it completes leaves an invalid target.
    public func abortJob() throws(LibvirtError) {
        try check(virDomainAbortJob(try handle()))
    }

    /// Aborts the active job with flags (the corresponding C function is `virDomainAbortJobFlags`).
    public func abortJob(flags: AbortJobFlags) throws(LibvirtError) {
        try check(virDomainAbortJobFlags(try handle(), flags.rawValue))
    }
}
