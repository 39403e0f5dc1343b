import Foundation
import GuideModel
import Lab
import Testing
@testable import Runner

/// The parent's verdict rules, from fence attributes and what the child reported.
@Suite("Verdict rules")
struct VerdictTests {
    static func snippet(needs: [Capability] = [], expectError: String? = nil, finding: String? = nil,
                        output: String? = nil, standalone: Bool = false,
                        versions: VersionRange = VersionRange()) -> RunnableSnippet {
        RunnableSnippet(id: "s", guide: "Guides/x.md", line: 10,
                        sourceLines: [.init(file: "Guides/x.md", line: 11, text: "body()"),
                                      .init(file: "Guides/x.md", line: 12, text: "more()")],
                        standalone: standalone, needs: needs, expectError: expectError, finding: finding,
                        versions: versions, expectedOutput: output.map { .init(text: $0, masked: false, line: 15) })
    }

    static func outcome(_ kind: SnippetReport.Outcome.Kind? = nil, message: String? = nil, code: String? = nil,
                        unsupported: Bool? = nil, capability: String? = nil, file: String? = nil, line: Int? = nil,
                        termination: ChildProcess.Termination = .exited(0), stdout: String = "", stderr: String = "",
                        teardown: [String] = []) -> ProcessOutcome {
        let report = kind.map {
            SnippetReport(snippetID: "s", runID: "r", uri: "test:///default",
                          outcome: .init(kind: $0, message: message, code: code, meansUnsupported: unsupported,
                                         file: file, line: line, capability: capability),
                          teardownErrors: teardown)
        }
        return ProcessOutcome(termination: termination, timeout: 60, report: report, stdout: stdout, stderr: stderr,
                              duration: 0.1, runID: "r")
    }

    @Test("ok passes; with finding= it is a finding; teardown errors fail it")
    func ok() {
        #expect(VerdictRules.judge(Self.snippet(), Self.outcome(.ok)).verdict == .pass)
        let finding = VerdictRules.judge(Self.snippet(finding: "chk.size"), Self.outcome(.ok))
        #expect(finding.verdict == .finding)
        #expect(finding.message == "chk.size")
        let teardown = VerdictRules.judge(Self.snippet(), Self.outcome(.ok, teardown: ["VIR_ERR_X: gone"]))
        #expect(teardown.verdict == .fail)
        #expect(teardown.message == "teardown failed: VIR_ERR_X: gone")
    }

    @Test("expect-error: the right code passes, another code or success fails saying both")
    func expectError() {
        let s = Self.snippet(expectError: "VIR_ERR_NO_DOMAIN")
        #expect(VerdictRules.judge(s, Self.outcome(.libvirtError, message: "nope", code: "VIR_ERR_NO_DOMAIN")).verdict == .pass)
        let other = VerdictRules.judge(s, Self.outcome(.libvirtError, message: "bad", code: "VIR_ERR_INVALID_ARG"))
        #expect(other.verdict == .fail)
        #expect(other.message == "expected VIR_ERR_NO_DOMAIN, got VIR_ERR_INVALID_ARG: bad")
        #expect(VerdictRules.judge(s, Self.outcome(.ok)).message == "expected VIR_ERR_NO_DOMAIN, but the snippet succeeded")
        // An expected unsupported error is a pass, not "unsupported".
        let u = Self.snippet(needs: [.backup], expectError: "VIR_ERR_NO_SUPPORT")
        #expect(VerdictRules.judge(u, Self.outcome(.libvirtError, code: "VIR_ERR_NO_SUPPORT", unsupported: true)).verdict == .pass)
    }

    @Test("an unsupported libvirt error is unsupported only with a declared need")
    func unsupported() {
        let declared = VerdictRules.judge(Self.snippet(needs: [.backup]),
                                          Self.outcome(.libvirtError, message: "not supported", code: "VIR_ERR_NO_SUPPORT", unsupported: true))
        #expect(declared.verdict == .unsupported)
        #expect(declared.reason == "VIR_ERR_NO_SUPPORT: not supported")
        let undeclared = VerdictRules.judge(Self.snippet(),
                                            Self.outcome(.libvirtError, message: "not supported", code: "VIR_ERR_NO_SUPPORT", unsupported: true))
        #expect(undeclared.verdict == .fail)
        #expect(undeclared.errorCode == "VIR_ERR_NO_SUPPORT")
        // A declared need does not excuse an ordinary error.
        let ordinary = VerdictRules.judge(Self.snippet(needs: [.backup]),
                                          Self.outcome(.libvirtError, message: "invalid", code: "VIR_ERR_OPERATION_INVALID", unsupported: false))
        #expect(ordinary.verdict == .fail)
        // A tool the host lacks belongs to the host, like its access: unsupported whether declared or not.
        let noTool = VerdictRules.judge(Self.snippet(needs: [.qemu]),
                                        Self.outcome(.unsupported, message: "needs virtnbdbackup on the host; not installed",
                                                     capability: Lab.hostToolCapability("virtnbdbackup")))
        #expect(noTool.verdict == .unsupported)
        #expect(noTool.reason == "needs virtnbdbackup on the host; not installed")
        // lab.require: unsupported only for a declared capability.
        #expect(VerdictRules.judge(Self.snippet(needs: [.qemu]),
                                   Self.outcome(.unsupported, message: "needs qemu; x", capability: "qemu")).verdict == .unsupported)
        #expect(VerdictRules.judge(Self.snippet(needs: [.backup]),
                                   Self.outcome(.unsupported, message: "needs qemu; x", capability: "qemu")).verdict == .fail)
    }

    @Test("a failed expectation keeps its Markdown location")
    func labFailure() {
        let r = VerdictRules.judge(Self.snippet(), Self.outcome(.labFailure, message: "expected 2, got 3", file: "Guides/x.md", line: 12))
        #expect(r.verdict == .fail)
        #expect(r.location == "Guides/x.md:12")
        #expect(r.message == "expected 2, got 3")
    }

    @Test("other errors, setup failures, missing results, timeouts and crashes fail")
    func abnormal() {
        let other = VerdictRules.judge(Self.snippet(), ProcessOutcome(
            termination: .exited(0), timeout: 60,
            report: SnippetReport(snippetID: "s", runID: "r", uri: "u",
                                  outcome: .init(kind: .error, message: "oops", errorType: "Swift.DecodingError")),
            stdout: "", stderr: "", duration: 0, runID: "r"))
        #expect(other.message == "threw Swift.DecodingError: oops")
        #expect(VerdictRules.judge(Self.snippet(), Self.outcome(.setupFailed, message: "cannot connect")).message
                == "could not set up: cannot connect")
        let noResult = VerdictRules.judge(Self.snippet(), Self.outcome(termination: .exited(3), stderr: "bye"))
        #expect(noResult.message == "exited with status 3 without a result")
        #expect(noResult.stderr == "bye")
        var timedOut = Self.outcome(termination: .signaled(SIGTERM))
        timedOut.timedOut = true
        timedOut.timeout = 2.5
        let t = VerdictRules.judge(Self.snippet(), timedOut)
        #expect(t.message == "timed out after 2.5s")
        #expect(t.location == "Guides/x.md:10")
        let crash = VerdictRules.judge(Self.snippet(), Self.outcome(
            termination: .signaled(SIGSEGV), stderr: "RewindSnippets/x.md:12: Fatal error: Unexpectedly found nil\n"))
        #expect(crash.message == "crashed with SIGSEGV: Fatal error: Unexpectedly found nil")
        #expect(crash.location == "Guides/x.md:12")
        let backtraceOnly = VerdictRules.judge(Self.snippet(), Self.outcome(
            termination: .signaled(SIGABRT), stderr: "  1 [ra] 0x1 f() + 9 in RewindSnippets at Guides/x.md:11:3\n"))
        #expect(backtraceOnly.message == "crashed with SIGABRT")
        #expect(backtraceOnly.location == "Guides/x.md:11")
        // A standalone program that exits 0 without a result file passes.
        #expect(VerdictRules.judge(Self.snippet(standalone: true), Self.outcome(termination: .exited(0))).verdict == .pass)
        #expect(VerdictRules.judge(Self.snippet(), Self.outcome(termination: .exited(0))).verdict == .fail)
    }

    @Test("output is compared after everything else passed")
    func output() {
        let s = Self.snippet(output: "hello\n")
        #expect(VerdictRules.judge(s, Self.outcome(.ok, stdout: "hello\n")).verdict == .pass)
        let wrong = VerdictRules.judge(s, Self.outcome(.ok, stdout: "bye\n"))
        #expect(wrong.verdict == .fail)
        #expect(wrong.location == "Guides/x.md:15")
        #expect(wrong.stdout == "bye\n")
        // A finding whose output differs is a failure.
        let findingOut = VerdictRules.judge(Self.snippet(finding: "c", output: "x"), Self.outcome(.ok, stdout: "y"))
        #expect(findingOut.verdict == .fail)
    }
}

@Suite("Host probe and runner selection")
struct HostProbeTests {
    @Test("test:///default: driver, versions, virt type and the answer for every need")
    func testDriver() throws {
        let host = try HostProbe.probe(uri: "test:///default")
        #expect(host.driver == "TEST")
        #expect(host.virtType == "test")
        #expect(host.libvirtVersion.split(separator: ".").count == 3)
        #expect(host.missingReason("qemu") == "connection driver is TEST")
        #expect(host.missingReason("backup") == "connection driver is TEST")
        #expect(host.missingReason("checkpoint") == nil)
        #expect(host.capabilities["agent"]?.available == nil)
        #expect(Set(host.capabilities.keys) == Set(HostProbe.knownCapabilities))
    }

    @Test("qemu:///system: the QEMU driver, kvm or qemu, backup from the domain capabilities",
          .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
    func liveQEMU() throws {
        let host = try HostProbe.probe(uri: "qemu:///system")
        #expect(host.driver == "QEMU")
        #expect(["kvm", "qemu"].contains(host.virtType))
        #expect(!host.hypervisorVersion.isEmpty)
        #expect(host.capabilities["qemu"]?.available == true)
        #expect(host.capabilities["monitor"]?.available == true)
        #expect(host.capabilities["backup"]?.reason.hasPrefix("domain capabilities") == true)
    }

    @Test("one build, a second host: the fixture's snippets on qemu:///system",
          .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
    func liveSecondHost() async throws {
        let f = try await Fixture.shared()
        let host = try HostProbe.probe(uri: "qemu:///system")
        var options = SnippetRunner.Options(workDirectory: Fixture.workDirectory)
        options.filters = ["needs-qemu", "missing-domain", "declared-unsupported"]
        let results = await SnippetRunner(options: options).run(
            f.snippets, compile: try #require(f.outcome.results.compile), host: host, hostIndex: 1)
        let byID = Dictionary(uniqueKeysWithValues: results.results.map { ($0.id, $0) })
        #expect(byID["needs-qemu"]?.verdict == .pass, "\(String(describing: byID["needs-qemu"]))")
        #expect(byID["missing-domain"]?.verdict == .pass)
        #expect(byID["missing-domain"]?.errorCode == "VIR_ERR_NO_DOMAIN")
        // QEMU has domain capabilities: the snippet that is unsupported on the test driver passes here.
        #expect(byID["declared-unsupported"]?.verdict == .pass)
        #expect(byID["passes"]?.verdict == .skipped)
    }

    @Test("an unreachable URI is a clear error naming the URI and the libvirt code")
    func unreachable() {
        do {
            _ = try HostProbe.probe(uri: "qemu+tcp://127.0.0.1:1/system")
            Issue.record("the probe should fail")
        } catch {
            #expect(error.uri == "qemu+tcp://127.0.0.1:1/system")
            #expect(error.description.hasPrefix("cannot connect to qemu+tcp://127.0.0.1:1/system: VIR_ERR_"))
        }
    }

    @Test("--filter selects by id, guide, location or pattern; a needed capability the probe lacks is unsupported")
    func selection() {
        let s = RunnableSnippet(id: "snap-create", guide: "Guides/snap.md", line: 4, sourceLines: [], needs: [.qemu])
        func runner(_ filters: [String]) -> SnippetRunner {
            var o = SnippetRunner.Options(workDirectory: URL(fileURLWithPath: "/tmp"))
            o.filters = filters
            return SnippetRunner(options: o)
        }
        #expect(runner([]).isSelected(s))
        #expect(runner(["snap-create"]).isSelected(s))
        #expect(runner(["Guides/snap.md"]).isSelected(s))
        #expect(runner(["Guides/snap.md:4"]).isSelected(s))
        #expect(runner(["snap-*"]).isSelected(s))
        #expect(!runner(["snap"]).isSelected(s))
        let host = HostInfo(uri: "test:///default", driver: "TEST", libvirtVersion: "9.0.0", hypervisorVersion: "",
                            virtType: "test", capabilities: ["qemu": .init(available: false, reason: "connection driver is TEST")])
        var compile = CompileReport(layout: .merged)
        compile.executables["snap-create"] = "/bin/false"
        let r = runner([]).decideWithoutRunning(s, compile: compile, host: host)
        #expect(r?.verdict == .unsupported)
        #expect(r?.reason == "needs qemu; connection driver is TEST")
    }
}
