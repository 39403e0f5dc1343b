import Foundation
import Reports
import Runner
import Testing

@Suite("Reports: the registered formats and the files they go to")
struct ReportFilesTests {
    static func results() -> RunResults {
        func host(_ uri: String, _ verdict: Verdict) -> HostResults {
            HostResults(host: HostInfo(uri: uri, driver: "QEMU", libvirtVersion: "12.8.0", hypervisorVersion: "11.1.3", virtType: "kvm"),
                        results: [SnippetResult(id: "s", guide: "Guides/g.md", line: 3, verdict: verdict, claims: ["c.one"])],
                        runDuration: 1)
        }
        var r = RunResults(guideErrors: ["Guides/g.md:9: unknown fence attribute 'x'"],
                           hosts: [host("qemu:///system", .pass), host("qemu+ssh://root@h:22/system?keyfile=/k", .fail)])
        r.interrupted = "SIGINT"
        return r
    }

    @Test("a report directory gets every per-host format for each host and the whole-run formats once")
    func directory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-reports-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ReportFiles(directory: dir.path).write(Self.results())
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        var expected: Set<String> = []
        for host in ["qemu-system", "qemu+ssh-root-h-22-system"] {
            for writer in ReportWriters.perHost { expected.insert("\(host).\(writer.fileExtension)") }
        }
        for writer in ReportWriters.wholeRun { expected.insert("\(writer.name).\(writer.fileExtension)") }
        #expect(files == expected)
        #expect(expected.contains("matrix.json") && expected.contains("qemu-system.junit.xml"))
        // Each host's JSON holds that host only, and decodes back.
        let one = try RunResults(json: Data(contentsOf: dir.appendingPathComponent("qemu+ssh-root-h-22-system.json")))
        #expect(one.hosts.map(\.host.uri) == ["qemu+ssh://root@h:22/system?keyfile=/k"])
    }

    @Test("the run's problems reach TAP and JUnit alike, from RunResults.problems")
    func problems() throws {
        let results = Self.results()
        #expect(results.problems.map(\.title) == ["interrupted", "guide error"])
        let tap = try TAPWriter().render(results)
        let junit = try JUnitWriter().render(results)
        for problem in results.problems {
            #expect(tap.contains(problem.title), "TAP: \(problem.title)")
            #expect(junit.contains(problem.title), "JUnit: \(problem.title)")
        }
        #expect(ReportFiles(tap: "-").tapOnStandardOutput)
        #expect(!ReportFiles(tap: "out.tap").tapOnStandardOutput)
    }
}
