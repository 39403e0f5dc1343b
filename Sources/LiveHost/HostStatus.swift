import Foundation

/// The state of the live host (`qemu:///system`) as `LiveHost.system.status()` and `LiveHost.system.start()` see it.
public struct HostStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The connection URI the host serves, `qemu:///system`.
    public var uri: String
    /// Whether `virsh -c qemu:///system version` answered.
    public var running: Bool
    /// Whether the libvirtd serving (or meant to serve) the URI is one that Rewind started.
    public var startedByRewind: Bool
    /// Whether this very call started it (always false for `status()`).
    public var startedNow: Bool
    /// The libvirtd process, when known (from Rewind's state file or libvirtd's own pid file).
    public var libvirtd: ProcessRecord?
    /// The subreaper libvirtd runs under, when Rewind started it.
    public var supervisor: ProcessRecord?
    /// The virtlogd process, when known.
    public var virtlogd: ProcessRecord?
    /// Whether virtlogd was started by Rewind (and will be stopped by `LiveHost.system.stop()`).
    public var virtlogdStartedByRewind: Bool
    /// KVM or TCG; nil when the host does not answer.
    public var accelerator: Accelerator?
    /// libvirt and hypervisor versions; nil when the host does not answer.
    public var versions: VirshVersion?
    /// The same host over TCP on the loopback address (`LiveHost.system.tcpURI`).
    public var tcpURI: String
    /// Whether `virsh -c qemu+tcp://127.0.0.1/system version` answered (only a libvirtd that
    /// `rewind host start` started listens there).
    public var tcpAnswers: Bool
    /// When Rewind started the daemons, if it did.
    public var startedAt: Date?
    /// What the call changed on the machine (packages installed, files written, daemons started).
    public var actions: [String]
    /// Observations worth showing (stale files removed, settings left as the administrator set them, …).
    public var notes: [String]

    /// Creates a status; every field but the URI starts empty.
    public init(uri: String, tcpURI: String = LiveHost.system.tcpURI, running: Bool = false, startedByRewind: Bool = false,
                startedNow: Bool = false) {
        self.uri = uri
        self.running = running
        self.startedByRewind = startedByRewind
        self.startedNow = startedNow
        self.virtlogdStartedByRewind = false
        self.tcpURI = tcpURI
        self.tcpAnswers = false
        self.actions = []
        self.notes = []
    }

    /// A few lines for people, e.g.
    ///
    /// ```
    /// qemu:///system: running, not started by Rewind (libvirtd pid 4017)
    /// accelerator: KVM
    /// libvirt: library 9.0.0, daemon 9.0.0
    /// hypervisor: QEMU 7.2.22
    /// tcp: qemu+tcp://127.0.0.1/system does not answer (only a libvirtd that `rewind host start` started, …)
    /// ```
    public var description: String {
        var lines: [String] = []
        var who: String
        if startedByRewind {
            who = startedNow ? "started now by Rewind" : "started by Rewind"
            if let startedAt { who += " at \(startedAt.formatted(.iso8601))" }
        } else {
            who = "not started by Rewind"
        }
        var pids: [String] = []
        if let libvirtd { pids.append("libvirtd pid \(libvirtd.pid)") }
        if let supervisor { pids.append("under \(supervisor.name) pid \(supervisor.pid)") }
        if let virtlogd {
            pids.append("virtlogd pid \(virtlogd.pid)" + (virtlogdStartedByRewind ? "" : " (not Rewind's)"))
        }
        let detail = pids.isEmpty ? "" : " (\(pids.joined(separator: ", ")))"
        if running {
            lines.append("\(uri): running, \(who)\(detail)")
        } else if startedByRewind {
            lines.append("\(uri): not answering; Rewind's daemons\(detail) are alive")
        } else {
            lines.append("\(uri): not running")
        }
        if let accelerator { lines.append("accelerator: \(accelerator)") }
        if let v = versions {
            var lib = "library \(v.library ?? "?")"
            if let d = v.daemon { lib += ", daemon \(d)" }
            lines.append("libvirt: \(lib)")
            if let h = v.hypervisor { lines.append("hypervisor: \(h) \(v.hypervisorVersion ?? "?")") }
        }
        if running {
            lines.append(tcpAnswers
                ? "tcp: \(tcpURI) answers (loopback only, no authentication)"
                : "tcp: \(tcpURI) does not answer (only a libvirtd that `rewind host start` started, without --no-tcp, listens there)")
        }
        for action in actions { lines.append("did: \(action)") }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}

/// What `LiveHost.system.stop()` did.
public struct StopResult: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One process Rewind had started, and how it ended.
    public struct Ended: Sendable, Hashable, Codable {
        /// The process as recorded when it was started.
        public var process: ProcessRecord
        /// How it ended.
        public var termination: ProcessRecord.Termination
    }
    /// The processes handled, in the order they were ended.
    public var ended: [Ended] = []
    /// Observations, e.g. that a daemon Rewind did not start was left running.
    public var notes: [String] = []

    /// One line per process and note.
    public var description: String {
        var lines = ended.map { e -> String in
            switch e.termination {
            case .notRunning: "\(e.process): already gone"
            case .terminated: "\(e.process): stopped (SIGTERM)"
            case .killed: "\(e.process): killed (SIGKILL after SIGTERM was ignored)"
            case .survived: "\(e.process): STILL RUNNING after SIGKILL"
            }
        }
        lines += notes.map { "note: \($0)" }
        return lines.isEmpty ? "nothing to stop" : lines.joined(separator: "\n")
    }
}
