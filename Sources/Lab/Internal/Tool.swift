import Foundation
import Synchronization

/// Runs a host tool (`qemu-img`, `qemu-io`, `sha256sum`, `stat`, …) *on the host of the connection*, through
/// its `HostAccess`, with a bounded wait, and collects its output.
///
/// Lab helpers use it to look at files outside a running domain. Failures are `LabFailure`s that name
/// the snippet line, the command line and the tool's standard error; with no access to the host the
/// failure carries `unsupportedReason`.
struct Tool {
    /// What a finished tool printed.
    struct Result {
        /// The command line, for messages.
        var commandLine: String
        /// The exit status.
        var status: Int32
        /// Standard output.
        var stdout: String
        /// Standard error.
        var stderr: String
    }

    /// The tool's name, e.g. `qemu-img`.
    var name: String

    /// Runs the tool; waits at most `timeout`, then kills it and throws.
    ///
    /// A non-zero exit status is *not* an error here (`qemu-io` uses it for a failed pattern check);
    /// `runChecked` treats it as one.
    ///
    /// - Parameters:
    ///   - access: where the tool runs (this machine, a release root, over ssh).
    ///   - input: a local file whose bytes go to the tool's standard input (an upload).
    ///   - output: a local file that receives the tool's standard output (a download); `stdout` is then empty.
    func run(_ arguments: [String], on access: HostAccess, timeout: Duration = .seconds(60),
             input: String? = nil, output: String? = nil,
             file: String, line: Int) throws(LabFailure) -> Result {
        let commandLine = ([name] + arguments).map(Self.quoted).joined(separator: " ")
            + (access.isLocal ? "" : " [on \(access)]")
        guard let argv = access.commandLine([name] + arguments) else {
            let reason = "needs the host's files and tools (\(name)); host access \(access)"
            throw LabFailure(reason, file: file, line: line, unsupportedReason: reason)
        }
        guard let executable = Self.find(argv[0]) else {
            throw LabFailure("\(argv[0]) is not installed (looked in PATH, /usr/bin, /usr/sbin)", file: file, line: line)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        if let input {
            guard let handle = FileHandle(forReadingAtPath: input) else {
                throw LabFailure("cannot read \(input) to send to `\(commandLine)`", file: file, line: line)
            }
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let out = Pipe(), err = Pipe()
        var outputHandle: FileHandle?
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: output) else {
                throw LabFailure("cannot write \(output) for `\(commandLine)`", file: file, line: line)
            }
            outputHandle = handle
            process.standardOutput = handle
        } else {
            process.standardOutput = out
        }
        defer { try? outputHandle?.close() }
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }

        do {
            try process.run()
        } catch {
            throw LabFailure("cannot start `\(commandLine)`: \(error)", file: file, line: line)
        }
        // Drain both pipes while the tool runs, so that a chatty tool cannot block on a full pipe.
        let collected = PipeCollector()
        let readers = DispatchGroup()
        for (index, pipe) in [out, err].enumerated() where index == 1 || output == nil {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: readers) {
                collected.store(handle.readDataToEndOfFile(), at: index)
            }
        }

        let (seconds, attoseconds) = timeout.components
        let limit = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        if finished.wait(timeout: limit) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + .seconds(2)) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            _ = readers.wait(timeout: .now() + .seconds(2))
            throw LabFailure("`\(commandLine)` did not finish within \(timeout); it was killed. stderr: "
                             + collected.text(at: 1).trimmingCharacters(in: .whitespacesAndNewlines),
                             file: file, line: line)
        }
        _ = readers.wait(timeout: .now() + .seconds(5))
        return Result(commandLine: commandLine, status: process.terminationStatus,
                      stdout: collected.text(at: 0), stderr: collected.text(at: 1))
    }

    /// Runs the tool and requires exit status 0.
    func runChecked(_ arguments: [String], on access: HostAccess, timeout: Duration = .seconds(60),
                    input: String? = nil, output: String? = nil,
                    file: String, line: Int) throws(LabFailure) -> Result {
        let result = try run(arguments, on: access, timeout: timeout, input: input, output: output, file: file, line: line)
        guard result.status == 0 else {
            let detail = [result.stderr, result.stdout]
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .first { !$0.isEmpty } ?? "(no output)"
            throw LabFailure("`\(result.commandLine)` exited with status \(result.status): \(detail)",
                             file: file, line: line)
        }
        return result
    }

    /// Runs the tool, requires exit status 0 and decodes its standard output as JSON.
    func json<T: Decodable>(_ type: T.Type, _ arguments: [String], on access: HostAccess,
                            file: String, line: Int) throws(LabFailure) -> T {
        let result = try runChecked(arguments, on: access, file: file, line: line)
        do {
            return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
        } catch {
            throw LabFailure("cannot read the JSON printed by `\(result.commandLine)`: \(error)", file: file, line: line)
        }
    }

    static let qemuImg = Tool(name: "qemu-img")
    static let qemuIO = Tool(name: "qemu-io")
    static let sha256sum = Tool(name: "sha256sum")
    static let stat = Tool(name: "stat")
    static let shell = Tool(name: "sh")

    /// The first executable called `name` in PATH, /usr/bin or /usr/sbin.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/bin"]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A shell-like rendering of one argument, for messages only.
    static func quoted(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Output of a tool's pipes, filled by reader threads.
private final class PipeCollector: Sendable {
    private let data = Mutex([Data(), Data()])

    func store(_ d: Data, at index: Int) { data.withLock { $0[index] = d } }

    func text(at index: Int) -> String {
        let d = data.withLock { $0[index] }
        return String(decoding: d, as: UTF8.self)
    }
}
