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
    }
    private let state = Mutex(State())

    init(domain: Domain) { self.domain = domain }

    /// Every event so far, oldest first.
    public var all: [DomainEvent] { state.withLock { $0.events } }

    /// Whether the subscription ended (after the snippet, in teardown).
    public var hasEnded: Bool { state.withLock { $0.ended } }

    func append(_ event: DomainEvent) { state.withLock { $0.events.append(event) } }

    func end() { state.withLock { $0.ended = true } }

    /// The first event at or after the cursor that satisfies `predicate`: moves the cursor past it and
    /// returns it. Otherwise returns nil and the events after the cursor (for a timeout message).
    func take(where predicate: (DomainEvent) -> Bool) -> (match: DomainEvent?, unmatched: [DomainEvent], ended: Bool) {
        state.withLock { s in
            for i in s.cursor..<s.events.count where predicate(s.events[i]) {
                s.cursor = i + 1
                return (s.events[i], [], s.ended)
            }
            return (nil, Array(s.events[s.cursor...]), s.ended)
        }
    }
}
