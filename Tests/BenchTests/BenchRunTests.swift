import Foundation
import Libvirt
import Testing
@testable import Bench

// Whole sections run for real on libvirt's test driver; only their shape is checked, never a duration.

@Suite("Bench sections on the test driver", .serialized)
struct BenchRunTests {
    @Test func floorMeasuresEveryHandOver() async throws {
        let floor = try await EventLatencyBench.floor(count: 50)
        #expect(floor.count == 50)
        #expect(floor.minimum >= 0)
    }

    @Test func eventLatencyRowsAndAnUnreachableLiveHost() async throws {
        let dir = try TemporaryFolder()
        var options = BenchOptions(root: dir.url, rewindExecutable: "/bin/false")
        options.sections = [.events]
        options.eventCycles = 20
        options.liveURI = "test://" + dir.url.appendingPathComponent("no-such-node.xml").path
        options.temporaryDirectory = dir.url
        // A private test-driver state: other suites in this process use test:///default.
        let node = dir.url.appendingPathComponent("node.xml")
        try "<node/>".write(to: node, atomically: true, encoding: .utf8)
        options.testDriverURI = "test://" + node.path
        let report = await Benchmark(options: options).run()
        #expect(report.rows.count == 2)
        let measured = try #require(report.rows.first { $0.metric.contains(node.path) })
        #expect(measured.metric.contains("40 events"))
        #expect(measured.rewind.contains("n=40"))
        #expect(measured.peer.hasSuffix("(floor)"))
        #expect(measured.verdict != .none)
        let unreachable = try #require(report.rows.first { $0.rewind == "n/a" })
        #expect(unreachable.notes.hasPrefix("n/a: "))
        // Nothing is left behind in the scratch folder.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix("rewind-bench-") }
        #expect(left.isEmpty)
    }

    @Test func sectionsWithoutTheirInputsSayWhy() async throws {
        let dir = try TemporaryFolder()
        var options = BenchOptions(root: dir.url, guides: dir.url.appendingPathComponent("NoGuides"), rewindExecutable: "/bin/false")
        options.sections = [.compile, .site]
        options.temporaryDirectory = dir.url
        let report = await Benchmark(options: options).run()
        #expect(report.rows.map(\.section) == [.compile, .site])
        #expect(report.rows.allSatisfy { $0.rewind == "n/a" && $0.verdict == .none })
        #expect(report.rows[0].notes.contains("no guides folder"))
        #expect(report.rows[1].notes.contains("site not built"))
    }
}
