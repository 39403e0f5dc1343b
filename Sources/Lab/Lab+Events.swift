import Foundation
import Libvirt
import Synchronization

// Domain events in a snippet: subscribe once, every event lands in the evidence, wait for the one you
// need with a bound, and measure how long the guest was paused.

extension Lab {
    /// Subscribes to `domain`'s events (`Domain.events(_:)`, for this domain only) and returns their
    /// record. Each event is added to the evidence as it arrives (`recordEvent`, e.g. `Suspended (PAUSED)`
    /// with the domain's name as detail); the subscription ends after the snippet.
    ///
    /// ```swift
    /// let dom = try lab.makeDomain()
    /// let events = try lab.events(dom)
    /// try dom.suspend()
    /// let paused = try await lab.waitFor(events) { $0.kind.lifecycle?.event == .suspended }
    /// ```
    ///
    /// Subscribe *before* the call whose events you want: libvirt does not replay past events.
    ///
    /// `qemuMonitor` adds QEMU's own monitor events of those names (`Domain.events(_:qemuMonitor:)`), each
    /// stamped by QEMU: `["STOP", "RESUME"]` lets `qemuPauseWindow(in:)` measure how long QEMU held the
    /// vCPUs stopped, free of libvirt's event dispatch delays.
    public func events(_ domain: Domain,
                       _ ids: Set<DomainEvent.ID> = [.lifecycle, .blockJob2, .jobCompleted, .blockThreshold],
                       qemuMonitor: Set<String> = []) throws(LibvirtError) -> RecordedEvents {
        let stream = try domain.events(ids, qemuMonitor: qemuMonitor)
        let recorded = RecordedEvents(domain: domain, qemuMonitorEvents: qemuMonitor)
        let pump = Task { [self] in
            for await event in stream {
                // Evidence first: once `waitFor` can see an event, the evidence holds it.
                recordEvent(event.kind.description, detail: event.domainName)
                recorded.append(event)
            }
            recorded.end()
        }
        onTeardown {
            stream.cancel()
            await pump.value
        }
        return recorded
    }

    /// Waits at most `timeout` for the next event of `events` that satisfies `predicate` and returns it.
    ///
    /// Events are taken in order: each call starts after the event the previous call returned, and
    /// passes over (but keeps in `events.all`) those that do not match.
    ///
    /// ```swift
    /// try dom.beginBackup(xml: backup.xml())
    /// let done = try await lab.waitFor(events, timeout: .seconds(60)) { $0.kind.jobCompleted != nil }
    /// try lab.expectEqual(done.kind.jobCompleted?.success, true)
    /// ```
    ///
    /// - Throws: `LabFailure` naming the calling line and the events that did arrive, when the time is
    ///   up or the subscription ended.
    public func waitFor(_ events: RecordedEvents, timeout: Duration = .seconds(30),
                        where predicate: (DomainEvent) -> Bool,
                        file: String = #filePath, line: Int = #line) async throws -> DomainEvent {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let (match, unmatched, ended, count) = events.take(where: predicate)
            if let match { return match }
            if ended || clock.now >= deadline {
                let seen = unmatched.isEmpty ? "none" : unmatched.map(\.kind.description).joined(separator: ", ")
                throw LabFailure("no matching event of \(events.domain.name) "
                                 + (ended ? "before the subscription ended" : "within \(timeout)")
                                 + "; events since the last match: \(seen)", file: file, line: line)
            }
            await events.waitForChange(beyond: count, until: deadline)
            try Task.checkCancellation()
        }
    }

    /// How long the guest was paused: the time between the last lifecycle `Suspended` event of `events`
    /// that is followed by a `Resumed` event, and that `Resumed` event, from libvirt's callback
    /// timestamps. Recorded in the evidence as `pause window` (ms). Nil when there is no such pair yet.
    ///
    /// ```swift
    /// let events = try lab.events(dom)
    /// _ = try dom.createSnapshot()      // internal snapshot of a running guest: vCPUs stop meanwhile
    /// _ = try await lab.waitFor(events) { $0.kind.lifecycle?.event == .resumed }
    /// if let window = lab.pauseWindow(in: events) { lab.note("paused for \(window)") }
    /// ```
    ///
    /// Wait for the `Resumed` event first (`waitFor`): events arrive asynchronously, after the call that
    /// caused them has returned.
    @discardableResult
    public func pauseWindow(in events: RecordedEvents) -> Duration? {
        let pair = Self.lastPair(in: events.all, start: { $0.kind.lifecycle?.event == .suspended },
                                 end: { $0.kind.lifecycle?.event == .resumed })
        let window = pair.map { $0.end.timestamp - $0.start.timestamp }
        if let window { record("pause window", Self.milliseconds(window), unit: "ms") }
        return window
    }

    /// The last event satisfying `start` that is followed by one satisfying `end`, and that end event
    /// (an end without a start before it opens no pair).
    static func lastPair(in events: [DomainEvent], start: (DomainEvent) -> Bool,
                         end: (DomainEvent) -> Bool) -> (start: DomainEvent, end: DomainEvent)? {
        var opened: DomainEvent?
        var pair: (start: DomainEvent, end: DomainEvent)?
        for event in events {
            if start(event) {
                opened = event
            } else if end(event) {
                if let opened { pair = (opened, event) }
                opened = nil
            }
        }
        return pair
    }

    /// How long QEMU held the guest's vCPUs stopped: the time between the last QEMU `STOP` monitor event of
    /// `events` that is followed by a `RESUME`, and that `RESUME`, from the timestamps QEMU put on them.
    /// Subscribe with `lab.events(dom, qemuMonitor: ["STOP", "RESUME"])`. Recorded in the evidence as
    /// `pause window (QEMU)` (ms). Nil when there is no such pair yet or QEMU gave no timestamps.
    ///
    /// QEMU stamps `STOP` after it stopped the vCPUs and the guest's virtual clock, and `RESUME` before it
    /// starts them again, so the guest stood still for at least this long. Unlike `pauseWindow(in:)`, which
    /// stamps libvirt's events when this process receives them, no dispatch or delivery delay enters it.
    ///
    /// ```swift
    /// let events = try lab.events(dom, qemuMonitor: ["STOP", "RESUME"])
    /// _ = try dom.createSnapshot()
    /// _ = try await lab.waitFor(events) { $0.kind.qemuMonitor?.name == "RESUME" }
    /// if let window = lab.qemuPauseWindow(in: events) { lab.note("QEMU stopped the vCPUs for \(window)") }
    /// ```
    @discardableResult
    public func qemuPauseWindow(in events: RecordedEvents) -> Duration? {
        let pair = Self.lastPair(in: events.all, start: { $0.kind.qemuMonitor?.name == "STOP" },
                                 end: { $0.kind.qemuMonitor?.name == "RESUME" })
        guard let stopped = pair?.start.kind.qemuMonitor?.emittedAt,
              let resumed = pair?.end.kind.qemuMonitor?.emittedAt else { return nil }
        let window = resumed - stopped
        record("pause window (QEMU)", Self.milliseconds(window), unit: "ms")
        return window
    }

    /// Waits until the guest's resume has been reported: libvirt's lifecycle `Resumed` event and, when
    /// `events` subscribed to it, QEMU's own `RESUME` monitor event, in whichever order they arrive (libvirt
    /// queues the QEMU event when QEMU sends it, its own event when it handles the resume). Returns libvirt's
    /// event. After it, `pauseWindow(in:)` and `qemuPauseWindow(in:)` both see the completed window.
    ///
    /// ```swift
    /// let events = try lab.events(dom, qemuMonitor: ["STOP", "RESUME"])
    /// _ = try dom.createSnapshot()
    /// try await lab.waitForResume(events)
    /// let pause = lab.qemuPauseWindow(in: events)
    /// ```
    @discardableResult
    public func waitForResume(_ events: RecordedEvents, timeout: Duration = .seconds(30),
                              file: String = #filePath, line: Int = #line) async throws -> DomainEvent {
        let wantQEMU = events.qemuMonitorEvents.contains("RESUME")
        var libvirtResumed: DomainEvent?
        var qemuResumed = !wantQEMU
        while libvirtResumed == nil || !qemuResumed {
            let e = try await waitFor(events, timeout: timeout, where: {
                (libvirtResumed == nil && $0.kind.lifecycle?.event == .resumed)
                    || (!qemuResumed && $0.kind.qemuMonitor?.name == "RESUME")
            }, file: file, line: line)
            if e.kind.lifecycle?.event == .resumed { libvirtResumed = e } else { qemuResumed = true }
        }
        return libvirtResumed!
    }
}
