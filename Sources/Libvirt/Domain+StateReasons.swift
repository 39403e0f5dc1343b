// Generated from /usr/include/libvirt/libvirt-domain.h (libvirt 9.0.0): the reason enumerators of each domain state.

extension Domain.State {
    /// The C enumerator names of the reasons for this state (`virDomainRunningReason`, …), by value.
    var reasonNames: [Int32: String] {
        switch self {
        case .nostate: return [0: "UNKNOWN"]
        case .running: return [0: "UNKNOWN", 1: "BOOTED", 2: "MIGRATED", 3: "RESTORED", 4: "FROM_SNAPSHOT", 5: "UNPAUSED", 6: "MIGRATION_CANCELED", 7: "SAVE_CANCELED", 8: "WAKEUP", 9: "CRASHED", 10: "POSTCOPY", 11: "POSTCOPY_FAILED"]
        case .blocked: return [0: "UNKNOWN"]
        case .paused: return [0: "UNKNOWN", 1: "USER", 2: "MIGRATION", 3: "SAVE", 4: "DUMP", 5: "IOERROR", 6: "WATCHDOG", 7: "FROM_SNAPSHOT", 8: "SHUTTING_DOWN", 9: "SNAPSHOT", 10: "CRASHED", 11: "STARTING_UP", 12: "POSTCOPY", 13: "POSTCOPY_FAILED"]
        case .shutdown: return [0: "UNKNOWN", 1: "USER"]
        case .shutoff: return [0: "UNKNOWN", 1: "SHUTDOWN", 2: "DESTROYED", 3: "CRASHED", 4: "MIGRATED", 5: "SAVED", 6: "FAILED", 7: "FROM_SNAPSHOT", 8: "DAEMON"]
        case .crashed: return [0: "UNKNOWN", 1: "PANICKED"]
        case .pmsuspended: return [0: "UNKNOWN"]
        }
    }
}
