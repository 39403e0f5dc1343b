internal import CLibvirt
internal import CLibvirtQemu
import Synchronization

// C callback trampolines for domain events.
//
// Each callback is a non-capturing top-level function with the exact C signature of its event
// (a capturing `@convention(c)` closure crashes the Swift 6.3.1 compiler). libvirt's
// `VIR_DOMAIN_EVENT_CALLBACK()` is a macro, so the functions are cast with `unsafeBitCast` to
// `virConnectDomainEventGenericCallback` when registered. The opaque pointer is an
// `EventCallbackContext` retained with `Unmanaged.passRetained` and released by `releaseEventContext`,
// the free callback libvirt calls once the registration is gone.

/// Fires once, when libvirt released the callback context it belongs to (its free callback ran).
/// Lets tests check that every registration was balanced by a release.
final class ReleaseSignal: Sendable {
    private struct State {
        var released = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func fire() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.released = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Whether the context was released.
    var isReleased: Bool { state.withLock { $0.released } }

    /// Returns once the context was released (at once if it already was).
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if s.released { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }
}

/// What libvirt's opaque pointer points to: the queues of every stream subscribed to one registration
/// (one connection, one domain, one event ID). libvirt refuses to register the same callback function
/// twice for the same connection, domain and event ID ("event callback already tracked"), so streams
/// share a registration and the context fans each event out to all of them.
final class EventCallbackContext: Sendable {
    let released = ReleaseSignal()
    private let subscribers = Mutex<[(token: UInt64, queue: EventQueue)]>([])

    func add(_ queue: EventQueue, token: UInt64) { subscribers.withLock { $0.append((token, queue)) } }

    func remove(token: UInt64) { subscribers.withLock { $0.removeAll { $0.token == token } } }

    /// Pushes the event into every subscribed queue, in subscription order. Called on libvirt's event loop thread.
    func deliver(_ event: DomainEvent) {
        let queues = subscribers.withLock { $0.map(\.queue) }
        for q in queues { q.push(event) }
    }

    deinit { released.fire() }
}

/// The free callback: drops the reference `Unmanaged.passRetained` took at registration.
private func releaseEventContext(_ opaque: UnsafeMutableRawPointer?) {
    guard let opaque else { return }
    Unmanaged<EventCallbackContext>.fromOpaque(opaque).release()
}

@inline(__always)
private func deliver(_ opaque: UnsafeMutableRawPointer?, _ timestamp: ContinuousClock.Instant,
                     _ dom: OpaquePointer?, _ kind: DomainEvent.Kind) {
    guard let opaque else { return }
    let context = Unmanaged<EventCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    let name = dom.flatMap { virDomainGetName($0) }.map { String(cString: $0) } ?? ""
    context.deliver(DomainEvent(timestamp: timestamp, domainName: name, kind: kind))
}

private func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }

// MARK: Trampolines (exact C signatures)

/// `virConnectDomainEventCallback` for `VIR_DOMAIN_EVENT_ID_LIFECYCLE`.
private func lifecycleTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?, _ event: Int32, _ detail: Int32,
                                 _ opaque: UnsafeMutableRawPointer?) -> Int32 {
    let now = ContinuousClock.now
    let kind: DomainEvent.Kind
    if let e = DomainEvent.LifecycleEvent(rawValue: event) {
        kind = .lifecycle(e, detail: detail, detailName: e.detailName(detail))
    } else {
        // A lifecycle event newer than libvirt 9.0: not representable, so not delivered.
        return 0
    }
    deliver(opaque, now, dom, kind)
    return 0
}

/// `virConnectDomainEventBlockJobCallback` for `VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2`.
private func blockJobTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?, _ disk: UnsafePointer<CChar>?,
                                _ type: Int32, _ status: Int32, _ opaque: UnsafeMutableRawPointer?) {
    let now = ContinuousClock.now
    deliver(opaque, now, dom, .blockJob(disk: string(disk), type: Domain.BlockJobType(rawValue: type) ?? .unknown,
                                        status: DomainEvent.BlockJobStatus(rawValue: status),
                                        rawType: type, rawStatus: status))
}

/// `virConnectDomainEventBlockJobCallback` for the original `VIR_DOMAIN_EVENT_ID_BLOCK_JOB` (the same C
/// signature as `BLOCK_JOB_2`; `disk` is the active image's path).
private func blockJobPathTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                                    _ type: Int32, _ status: Int32, _ opaque: UnsafeMutableRawPointer?) {
    let now = ContinuousClock.now
    deliver(opaque, now, dom, .blockJobPath(path: string(path), type: Domain.BlockJobType(rawValue: type) ?? .unknown,
                                            status: DomainEvent.BlockJobStatus(rawValue: status),
                                            rawType: type, rawStatus: status))
}

/// `virConnectDomainEventJobCompletedCallback` for `VIR_DOMAIN_EVENT_ID_JOB_COMPLETED`.
private func jobCompletedTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?,
                                    _ params: UnsafeMutablePointer<virTypedParameter>?, _ nparams: Int32,
                                    _ opaque: UnsafeMutableRawPointer?) {
    let now = ContinuousClock.now
    // libvirt frees `params` after the callback returns: copy everything now.
    deliver(opaque, now, dom, jobCompletedKind(params, count: nparams))
}

/// `virConnectDomainEventBlockThresholdCallback` for `VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD`.
private func blockThresholdTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?, _ dev: UnsafePointer<CChar>?,
                                      _ path: UnsafePointer<CChar>?, _ threshold: UInt64, _ excess: UInt64,
                                      _ opaque: UnsafeMutableRawPointer?) {
    let now = ContinuousClock.now
    deliver(opaque, now, dom, .blockThreshold(dev: string(dev), path: string(path), threshold: threshold, excess: excess))
}

/// `virConnectDomainEventAgentLifecycleCallback` for `VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE`.
private func agentLifecycleTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?, _ state: Int32, _ reason: Int32,
                                      _ opaque: UnsafeMutableRawPointer?) {
    let now = ContinuousClock.now
    let connected = state == Int32(VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED.rawValue)
    deliver(opaque, now, dom, .agentLifecycle(connected: connected, reason: reason))
}

/// The kind of a `JOB_COMPLETED` event: the parameters are copied (libvirt frees them after the callback)
/// and decoded as completed-job statistics.
func jobCompletedKind(_ params: UnsafeMutablePointer<virTypedParameter>?, count: Int32) -> DomainEvent.Kind {
    .jobCompleted(JobStats(type: .completed, raw: decodeTypedParameters(params.map { UnsafePointer($0) },
                                                                        count: Int(count))))
}

// MARK: Registration

extension DomainEvent.ID {
    /// The trampoline for this event, cast to the generic callback type libvirt's registration takes.
    var genericCallback: virConnectDomainEventGenericCallback {
        switch self {
        case .lifecycle:
            let cb: virConnectDomainEventCallback = lifecycleTrampoline
            return unsafeBitCast(cb, to: virConnectDomainEventGenericCallback.self)
        case .blockJob:
            let cb: virConnectDomainEventBlockJobCallback = blockJobPathTrampoline
            return unsafeBitCast(cb, to: virConnectDomainEventGenericCallback.self)
        case .blockJob2:
            let cb: virConnectDomainEventBlockJobCallback = blockJobTrampoline
            return unsafeBitCast(cb, to: virConnectDomainEventGenericCallback.self)
        case .jobCompleted:
            let cb: virConnectDomainEventJobCompletedCallback = jobCompletedTrampoline
            return unsafeBitCast(cb, to: virConnectDomainEventGenericCallback.self)
        case .blockThreshold:
            let cb: virConnectDomainEventBlockThresholdCallback = blockThresholdTrampoline
            return unsafeBitCast(cb, to: virConnectDomainEventGenericCallback.self)
        case .agentLifecycle:
            let cb: virConnectDomainEventAgentLifecycleCallback = agentLifecycleTrampoline
            return unsafeBitCast(cb, to: virConnectDomainEventGenericCallback.self)
        }
    }
}

/// Registers one callback for `id`, limited to `domain`, delivering into `context`
/// (the corresponding C function is `virConnectDomainEventRegisterAny`). Returns the callback ID.
///
/// On success libvirt owns one retain of `context` and releases it through the free callback;
/// on failure libvirt does not call the free callback, so the retain is dropped here.
func registerDomainEvent(connection conn: OpaquePointer, domain dom: OpaquePointer, id: DomainEvent.ID,
                         context: EventCallbackContext) throws(LibvirtError) -> Int32 {
    try registerRetaining(context) { opaque in
        virConnectDomainEventRegisterAny(conn, dom, id.rawValue, id.genericCallback, opaque, releaseEventContext)
    }
}

/// Calls `register` with `context` retained as libvirt's opaque pointer and returns the callback ID it
/// gave. On success libvirt owns that retain (released by `releaseEventContext`); on failure libvirt does
/// not call the free callback, so the retain is dropped here and the error read in this frame.
private func registerRetaining(_ context: EventCallbackContext,
                               _ register: (UnsafeMutableRawPointer) -> Int32) throws(LibvirtError) -> Int32 {
    let opaque = Unmanaged.passRetained(context).toOpaque()
    let callbackID = register(opaque)
    if callbackID < 0 {
        let error = LibvirtError.last()
        Unmanaged<EventCallbackContext>.fromOpaque(opaque).release()
        throw error
    }
    return callbackID
}

/// `virConnectDomainQemuMonitorEventCallback`: an event QEMU sent on its monitor, with QEMU's own timestamp.
private func qemuMonitorTrampoline(_ conn: OpaquePointer?, _ dom: OpaquePointer?, _ event: UnsafePointer<CChar>?,
                                   _ seconds: Int64, _ micros: UInt32, _ details: UnsafePointer<CChar>?,
                                   _ opaque: UnsafeMutableRawPointer?) {
    let now = ContinuousClock.now
    deliver(opaque, now, dom, .qemuMonitor(QemuMonitorEvent(name: string(event), seconds: seconds, micros: micros,
                                                            details: details.map { String(cString: $0) })))
}

/// Registers one callback for the QEMU monitor events named `name` (matched literally), limited to
/// `domain`, delivering into `context` (the corresponding C function is
/// `virConnectDomainQemuMonitorEventRegister`, from libvirt-qemu). Returns the callback ID.
///
/// Receiving monitor events does not taint the domain (only sending monitor commands does). Drivers other
/// than QEMU refuse with `VIR_ERR_NO_SUPPORT`. Ownership of `context` as in `registerDomainEvent`.
func registerQemuMonitorEvent(connection conn: OpaquePointer, domain dom: OpaquePointer, name: String,
                              context: EventCallbackContext) throws(LibvirtError) -> Int32 {
    try registerRetaining(context) { opaque in
        virConnectDomainQemuMonitorEventRegister(conn, dom, name, qemuMonitorTrampoline, opaque, releaseEventContext, 0)
    }
}
