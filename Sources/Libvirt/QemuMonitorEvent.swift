/// An event QEMU sent on its QMP monitor (`STOP`, `RESUME`, `BLOCK_JOB_READY`, …), as libvirt-qemu passes it
/// through to a `Domain.events(_:qemuMonitor:)` subscription (the corresponding C callback type is
/// `virConnectDomainQemuMonitorEventCallback`).
///
/// Unlike libvirt's own events, these carry the instant QEMU emitted them, stamped by QEMU on the
/// hypervisor host's real-time clock: the difference between two such stamps is free of any delay in
/// libvirt's dispatch or in the delivery to this process.
///
/// ```swift
/// let events = try dom.events([.lifecycle], qemuMonitor: ["STOP", "RESUME"])
/// try dom.suspend()
/// try dom.resume()
/// let stop = try await events.next(matching: { $0.kind.qemuMonitor?.name == "STOP" }, timeout: .seconds(5))
/// let resume = try await events.next(matching: { $0.kind.qemuMonitor?.name == "RESUME" }, timeout: .seconds(5))
/// if let a = stop.kind.qemuMonitor?.emittedAt, let b = resume.kind.qemuMonitor?.emittedAt {
///     print("QEMU's vCPUs were stopped for \(b - a)")
/// }
/// ```
public struct QemuMonitorEvent: Sendable, Hashable, CustomStringConvertible {
    /// The QMP event name, e.g. `STOP`.
    public var name: String
    /// When QEMU emitted the event, as the time since the Unix epoch on the hypervisor host's clock
    /// (QMP's `timestamp` member); nil when QEMU gave none (libvirt passes seconds = -1).
    public var emittedAt: Duration?
    /// The event's `data` member as JSON text, if it had one.
    public var details: String?

    /// Creates a value (events normally come from a `DomainEventStream`).
    public init(name: String, emittedAt: Duration?, details: String?) {
        self.name = name
        self.emittedAt = emittedAt
        self.details = details
    }

    /// Builds the value from the callback's arguments: `seconds` since the epoch (-1 when unknown) and
    /// `micros` within that second.
    init(name: String, seconds: Int64, micros: UInt32, details: String?) {
        self.init(name: name,
                  emittedAt: seconds < 0 ? nil : .seconds(seconds) + .microseconds(Int64(micros)),
                  details: details)
    }

    /// `QEMU STOP`, with the details when there are any.
    public var description: String {
        "QEMU \(name)" + (details.map { " \($0)" } ?? "")
    }
}
