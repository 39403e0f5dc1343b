import Foundation
import Support
import Synchronization

extension Lab {
    /// The guides' scripts (`sh script=NAME` blocks) by name, compiled into the snippet program by the
    /// runner and set by ``SnippetMain/run(registry:scripts:)``.
    static let guideScripts = Mutex<[String: String]>([:])

    /// Runs the guide's script `name` (a ```` ```sh script=NAME ```` block, the `virsh` sequence shown beside
    /// a recipe) exactly as shown, with `sh -eu`, in a scratch folder of this machine, with `environment` as
    /// its inputs (`URI`, `DOMAIN`, …: the variables its comment names), and returns what it did. `virsh` is
    /// a libvirt client like the recipes: it reaches the host only through the URI. The command line, exit
    /// status and output are kept in the evidence; a host without the script's tools makes the snippet
    /// unsupported (exit 127: `host-tool:<tool>`).
    ///
    /// ```swift
    /// let run = try await lab.runScript("move-disk-virsh", environment: ["URI": lab.uri, "DOMAIN": dom.name,
    ///                                                                    "DEST": try lab.path("moved.qcow2")])
    /// try lab.expectEqual(run.status, 0, "virsh: \(run.output)")
    /// ```
    public func runScript(_ name: String, environment: [String: String], timeout: Duration = .seconds(120),
                          file: String = #filePath, line: Int = #line) async throws -> RecipeRun {
        guard let script = Self.guideScripts.withLock({ $0[name] }) else {
            throw LabFailure("no script '\(name)' in the guides (a ```sh script=\(name) block)", file: file, line: line)
        }
        let folder = try localPath("script-\(name)", file: file, line: line)
        let scriptFile = URL(fileURLWithPath: folder + ".sh")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(script.utf8).write(to: scriptFile)
        } catch {
            throw LabFailure("cannot write the script \(name) into \(folder): \(error)", file: file, line: line)
        }
        var command = ProcessSpec("/bin/sh", ["-eu", scriptFile.path])
        command.newSession = true
        command.currentDirectory = folder
        var env = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "LANG", "LC_ALL"].contains($0.key) }
        for (key, value) in environment { env[key] = value }
        command.environment = env
        let commandLine = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(HostAccess.shellQuoted($0.value))" }
            .joined(separator: " ") + " sh -eu \(name).sh"
        let run = try await runProgram(command, kind: "script", name: name, commandLine: commandLine, timeout: timeout,
                                       file: file, line: line)
        if run.status == 127, let tool = Self.missingTool(in: run.errorOutput) {
            throw Unsupported(capability: "host-tool:\(tool)", reason: "the script \(name) needs \(tool), which this machine lacks (sh: exit 127)")
        }
        return run
    }

    /// The command `sh` could not find (`…: virsh: not found`), if that is what the errors say.
    static func missingTool(in errors: String) -> String? {
        for line in errors.split(separator: "\n") where line.hasSuffix(": not found") {
            let parts = line.dropLast(": not found".count).split(separator: ":")
            if let tool = parts.last?.trimmingCharacters(in: .whitespaces), !tool.isEmpty { return tool }
        }
        return nil
    }
}
