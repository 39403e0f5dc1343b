import Synchronization

/// The events of one domain, in the order libvirt dispatched them (see `Domain.events(_:)`).
///
/// An `AsyncSequence` with unbounded buffering: events that arrive while nobody iterates wait in the
/// stream. It ends (and its libvirt callbacks are deregistered) when `cancel()` is called, when a task
/// iterating it is cancelled, or when the last reference to the stream and its iterators goes away.
///
/// ```swift
/// let events = try dom.events()
/// try dom.destroy()
/// let stopped = try await events.next(matching: { $0.kind.lifecycle?.event == .stopped },
///                                     timeout: .seconds(10))
/// print(stopped.kind.lifecycle?.detailName ?? "")   // DESTROYED
/// ```
public final class DomainEventStream: AsyncSequence, Sendable {
    /// The stream delivers `DomainEvent` values.
    public typealias Element = DomainEvent
    /// Iteration never throws; it ends with nil.
    public typealias Failure = Never

    /// The domain whose events this stream delivers.
    public let domain: Domain
    /// The event types subscribed to.
    public let ids: Set<DomainEvent.ID>
    /// The QEMU monitor event names subscribed to.
    public let qemuMonitorEvents: Set<String>

    let queue: EventQueue
    /// This stream's subscriber token in the registry.
    private let token: UInt64
    /// The registry keys subscribed to, or nil once unsubscribed.
    private let keys: Mutex<[EventRegistry.Key]?>
    /// Fired when libvirt released the callback contexts this stream was delivered from.
    let releaseSignals: [ReleaseSignal]

    init(domain: Domain, ids: Set<DomainEvent.ID>, qemuMonitorEvents: Set<String>, token: UInt64,
         keys: [EventRegistry.Key], releaseSignals: [ReleaseSignal], queue: EventQueue) {
        self.domain = domain
        self.ids = ids
        self.qemuMonitorEvents = qemuMonitorEvents
        self.token = token
        self.keys = Mutex(keys)
        self.releaseSignals = releaseSignals
        self.queue = queue
    }

    deinit { cancel() }

    /// Ends the stream: leaves its event registrations (the last stream of a registration deregisters it;
    /// the corresponding C function is `virConnectDomainEventDeregisterAny`), drops buffered events and makes
    /// every pending and future `next()` return nil. Calling it again does nothing.
    ///
    /// Deregistration goes through the connection the domain handle holds (`virDomainGetConnect`),
    /// so it also works after `Connection.close()`. Other streams subscribed to the same domain keep working.
    public func cancel() {
        guard let keys = keys.withLock({ keys -> [EventRegistry.Key]? in
            defer { keys = nil }
            return keys
        }) else { return }
        for key in keys { EventRegistry.unsubscribe(key, token: token) }
        queue.finish()
    }

    /// Whether the stream has ended (`cancel()` was called, directly or by a cancelled iteration).
    public var isCancelled: Bool { keys.withLock { $0 == nil } }

    /// Waits for the next event that satisfies `predicate`, discarding the events before it, for at most
    /// `timeout`. The wait is event-driven (no polling).
    ///
    /// Throws `EventTimeout` when the time is up (the stream stays usable and keeps every event that
    /// arrives later), `DomainEventStream.Ended` when the stream ended first, and `CancellationError`
    /// when the calling task is cancelled (which does not end the stream).
    public func next(matching predicate: (DomainEvent) -> Bool = { _ in true },
                     timeout: Duration) async throws -> DomainEvent {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var discarded = 0
        while true {
            let outcome = await nextEvent(before: deadline, clock: clock)
            switch outcome {
            case .event(let e):
                if predicate(e) { return e }
                discarded += 1
            case .ended:
                try Task.checkCancellation()
                throw Ended(domainName: domain.name)
            case .timedOut:
                try Task.checkCancellation()
                throw EventTimeout(domainName: domain.name, timeout: timeout, discarded: discarded)
            }
        }
    }

    private enum Outcome: Sendable { case event(DomainEvent), ended, timedOut }

    /// Races the queue against the deadline. Cancelling the waiting child only withdraws it from the queue,
    /// so an event that is handed over just as the deadline fires is still returned, never lost.
    private func nextEvent(before deadline: ContinuousClock.Instant, clock: ContinuousClock) async -> Outcome {
        let queue = self.queue
        return await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                if let e = await queue.next() { return .event(e) }
                return .ended
            }
            group.addTask {
                try? await clock.sleep(until: deadline, tolerance: nil)
                return .timedOut
            }
            var result: Outcome = .timedOut
            var sawEvent = false
            for await outcome in group {
                group.cancelAll()
                switch outcome {
                case .event:
                    result = outcome
                    sawEvent = true
                case .ended where !sawEvent:
                    // The waiter was withdrawn by the deadline or by cancellation, or the queue really ended.
                    if queue.isFinished { result = .ended }
                case .ended, .timedOut:
                    break
                }
            }
            return result
        }
    }

    /// Iterates the events; see `DomainEventStream`.
    public struct Iterator: AsyncIteratorProtocol {
        let stream: DomainEventStream

        /// The next event, or nil once the stream has ended. If the iterating task is cancelled,
        /// the stream is cancelled too (as `AsyncStream` does) and nil is returned.
        public mutating func next() async -> DomainEvent? {
            if let e = await stream.queue.next() { return e }
            if Task.isCancelled { stream.cancel() }
            return nil
        }
    }

    /// Makes an iterator. Iterators share the stream's buffer; each event goes to one of them.
    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    /// Returns once libvirt released every callback context this stream was delivered from
    /// (each registration's free callback ran). For tests of the registration balance.
    func waitUntilCallbacksReleased() async {
        for signal in releaseSignals { await signal.wait() }
    }

    /// Contexts of this stream's registrations that libvirt still holds.
    var liveCallbackCount: Int { releaseSignals.filter { !$0.isReleased }.count }

    /// The error `next(matching:timeout:)` throws when the stream ended before a matching event arrived.
    public struct Ended: Error, Sendable, CustomStringConvertible {
        /// The domain the stream was subscribed to.
        public var domainName: String
        /// A sentence naming the domain.
        public var description: String { "the event stream of domain '\(domainName)' ended" }
    }
}

/// The error `DomainEventStream.next(matching:timeout:)` throws when no matching event arrived in time.
public struct EventTimeout: Error, Sendable, CustomStringConvertible {
    /// The domain the stream was subscribed to.
    public var domainName: String
    /// How long the call waited.
    public var timeout: Duration
    /// Events that arrived during the wait but did not match the predicate.
    public var discarded: Int

    /// Creates a timeout error.
    public init(domainName: String, timeout: Duration, discarded: Int) {
        self.domainName = domainName
        self.timeout = timeout
        self.discarded = discarded
    }

    /// A sentence naming the domain, the timeout and the number of discarded events.
    public var description: String {
        "no matching event for domain '\(domainName)' within \(timeout) (\(discarded) other event(s) discarded)"
    }
}
