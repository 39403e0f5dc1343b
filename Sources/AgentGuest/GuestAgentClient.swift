import Foundation

/// Speaks the QEMU guest agent's JSON protocol over any transport that delivers one command and returns the
/// agent's reply, for example libvirt's `virDomainQemuAgentCommand` or `virsh qemu-agent-command`.
///
/// ```swift
/// let agent = GuestAgentClient { command, timeout in try domain.qemuAgentCommand(command, timeout: .seconds(timeout)) }
/// try agent.ping()
/// let log = WorkloadLog(data: try agent.readFile("/data/workload.log"))
/// ```
public struct GuestAgentClient: Sendable {
    /// Sends one JSON command with a timeout in seconds and returns the raw JSON reply.
    public typealias Transport = @Sendable (_ command: String, _ timeoutSeconds: Int32) throws -> String

    /// An answer the client could not use.
    public struct ProtocolError: Error, CustomStringConvertible {
        /// The command that was sent.
        public var command: String
        /// What was wrong with the reply.
        public var problem: String
        /// The problem and the command that met it.
        public var description: String { "guest agent: \(problem) (command \(command))" }
    }

    private let transport: Transport

    /// A client over `transport`.
    public init(transport: @escaping Transport) { self.transport = transport }

    /// Builds the JSON text of a command: `{"execute": name, "arguments": arguments}`.
    public static func command(_ name: String, arguments: [String: any Sendable]? = nil) -> String {
        var object: [String: Any] = ["execute": name]
        if let arguments { object["arguments"] = arguments }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends a command and returns the `return` member of the reply.
    public func call(_ name: String, arguments: [String: any Sendable]? = nil, timeoutSeconds: Int32 = 5) throws -> Any {
        let command = Self.command(name, arguments: arguments)
        let reply = try transport(command, timeoutSeconds)
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] else {
            throw ProtocolError(command: command, problem: "reply is not a JSON object: \(reply.prefix(200))")
        }
        if let error = object["error"] as? [String: Any] {
            throw ProtocolError(command: command, problem: "error \(error["class"] ?? "?"): \(error["desc"] ?? "?")")
        }
        guard let value = object["return"] else {
            throw ProtocolError(command: command, problem: "reply has no return member: \(reply.prefix(200))")
        }
        return value
    }

    /// Checks that the agent answers (`guest-ping`).
    public func ping(timeoutSeconds: Int32 = 5) throws {
        _ = try call("guest-ping", timeoutSeconds: timeoutSeconds)
    }

    /// The agent's version string (`guest-info`).
    public func version() throws -> String {
        let info = try call("guest-info") as? [String: Any]
        return info?["version"] as? String ?? "?"
    }

    /// Whether the guest's file systems are frozen: `"frozen"` or `"thawed"` (`guest-fsfreeze-status`).
    public func freezeStatus() throws -> String {
        guard let s = try call("guest-fsfreeze-status") as? String else {
            throw ProtocolError(command: "guest-fsfreeze-status", problem: "status is not a string")
        }
        return s
    }

    /// Reads a whole file inside the guest with `guest-file-open`, `guest-file-read` (in chunks of `chunkSize`
    /// bytes, base64 in the replies) and `guest-file-close`. The agent refuses file commands while frozen.
    public func readFile(_ path: String, chunkSize: Int = 1 << 20) throws -> Data {
        guard let handle = try call("guest-file-open", arguments: ["path": path, "mode": "r"]) as? Int else {
            throw ProtocolError(command: "guest-file-open", problem: "no file handle")
        }
        defer { _ = try? call("guest-file-close", arguments: ["handle": handle]) }
        var data = Data()
        while true {
            guard let chunk = try call("guest-file-read", arguments: ["handle": handle, "count": chunkSize]) as? [String: Any],
                  let text = chunk["buf-b64"] as? String, let bytes = Data(base64Encoded: text) else {
                throw ProtocolError(command: "guest-file-read", problem: "reply without buf-b64")
            }
            data.append(bytes)
            if (chunk["eof"] as? Bool) == true || bytes.isEmpty { return data }
        }
    }

    /// What a program run by `exec` did.
    public struct ExecResult: Sendable {
        /// Its exit status.
        public var exitCode: Int
        /// Its standard output.
        public var stdout: Data
        /// Its standard error.
        public var stderr: Data
        /// Standard output as text.
        public var output: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs a program inside the guest and waits for it (`guest-exec` with `capture-output`, then
    /// `guest-exec-status` every 50 ms until it has exited or `timeout` has passed).
    public func exec(_ path: String, arguments: [String] = [], timeout: Duration = .seconds(30)) throws -> ExecResult {
        let started = try call("guest-exec", arguments: ["path": path, "arg": arguments, "capture-output": true])
        guard let pid = (started as? [String: Any])?["pid"] as? Int else {
            throw ProtocolError(command: "guest-exec", problem: "no pid in the reply")
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let status = try call("guest-exec-status", arguments: ["pid": pid]) as? [String: Any] else {
                throw ProtocolError(command: "guest-exec-status", problem: "reply is no object")
            }
            if status["exited"] as? Bool == true {
                func bytes(_ key: String) -> Data { (status[key] as? String).flatMap { Data(base64Encoded: $0) } ?? Data() }
                return ExecResult(exitCode: status["exitcode"] as? Int ?? (status["signal"] as? Int).map { 128 + $0 } ?? -1,
                                  stdout: bytes("out-data"), stderr: bytes("err-data"))
            }
            if ContinuousClock.now >= deadline {
                throw ProtocolError(command: "guest-exec \(path)", problem: "still running after \(timeout)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
