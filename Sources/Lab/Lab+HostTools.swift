import Foundation
import Support

// Running a tool that users run beside libvirt (a backup client such as virtnbdbackup) on the host of the
// connection, as an external process, with its output kept as evidence.

extension Lab {
    /// What a host tool printed and how it ended.
    public struct ToolRun: Sendable, CustomStringConvertible {
        /// The command line as run (with where it ran).
        public var commandLine: String
        /// Its exit status.
        public var status: Int32
        /// Its standard output.
        public var stdout: String
        /// Its standard error.
        public var stderr: String
        /// `command → status`, then the last lines of its output.
        public var description: String {
            let tail = (stdout + stderr).split(separator: "\n", omittingEmptySubsequences: true).suffix(12).joined(separator: "\n")
            return "\(commandLine) → exit \(status)\n\(tail)"
        }
    }

    /// The capability a missing host tool is reported under: `host-tool:<tool>`. Like the host access, it
    /// belongs to the host, not to the guide: a user's host need not have every tool Rewind's own hosts
    /// install, so a missing one makes the snippet *unsupported* with the reason, declared or not.
    public static func hostToolCapability(_ tool: String) -> String { "host-tool:" + tool }

    /// Stops the snippet as *unsupported* unless `tool` is installed on the host (`command -v` through the
    /// host access), saying which Debian package provides it.
    ///
    /// ```swift
    /// try lab.requireHostTool("virtnbdbackup", package: "virtnbdbackup")
    /// ```
    public func requireHostTool(_ tool: String, package: String, file: String = #filePath, line: Int = #line) throws {
        let r = try Tool.shell.run(["-c", "command -v \"$1\"", "sh", tool], on: host, file: file, line: line)
        if r.status != 0 {
            throw Unsupported(capability: Self.hostToolCapability(tool),
                              reason: "needs \(tool) on the host (Debian package \(package)); not installed on \(uri) (host access \(host))")
        }
    }

    /// Runs `tool` with `arguments` on the host (this machine, a release root, or over ssh), waits for it
    /// (at most `timeout`), records its command line and the tail of its output as a note, and returns
    /// what it printed. A non-zero exit status fails the snippet with that output unless `check` is false.
    ///
    /// ```swift
    /// let run = try lab.runHostTool("virtnbdbackup", ["-d", dom.name, "-l", "full", "-o", out, "-n"])
    /// ```
    @discardableResult
    public func runHostTool(_ tool: String, _ arguments: [String], timeout: Duration = .seconds(300), check: Bool = true,
                            file: String = #filePath, line: Int = #line) throws -> ToolRun {
        if host.isLocal, Executable.find(tool) == nil {
            throw Unsupported(capability: Self.hostToolCapability(tool),
                              reason: "needs \(tool) on the host; not installed on this machine (looked in PATH)")
        }
        let r = try Tool(name: tool).run(arguments, on: host, timeout: timeout, file: file, line: line)
        // 127: the shell found no such command on the host (a tool this host does not have).
        if r.status == 127 {
            let found = try Tool.shell.run(["-c", "command -v \"$1\"", "sh", tool], on: host, file: file, line: line)
            if found.status != 0 {
                throw Unsupported(capability: Self.hostToolCapability(tool),
                                  reason: "needs \(tool) on the host; not installed on \(uri) (host access \(host))")
            }
        }
        let run = ToolRun(commandLine: r.commandLine, status: r.status, stdout: r.stdout, stderr: r.stderr)
        note(run.description)
        if check && r.status != 0 {
            throw LabFailure("\(run)", file: file, line: line)
        }
        return run
    }
}
