import Foundation
import Lab
import Testing

/// The contract between the runner and a snippet process, written and read by one type.
@Suite("SnippetInvocation: written by the runner, read by SnippetMain")
struct SnippetInvocationTests {
    @Test("every field survives arguments → parsing, in both directions")
    func roundTrip() throws {
        var run = SnippetInvocation(mode: .run)
        run.id = "backup-push"
        run.connect = "qemu+ssh://root@h/system?keyfile=/k&no_verify=1"
        run.labDir = "/tmp/labs/a b"
        run.runID = "ab12-0-3"
        run.resultPath = "/tmp/runs/ab12-0-3/result.json"
        run.expectError = "VIR_ERR_OPERATION_INVALID"
        run.needs = ["qemu", "backup"]
        run.finding = true
        run.missing = ["backup": "domain capabilities: backup supported='no'", "agent": "a=b, with = signs"]
        run.agentPool = "/tmp/pool.json"
        run.guestCache = "/tmp/guest"
        let back = try SnippetInvocation(parsing: run.arguments, environment: run.environment)
        #expect(back == run)
        #expect(back.arguments == run.arguments)

        var cleanup = SnippetInvocation(mode: .cleanup)
        cleanup.connect = "test:///default"
        cleanup.runID = "r"
        #expect(try SnippetInvocation(parsing: cleanup.arguments, environment: [:]) == cleanup)
        #expect(try SnippetInvocation(parsing: ["list"], environment: [:]) == SnippetInvocation(mode: .list))
    }

    @Test("missing, unknown and malformed arguments are refused with what is wrong")
    func refusals() {
        func message(_ args: [String]) -> String? {
            do { _ = try SnippetInvocation(parsing: args, environment: [:]); return nil } catch { return error.description }
        }
        #expect(message([]) == "expected a mode: run, cleanup or list")
        #expect(message(["run", "--id", "x"]) == "run needs --connect")
        #expect(message(["cleanup", "--connect", "test:///default"]) == "cleanup needs --run-id")
        #expect(message(["list", "--bogus"]) == "unknown argument --bogus")
        #expect(message(["list", "--missing", "qemu"]) == "--missing wants CAPABILITY=REASON, got qemu")
        #expect(message(["list", "--id"]) == "--id needs a value")
    }
}
