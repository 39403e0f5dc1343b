import CLibvirt

extension Domain {
    /// Subscribes to events of this domain only, delivered in order as a `DomainEventStream`
    /// (the corresponding C function is `virConnectDomainEventRegisterAny`, called once per event ID
    /// with this domain as filter).
    ///
    /// The registration is limited to this domain on purpose: with a NULL domain libvirt also delivers the
    /// events of every other domain of the driver, including other clients' domains on `qemu:///system`.
    /// Events are buffered without limit until consumed. The callbacks are deregistered
    /// (`virConnectDomainEventDeregisterAny`) when the stream is cancelled, when a task iterating it is
    /// cancelled, or when the stream object is released.
    ///
    /// ```swift
    /// let events = try dom.events([.lifecycle])
    /// try dom.suspend()
    /// for await event in events {
    ///     print(event.kind)          // Suspended (PAUSED)
    ///     break
    /// }
    /// events.cancel()
    /// ```
    ///
    /// Events are dispatched by libvirt's event loop, which `Libvirt.initialize()` (called by
    /// `Connection.init`) registers and runs on its own thread.
    public func events(_ ids: Set<DomainEvent.ID> = [.lifecycle, .blockJob2, .jobCompleted, .blockThreshold])
        throws(LibvirtError) -> DomainEventStream {
        let dom = try handle()
        let conn = try connection.handle()
        let queue = EventQueue()
        let tracker = EventContextTracker()
        var callbackIDs: [Int32] = []
        // A stable order, so that a failure is reproducible.
        for id in ids.sorted(by: { $0.rawValue < $1.rawValue }) {
            do {
                let context = EventCallbackContext(queue: queue, tracker: tracker)
                callbackIDs.append(try registerDomainEvent(connection: conn, domain: dom, id: id, context: context))
            } catch {
                for callbackID in callbackIDs { _ = virConnectDomainEventDeregisterAny(conn, callbackID) }
                queue.finish()
                throw error
            }
        }
        return DomainEventStream(domain: self, ids: ids, callbackIDs: callbackIDs, queue: queue, tracker: tracker)
    }
}
