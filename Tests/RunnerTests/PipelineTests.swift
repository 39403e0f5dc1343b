import Foundation
import Lab
import GuideModel
import Testing
@testable import Runner

/// End-to-end tests on the shared fixture build (see `Fixture`).
@Suite("Pipeline on test:///default")
struct PipelineTests {
    @Test("a passing snippet passes, with its evidence and output checked")
    func passes() async throws {
        let f = try await Fixture.shared()
        let r = f.result("passes")
        #expect(r.verdict == .pass, "\(r)")
        #expect(r.claims == ["fixture.pass"])
        let evidence = try #require(r.evidence)
        #expect(evidence.measurements.first?.name == "domains")
        #expect(evidence.measurements.first?.value == 1)
        #expect(evidence.measurements.first?.unit == "count")
        #expect(evidence.notes == ["looked at test:///default"])
        #expect(r.duration > 0)
        #expect(f.result("masked-output").verdict == .pass)
    }

    @Test("a failed expectation is reported at its exact Markdown line")
    func failureLine() async throws {
        let f = try await Fixture.shared()
        let r = f.result("fails")
        #expect(r.verdict == .fail)
        #expect(r.message == "arithmetic is broken")
        #expect(r.location == "Guides/fixture.md:\(Fixture.line(of: "arithmetic is broken"))")
    }

    @Test("a compile-fail snippet passes when the expected diagnostic is at its line")
    func compileFail() async throws {
        let f = try await Fixture.shared()
        let r = f.result("rejects-string")
        #expect(r.verdict == .pass, "\(r)")
        #expect(r.location?.hasPrefix("Guides/fixture.md:\(Fixture.line(of: "let x: Int = \"text\""))") == true)
        #expect(r.message?.contains("cannot convert value of type 'String'") == true)
        let invocation = try #require(f.outcome.results.compile?.invocations.first { $0.kind == .compileFail })
        #expect(!invocation.succeeded)
    }

    @Test("a snippet that runs past its timeout is killed and reported at its fence")
    func timeout() async throws {
        let f = try await Fixture.shared()
        let r = f.result("hangs")
        #expect(r.verdict == .fail)
        #expect(r.message == "timed out after 1s")
        #expect(r.location == "Guides/fixture.md:\(Fixture.line(of: "id=hangs"))")
        // The snippet never ends by itself: that it ended at all is the kill. No upper time bound (a busy
        // machine may take seconds to spawn and reap), only that it ran at least its timeout.
        #expect(r.duration >= 1)
        #expect(r.cleanup != nil)
    }

    @Test("a crash fails with the signal and the guide line of the fatal error")
    func crash() async throws {
        let f = try await Fixture.shared()
        let r = f.result("crashes")
        #expect(r.verdict == .fail)
        #expect(r.message?.hasPrefix("crashed with SIGILL") == true || r.message?.hasPrefix("crashed with SIGTRAP") == true,
                "\(r.message ?? "")")
        #expect(r.message?.contains("Fatal error: boom") == true)
        #expect(r.location == "Guides/fixture.md:\(Fixture.line(of: "fatalError(boom)"))")
    }

    @Test("an output mismatch fails with a diff at the output block")
    func outputMismatch() async throws {
        let f = try await Fixture.shared()
        let r = f.result("wrong-output")
        #expect(r.verdict == .fail)
        let blockLine = Fixture.line(of: "expected second") - 2
        #expect(r.location == "Guides/fixture.md:\(blockLine)")
        #expect(r.diff?.contains("-expected second") == true)
        #expect(r.diff?.contains("+actual second") == true)
        #expect(r.diff?.contains(" first") == true)
    }

    @Test("--update rewrites only the mismatched output block, byte for byte elsewhere")
    func update() async throws {
        let f = try await Fixture.shared()
        let root = try Fixture.makeRoot(["fixture.md": Fixture.guide])
        let (updates, ids) = Verifier.outputUpdates(f.snippets, results: f.outcome.results.hosts[0].results)
        #expect(ids == ["wrong-output"])
        let changed = try OutputBlockUpdater.apply(updates, root: root)
        let blockLine = Fixture.line(of: "expected second") - 2
        #expect(changed == ["Guides/fixture.md:\(blockLine)"])
        let after = try String(contentsOf: root.appendingPathComponent("Guides/fixture.md"), encoding: .utf8)
        #expect(after == Fixture.guide.replacingOccurrences(of: "first\nexpected second\n",
                                                           with: "first\nactual second\n"))
        // The updated guide's block now matches what the snippet printed.
        let snippet = try #require(try Fixture.snippets(root: root).first { $0.id == "wrong-output" })
        let comparison = OutputComparison(expected: snippet.expectedOutput!.text,
                                          actual: f.result("wrong-output").stdout ?? "", masked: false)
        #expect(comparison.matches)
    }

    @Test("expect-error passes on the expected code and fails on another")
    func expectError() async throws {
        let f = try await Fixture.shared()
        let ok = f.result("missing-domain")
        #expect(ok.verdict == .pass, "\(ok)")
        #expect(ok.errorCode == "VIR_ERR_NO_DOMAIN")
        let wrong = f.result("wrong-error")
        #expect(wrong.verdict == .fail)
        #expect(wrong.message?.hasPrefix("expected VIR_ERR_OPERATION_INVALID, got VIR_ERR_NO_DOMAIN") == true)
    }

    @Test("needs=qemu is unsupported on the test driver, with the reason")
    func needsQEMU() async throws {
        let f = try await Fixture.shared()
        let r = f.result("needs-qemu")
        #expect(r.verdict == .unsupported)
        #expect(r.reason == "needs qemu; connection driver is TEST")
        #expect(r.duration == 0)
    }

    @Test("an unsupported error is unsupported only when declared")
    func declaredUnsupported() async throws {
        let f = try await Fixture.shared()
        let declared = f.result("declared-unsupported")
        #expect(declared.verdict == .unsupported)
        #expect(declared.reason?.hasPrefix("VIR_ERR_NO_SUPPORT: ") == true)
        let undeclared = f.result("undeclared-unsupported")
        #expect(undeclared.verdict == .fail)
        #expect(undeclared.message?.contains("declares no needs=") == true)
    }

    @Test("makeAgentDomain on the test driver is unsupported with the reason; the guest cache is passed on")
    func agentGuest() async throws {
        let f = try await Fixture.shared()
        let r = f.result("agent-guest-unsupported")
        #expect(r.verdict == .unsupported, "\(r)")
        #expect(r.reason == "needs agent; the agent guest boots only on QEMU, connection driver is TEST")
        let cache = f.result("guest-cache-variable")
        #expect(cache.verdict == .pass)
        let inherited = ProcessInfo.processInfo.environment["REWIND_GUEST_CACHE"] ?? ""
        let expected = inherited.isEmpty ? f.root.appendingPathComponent(".rewind/guest").standardizedFileURL.path : inherited
        #expect(cache.evidence?.notes == [expected])
    }

    @Test("finding, context + continuation, compile-only, ignore, standalone, teardown")
    func otherVerdicts() async throws {
        let f = try await Fixture.shared()
        #expect(f.result("shows-finding").verdict == .finding)
        #expect(f.result("shows-finding").message == "fixture.finding")
        #expect(f.result("first-step").verdict == .pass)
        #expect(f.result("second-step").verdict == .pass, "\(f.result("second-step"))")
        #expect(f.result("only-compiled").verdict == .skipped)
        #expect(f.result("only-compiled").reason == "compile-only: compiled, not run")
        #expect(f.result("standalone-program").verdict == .pass, "\(f.result("standalone-program"))")
        #expect(f.result("teardown-order").verdict == .pass, "\(f.result("teardown-order"))")
        #expect(f.outcome.results.hosts[0].results.count == f.snippets.count)
    }

    @Test("a compile error in the merged build names the snippet and its line, once, without retry")
    func mergedCompileError() async throws {
        let f = try await Fixture.shared()
        let c = f.brokenCompile
        #expect(!c.succeeded)
        #expect(c.failedTargets == ["RewindSnippets"])
        #expect(c.invocations.count == 1)
        #expect(c.invocations.allSatisfy { $0.product == "RewindSnippets" })
        let errors = try #require(c.snippetErrors["broken-snippet"])
        let line = Fixture.line(of: "not an int", in: Fixture.brokenGuide)
        #expect(errors.contains { $0.file == "Guides/broken.md" && $0.line == line && $0.severity == .error })
        #expect(c.snippetErrors.keys.sorted() == ["broken-snippet"])
        #expect(c.unattributedErrors.isEmpty)
        // The runner reports it as a failure at that line, and runs nothing from the failed build.
        let runner = SnippetRunner(options: .init(workDirectory: Fixture.workDirectory))
        let host = HostInfo(uri: "test:///default", driver: "TEST", libvirtVersion: "9.0.0", hypervisorVersion: "",
                            virtType: "test")
        let results = await runner.run(f.brokenSnippets, compile: c, host: host)
        let broken = try #require(results.results.first { $0.id == "broken-snippet" })
        #expect(broken.verdict == .fail)
        #expect(broken.location == "Guides/broken.md:\(line)")
        #expect(broken.message?.contains("does not compile") == true)
        let passes = try #require(results.results.first { $0.id == "passes" })
        #expect(passes.verdict == .skipped)
        #expect(passes.reason == "not run: the build of RewindSnippets failed")
    }

    @Test("the compile and run phases are timed separately")
    func timings() async throws {
        let f = try await Fixture.shared()
        let t = f.outcome.results.timings
        #expect(t.compile > 0)
        #expect(t.run > 0)
        let compile = try #require(f.outcome.results.compile)
        #expect(compile.invocations.first?.product == "RewindSnippets")
        #expect(compile.invocations.filter { $0.product == "RewindSnippets" }.count == 1)
        print("fixture: merged+extra builds \(compile.invocations.map { "\($0.product) \(String(format: "%.2f", $0.duration))s" }); run \(String(format: "%.2f", t.run))s; broken merged build \(String(format: "%.2f", f.brokenBuildSeconds))s")
    }
}

/// `Verification.run`, the entry point `rewind verify` and `rewind bench` share, on roots that cannot run.
@Suite("Verification entry point")
struct VerificationEntryTests {
    static func root(_ guides: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-entry-\(UUID().uuidString.prefix(8))")
        for (name, text) in guides {
            let url = root.appendingPathComponent("Guides/\(name)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test("no Guides folder, a path with no guide, and guide errors each stop the run with their message")
    func refusals() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-entry-none-\(UUID().uuidString.prefix(8))")
        await #expect(throws: Verification.Failure.self) { try await Verification.run(Verification.Options(root: empty)) }

        let ok = try Self.root(["a.md": "# A\n\n```swift id=a\nprint(1)\n```\n"])
        defer { try? FileManager.default.removeItem(at: ok) }
        var options = Verification.Options(root: ok)
        options.paths = ["Guides/missing.md"]
        options.currentDirectory = ok
        do {
            _ = try await Verification.run(options)
            Issue.record("a path with no guide must be refused")
        } catch {
            guard case .selection(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("Guides/missing.md: no guide there"))
            #expect(error.exitStatus == 1)
        }

        let bad = try Self.root(["b.md": "# B\n\n```swift\nprint(1)\n```\n"])
        defer { try? FileManager.default.removeItem(at: bad) }
        do {
            _ = try await Verification.run(Verification.Options(root: bad))
            Issue.record("a snippet without an id must be refused")
        } catch {
            guard case .guides(let messages, let results) = error else { Issue.record("\(error)"); return }
            #expect(messages.count == 1 && messages[0].hasPrefix("Guides/b.md:3: swift snippet has no id"))
            #expect(results.guideErrors == messages, "the results carry the errors, for the reports")
            #expect(results.failed)
        }
    }

    @Test("an unreachable host is exit status 2, before anything is compiled")
    func unreachable() async throws {
        let ok = try Self.root(["a.md": "# A\n\n```swift id=a\nprint(1)\n```\n"])
        defer { try? FileManager.default.removeItem(at: ok) }
        var options = Verification.Options(root: ok)
        options.verifier.targets = [ConnectionTarget(uri: "qemu+tcp://127.0.0.1:1/system")]
        options.verifier.workDirectory = ok.appendingPathComponent(".rewind/snippets")
        do {
            _ = try await Verification.run(options)
            Issue.record("an unreachable URI must stop the run")
        } catch {
            #expect(error.exitStatus == 2)
            #expect(error.description.contains("cannot connect to qemu+tcp://127.0.0.1:1/system: VIR_ERR_SYSTEM_ERROR"))
            #expect(!FileManager.default.fileExists(atPath: ok.appendingPathComponent(".rewind/snippets").path))
        }
    }
}
