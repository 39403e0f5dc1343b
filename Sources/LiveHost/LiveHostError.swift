/// Why setting up, starting, stopping or inspecting the live host failed.
///
/// Every case carries enough text to act on: the command that failed and what it printed,
/// the file that could not be written, or the tail of the daemon's log.
public struct LiveHostError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An external command (apt-get, useradd, virsh, …) exited with a failure status.
        case commandFailed
        /// An external command or a daemon did not finish or answer within its time limit.
        case timedOut
        /// A program the host needs is not installed and cannot be installed here.
        case missingProgram
        /// Reading or writing a file or directory failed.
        case fileSystem
        /// The operation needs root (installing packages, creating users, starting the daemons).
        case notRoot
        /// A daemon that Rewind started exited before it answered.
        case daemonExited
        /// Another process holds the host, e.g. a libvirtd that runs but does not answer.
        case conflict
    }

    /// The kind of failure.
    public var kind: Kind
    /// A sentence describing the failure, including the relevant command, path or log excerpt.
    public var message: String

    /// Creates an error of the given kind.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, prefixed by the kind.
    public var description: String { "\(kind.rawValue): \(message)" }
}
