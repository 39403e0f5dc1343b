import Foundation
import Support

/// One ssh connection per remote host for a whole run: OpenSSH connection sharing (`ControlMaster=auto`,
/// `ControlPersist`) with the control sockets in a run-private folder, named in the environment
/// (`REWIND_SSH_CONTROL`) so that every snippet process of the run, and every host command in it, goes
/// through the master connection the first one opened instead of making a new one (a key exchange each:
/// 0.1–0.3 s).
///
/// The runner opens the folder before the first host command (``begin(session:)``) and closes every master
/// and removes the folder at the end of the run, also after an interruption (``end()``); a master whose
/// run died without closing it exits by itself after ``persist`` of idleness.
///
/// ```swift
/// let sharing = try SSHMultiplexing.begin(session: "2x22fa")   // before probing and running
/// defer { sharing.end() }
/// ```
public struct SSHMultiplexing: Sendable {
    /// The environment variable naming the control folder.
    public static let environmentKey = "REWIND_SSH_CONTROL"
    /// How long an idle master waits for more work before it exits.
    public static let persist = "60"

    /// The run's control folder.
    public let directory: String

    /// The ssh options that share one connection per host through the control folder named in this
    /// process's environment; none when it names none (a lab used outside `rewind verify`).
    public static var sshOptions: [String] { sshOptions(environment: ProcessInfo.processInfo.environment) }

    /// The ssh options for the control folder `environment` names (see ``sshOptions``).
    static func sshOptions(environment: [String: String]) -> [String] {
        guard let directory = environment[environmentKey], !directory.isEmpty else { return [] }
        // %C: a hash of local host, remote host, port and user: short, so the socket path fits in 108 bytes.
        return ["-o", "ControlMaster=auto", "-o", "ControlPath=\(directory)/%C", "-o", "ControlPersist=\(persist)"]
    }

    /// Creates the run's control folder (mode 0700, under /tmp: socket paths must stay short) and names it in
    /// this process's environment, which the snippet processes inherit.
    public static func begin(session: String) throws -> SSHMultiplexing {
        // Short and plain whatever the session id: the socket path must fit in 108 bytes.
        let directory = "/tmp/rewind-ssh-\(String(session.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(12)))-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        setenv(environmentKey, directory, 1)
        return SSHMultiplexing(directory: directory)
    }

    /// Closes every master connection of the run (`ssh -O exit` on each control socket) and removes the
    /// folder; returns what it closed.
    @discardableResult
    public func end() -> [String] {
        unsetenv(Self.environmentKey)
        let sockets = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var closed: [String] = []
        for socket in sockets {
            var spec = ProcessSpec("ssh", ["-S", directory + "/" + socket, "-O", "exit", "rewind-run-end"])
            spec.output = .capture
            spec.errorOutput = .capture
            if let result = try? Subprocess.run(spec, timeout: .seconds(10)), result.status == 0 { closed.append(socket) }
        }
        try? FileManager.default.removeItem(atPath: directory)
        return closed
    }
}
