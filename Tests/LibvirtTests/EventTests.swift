import Foundation
import Testing
@testable import Libvirt

/// A private test-driver host (`TestDriverNode`) with two running domains, so that tests mutating state do
/// not see each other's events.
private struct PrivateTestHost {
    static let names = ["rewind-ev-a", "rewind-ev-b"]
    let node: TestDriverNode
    var connection: Connection { node.connection }

    init() throws {
        node = try TestDriverNode("ev", domains: Self.names.map { TestDriverNode.guest($0) })
    }

    func domain(_ index: Int) throws -> Domain { try node.domain(Self.names[index]) }
}

private func isLifecycle(_ event: DomainEvent.LifecycleEvent) -> (DomainEvent) -> Bool {
    { $0.kind.lifecycle?.event == event }
}

private func median(_ values: [Duration]) -> Duration {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

@Suite("Domain events (test driver)", .timeLimit(.minutes(1)))
struct EventTests {
    @Test("suspend/resume/destroy/start produce lifecycle events in order with non-decreasing timestamps")
    func lifecycleInOrder() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        let events = try dom.events([.lifecycle])
        defer { events.cancel() }

        var received: [DomainEvent] = []
        var latencies: [Duration] = []
        func step(_ action: () throws -> Void) async throws {
            try action()
            let e = try await events.next(timeout: .seconds(10))
            latencies.append(ContinuousClock.now - e.timestamp)
            received.append(e)
        }
        try await step { try dom.suspend() }
        try await step { try dom.resume() }
        try await step { try dom.destroy() }
        try await step { try dom.start() }

        let kinds = received.map { e in e.kind.lifecycle.map { "\($0.event) \($0.detailName)" } ?? "\(e.kind)" }
        #expect(kinds == ["Suspended PAUSED", "Resumed UNPAUSED", "Stopped DESTROYED", "Started BOOTED"])
        #expect(received.allSatisfy { $0.domainName == "rewind-ev-a" })
        #expect(received.allSatisfy { $0.kind.id == .lifecycle })
        #expect(received.map { $0.kind.lifecycle?.detail } == [0, 0, 1, 0])
        for (a, b) in zip(received, received.dropFirst()) { #expect(a.timestamp <= b.timestamp) }

        // More samples for the latency figure (printed, never asserted).
        for _ in 0..<20 {
            try await step { try dom.suspend() }
            try await step { try dom.resume() }
        }
        for (a, b) in zip(received, received.dropFirst()) { #expect(a.timestamp <= b.timestamp) }
        print("[events] test driver: median callback-to-consumer latency \(median(latencies)) over \(latencies.count) lifecycle events")
    }

    @Test("events of another domain are not delivered")
    func otherDomainFiltered() async throws {
        let host = try PrivateTestHost()
        let a = try host.domain(0), b = try host.domain(1)
        let eventsA = try a.events([.lifecycle])
        let eventsB = try b.events([.lifecycle])
        defer { eventsA.cancel(); eventsB.cancel() }

        try b.destroy()
        try b.start()
        try b.suspend()
        try a.suspend()

        // B's own stream sees B's three events, so they were really emitted …
        var seenByB: [String] = []
        for _ in 0..<3 {
            let e = try await eventsB.next(timeout: .seconds(10))
            seenByB.append("\(e.domainName) \(e.kind)")
        }
        #expect(seenByB == ["rewind-ev-b Stopped (DESTROYED)", "rewind-ev-b Started (BOOTED)",
                            "rewind-ev-b Suspended (PAUSED)"])
        // … and A's stream, in the same dispatch order, sees only A's suspend.
        let first = try await eventsA.next(timeout: .seconds(10))
        #expect(first.domainName == "rewind-ev-a")
        #expect(first.kind.lifecycle?.event == .suspended)
        #expect(eventsA.queue.bufferedCount == 0)
        #expect(eventsB.queue.bufferedCount == 0)
    }

    @Test("cancel deregisters every callback; later state changes are harmless; a new subscription works")
    func cancelDeregisters() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        let events = try dom.events() // the four default IDs
        #expect(events.releaseSignals.count == 4)
        #expect(events.liveCallbackCount == 4)

        try dom.suspend()
        _ = try await events.next(matching: isLifecycle(.suspended), timeout: .seconds(10))
        events.cancel()
        events.cancel() // idempotent
        #expect(events.isCancelled)

        // libvirt called the free callback of every registration (no context leaked).
        await events.waitUntilCallbacksReleased()
        #expect(events.liveCallbackCount == 0)

        // Further state changes after deregistration do not reach the (finished) stream.
        try dom.resume()
        try dom.destroy()
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        await #expect(throws: DomainEventStream.Ended.self) {
            try await events.next(timeout: .seconds(5))
        }

        // A new subscription on the same domain and connection works.
        let again = try dom.events([.lifecycle])
        defer { again.cancel() }
        try dom.start()
        let started = try await again.next(timeout: .seconds(10))
        #expect(started.kind.lifecycle?.event == .started)
        #expect(started.kind.lifecycle?.detailName == "BOOTED")
    }

    @Test("releasing the stream object deregisters and frees the callback contexts")
    func deinitDeregisters() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        var events: DomainEventStream? = try dom.events([.lifecycle, .blockJob2])
        let signals = events!.releaseSignals
        try dom.suspend()
        _ = try await events!.next(timeout: .seconds(10))
        #expect(signals.count == 2)
        #expect(signals.allSatisfy { !$0.isReleased })
        events = nil
        for signal in signals { await signal.wait() }
        #expect(signals.allSatisfy { $0.isReleased })

        try dom.resume()
        let next = try dom.events([.lifecycle])
        defer { next.cancel() }
        try dom.suspend()
        #expect(try await next.next(timeout: .seconds(10)).kind.lifecycle?.event == .suspended)
    }

    @Test("cancelling the iterating task ends the stream and deregisters")
    func taskCancellationEndsStream() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        let events = try dom.events([.lifecycle])
        let firstSeen = AsyncStream.makeStream(of: Void.self)
        let consumer = Task {
            var count = 0
            for await _ in events {
                count += 1
                firstSeen.continuation.yield()
            }
            return count
        }
        try dom.suspend()
        var signals = firstSeen.stream.makeAsyncIterator()
        _ = await signals.next()
        consumer.cancel()
        #expect(await consumer.value == 1)
        #expect(events.isCancelled)
        await events.waitUntilCallbacksReleased()
        #expect(events.liveCallbackCount == 0)
    }

    @Test("two streams on the same domain share one registration and both receive every event")
    func sharedRegistration() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        // A second Domain object for the same domain: same connection, same UUID, same registration.
        let sameDom = try host.domain(0)
        let first = try dom.events([.lifecycle])
        let second = try sameDom.events([.lifecycle, .blockThreshold])
        defer { first.cancel(); second.cancel() }
        #expect(first.releaseSignals[0] === second.releaseSignals[0])

        try dom.suspend()
        #expect(try await first.next(timeout: .seconds(10)).kind.lifecycle?.event == .suspended)
        #expect(try await second.next(timeout: .seconds(10)).kind.lifecycle?.event == .suspended)

        // Leaving does not deregister while the other stream still listens.
        first.cancel()
        #expect(first.liveCallbackCount == 1)
        try dom.resume()
        #expect(try await second.next(timeout: .seconds(10)).kind.lifecycle?.event == .resumed)

        second.cancel()
        await second.waitUntilCallbacksReleased()
        #expect(first.liveCallbackCount == 0)
        #expect(second.liveCallbackCount == 0)
    }

    @Test("a timeout throws EventTimeout and keeps the stream usable")
    func timeoutKeepsStream() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        let events = try dom.events([.lifecycle])
        defer { events.cancel() }

        try dom.suspend()
        let start = ContinuousClock.now
        do {
            _ = try await events.next(matching: isLifecycle(.crashed), timeout: .milliseconds(300))
            Issue.record("no crash event was expected")
        } catch let timeout as EventTimeout {
            #expect(timeout.discarded == 1) // the suspend event did not match
            #expect(timeout.domainName == "rewind-ev-a")
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
        #expect(!events.isCancelled)

        try dom.resume()
        let resumed = try await events.next(timeout: .seconds(10))
        #expect(resumed.kind.lifecycle?.event == .resumed)
    }

    @Test("QEMU monitor events: the test driver refuses them with VIR_ERR_NO_SUPPORT and nothing stays registered")
    func qemuMonitorEventsRefused() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        var refused: LibvirtError?
        do { _ = try dom.events([.lifecycle], qemuMonitor: ["STOP"]) } catch { refused = error }
        #expect(refused?.code == .noSupport)
        // The lifecycle registration made before the refusal was rolled back: a new one works and
        // receives each event once.
        let events = try dom.events([.lifecycle])
        defer { events.cancel() }
        try dom.suspend()
        #expect(try await events.next(timeout: .seconds(10)).kind.lifecycle?.event == .suspended)
        try dom.resume()
        #expect(try await events.next(timeout: .seconds(10)).kind.lifecycle?.event == .resumed)
    }

    @Test("a QEMU monitor event's timestamp: seconds and microseconds since the epoch, nil when QEMU gave none")
    func qemuMonitorEventValue() {
        let stop = QemuMonitorEvent(name: "STOP", seconds: 1_700_000_000, micros: 250_000, details: nil)
        #expect(stop.emittedAt == .seconds(1_700_000_000) + .milliseconds(250))
        #expect(stop.description == "QEMU STOP")
        let unknown = QemuMonitorEvent(name: "RESUME", seconds: -1, micros: 0, details: #"{"a":1}"#)
        #expect(unknown.emittedAt == nil)
        #expect(unknown.description == #"QEMU RESUME {"a":1}"#)
        #expect(DomainEvent.Kind.qemuMonitor(stop).id == nil)
        #expect(DomainEvent.Kind.qemuMonitor(stop).qemuMonitor == stop)
    }

    @Test("agent lifecycle kinds: connected/disconnected with the reason, in their own subscription")
    func agentLifecycleKinds() {
        let up = DomainEvent.Kind.agentLifecycle(connected: true, reason: 2)
        #expect(up.id == .agentLifecycle && up.id?.name == "VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE")
        #expect(up.agentConnected == true && "\(up)" == "guest agent connected (channel)")
        let down = DomainEvent.Kind.agentLifecycle(connected: false, reason: 1)
        #expect(down.agentConnected == false && "\(down)" == "guest agent disconnected (domain started)")
        #expect(DomainEvent.Kind.lifecycle(.started, detail: 0, detailName: "BOOTED").agentConnected == nil)
    }

    @Test("a cancelled wait throws CancellationError and does not end the stream")
    func cancelledWait() async throws {
        let host = try PrivateTestHost()
        let dom = try host.domain(0)
        let events = try dom.events([.lifecycle])
        defer { events.cancel() }
        let waiter = Task { try await events.next(matching: isLifecycle(.crashed), timeout: .seconds(30)) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(!events.isCancelled)
        try dom.suspend()
        #expect(try await events.next(timeout: .seconds(10)).kind.lifecycle?.event == .suspended)
    }

    @Test("the parameters of a job-completed event become completed-job statistics")
    func jobCompletedParameters() throws {
        var list = TypedParameterList()
        try list.add("operation", .int(9))
        try list.add("success", .bool(true))
        try list.add("downtime", .ulong(42))
        try list.add("time_elapsed", .ulong(1234))
        try list.add("disk_total", .ulong(1 << 26))
        try list.add("errmsg", .string("none"))
        try list.add("custom", .double(0.5))

        let kind = jobCompletedKind(list.pointer, count: list.count)
        #expect(kind.id == .jobCompleted)
        let stats = try #require(kind.jobCompleted)
        #expect(stats.type == .completed)
        #expect(stats.operation == .backup)
        #expect(stats.success == true)
        #expect(stats.downtime == 42)
        #expect(stats.timeElapsed == 1234)
        #expect(stats.diskTotal == 1 << 26)
        #expect(stats.errmsg == "none")
        #expect(stats.raw.count == 7)
        #expect(stats.raw["custom"] == .double(0.5))
        #expect("\(kind)" == "job completed: backup, success")

        let empty = jobCompletedKind(nil, count: 0)
        #expect(empty.jobCompleted?.raw.isEmpty == true)
        #expect("\(empty)" == "job completed: unknown operation, no outcome")
    }

    @Test("block job kinds keep unknown values")
    func blockJobKinds() {
        let known = DomainEvent.Kind.blockJob(disk: "vda", type: .copy, status: .ready, rawType: 2, rawStatus: 3)
        #expect(known.id == .blockJob2)
        #expect(known.blockJob?.type == .copy)
        #expect(known.blockJob?.status == .ready)
        #expect("\(known)" == "block job copy on vda: READY")
        let future = DomainEvent.Kind.blockJob(disk: "vdb", type: .unknown, status: nil, rawType: 42, rawStatus: 7)
        #expect("\(future)" == "block job type 42 on vdb: status 7")
        // The original BLOCK_JOB event names the image path and belongs to its own subscription.
        let legacy = DomainEvent.Kind.blockJobPath(path: "/img/vm.qcow2", type: .copy, status: .ready, rawType: 2, rawStatus: 3)
        #expect(legacy.id == .blockJob && legacy.id?.name == "VIR_DOMAIN_EVENT_ID_BLOCK_JOB")
        #expect(legacy.blockJob == nil && legacy.blockJobPath?.path == "/img/vm.qcow2")
        #expect("\(legacy)" == "block job copy on /img/vm.qcow2: READY")
    }

    @Test("detail names come from the header's enumerators")
    func detailNames() {
        #expect(DomainEvent.LifecycleEvent.suspended.detailName(0) == "PAUSED")
        #expect(DomainEvent.LifecycleEvent.stopped.detailName(4) == "SAVED")
        #expect(DomainEvent.LifecycleEvent.started.detailName(2) == "RESTORED")
        #expect(DomainEvent.LifecycleEvent.started.detailName(99) == "99")
        for event in DomainEvent.LifecycleEvent.allCases { #expect(!event.detailNames.isEmpty) }
    }
}
