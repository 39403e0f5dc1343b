import Foundation
import Support

/// Runs host commands for the guest builder through `Support.Subprocess`, capturing both output streams,
/// with `AgentGuest.BuildError`s.
enum Shell {
    /// The outcome of one command.
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var output: String { String(decoding: stdout, as: UTF8.self) }
        var errors: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Finds an executable (`Support.Executable.find`).
    static func which(_ name: String) -> String? { Executable.find(name) }

    /// Runs `executable` with `arguments`, feeding `input` on standard input, and waits for it.
    /// Output goes through temporary files, so a chatty command can never fill a pipe and stall.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                    environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
        var spec = ProcessSpec(executable, arguments)
        spec.addedEnvironment = environment
        spec.currentDirectory = currentDirectory?.path
        if let input { spec.input = .data(input) }
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(spec)
        } catch {
            if error.notFound { throw AgentGuest.BuildError.missingTool(executable) }
            throw error
        }
        return Result(status: result.status, stdout: result.outputData, stderr: result.errorData)
    }

    /// Runs a command that must succeed, and returns its standard output.
    @discardableResult
    static func checked(_ executable: String, _ arguments: [String], input: Data? = nil,
                        environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> String {
        let r = try run(executable, arguments, input: input, environment: environment, currentDirectory: currentDirectory)
        guard r.status == 0 else {
            throw AgentGuest.BuildError.commandFailed(
                command: ([executable] + arguments).joined(separator: " "), status: r.status,
                stderr: String(r.errors.suffix(2000)))
        }
        return r.output
    }
}
