internal import CLibvirt
import Foundation

/// A libvirt domain (`virDomainPtr`): a virtual machine, running or not.
///
/// A `Domain` keeps its `Connection` alive. Its handle is freed in `deinit` (`virDomainFree`).
///
/// ```swift
/// let conn = try Connection(uri: "test:///default")
/// let dom = try conn.lookupDomain(name: "test")
/// try dom.suspend()
/// print(try dom.state())          // paused (USER)
/// try dom.resume()
/// ```
public final class Domain: @unchecked Sendable {
    let rawHandle: OpaquePointer
    /// The connection this domain belongs to.
    public let connection: Connection

    init(handle: OpaquePointer, connection: Connection) {
        self.rawHandle = handle
        self.connection = connection
    }

    deinit { virDomainFree(rawHandle) }

    /// The C handle, after checking that the connection is still open.
    func handle() throws(LibvirtError) -> OpaquePointer {
        _ = try connection.handle()
        return rawHandle
    }

    // MARK: Identity

    /// The domain's name (the corresponding C function is `virDomainGetName`).
    public var name: String { String(cString: virDomainGetName(rawHandle)) }

    /// The domain's UUID as a string (the corresponding C function is `virDomainGetUUIDString`).
    public var uuid: String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(VIR_UUID_STRING_BUFLEN)) { buf in
            buf.initialize(repeating: 0)
            _ = virDomainGetUUIDString(rawHandle, buf.baseAddress)
            return String(cString: buf.baseAddress!)
        }
    }

    /// Whether the domain is running (the corresponding C function is `virDomainIsActive`).
    public func isActive() throws(LibvirtError) -> Bool { try check(virDomainIsActive(try handle())) == 1 }

    /// Whether the domain has a persistent definition (the corresponding C function is `virDomainIsPersistent`).
    public func isPersistent() throws(LibvirtError) -> Bool { try check(virDomainIsPersistent(try handle())) == 1 }

    // MARK: Life cycle

    /// Flags for starting a domain (`virDomainCreateFlags`).
    public struct StartFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_START_PAUSED`
        public static let paused = StartFlags(rawValue: VIR_DOMAIN_START_PAUSED.rawValue)
        /// `VIR_DOMAIN_START_AUTODESTROY`
        public static let autoDestroy = StartFlags(rawValue: VIR_DOMAIN_START_AUTODESTROY.rawValue)
        /// `VIR_DOMAIN_START_BYPASS_CACHE`
        public static let bypassCache = StartFlags(rawValue: VIR_DOMAIN_START_BYPASS_CACHE.rawValue)
        /// `VIR_DOMAIN_START_FORCE_BOOT`: boot, discarding any managed save image.
        public static let forceBoot = StartFlags(rawValue: VIR_DOMAIN_START_FORCE_BOOT.rawValue)
        /// `VIR_DOMAIN_START_VALIDATE`
        public static let validate = StartFlags(rawValue: VIR_DOMAIN_START_VALIDATE.rawValue)
    }

    /// Starts a defined domain (the corresponding C function is `virDomainCreateWithFlags`).
    /// If a managed save image exists, the domain is restored from it unless `.forceBoot` is given.
    public func start(_ flags: StartFlags = []) throws(LibvirtError) {
        try check(virDomainCreateWithFlags(try handle(), flags.rawValue))
    }

    /// Stops the domain at once, like pulling the plug (the corresponding C function is `virDomainDestroy`).
    public func destroy() throws(LibvirtError) { try check(virDomainDestroy(try handle())) }

    /// Flags for `undefine` (`virDomainUndefineFlagsValues`).
    public struct UndefineFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_UNDEFINE_MANAGED_SAVE`
        public static let managedSave = UndefineFlags(rawValue: VIR_DOMAIN_UNDEFINE_MANAGED_SAVE.rawValue)
        /// `VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA`
        public static let snapshotsMetadata = UndefineFlags(rawValue: VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA.rawValue)
        /// `VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA`
        public static let checkpointsMetadata = UndefineFlags(rawValue: VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA.rawValue)
        /// `VIR_DOMAIN_UNDEFINE_NVRAM`
        public static let nvram = UndefineFlags(rawValue: VIR_DOMAIN_UNDEFINE_NVRAM.rawValue)
    }

    /// Removes the persistent definition (the corresponding C function is `virDomainUndefineFlags`).
    public func undefine(_ flags: UndefineFlags = []) throws(LibvirtError) {
        try check(virDomainUndefineFlags(try handle(), flags.rawValue))
    }

    /// Pauses all virtual CPUs (the corresponding C function is `virDomainSuspend`).
    public func suspend() throws(LibvirtError) { try check(virDomainSuspend(try handle())) }

    /// Resumes a paused domain (the corresponding C function is `virDomainResume`).
    public func resume() throws(LibvirtError) { try check(virDomainResume(try handle())) }

    // MARK: State

    /// A domain state (`virDomainState`).
    public enum State: Int32, Sendable, Codable, CustomStringConvertible {
        case nostate = 0, running = 1, blocked = 2, paused = 3, shutdown = 4, shutoff = 5, crashed = 6, pmsuspended = 7
        public var description: String {
            switch self {
            case .nostate: "no state"
            case .running: "running"
            case .blocked: "blocked"
            case .paused: "paused"
            case .shutdown: "shutting down"
            case .shutoff: "shut off"
            case .crashed: "crashed"
            case .pmsuspended: "pmsuspended"
            }
        }
    }

    /// A state and the reason for it, e.g. `shut off (SAVED)`.
    public struct StateAndReason: Sendable, Hashable, CustomStringConvertible {
        public var state: State
        /// The raw reason (`virDomainRunningReason`, `virDomainPausedReason`, … depending on `state`).
        public var reason: Int32
        /// The reason's C enumerator name without its prefix, e.g. `FROM_SNAPSHOT` for `VIR_DOMAIN_RUNNING_FROM_SNAPSHOT`.
        public var reasonName: String { state.reasonNames[reason] ?? "\(reason)" }
        public var description: String { "\(state) (\(reasonName))" }
    }

    /// The current state and its reason (the corresponding C function is `virDomainGetState`).
    public func state() throws(LibvirtError) -> StateAndReason {
        var st: Int32 = 0, reason: Int32 = 0
        try check(virDomainGetState(try handle(), &st, &reason, 0))
        return StateAndReason(state: State(rawValue: st) ?? .nostate, reason: reason)
    }

    // MARK: XML

    /// Flags for `xmlDescription` (`virDomainXMLFlags`).
    public struct XMLFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_XML_SECURE`
        public static let secure = XMLFlags(rawValue: VIR_DOMAIN_XML_SECURE.rawValue)
        /// `VIR_DOMAIN_XML_INACTIVE`: the persistent definition rather than the live one.
        public static let inactive = XMLFlags(rawValue: VIR_DOMAIN_XML_INACTIVE.rawValue)
        /// `VIR_DOMAIN_XML_MIGRATABLE`
        public static let migratable = XMLFlags(rawValue: VIR_DOMAIN_XML_MIGRATABLE.rawValue)
    }

    /// The domain's XML description (the corresponding C function is `virDomainGetXMLDesc`).
    public func xmlDescription(_ flags: XMLFlags = []) throws(LibvirtError) -> String {
        try checkString(virDomainGetXMLDesc(try handle(), flags.rawValue))
    }
}
