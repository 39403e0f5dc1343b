// Generated from /usr/include/libvirt/libvirt-domain.h (libvirt 9.0.0): the detail enumerators of each
// lifecycle event (`virDomainEvent*DetailType`).

extension DomainEvent.LifecycleEvent {
    /// The C enumerator names of the details of this event (`virDomainEvent<Event>DetailType`), by value,
    /// without the `VIR_DOMAIN_EVENT_<EVENT>_` prefix.
    var detailNames: [Int32: String] {
        switch self {
        case .defined: return [0: "ADDED", 1: "UPDATED", 2: "RENAMED", 3: "FROM_SNAPSHOT"]
        case .undefined: return [0: "REMOVED", 1: "RENAMED"]
        case .started: return [0: "BOOTED", 1: "MIGRATED", 2: "RESTORED", 3: "FROM_SNAPSHOT", 4: "WAKEUP"]
        case .suspended: return [0: "PAUSED", 1: "MIGRATED", 2: "IOERROR", 3: "WATCHDOG", 4: "RESTORED", 5: "FROM_SNAPSHOT", 6: "API_ERROR", 7: "POSTCOPY", 8: "POSTCOPY_FAILED"]
        case .resumed: return [0: "UNPAUSED", 1: "MIGRATED", 2: "FROM_SNAPSHOT", 3: "POSTCOPY", 4: "POSTCOPY_FAILED"]
        case .stopped: return [0: "SHUTDOWN", 1: "DESTROYED", 2: "CRASHED", 3: "MIGRATED", 4: "SAVED", 5: "FAILED", 6: "FROM_SNAPSHOT"]
        case .shutdown: return [0: "FINISHED", 1: "GUEST", 2: "HOST"]
        case .pmsuspended: return [0: "MEMORY", 1: "DISK"]
        case .crashed: return [0: "PANICKED", 1: "CRASHLOADED"]
        }
    }
}
