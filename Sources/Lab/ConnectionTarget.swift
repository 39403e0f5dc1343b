/// One host a run reaches: its libvirt URI and how Rewind reaches the host's files and tools (``HostAccess``),
/// decided once, where the URI enters the program, and handed as one value to the probe, the runner and the
/// snippet processes.
///
/// ```swift
/// let target = ConnectionTarget(uri: "qemu+tcp://127.0.0.1:16612/system")
/// print(target)   // qemu+tcp://127.0.0.1:16612/system (host access: release sid (nsenter -t 4242 -m -u -r))
/// ```
public struct ConnectionTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The libvirt URI.
    public let uri: String
    /// How the host's files and tools are reached.
    public let access: HostAccess

    /// A target whose access is resolved from the URI (``HostAccess/resolve(uri:)``) unless given.
    public init(uri: String, access: HostAccess? = nil) {
        self.uri = uri
        self.access = access ?? HostAccess.resolve(uri: uri)
    }

    /// `URI (host access: …)`.
    public var description: String { "\(uri) (host access: \(access))" }
}
