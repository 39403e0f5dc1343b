extension Domain {
    /// Subscribes to events of this domain only, delivered in order as a `DomainEventStream`
    /// (the corresponding C function is `virConnectDomainEventRegisterAny`, called once per event ID
    /// with this domain as filter).
    ///
    /// The registration is limited to this domain on purpose: with a NULL domain libvirt also delivers the
    /// events of every other domain of the driver, including other clients' domains on `qemu:///system`.
    /// Events are buffered without limit until consumed.
    ///
    /// Several streams may subscribe to the same domain at once: libvirt accepts only one registration of a
    /// given callback per connection, domain and event ID, so streams share that registration and each one
    /// receives every event. The registration is removed (`virConnectDomainEventDeregisterAny`) when its
    /// last stream is cancelled, its iterating task is cancelled, or the stream object is released.
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
    ///
    /// `qemuMonitor` adds the QEMU monitor events of those names (`STOP`, `RESUME`, …), delivered as
    /// `DomainEvent.Kind.qemuMonitor` in the same stream, each with the instant QEMU emitted it (the
    /// corresponding C function is `virConnectDomainQemuMonitorEventRegister`, from libvirt-qemu; only the
    /// QEMU driver supports it).
    public func events(_ ids: Set<DomainEvent.ID> = [.lifecycle, .blockJob2, .jobCompleted, .blockThreshold],
                       qemuMonitor names: Set<String> = []) throws(LibvirtError) -> DomainEventStream {
        let queue = EventQueue()
        let token = EventRegistry.makeToken()
        var keys: [EventRegistry.Key] = []
        var signals: [ReleaseSignal] = []
        // A stable order, so that a failure is reproducible.
        let sources = ids.sorted(by: { $0.rawValue < $1.rawValue }).map(EventRegistry.Source.domainEvent)
            + names.sorted().map(EventRegistry.Source.qemuMonitor)
        for source in sources {
            do {
                let (key, signal) = try EventRegistry.subscribe(domain: self, source: source, queue: queue, token: token)
                keys.append(key)
                signals.append(signal)
            } catch {
                for key in keys { EventRegistry.unsubscribe(key, token: token) }
                queue.finish()
                throw error
            }
        }
        return DomainEventStream(domain: self, ids: ids, qemuMonitorEvents: names, token: token, keys: keys,
                                 releaseSignals: signals, queue: queue)
    }
}
