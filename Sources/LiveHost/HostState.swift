import Foundation

/// What Rewind records about the daemons it started (`/run/rewind/host.json`), so that
/// `LiveHost.system.stop()` can end exactly those processes and nothing else.
struct HostState: Codable, Hashable, Sendable {
    /// The subreaper libvirtd runs under (`tini -s -- libvirtd`).
    var supervisor: ProcessRecord
    /// libvirtd itself (tini's child), once found.
    var libvirtd: ProcessRecord?
    /// virtlogd, only if Rewind started it (an already running virtlogd is left alone).
    var virtlogd: ProcessRecord?
    /// When the daemons were started.
    var startedAt: Date
    /// Where their output goes.
    var logFile: String
    /// `address:port` libvirtd listens on for `qemu+tcp://` connections, when Rewind started it with
    /// `--listen` (nil in state files written before Rewind did).
    var listen: String?

    /// Whether any daemon this state names still runs (same pid, name and start time).
    var isLive: Bool { supervisor.isAlive || libvirtd?.isAlive == true }

    private static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    /// Reads a state file; nil if it is missing or unreadable.
    static func load(path: String) -> HostState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try? d.decode(HostState.self, from: data)
    }

    /// Writes the state file atomically.
    func save(path: String) throws(LiveHostError) {
        do {
            try HostState.encoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LiveHostError(.fileSystem, "cannot write \(path): \(error)")
        }
    }
}
