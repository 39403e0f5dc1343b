import Foundation
import GuideModel
import Lab
import Testing
@testable import Runner

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
        run.attributes = SnippetAttributes(id: "backup-push", needs: [.qemu, .backup], expectedError: "VIR_ERR_OPERATION_INVALID",
                                           timeout: .milliseconds(2500), finding: "backup.push", claims: ["a.b", "c.d"],
                                           tier: .qemu, since: "9.0.0", fixedIn: "12.1.0")
        run.missing = ["backup": "domain capabilities: backup supported='no'", "agent": "a=b, with = signs"]
        run.peers = ["qemu+tcp://127.0.0.1:16612/system", "qemu:///system"]
        run.hostAccess = .ssh(destination: "root@h", port: "2222", keyfile: "/k/id key")
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

    @Test("every fence attribute reaches the child as GuideModel parsed it: Markdown → runner → arguments → SnippetMain")
    func fenceToChild() throws {
        // Every attribute a run snippet may carry, on one fence; a new attribute needs no change here, in the
        // runner or in SnippetInvocation to reach the child (only GuideModel parses it, the lab reads it).
        let markdown = """
            # G

            ```swift id=first
            print(1)
            ```

            ```swift id=every needs=qemu,backup expect-error=VIR_ERR_NO_DOMAIN timeout=7.5 continues=first standalone finding=x.y claims=a.b,c.d tier=agent since=9.0.0 fixed-in=11.0.0
            print(2)
            ```
            """
        let (guide, errors) = Guide.parse(source: markdown, path: "Guides/g.md")
        #expect(errors.isEmpty, "\(errors)")
        let set = try GuideSet(guides: [try #require(guide)])
        let parsed = try #require(set.snippets.first { $0.id == "every" })
        let runnable = RunnableSnippet(parsed, in: set)
        #expect(runnable.attributes == parsed.attributes)
        let host = HostInfo(uri: "qemu:///system", driver: "QEMU", libvirtVersion: "9.0.0", hypervisorVersion: "7.2.0",
                            virtType: "kvm", capabilities: ["backup": .init(available: false, reason: "no backup")],
                            access: .namespace(pid: 4242, release: "sid"))
        let invocation = SnippetRunner.invocation(for: runnable, host: host, runID: "r-1", labDir: "/tmp/l", resultPath: "/tmp/r.json")
        let child = try SnippetInvocation(parsing: invocation.arguments, environment: invocation.environment)
        #expect(child.attributes == parsed.attributes)
        #expect(child.attributes.timeout == .milliseconds(7500))
        #expect(child.attributes.continues == "first" && child.attributes.isStandalone && child.attributes.fixedIn == "11.0.0")
        #expect(child.missing == ["backup": "no backup"])
        #expect(child.hostAccess == .namespace(pid: 4242, release: "sid"), "the child uses the access the runner resolved")
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
        #expect(message(["list", "--attributes", "{\"needs\": 3}"])?.hasPrefix("--attributes is not a fence's attributes") == true)
    }
}
