import Foundation
import Glibc
@testable import Support
import Testing

@Suite("Support: starting programs")
struct SubprocessTests {
    /// A scratch folder removed when the value goes.
    final class Scratch {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "rewind-support-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test("status, both streams captured apart or together, signals as 128 + n, a missing program")
    func statusAndOutput() throws {
        var spec = ProcessSpec("sh", ["-c", "echo out; echo err >&2; exit 3"])
        let apart = try Subprocess.run(spec)
        #expect(apart.status == 3)
        #expect(apart.output == "out\n")
        #expect(apart.errorOutput == "err\n")
        #expect(!apart.succeeded)
        spec.errorOutput = .sameAsOutput
        let together = try Subprocess.run(spec)
        #expect(together.output.contains("out") && together.output.contains("err"))
        #expect(together.errorOutput.isEmpty)

        #expect(try Subprocess.run(ProcessSpec("sh", ["-c", "kill -TERM $$"])).status == 128 + SIGTERM)
        do {
            _ = try Subprocess.run(ProcessSpec("/nonexistent/tool"))
            Issue.record("a missing program must throw")
        } catch {
            #expect(error.notFound)
        }
        #expect(Executable.find("sh") != nil)
        #expect(Executable.find("no-such-tool-rewind") == nil)
        #expect(Executable.find("/etc") == nil, "a directory is not an executable")
    }

    @Test("bytes in and out unchanged, a file as input, output to a file, a working directory, the environment")
    func streamsAndEnvironment() throws {
        let dir = try Scratch()
        let bytes = Data((0...255).map(UInt8.init) + [0, 0xff, 0x0a])
        var cat = ProcessSpec("cat")
        cat.input = .data(bytes)
        #expect(try Subprocess.run(cat).outputData == bytes, "binary output is kept byte for byte")

        let input = dir.path + "/in"
        try Data("from a file\n".utf8).write(to: URL(fileURLWithPath: input))
        cat.input = .file(input)
        let out = dir.path + "/out"
        cat.output = .file(out, append: false)
        #expect(try Subprocess.run(cat).status == 0)
        cat.output = .file(out, append: true)
        #expect(try Subprocess.run(cat).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "from a file\nfrom a file\n")

        var pwd = ProcessSpec("sh", ["-c", "pwd; echo \"$REWIND_SUPPORT_TEST\""])
        pwd.currentDirectory = dir.path
        pwd.addedEnvironment = ["REWIND_SUPPORT_TEST": "set"]
        let where_ = try Subprocess.run(pwd).output.split(separator: "\n").map(String.init)
        #expect(where_ == [URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path, "set"])

        let started = try Subprocess.spawn(ProcessSpec("echo", ["kept"]))
        let scratch = try #require(started.scratch)
        var status: Int32 = 0
        waitpid(started.pid, &status, 0)
        #expect(started.collect().output == Data("kept\n".utf8))
        #expect(!FileManager.default.fileExists(atPath: scratch), "captured output is read and its scratch folder removed")
    }

    @Test("an overdue program is ended, with its whole session when it has one of its own")
    func timeouts() throws {
        let dir = try Scratch()
        let pidFile = dir.path + "/child"
        // The shell starts a child and waits: the timeout must end both (the session's group).
        var spec = ProcessSpec("sh", ["-c", "sleep 30 & echo $! > \(pidFile); wait"])
        spec.newSession = true
        let start = ContinuousClock.now
        let r = try Subprocess.run(spec, timeout: .milliseconds(300))
        #expect(r.timedOut)
        #expect(!r.succeeded)
        #expect(start.secondsElapsed < 10)
        let child = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The child got SIGTERM with its group; once its parent (reaped) is gone it is reparented and reaped.
        var gone = false
        for _ in 0..<200 where !gone {
            let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)
            gone = stat == nil || stat!.contains(") Z ")
            if !gone { usleep(10_000) }
        }
        #expect(gone, "the session's other process was ended too")
    }

    @Test("a detached program runs in a session of its own and inherits no descriptor")
    func detached() throws {
        let dir = try Scratch()
        let fd = open(dir.path + "/held", O_CREAT | O_WRONLY, 0o600)   // not close-on-exec
        defer { close(fd) }
        var spec = ProcessSpec("sh", ["-c", "ls /proc/$$/fd; cat /proc/$$/stat"])
        spec.newSession = true
        spec.closeInheritedDescriptors = true
        spec.errorOutput = .sameAsOutput
        let r = try Subprocess.run(spec)
        let lines = r.output.split(separator: "\n").map(String.init)
        let fds = lines.compactMap { Int32($0) }
        #expect(!fds.contains(fd), "the descriptor was marked close-on-exec")
        let stat = try #require(lines.last)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        #expect(fields.count > 3 && fields[2] == fields[3], "process group = session: it leads a session of its own")
    }

    @Test("durations in seconds")
    func durations() {
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(Duration.seconds(double: 0.25) == .milliseconds(250))
        #expect(Duration.microseconds(2).inMilliseconds == 0.002)
    }
}
