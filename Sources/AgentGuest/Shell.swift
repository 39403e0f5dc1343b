import Foundation

/// Runs host commands for the guest builder: a thin layer over `Process` that captures both output streams.
enum Shell {
    /// The outcome of one command.
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var output: String { String(decoding: stdout, as: UTF8.self) }
        var errors: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Finds an executable on `PATH` (plus the sbin directories, which a non-login root shell may lack).
    static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for dir in dirs where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input, and waits for it.
    /// Output goes through temporary files, so a chatty command can never fill a pipe and stall.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                    environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
        guard let path = which(executable) else {
            throw AgentGuest.BuildError.missingTool(executable)
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-shell-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = out
        process.standardError = err
        var inputPipe: Pipe?
        if input != nil {
            inputPipe = Pipe()
            process.standardInput = inputPipe
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        if let input, let inputPipe {
            inputPipe.fileHandleForWriting.write(input)
            try inputPipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus,
                      stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
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
