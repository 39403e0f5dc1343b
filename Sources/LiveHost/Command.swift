import Foundation
import Support

/// What an external command did.
struct CommandResult: Sendable {
    /// The exit status, or 128 + signal number when a signal ended it.
    var status: Int32
    /// Standard output (empty when the output was passed through).
    var output: String
    /// Standard error (empty when the output was passed through).
    var errorOutput: String
    /// Whether the command was ended because it ran past its time limit.
    var timedOut: Bool
    /// Whether the command exited with status 0 in time.
    var succeeded: Bool { status == 0 && !timedOut }
}

/// Runs short-lived external programs (dpkg-query, apt-get, useradd, virsh) with a time limit, through
/// `Support.Subprocess` (output captured in files, never pipes), with `LiveHostError`s.
enum Command {
    /// The absolute path of an executable (`Support.Executable.find`).
    static func find(_ name: String) -> String? { Executable.find(name) }

    /// Runs `arguments[0]` (looked up with `find`) with the remaining arguments.
    ///
    /// - Parameters:
    ///   - environment: variables added to the current environment.
    ///   - timeout: seconds before the command gets SIGTERM (and SIGKILL 2 s later).
    ///   - passthrough: send the command's output to our standard error instead of capturing it
    ///     (used for apt-get, whose progress the user should see).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval,
                    passthrough: Bool = false) throws(LiveHostError) -> CommandResult {
        guard let name = arguments.first else { throw LiveHostError(.missingProgram, "empty command line") }
        var spec = ProcessSpec(name, Array(arguments.dropFirst()))
        spec.addedEnvironment = environment
        if passthrough {
            spec.output = .parentStandardError
            spec.errorOutput = .parentStandardError
        }
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(spec, timeout: .seconds(double: timeout))
        } catch {
            throw LiveHostError(error.notFound ? .missingProgram : .commandFailed, error.description)
        }
        return CommandResult(status: result.status, output: result.output, errorOutput: result.errorOutput,
                             timedOut: result.timedOut)
    }

    /// Runs a command and throws `LiveHostError` unless it exits with status 0 in time.
    @discardableResult
    static func mustRun(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval,
                        passthrough: Bool = false) throws(LiveHostError) -> CommandResult {
        let result = try run(arguments, environment: environment, timeout: timeout, passthrough: passthrough)
        let line = arguments.joined(separator: " ")
        if result.timedOut {
            throw LiveHostError(.timedOut, "`\(line)` did not finish within \(Int(timeout)) s")
        }
        if result.status != 0 {
            let said = (result.errorOutput + result.output).trimmingCharacters(in: .whitespacesAndNewlines)
            throw LiveHostError(.commandFailed,
                                "`\(line)` exited with status \(result.status)" + (said.isEmpty ? "" : ": \(said)"))
        }
        return result
    }
}
