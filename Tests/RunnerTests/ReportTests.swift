import Foundation
import Lab
import Reports
import RewindXML
import Testing
@testable import Runner

/// The report writers, checked against their formats.
@Suite("Reports")
struct ReportTests {
    /// Results covering every verdict, with text that needs escaping, on one or two hosts.
    static func sample(hosts: Int = 1) -> RunResults {
        var evidence = Evidence()
        evidence.measurements = [.init(name: "pause window", value: 0.012, unit: "s")]
        evidence.extents = [.init(label: "dirty", offset: 0, length: 65536)]
        evidence.events = [.init(time: 0.5, name: "SUSPENDED", detail: "PAUSED")]
        evidence.notes = ["a note with \"quotes\" and # hash"]
        let results: [SnippetResult] = [
            .init(id: "passes", guide: "Guides/a.md", line: 5, verdict: .pass, duration: 0.25, evidence: evidence,
                  claims: ["snap.create"]),
            .init(id: "fails", guide: "Guides/a.md", line: 12, verdict: .fail, message: "expected 2, got <3> & \"more\"\nsecond line",
                  location: "Guides/a.md:14", duration: 0.1, stderr: "boom\n"),
            .init(id: "diff#1", guide: "Guides/a.md", line: 20, verdict: .fail, message: "output differs",
                  location: "Guides/a.md:25", diff: "--- expected\n+++ actual\n@@ -1,1 +1,1 @@\n-a\n+b"),
            .init(id: "needs-qemu", guide: "Guides/b.md", line: 3, verdict: .unsupported,
                  reason: "needs qemu; connection driver is TEST"),
            .init(id: "finding", guide: "Guides/b.md", line: 9, verdict: .finding, message: "chk.size",
                  duration: 0.2, finding: "chk.size"),
            .init(id: "ignored", guide: "Guides/b.md", line: 15, verdict: .skipped, reason: "ignore"),
            .init(id: "code", guide: "Guides/b.md", line: 20, verdict: .fail, message: "VIR_ERR_NO_DOMAIN: Domain not found",
                  location: "Guides/b.md:20", errorCode: "VIR_ERR_NO_DOMAIN"),
        ]
        let uris = ["test:///default", "qemu:///system"]
        let hostResults = (0..<hosts).map { i in
            HostResults(host: HostInfo(uri: uris[i], driver: i == 0 ? "TEST" : "QEMU", libvirtVersion: "9.0.0",
                                       hypervisorVersion: i == 0 ? "0.0.2" : "7.2.0", virtType: i == 0 ? "test" : "kvm",
                                       hostname: "vm", probedAt: Date(timeIntervalSince1970: 1_800_000_000),
                                       capabilities: ["qemu": .init(available: i == 1, reason: "driver")]),
                        results: results, runDuration: 1.5)
        }
        var compile = CompileReport(layout: .merged)
        compile.duration = 9.5
        compile.invocations = [BuildInvocation(product: "RewindSnippets", kind: .merged, command: "swift build",
                                               duration: 9.5, succeeded: true, termination: "exited with status 0")]
        return RunResults(startedAt: Date(timeIntervalSince1970: 1_800_000_000),
                          timings: .init(discovery: 0.05, compile: 9.5, run: 1.5 * Double(hosts)),
                          guideErrors: [], compile: compile, hosts: hostResults)
    }

    // MARK: TAP

    /// Checks a TAP 14 document (or a subtest's document, without the version line); returns the number of
    /// test points and records an issue for every line that breaks the format.
    @discardableResult
    static func checkTAP(_ lines: [String], isSubtest: Bool = false) -> (points: Int, failed: Int) {
        var lines = lines
        if !isSubtest {
            #expect(lines.first == "TAP version 14")
            lines.removeFirst()
        }
        let plan = /^1\.\.(\d+)$/
        let point = /^(not )?ok (\d+)( - (?:[^#\\]|\\[#\\])+)?( # (SKIP|TODO)( [^\n]*)?)?$/
        var planned: Int?
        var number = 0
        var failed = 0
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if let m = line.wholeMatch(of: plan) {
                #expect(planned == nil, "a second plan: \(line)")
                #expect(number == 0, "the plan must come before the test points here: \(line)")
                planned = Int(m.1)
                i += 1
            } else if line.hasPrefix("# Subtest") {
                var sub: [String] = []
                i += 1
                while i < lines.count && lines[i].hasPrefix("    ") {
                    sub.append(String(lines[i].dropFirst(4)))
                    i += 1
                }
                checkTAP(sub, isSubtest: true)
                #expect(i < lines.count && lines[i].wholeMatch(of: point) != nil, "a subtest ends with a test point")
            } else if line.hasPrefix("#") || line.isEmpty {
                i += 1
            } else if let m = line.wholeMatch(of: point) {
                number += 1
                #expect(Int(m.2) == number, "test points are numbered in order: \(line)")
                if m.1 != nil && m.5 == nil { failed += 1 }
                i += 1
                if i < lines.count && lines[i] == "  ---" {
                    i += 1
                    while i < lines.count && lines[i] != "  ..." {
                        #expect(lines[i].hasPrefix("  ") && !lines[i].hasPrefix("  ---"), "YAML lines are indented: \(lines[i])")
                        i += 1
                    }
                    #expect(i < lines.count, "a YAML block ends with '  ...'")
                    i += 1
                }
            } else {
                Issue.record("not a TAP 14 line: \(line)")
                i += 1
            }
        }
        #expect(planned == number, "the plan says \(planned ?? -1), there are \(number) test points")
        return (number, failed)
    }

    @Test("TAP is TAP version 14: plan, test points, SKIP/TODO directives, YAML blocks")
    func tapSingleHost() throws {
        let text = TAPWriter().render(Self.sample())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let (points, failed) = Self.checkTAP(lines)
        #expect(points == 7)
        #expect(failed == 3)
        #expect(lines.contains("ok 1 - passes (Guides/a.md:5)"))
        #expect(lines.contains("not ok 2 - fails (Guides/a.md:12)"))
        #expect(lines.contains("not ok 3 - diff\\#1 (Guides/a.md:20)"))
        #expect(lines.contains("ok 4 - needs-qemu (Guides/b.md:3) # SKIP unsupported: needs qemu; connection driver is TEST"))
        #expect(lines.contains("not ok 5 - finding (Guides/b.md:9) # TODO finding chk.size"))
        #expect(lines.contains("ok 6 - ignored (Guides/b.md:15) # SKIP ignore"))
        // The failure's YAML block: message (escaped), location, evidence-free.
        let block = lines.drop { $0 != "not ok 2 - fails (Guides/a.md:12)" }.prefix { $0 != "  ..." }
        // A multi-line message is a YAML literal block, kept verbatim.
        #expect(Array(block.dropFirst(2).prefix(3)) == ["  message: |-", "    expected 2, got <3> & \"more\"", "    second line"])
        #expect(block.contains(#"  at: "Guides/a.md:14""#))
        #expect(block.contains("  stderr: |+"))
        #expect(block.contains("    boom"))
        // The diff is a literal block.
        #expect(lines.contains("  diff: |+"))
        #expect(lines.contains("    -a"))
        #expect(lines.contains("    +b"))
    }

    @Test("TAP: several hosts are subtests, each ended by a test point for the host")
    func tapSubtests() throws {
        let text = TAPWriter().render(Self.sample(hosts: 2))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let (points, failed) = Self.checkTAP(lines)
        #expect(points == 2)
        #expect(failed == 2)
        #expect(lines.contains("# Subtest: test:///default"))
        #expect(lines.contains("# Subtest: qemu:///system"))
        #expect(lines.contains("    ok 1 - passes (Guides/a.md:5)"))
        #expect(lines.contains("not ok 2 - qemu:///system"))
    }

    @Test("TAP of the real fixture run is valid TAP 14")
    func tapFixture() async throws {
        let f = try await Fixture.shared()
        let text = TAPWriter().render(f.outcome.results)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let (points, failed) = Self.checkTAP(lines)
        #expect(points == f.snippets.count)
        #expect(failed == f.outcome.results.totals.failed)
        let failing = Fixture.line(of: "arithmetic is broken")
        #expect(lines.contains("  at: \"Guides/fixture.md:\(failing)\""))
    }

    // MARK: JUnit

    @Test("JUnit XML parses back with libxml2 and has the counts, failures and skips")
    func junit() throws {
        let xml = JUnitWriter().render(Self.sample(hosts: 2))
        let doc = try XMLDocument(parsing: xml)
        let root = doc.root
        #expect(root.name == "testsuites")
        #expect(root["tests"] == "14")
        #expect(root["failures"] == "6")
        #expect(root["skipped"] == "4")
        let suites = root.children(named: "testsuite")
        #expect(suites.map { $0["name"] } == ["test:///default", "qemu:///system"])
        let first = suites[0]
        #expect(first["tests"] == "7")
        #expect(first["failures"] == "3")
        #expect(first["skipped"] == "2")
        #expect(try first.string(at: "properties/property[@name='libvirt.version']/@value") == "9.0.0")
        #expect(try suites[1].string(at: "properties/property[@name='virt.type']/@value") == "kvm")
        #expect(try suites[1].string(at: "properties/property[@name='hypervisor.version']/@value") == "7.2.0")

        let cases = first.children(named: "testcase")
        #expect(cases.count == 7)
        let fails = try #require(cases.first { $0["name"] == "fails" })
        #expect(fails["classname"] == "Guides.a")
        #expect(fails["file"] == "Guides/a.md")
        #expect(fails["line"] == "12")
        let failure = try #require(fails.firstChild(named: "failure"))
        #expect(failure["message"] == "expected 2, got <3> & \"more\"")   // first line, escaped by libxml2
        #expect(failure.text.hasPrefix("Guides/a.md:14: expected 2"))
        #expect(fails.firstChild(named: "system-err")?.text == "boom\n")
        let unsupported = try #require(cases.first { $0["name"] == "needs-qemu" }?.firstChild(named: "skipped"))
        #expect(unsupported["message"] == "unsupported: needs qemu; connection driver is TEST")
        #expect(cases.first { $0["name"] == "ignored" }?.firstChild(named: "skipped")?["message"] == "ignore")
        let finding = try #require(cases.first { $0["name"] == "finding" })
        #expect(finding.firstChild(named: "failure") == nil)
        #expect(try finding.string(at: "properties/property[@name='finding']/@value") == "chk.size")
        let passes = try #require(cases.first { $0["name"] == "passes" })
        #expect(try passes.string(at: "properties/property[@name='measurement.pause window']/@value") == "0.012 s")
        #expect(try passes.string(at: "properties/property[@name='claim']/@value") == "snap.create")
        #expect(cases.first { $0["name"] == "code" }?.firstChild(named: "failure")?["type"] == "VIR_ERR_NO_DOMAIN")
    }

    @Test("JUnit: guide errors are error testcases")
    func junitGuideErrors() throws {
        var results = Self.sample()
        results.guideErrors = ["Guides/a.md:3: unknown fence attribute 'neds'; did you mean 'needs'?"]
        let doc = try XMLDocument(parsing: JUnitWriter().render(results))
        #expect(doc.root["errors"] == "1")
        let error = try #require(try doc.select("testsuite[@name='rewind']/testcase/error").first)
        #expect(error["message"] == "Guides/a.md:3: unknown fence attribute 'neds'; did you mean 'needs'?")
    }

    // MARK: JSON

    @Test("JSON decodes back to the same results, with host versions and virt type")
    func json() throws {
        let results = Self.sample(hosts: 2)
        let data = try JSONWriter().encode(results)
        let back = try JSONWriter.decode(data)
        #expect(back.hosts.map(\.results) == results.hosts.map(\.results))
        #expect(back.hosts.map(\.host.virtType) == ["test", "kvm"])
        #expect(back.hosts.map(\.host.hypervisorVersion) == ["0.0.2", "7.2.0"])
        #expect(back.hosts.map(\.host.libvirtVersion) == ["9.0.0", "9.0.0"])
        #expect(back.hosts[0].host.probedAt == results.hosts[0].host.probedAt)
        #expect(back.timings == results.timings)
        #expect(back.compile == results.compile)
        #expect(back.totals == results.totals)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["formatVersion"] as? Int == 1)
        let hosts = try #require(object["hosts"] as? [[String: Any]])
        let host = try #require(hosts.first?["host"] as? [String: Any])
        #expect(host["driver"] as? String == "TEST")
    }

    @Test("JSON of the real fixture run decodes back")
    func jsonFixture() async throws {
        let f = try await Fixture.shared()
        let back = try JSONWriter.decode(try JSONWriter().encode(f.outcome.results))
        #expect(back.hosts.map(\.results) == f.outcome.results.hosts.map(\.results))
        #expect(back.compile == f.outcome.results.compile)
    }

    // MARK: Summary

    @Test("the summary lists failures with their Markdown lines and splits the timings")
    func summary() throws {
        let text = SummaryWriter().render(Self.sample())
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("FAIL fails Guides/a.md:14: expected 2, got <3> & \"more\""))
        #expect(lines.contains("second line"))
        #expect(lines.contains("UNSUPPORTED needs-qemu Guides/b.md:3: needs qemu; connection driver is TEST"))
        #expect(lines.contains("FINDING finding Guides/b.md:9: chk.size"))
        #expect(text.contains("timings: discovery 0.05s · compile 9.50s (RewindSnippets 9.50s) · run 1.50s"))
        #expect(text.contains("FAILED: 1 passed, 3 failed, 1 unsupported, 1 finding, 1 skipped"))
        #expect(!text.contains("passes"))   // passing snippets only with verbose
        #expect(SummaryWriter(verbose: true).render(Self.sample()).contains("PASS"))
    }

    @Test("the summary of a failed merged build names each snippet and its line, and says nothing was retried")
    func summaryBuildFailure() async throws {
        let f = try await Fixture.shared()
        let results = RunResults(compile: f.brokenCompile)
        let text = SummaryWriter().render(results)
        let line = Fixture.line(of: "not an int", in: Fixture.brokenGuide)
        #expect(text.contains("BUILD FAILED: swift build --product RewindSnippets"))
        #expect(text.contains("no per-snippet retry"))
        #expect(text.contains("snippet 'broken-snippet': Guides/broken.md:\(line):"))
    }
}
