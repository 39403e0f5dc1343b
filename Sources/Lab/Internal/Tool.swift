import Foundation
import Support

/// Runs a host tool (`qemu-img`, `qemu-io`, `openssl`, `stat`, …) *on the host of the connection*, through
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
        var spec = ProcessSpec(argv[0], Array(argv.dropFirst()))
        if let input {
            guard FileManager.default.isReadableFile(atPath: input) else {
                throw LabFailure("cannot read \(input) to send to `\(commandLine)`", file: file, line: line)
            }
            spec.input = .file(input)
        }
        if let output { spec.output = .file(output, append: false) }
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(spec, timeout: timeout)
        } catch {
            throw LabFailure(error.notFound ? "\(argv[0]) is not installed (looked in PATH, \(Executable.fallbackDirectories.joined(separator: ", ")))"
                                            : "cannot start `\(commandLine)`: \(error)", file: file, line: line)
        }
        if result.timedOut {
            throw LabFailure("`\(commandLine)` did not finish within \(timeout); it was killed. stderr: "
                             + result.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines),
                             file: file, line: line)
        }
        return Result(commandLine: commandLine, status: result.status, stdout: result.output, stderr: result.errorOutput)
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
    static let stat = Tool(name: "stat")
    static let shell = Tool(name: "sh")

    /// A shell function, `digest FILE`, printing the file's SHA-256 as `sha256sum -b` does (`HASH *FILE`):
    /// with OpenSSL's `openssl dgst -sha256 -r` where the host has it (its SHA-256 uses the CPU's SHA
    /// instructions: 0.14 s for 128 MiB here, against 0.64 s for coreutils' `sha256sum`, which has no such
    /// path), else with `sha256sum`. The same digest either way.
    static let digestFunction =
        "digest() { if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r -- \"$1\"; "
        + "else sha256sum -b -- \"$1\"; fi; }\n"

    /// Runs `digest` (``digestFunction``) on `path` and returns the 64 lower-case hex digits.
    static func sha256(_ path: String, on access: HostAccess, file: String, line: Int) throws(LabFailure) -> String {
        let result = try shell.runChecked(["-c", digestFunction + " digest \"$1\"", "sh", path], on: access,
                                          timeout: .seconds(300), file: file, line: line)
        return try digest(in: result, file: file, line: line)
    }

    /// The 64 hex digits at the start of a `digest` run's output.
    static func digest(in result: Result, file: String, line: Int) throws(LabFailure) -> String {
        guard let digest = result.stdout.split(separator: " ").first, digest.count == 64,
              digest.allSatisfy(\.isHexDigit) else {
            throw LabFailure("unexpected output of `\(result.commandLine)`: \(result.stdout)", file: file, line: line)
        }
        return String(digest)
    }

    /// A shell-like rendering of one argument, for messages only.
    static func quoted(_ argument: String) -> String { ProcessSpec.quoted(argument) }
}
