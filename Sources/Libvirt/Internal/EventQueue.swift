import Synchronization

/// An unbounded FIFO of domain events between libvirt's event loop thread (producer) and
/// Swift tasks (consumers).
///
/// Unlike `AsyncStream`, a consumer that stops waiting (its task is cancelled, or a timeout
/// fires) leaves the queue usable: the waiter is removed and no event is lost. Events pushed
/// while nobody waits are buffered without limit. After `finish()` new events are dropped,
/// buffered ones are discarded and every waiter gets nil.
final class EventQueue: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<DomainEvent?, Never>
    }

    private struct State {
        var buffer: [DomainEvent] = []
        var head = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var finished = false

        mutating func popFirst() -> DomainEvent? {
            guard head < buffer.count else { return nil }
            let e = buffer[head]
            head += 1
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            return e
        }
    }

    private let state = Mutex(State())

    /// Hands the event to the oldest waiter, or buffers it. Called on libvirt's event loop thread.
    func push(_ event: DomainEvent) {
        let waiter: Waiter? = state.withLock { s in
            if s.finished { return nil }
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.buffer.append(event)
            return nil
        }
        waiter?.continuation.resume(returning: event)
    }

    /// Ends the queue: buffered events are discarded and current and future waiters get nil.
    func finish() {
        let waiters: [Waiter] = state.withLock { s in
            s.finished = true
            s.buffer.removeAll()
            s.head = 0
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.continuation.resume(returning: nil) }
    }

    /// Whether `finish()` was called.
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Number of events buffered and not yet taken.
    var bufferedCount: Int { state.withLock { $0.buffer.count - $0.head } }

    /// The next event; nil when the queue is finished or the calling task is cancelled
    /// (cancellation does not finish the queue).
    func next() async -> DomainEvent? {
        let id = state.withLock { s in
            s.nextWaiterID &+= 1
            return s.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<DomainEvent?, Never>) in
                // Decide under the lock, resume outside it.
                let immediate: DomainEvent?? = state.withLock { s in
                    if let e = s.popFirst() { return .some(e) }
                    // The cancellation flag is set before the handler runs, so checking it under the lock
                    // closes the window between the handler and the append below.
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiters.append(Waiter(id: id, continuation: c))
                    return .none
                }
                if let result = immediate { c.resume(returning: result) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { s in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }
}
