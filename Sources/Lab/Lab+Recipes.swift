import Foundation
import GuideModel
import Support

/// What a recipe's run gave back: its exit status and output, as a user running it would see them.
public struct RecipeRun: Sendable {
    /// The command line, as a user would type it (the executable's name, then the arguments).
    public var commandLine: String
    /// The exit status (128 + the signal number when a signal ended it).
    public var status: Int32
    /// Its standard output.
    public var output: String
    /// Its standard error.
    public var errorOutput: String
    /// Whether it ran past the time it was given and was ended.
    public var timedOut: Bool
    /// How long it ran, in seconds.
    public var seconds: Double
}

extension Lab {
    /// Runs the recipe `name` (a guide's ```` ```swift recipe=NAME ```` block, built on its own against the
    /// `Libvirt` and `NBD` libraries) as its own process, with `arguments`, exactly as a reader would run
    /// the program they copied, and returns what it did. Its command line, exit status and output are kept
    /// in the evidence. The recipe reaches the host only through the URI it is given (`--connect`), like
    /// any libvirt client.
    ///
    /// ```swift
    /// let run = try await lab.runRecipe("full-backup", ["--connect", lab.uri, "--domain", dom.name, "--target", path])
    /// try lab.expectEqual(run.status, 0, "the recipe succeeded: \(run.errorOutput)")
    /// ```
    public func runRecipe(_ name: String, _ arguments: [String], timeout: Duration = .seconds(120),
                          file: String = #filePath, line: Int = #line) async throws -> RecipeRun {
        let program = SnippetAttributes.recipeExecutableName(name)
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let executable = directory.appendingPathComponent(program).path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw LabFailure("recipe '\(name)' was not built (no \(program) beside \(directory.path)): is there a "
                             + "```swift recipe=\(name) block in the guides?", file: file, line: line)
        }
        var command = ProcessSpec(executable, arguments)
        command.newSession = true
        let commandLine = ([name] + arguments).map(HostAccess.shellQuoted).joined(separator: " ")
        let run = try await runProgram(command, kind: "recipe", name: name, commandLine: commandLine, timeout: timeout,
                                       file: file, line: line)
        record(documents: Evidence.Document.extract(from: run.output, program: name))
        return run
    }

    /// Runs a program the way a reader would (a recipe, a guide's script) on a thread of its own, so that its
    /// wait does not hold one of the few cooperative threads, and keeps its command line, exit status and the
    /// tail of its output in the evidence (`kind: …`, `kind output:`, `kind errors:`).
    func runProgram(_ spec: ProcessSpec, kind: String, name: String, commandLine: String, timeout: Duration,
                    file: String, line: Int) async throws -> RecipeRun {
        var command = spec
        command.output = .capture
        command.errorOutput = .capture
        let prepared = command
        let result: Subprocess.Result = try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try Subprocess.run(prepared, timeout: timeout)) } catch {
                    continuation.resume(throwing: LabFailure("cannot start \(kind) \(name): \(error)", file: file, line: line))
                }
            }.start()
        }
        let run = RecipeRun(commandLine: commandLine, status: result.status, output: result.output,
                            errorOutput: result.errorOutput, timedOut: result.timedOut, seconds: result.seconds)
        note("\(kind): \(commandLine) → exit \(run.status)\(run.timedOut ? " (ended after \(timeout))" : "") in "
             + String(format: "%.2f s", run.seconds))
        if !run.output.isEmpty { note("\(kind) output:\n" + Self.tail(run.output)) }
        if !run.errorOutput.isEmpty { note("\(kind) errors:\n" + Self.tail(run.errorOutput)) }
        return run
    }

    /// The last lines of a program's output, for the evidence.
    static func tail(_ text: String, lines: Int = 40) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
