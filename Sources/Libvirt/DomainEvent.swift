/// One event libvirt reported for a domain, as delivered by `Domain.events(_:)`.
///
/// The timestamp is taken first thing inside libvirt's callback, on libvirt's event loop thread,
/// so `receivedAt - event.timestamp` measures how long the event waited before a consumer saw it.
///
/// ```swift
/// let events = try dom.events([.lifecycle])
/// try dom.suspend()
/// let e = try await events.next(matching: { $0.kind.lifecycle?.event == .suspended }, timeout: .seconds(5))
/// print(e.kind)   // Suspended (PAUSED)
/// ```
public struct DomainEvent: Sendable, CustomStringConvertible {
    /// When libvirt invoked the callback for this event.
    public var timestamp: ContinuousClock.Instant
    /// The name of the domain the event is about (the corresponding C function is `virDomainGetName`).
    public var domainName: String
    /// What happened.
    public var kind: Kind

    /// Creates an event value (events normally come from `DomainEventStream`).
    public init(timestamp: ContinuousClock.Instant, domainName: String, kind: Kind) {
        self.timestamp = timestamp
        self.domainName = domainName
        self.kind = kind
    }

    /// The domain name and the kind, e.g. `rewind-ev-a: Suspended (PAUSED)`.
    public var description: String { "\(domainName): \(kind)" }

    // MARK: Event identifiers

    /// The event types a `DomainEventStream` can subscribe to (`virDomainEventID`).
    public enum ID: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `VIR_DOMAIN_EVENT_ID_LIFECYCLE`: the domain was defined, started, suspended, stopped, …
        case lifecycle = 0
        /// `VIR_DOMAIN_EVENT_ID_BLOCK_JOB`: the original block job event; the disk is named by the path of
        /// its active image, not its target. Not in the default subscriptions: ask for it by name.
        case blockJob = 8
        /// `VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2`: a block job (pull, copy, commit, backup) changed status;
        /// the disk is named by its target (`vda`).
        case blockJob2 = 16
        /// `VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE`: the guest agent connected to or disconnected from its
        /// channel (the guest opened or closed the `org.qemu.guest_agent.0` port). Not in the default
        /// subscriptions: ask for it by name.
        case agentLifecycle = 18
        /// `VIR_DOMAIN_EVENT_ID_JOB_COMPLETED`: a domain job (save, migration, backup, …) finished,
        /// with its final statistics.
        case jobCompleted = 21
        /// `VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD`: a guest wrote beyond a threshold set with
        /// `virDomainSetBlockThreshold`.
        case blockThreshold = 24

        /// The C enumerator name, e.g. `VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2`.
        public var name: String {
            switch self {
            case .lifecycle: "VIR_DOMAIN_EVENT_ID_LIFECYCLE"
            case .blockJob: "VIR_DOMAIN_EVENT_ID_BLOCK_JOB"
            case .blockJob2: "VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2"
            case .agentLifecycle: "VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE"
            case .jobCompleted: "VIR_DOMAIN_EVENT_ID_JOB_COMPLETED"
            case .blockThreshold: "VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD"
            }
        }

        /// The C enumerator name, as `name`.
        public var description: String { name }
    }

    // MARK: Lifecycle

    /// A lifecycle event type (`virDomainEventType`).
    public enum LifecycleEvent: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `VIR_DOMAIN_EVENT_DEFINED`
        case defined = 0
        /// `VIR_DOMAIN_EVENT_UNDEFINED`
        case undefined = 1
        /// `VIR_DOMAIN_EVENT_STARTED`
        case started = 2
        /// `VIR_DOMAIN_EVENT_SUSPENDED`
        case suspended = 3
        /// `VIR_DOMAIN_EVENT_RESUMED`
        case resumed = 4
        /// `VIR_DOMAIN_EVENT_STOPPED`
        case stopped = 5
        /// `VIR_DOMAIN_EVENT_SHUTDOWN`
        case shutdown = 6
        /// `VIR_DOMAIN_EVENT_PMSUSPENDED`
        case pmsuspended = 7
        /// `VIR_DOMAIN_EVENT_CRASHED`
        case crashed = 8

        /// `Suspended`, `Stopped`, `PMSuspended`, … (the word of the C enumerator and its detail type).
        public var description: String {
            switch self {
            case .defined: "Defined"
            case .undefined: "Undefined"
            case .started: "Started"
            case .suspended: "Suspended"
            case .resumed: "Resumed"
            case .stopped: "Stopped"
            case .shutdown: "Shutdown"
            case .pmsuspended: "PMSuspended"
            case .crashed: "Crashed"
            }
        }

        /// The name of a detail value of this event: the enumerator of the matching
        /// `virDomainEvent<Event>DetailType` without its prefix, e.g. `SAVED` for
        /// `VIR_DOMAIN_EVENT_STOPPED_SAVED`, or the number when libvirt 9.0 does not know it.
        public func detailName(_ detail: Int32) -> String { detailNames[detail] ?? "\(detail)" }
    }

    // MARK: Block jobs

    /// The status a block job event reports (`virConnectDomainEventBlockJobStatus`).
    public enum BlockJobStatus: Int32, Sendable, Hashable, CustomStringConvertible {
        /// `VIR_DOMAIN_BLOCK_JOB_COMPLETED`: the job finished (a pull or non-active commit is done).
        case completed = 0
        /// `VIR_DOMAIN_BLOCK_JOB_FAILED`
        case failed = 1
        /// `VIR_DOMAIN_BLOCK_JOB_CANCELED`: the job was aborted (`virDomainBlockJobAbort` without pivot).
        case canceled = 2
        /// `VIR_DOMAIN_BLOCK_JOB_READY`: a copy or active commit reached the mirroring phase and can pivot.
        case ready = 3

        /// The C enumerator name without its prefix, e.g. `READY`.
        public var description: String {
            switch self {
            case .completed: "COMPLETED"
            case .failed: "FAILED"
            case .canceled: "CANCELED"
            case .ready: "READY"
            }
        }
    }

    // MARK: Kind

    /// What an event reports, with the values libvirt passed to the callback.
    public enum Kind: Sendable, CustomStringConvertible {
        /// A lifecycle change (`VIR_DOMAIN_EVENT_ID_LIFECYCLE`). `detail` is the raw
        /// `virDomainEvent<Event>DetailType` value and `detailName` its enumerator without prefix
        /// (`PAUSED` for a suspend by `virDomainSuspend`, `SAVED` when a save stopped the domain).
        case lifecycle(LifecycleEvent, detail: Int32, detailName: String)
        /// A block job changed status (`VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2`). `disk` is the target name (`vda`).
        /// `type` is `.unknown` and `status` nil only for values libvirt 9.0 does not define; `rawType` and
        /// `rawStatus` always carry the numbers libvirt passed.
        case blockJob(disk: String, type: Domain.BlockJobType, status: BlockJobStatus?, rawType: Int32, rawStatus: Int32)
        /// The same change reported by the original event (`VIR_DOMAIN_EVENT_ID_BLOCK_JOB`), which names the disk
        /// by the path of its active image (`/var/lib/libvirt/images/vm.qcow2`) instead of its target.
        case blockJobPath(path: String, type: Domain.BlockJobType, status: BlockJobStatus?, rawType: Int32, rawStatus: Int32)
        /// A domain job finished (`VIR_DOMAIN_EVENT_ID_JOB_COMPLETED`), with the statistics
        /// `virDomainGetJobStats(…COMPLETED)` would return (type `.completed`; every parameter is in `raw`,
        /// keyed by the `VIR_DOMAIN_JOB_*` field names).
        case jobCompleted(JobStats)
        /// A write went beyond a block threshold (`VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD`): `dev` is the disk target
        /// (possibly with a `[index]` suffix for a backing layer), `path` the host file (may be empty).
        case blockThreshold(dev: String, path: String, threshold: UInt64, excess: UInt64)
        /// The guest agent's channel changed state (`VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE`): `connected` is true
        /// for `…_STATE_CONNECTED`, false for `…_STATE_DISCONNECTED`; `reason` is the raw
        /// `virConnectDomainEventAgentLifecycleReason` (1 domain started, 2 channel state changed).
        case agentLifecycle(connected: Bool, reason: Int32)
        /// An event QEMU itself sent on its monitor (QMP), passed through by libvirt-qemu
        /// (`virConnectDomainQemuMonitorEventRegister`), with the timestamp QEMU gave it.
        case qemuMonitor(QemuMonitorEvent)

        /// The libvirt event subscription this kind of event belongs to; nil for a QEMU monitor event,
        /// which is subscribed to by name (`Domain.events(_:qemuMonitor:)`).
        public var id: ID? {
            switch self {
            case .lifecycle: .lifecycle
            case .blockJob: .blockJob2
            case .blockJobPath: .blockJob
            case .jobCompleted: .jobCompleted
            case .blockThreshold: .blockThreshold
            case .agentLifecycle: .agentLifecycle
            case .qemuMonitor: nil
            }
        }

        /// Whether the guest agent connected (true) or disconnected (false), or nil for other kinds.
        public var agentConnected: Bool? {
            if case let .agentLifecycle(connected, _) = self { return connected }
            return nil
        }

        /// The QEMU monitor event, or nil for other kinds.
        public var qemuMonitor: QemuMonitorEvent? {
            if case let .qemuMonitor(event) = self { return event }
            return nil
        }

        /// The lifecycle event and its detail, or nil for other kinds.
        public var lifecycle: (event: LifecycleEvent, detail: Int32, detailName: String)? {
            if case let .lifecycle(event, detail, name) = self { return (event, detail, name) }
            return nil
        }

        /// The block job disk, type and status, or nil for other kinds.
        public var blockJob: (disk: String, type: Domain.BlockJobType, status: BlockJobStatus?)? {
            if case let .blockJob(disk, type, status, _, _) = self { return (disk, type, status) }
            return nil
        }

        /// The path, block job type and status of an original `BLOCK_JOB` event, or nil for other kinds.
        public var blockJobPath: (path: String, type: Domain.BlockJobType, status: BlockJobStatus?)? {
            if case let .blockJobPath(path, type, status, _, _) = self { return (path, type, status) }
            return nil
        }

        /// The statistics of a completed job, or nil for other kinds.
        public var jobCompleted: JobStats? {
            if case let .jobCompleted(stats) = self { return stats }
            return nil
        }

        /// The block threshold values, or nil for other kinds.
        public var blockThreshold: (dev: String, path: String, threshold: UInt64, excess: UInt64)? {
            if case let .blockThreshold(dev, path, threshold, excess) = self { return (dev, path, threshold, excess) }
            return nil
        }

        /// `Suspended (PAUSED)`, `block job copy on vda: READY`, `job completed: backup, success`, …
        public var description: String {
            switch self {
            case let .lifecycle(event, _, name):
                return "\(event) (\(name))"
            case let .blockJob(disk, type, status, rawType, rawStatus):
                let typeName = type == .unknown && rawType != 0 ? "type \(rawType)" : type.description
                return "block job \(typeName) on \(disk): \(status?.description ?? "status \(rawStatus)")"
            case let .blockJobPath(path, type, status, rawType, rawStatus):
                let typeName = type == .unknown && rawType != 0 ? "type \(rawType)" : type.description
                return "block job \(typeName) on \(path): \(status?.description ?? "status \(rawStatus)")"
            case let .jobCompleted(stats):
                let op = stats.operation?.description ?? "unknown operation"
                let outcome = stats.success.map { $0 ? "success" : "failure" } ?? "no outcome"
                return "job completed: \(op), \(outcome)"
            case let .blockThreshold(dev, path, threshold, excess):
                return "block threshold \(threshold) crossed on \(dev) (\(path)) by \(excess) bytes"
            case let .agentLifecycle(connected, reason):
                return "guest agent \(connected ? "connected" : "disconnected")"
                    + (reason == 1 ? " (domain started)" : reason == 2 ? " (channel)" : "")
            case let .qemuMonitor(event):
                return event.description
            }
        }
    }
}
