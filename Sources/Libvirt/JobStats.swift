internal import CLibvirt

/// The kind of a domain job, as reported by job statistics (`virDomainJobType`).
public enum JobType: Int32, Sendable, Hashable, Codable, CustomStringConvertible {
    /// `VIR_DOMAIN_JOB_NONE`: no job is active (or, with `.completed`, no completed statistics are left).
    case none = 0
    /// `VIR_DOMAIN_JOB_BOUNDED`: a job with a finite completion time.
    case bounded = 1
    /// `VIR_DOMAIN_JOB_UNBOUNDED`: a job without a finite completion time (a backup, a migration).
    case unbounded = 2
    /// `VIR_DOMAIN_JOB_COMPLETED`: the job has finished, its statistics are kept.
    case completed = 3
    /// `VIR_DOMAIN_JOB_FAILED`: the job hit an error.
    case failed = 4
    /// `VIR_DOMAIN_JOB_CANCELLED`: the job was aborted.
    case cancelled = 5

    public var description: String {
        switch self {
        case .none: "none"
        case .bounded: "bounded"
        case .unbounded: "unbounded"
        case .completed: "completed"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }

    /// Converts the C value, or throws `VIR_ERR_INTERNAL_ERROR` for a value libvirt 9.0 does not define.
    init(checking raw: Int32) throws(LibvirtError) {
        guard let value = JobType(rawValue: raw) else {
            throw LibvirtError.misuse(.internalError, "libvirt reported an unknown virDomainJobType \(raw)")
        }
        self = value
    }
}

/// The operation that started a domain job (`virDomainJobOperation`).
public enum JobOperation: Int32, Sendable, Hashable, Codable, CustomStringConvertible {
    /// `VIR_DOMAIN_JOB_OPERATION_UNKNOWN`
    case unknown = 0
    /// `VIR_DOMAIN_JOB_OPERATION_START`
    case start = 1
    /// `VIR_DOMAIN_JOB_OPERATION_SAVE`: `virDomainSave*` or `virDomainManagedSave`.
    case save = 2
    /// `VIR_DOMAIN_JOB_OPERATION_RESTORE`
    case restore = 3
    /// `VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN`
    case migrationIn = 4
    /// `VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT`
    case migrationOut = 5
    /// `VIR_DOMAIN_JOB_OPERATION_SNAPSHOT`: a snapshot that saves memory.
    case snapshot = 6
    /// `VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_REVERT`
    case snapshotRevert = 7
    /// `VIR_DOMAIN_JOB_OPERATION_DUMP`
    case dump = 8
    /// `VIR_DOMAIN_JOB_OPERATION_BACKUP`: `virDomainBackupBegin`.
    case backup = 9
    /// `VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_DELETE` (libvirt 9.0 and later).
    case snapshotDelete = 10

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .start: "start"
        case .save: "save"
        case .restore: "restore"
        case .migrationIn: "incoming migration"
        case .migrationOut: "outgoing migration"
        case .snapshot: "snapshot"
        case .snapshotRevert: "snapshot revert"
        case .dump: "dump"
        case .backup: "backup"
        case .snapshotDelete: "snapshot delete"
        }
    }
}

/// Statistics of a domain job (the typed parameters of `virDomainGetJobStats`, or of the
/// `VIR_DOMAIN_EVENT_ID_JOB_COMPLETED` event).
///
/// The fields libvirt documents for state capture are decoded into typed optionals (nil when the
/// hypervisor did not report them); `raw` keeps every parameter, including migration details.
/// Times are in milliseconds, sizes in bytes.
///
/// ```swift
/// let done = try dom.jobStats(flags: .completed)
/// if done.operation == .backup, done.success == true {
///     print("backed up \(done.diskProcessed ?? 0) of \(done.diskTotal ?? 0) bytes")
/// }
/// ```
public struct JobStats: Sendable, Hashable {
    /// The job type (the `type` output of `virDomainGetJobStats`).
    public var type: JobType
    /// `VIR_DOMAIN_JOB_OPERATION` (`operation`); nil if absent or a value this binding does not know.
    public var operation: JobOperation?
    /// `VIR_DOMAIN_JOB_TIME_ELAPSED` (`time_elapsed`), in milliseconds.
    public var timeElapsed: UInt64?
    /// `VIR_DOMAIN_JOB_TIME_REMAINING` (`time_remaining`), in milliseconds, for bounded jobs.
    public var timeRemaining: UInt64?
    /// `VIR_DOMAIN_JOB_DATA_TOTAL` (`data_total`), in bytes.
    public var dataTotal: UInt64?
    /// `VIR_DOMAIN_JOB_DATA_PROCESSED` (`data_processed`), in bytes.
    public var dataProcessed: UInt64?
    /// `VIR_DOMAIN_JOB_DATA_REMAINING` (`data_remaining`), in bytes.
    public var dataRemaining: UInt64?
    /// `VIR_DOMAIN_JOB_MEMORY_TOTAL` (`memory_total`), in bytes.
    public var memTotal: UInt64?
    /// `VIR_DOMAIN_JOB_MEMORY_PROCESSED` (`memory_processed`), in bytes.
    public var memProcessed: UInt64?
    /// `VIR_DOMAIN_JOB_MEMORY_REMAINING` (`memory_remaining`), in bytes.
    public var memRemaining: UInt64?
    /// `VIR_DOMAIN_JOB_DISK_TOTAL` (`disk_total`), in bytes.
    public var diskTotal: UInt64?
    /// `VIR_DOMAIN_JOB_DISK_PROCESSED` (`disk_processed`), in bytes.
    public var diskProcessed: UInt64?
    /// `VIR_DOMAIN_JOB_DISK_REMAINING` (`disk_remaining`), in bytes.
    public var diskRemaining: UInt64?
    /// `VIR_DOMAIN_JOB_DISK_TEMP_USED` (`disk_temp_used`): scratch space in use by a pull backup, in bytes.
    public var diskTempUsed: UInt64?
    /// `VIR_DOMAIN_JOB_DISK_TEMP_TOTAL` (`disk_temp_total`): scratch space a pull backup may use, in bytes.
    public var diskTempTotal: UInt64?
    /// `VIR_DOMAIN_JOB_DOWNTIME` (`downtime`): how long the guest was paused, in milliseconds.
    public var downtime: UInt64?
    /// `VIR_DOMAIN_JOB_SUCCESS` (`success`): only in the statistics of a completed job.
    public var success: Bool?
    /// `VIR_DOMAIN_JOB_ERRMSG` (`errmsg`): the error of a failed (or cancelled) completed job.
    public var errmsg: String?
    /// Every parameter, by field name, including those decoded above.
    public var raw: [String: TypedValue]

    /// Decodes the known fields of `raw`. Use it for the parameters of a `JOB_COMPLETED` event
    /// (whose type is `.completed`).
    public init(type: JobType, raw: [String: TypedValue]) {
        self.type = type
        self.raw = raw
        func u(_ key: String) -> UInt64? { raw[key]?.uint64Value }
        operation = raw[VIR_DOMAIN_JOB_OPERATION]?.int64Value.flatMap { Int32(exactly: $0) }
            .flatMap(JobOperation.init(rawValue:))
        timeElapsed = u(VIR_DOMAIN_JOB_TIME_ELAPSED)
        timeRemaining = u(VIR_DOMAIN_JOB_TIME_REMAINING)
        dataTotal = u(VIR_DOMAIN_JOB_DATA_TOTAL)
        dataProcessed = u(VIR_DOMAIN_JOB_DATA_PROCESSED)
        dataRemaining = u(VIR_DOMAIN_JOB_DATA_REMAINING)
        memTotal = u(VIR_DOMAIN_JOB_MEMORY_TOTAL)
        memProcessed = u(VIR_DOMAIN_JOB_MEMORY_PROCESSED)
        memRemaining = u(VIR_DOMAIN_JOB_MEMORY_REMAINING)
        diskTotal = u(VIR_DOMAIN_JOB_DISK_TOTAL)
        diskProcessed = u(VIR_DOMAIN_JOB_DISK_PROCESSED)
        diskRemaining = u(VIR_DOMAIN_JOB_DISK_REMAINING)
        diskTempUsed = u(VIR_DOMAIN_JOB_DISK_TEMP_USED)
        diskTempTotal = u(VIR_DOMAIN_JOB_DISK_TEMP_TOTAL)
        downtime = u(VIR_DOMAIN_JOB_DOWNTIME)
        success = raw[VIR_DOMAIN_JOB_SUCCESS]?.boolValue
        errmsg = raw[VIR_DOMAIN_JOB_ERRMSG]?.stringValue
    }
}

/// Progress of the active domain job in the fixed layout of `virDomainJobInfo`
/// (returned by `virDomainGetJobInfo`). Times are in milliseconds, sizes in bytes.
///
/// `JobStats` reports more (operation, success, scratch usage); this older form has no
/// access to completed jobs.
public struct JobInfo: Sendable, Hashable {
    /// The job type (`type`).
    public var type: JobType
    /// Time since the job started (`timeElapsed`).
    public var timeElapsed: UInt64
    /// Estimated time left, for bounded jobs (`timeRemaining`).
    public var timeRemaining: UInt64
    /// All data to process (`dataTotal`).
    public var dataTotal: UInt64
    /// Data processed so far (`dataProcessed`).
    public var dataProcessed: UInt64
    /// Data left (`dataRemaining`).
    public var dataRemaining: UInt64
    /// Guest memory to process (`memTotal`).
    public var memTotal: UInt64
    /// Guest memory processed (`memProcessed`).
    public var memProcessed: UInt64
    /// Guest memory left (`memRemaining`).
    public var memRemaining: UInt64
    /// Disk data to process (`fileTotal`).
    public var fileTotal: UInt64
    /// Disk data processed (`fileProcessed`).
    public var fileProcessed: UInt64
    /// Disk data left (`fileRemaining`).
    public var fileRemaining: UInt64

    /// Converts the C structure.
    init(_ info: virDomainJobInfo) throws(LibvirtError) {
        type = try JobType(checking: info.type)
        timeElapsed = info.timeElapsed
        timeRemaining = info.timeRemaining
        dataTotal = info.dataTotal
        dataProcessed = info.dataProcessed
        dataRemaining = info.dataRemaining
        memTotal = info.memTotal
        memProcessed = info.memProcessed
        memRemaining = info.memRemaining
        fileTotal = info.fileTotal
        fileProcessed = info.fileProcessed
        fileRemaining = info.fileRemaining
    }
}
