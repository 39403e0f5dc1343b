import Libvirt
import Synchronization

/// The events of one domain since `lab.events(_:)` subscribed, kept in arrival order.
///
/// Every event is kept (`all`) and added to the lab's evidence as it arrives, whether or not the snippet
/// waits for it. `Lab.waitFor(_:timeout:where:)` walks through the events in order;
/// `Lab.pauseWindow(in:)` measures a Suspended → Resumed window from their callback timestamps.
///
/// ```swift
/// let events = try lab.events(dom)
/// try dom.suspend()
/// try dom.resume()
/// _ = try await lab.waitFor(events) { $0.kind.lifecycle?.event == .resumed }
/// print(events.all.map(\.kind))    // [Suspended (PAUSED), Resumed (UNPAUSED)]
/// ```
public final class RecordedEvents: Sendable {
    /// The domain whose events these are.
    public let domain: Domain

    private struct State {
        var events: [DomainEvent] = []
        /// How many events `waitFor` has walked past.
        var cursor = 0
        var ended = false
        /// Tasks waiting for the next event (or the end), by waiter number.
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        /// Waiters whose wait is over before they registered (their deadline came first).
        var withdrawn: Set<UInt64> = []
    }
    private let state = Mutex(State())

    /// The QEMU monitor event names subscribed to (`lab.events(_:_:qemuMonitor:)`).
    public let qemuMonitorEvents: Set<String>

    init(domain: Domain, qemuMonitorEvents: Set<String> = []) {
        self.domain = domain
        self.qemuMonitorEvents = qemuMonitorEvents
    }

    /// Every event so far, oldest first.
    public var all: [DomainEvent] { state.withLock { $0.events } }

    /// Whether the subscription ended (after the snippet, in teardown).
    public var hasEnded: Bool { state.withLock { $0.ended } }

    func append(_ event: DomainEvent) {
        wake { $0.events.append(event) }
    }

    func end() {
        wake { $0.ended = true }
    }

    /// Applies `change` and resumes every waiter.
    private func wake(_ change: (inout State) -> Void) {
        let waiters = state.withLock { s in
            change(&s)
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// Returns once the record holds more than `count` events or has ended, or at `deadline`, whichever
    /// comes first. Event-driven: `append` and `end` resume the waiter; the deadline is only a bound.
    func waitForChange(beyond count: Int, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { s in
            defer { s.nextWaiter += 1 }
            return s.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { s -> Bool in
                        if s.events.count > count || s.ended || s.withdrawn.contains(id) { return true }
                        s.waiters[id] = c
                        return false
                    }
                    if now { c.resume() }
                }
            }
            group.addTask {
                try? await ContinuousClock().sleep(until: deadline, tolerance: nil)
            }
            await group.next()
            // Whichever finished first, the other must end too: the sleep is cancelled, the waiter withdrawn
            // (also if it has not registered yet: it sees `withdrawn` and returns at once).
            group.cancelAll()
            let waiter = state.withLock { s in
                s.withdrawn.insert(id)
                return s.waiters.removeValue(forKey: id)
            }
            waiter?.resume()
        }
        state.withLock { _ = $0.withdrawn.remove(id) }
    }

    /// The first event at or after the cursor that satisfies `predicate`: moves the cursor past it and
    /// returns it. Otherwise returns nil and the events after the cursor (for a timeout message).
    func take(where predicate: (DomainEvent) -> Bool)
        -> (match: DomainEvent?, unmatched: [DomainEvent], ended: Bool, count: Int) {
        state.withLock { s in
            for i in s.cursor..<s.events.count where predicate(s.events[i]) {
                s.cursor = i + 1
                return (s.events[i], [], s.ended, s.events.count)
            }
            return (nil, Array(s.events[s.cursor...]), s.ended, s.events.count)
        }
    }
}
