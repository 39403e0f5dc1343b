import Dispatch
import Foundation
import Glibc

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

/// Runs short-lived external programs (dpkg-query, apt-get, useradd, virsh) with a time limit.
///
/// Output goes to temporary files rather than pipes, so a grandchild that keeps a pipe open
/// can never make the caller hang.
enum Command {
    /// Directories searched after `PATH`: root's sbin directories are not always on a user's `PATH`.
    static let fallbackDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path of an executable, searching `PATH` and then the usual system directories.
    static func find(_ name: String) -> String? {
        if name.hasPrefix("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + fallbackDirectories
        for dir in dirs where !dir.isEmpty {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

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
        guard let executable = find(name) else {
            throw LiveHostError(.missingProgram, "`\(name)` is not installed (searched PATH and \(fallbackDirectories.joined(separator: ":")))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = FileHandle.nullDevice

        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-livehost-\(getpid())-\(UUID().uuidString)")
        var outURL: URL?
        var errURL: URL?
        if passthrough {
            process.standardOutput = FileHandle.standardError
            process.standardError = FileHandle.standardError
        } else {
            do {
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                let o = scratch.appendingPathComponent("stdout"), e = scratch.appendingPathComponent("stderr")
                _ = FileManager.default.createFile(atPath: o.path, contents: nil)
                _ = FileManager.default.createFile(atPath: e.path, contents: nil)
                process.standardOutput = try FileHandle(forWritingTo: o)
                process.standardError = try FileHandle(forWritingTo: e)
                outURL = o
                errURL = e
            } catch {
                throw LiveHostError(.fileSystem, "cannot create scratch files in \(scratch.path): \(error)")
            }
        }
        defer { if !passthrough { try? FileManager.default.removeItem(at: scratch) } }

        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try process.run()
        } catch {
            throw LiveHostError(.commandFailed, "cannot run \(arguments.joined(separator: " ")): \(error)")
        }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if done.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        func read(_ url: URL?) -> String {
            guard let url, let data = try? Data(contentsOf: url) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
        return CommandResult(status: status, output: read(outURL), errorOutput: read(errURL), timedOut: timedOut)
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
