import Foundation
import Support
import Testing
@testable import Bench

// The bench's own logic: statistics, formatting, the table, the one-line edit, subprocesses. No test
// asserts on a duration: machines here are noisy, and a timed assertion would fail at random.

@Suite("Samples")
struct SamplesTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Samples([3, 1, 2]).median == 2)
        #expect(Samples([4, 1, 3, 2]).median == 2.5)
        #expect(Samples([]).median == 0)
    }

    @Test func rangeAndSpread() {
        let s = Samples([0.31, 0.29, 0.42, 0.30, 0.33])
        #expect(s.minimum == 0.29)
        #expect(s.maximum == 0.42)
        #expect(abs(s.relativeSpread - (0.42 - 0.29) / 0.31) < 1e-12)
        #expect(Samples([0, 0]).relativeSpread == 0)
    }

    @Test func quantilesInterpolate() {
        let s = Samples([10, 20, 30, 40, 50])
        #expect(s.quantile(0) == 10)
        #expect(s.quantile(1) == 50)
        #expect(s.quantile(0.25) == 20)
        #expect(abs(s.quantile(0.95) - 48) < 1e-9)
        #expect(s.quantile(2) == 50)
    }

    @Test func scalingKeepsOrder() {
        #expect(Samples([1, 2]).scaled(by: 3).values == [3, 6])
        #expect(Samples([1, 2, 3]).sum == 6)
        #expect(Samples([1, 2, 3]).mean == 2)
    }
}

@Suite("Formatting")
struct FormattingTests {
    @Test func secondsPickAReadableUnit() {
        #expect(Unit.seconds.format(12.345) == "12.3 s")
        #expect(Unit.seconds.format(1.5) == "1.50 s")
        #expect(Unit.seconds.format(0.25) == "250 ms")
        #expect(Unit.seconds.format(0.0123) == "12.3 ms")
        #expect(Unit.seconds.format(0.00086) == "860 µs")
        #expect(Unit.seconds.format(8.3e-6) == "8.30 µs")
        #expect(Unit.mebibytesPerSecond.format(1282.4) == "1282 MiB/s")
        #expect(Unit.plain(" %").format(42.25) == "42.2 %")
    }

    @Test func samplesShowMedianRangeAndCount() {
        #expect(Unit.seconds.format(Samples([1, 2, 4])) == "2.00 s (1.00 s–4.00 s, n=3)")
        #expect(Unit.seconds.format(Samples([2])) == "2.00 s")
        #expect(Unit.seconds.format(Samples()) == "n/a")
    }

    @Test func ratios() {
        #expect(formatRatio(0.0812) == "0.081×")
        #expect(formatRatio(2.4) == "2.40×")
        #expect(formatRatio(24.8) == "24.8×")
        #expect(formatRatio(.infinity) == "n/a")
    }
}

@Suite("Table")
struct TableTests {
    @Test func sectionsByNumberOrName() {
        #expect(BenchSection(argument: "3") == .pullBackup)
        #expect(BenchSection(argument: "NBD") == .pullBackup)
        #expect(BenchSection(argument: "events") == .events)
        #expect(BenchSection(argument: "7") == .backupClient)
        #expect(BenchSection(argument: "client") == .backupClient)
        #expect(BenchSection(argument: "8") == nil)
        #expect(BenchSection(argument: "speed") == nil)
        #expect(BenchSection.allCases.map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func sectionTitleOnItsFirstRowOnlyAndCellsEscaped() {
        let rows = [
            BenchRow(section: .site, metric: "a | b", rewind: "1 s", peer: "2 s", ratio: "0.50×", target: "≤ 3×",
                     verdict: .met, notes: "two\nlines"),
            BenchRow(section: .site, metric: "c", rewind: "3 s", target: "≤ 3×", verdict: .missed),
            .notAvailable(.events, "latency", reason: "host down"),
        ]
        let lines = BenchReport.table(rows).split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == "| # | Metric | Rewind | Peer / floor | Ratio | Target | Met? | Notes |")
        #expect(lines[2] == "| 4. Site build | a \\| b | 1 s | 2 s | 0.50× | ≤ 3× | yes | two lines |")
        #expect(lines[3] == "|  | c | 3 s | — | — | ≤ 3× | **no** |  |")
        #expect(lines[4] == "| 5. Event latency | latency | n/a | — | — | — | — | n/a: host down |")
    }

    @Test func reportNamesTheCommandMachineAndMissedRows() {
        let machine = MachineInfo(kernel: "6.1.0", cpuModel: "Test CPU", cpuCount: 2, memoryGiB: 24, libvirt: "9.0.0",
                                  liveHost: "qemu:///system: libvirtd 9.0.0, QEMU 7.2.0, KVM", swift: "Swift version 6.3.1",
                                  nbdcopy: "nbdcopy 1.14.2", cmark: "cmark 0.30.2", buildConfiguration: "release",
                                  loadAverage: [1, 2, 3])
        let rows = [BenchRow(section: .site, metric: "m", rewind: "4 s", target: "≤ 3×", verdict: .missed)]
        let report = BenchReport(command: "rewind bench --only site", startedAt: Date(timeIntervalSince1970: 0), duration: 12,
                                 machine: machine, rows: rows, details: [("Extra", "text")], loadAverageAtEnd: [0.5, 0.5, 0.5])
        let text = report.markdown
        #expect(text.contains("with `rewind bench --only site`"))
        #expect(text.contains("2 CPUs (Test CPU), 24 GiB, kernel 6.1.0"))
        #expect(text.contains("QEMU 7.2.0, KVM"))
        #expect(text.contains("rewind built release"))
        #expect(text.contains("#### Extra\n\ntext"))
        #expect(report.missed.count == 1)
    }
}

@Suite("Helpers")
struct HelperTests {
    @Test func evenlySpacedKeepsFirstAndLast() {
        #expect(CompileBench.evenlySpaced(Array(0..<10), count: 3) == [0, 4, 9])
        #expect(CompileBench.evenlySpaced(Array(0..<10), count: 1) == [0])
        #expect(CompileBench.evenlySpaced(Array(0..<3), count: 5) == [0, 1, 2])
    }

    @Test func siteCommandIsFoundInTheHelpListing() throws {
        let dir = try TemporaryFolder()
        func fake(_ name: String, listing: String) throws -> String {
            let path = dir.url.appendingPathComponent(name).path
            try "#!/bin/sh\ncat <<'END'\n\(listing)\nEND\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
            return path
        }
        let with = try fake("with", listing: "USAGE: rewind <subcommand>\n\nSUBCOMMANDS:\n  verify   Verify.\n  site     Build the site.\n")
        let without = try fake("without", listing: "USAGE: rewind <subcommand>\n\nSUBCOMMANDS:\n  verify   Verify the\n           site guides.\n")
        #expect(try SiteBench.hasSiteCommand(with))
        #expect(try !SiteBench.hasSiteCommand(without))
    }

    @Test func packageRootOfAnExecutable() throws {
        let dir = try TemporaryFolder()
        let bin = dir.url.appendingPathComponent(".build/x86_64-unknown-linux-gnu/release")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try "// swift-tools-version: 6.1\n".write(to: dir.url.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let exe = bin.appendingPathComponent("rewind")
        try "".write(to: exe, atomically: true, encoding: .utf8)
        #expect(SiteBench.packageRoot(ofExecutable: exe.path)?.resolvingSymlinksInPath().path == dir.url.resolvingSymlinksInPath().path)
        #expect(SiteBench.packageRoot(ofExecutable: "/bin/sh") == nil)
    }

    @Test func markdownFilesSkipHiddenOnes() throws {
        let dir = try TemporaryFolder()
        let fm = FileManager.default
        try fm.createDirectory(at: dir.url.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.url.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        for name in ["b.md", "a.md", "sub/c.md", ".hidden/d.md", "notes.txt"] {
            try "# x\n".write(to: dir.url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        #expect(SiteBench.markdownFiles(in: dir.url).map(\.lastPathComponent) == ["a.md", "b.md", "c.md"])
    }
}

@Suite("One-line edit")
struct OneLineEditTests {
    static let guide = """
        # A guide

        Text.

        ```swift id=needs-qemu needs=qemu
        try lab.requireQEMU()
        ```

        ```swift id=plain
        let x = 1
        try lab.expect(x == 1)
        ```

        """

    @Test func insertsChangesAndRestoresOneLine() throws {
        let dir = try TemporaryFolder()
        let guides = dir.url.appendingPathComponent("Guides")
        try FileManager.default.createDirectory(at: guides, withIntermediateDirectories: true)
        let file = guides.appendingPathComponent("a.md")
        try Self.guide.write(to: file, atomically: true, encoding: .utf8)

        let edit = try OneLineEdit(root: dir.url, guides: guides)
        #expect(edit.snippetID == "plain")
        #expect(edit.location == "Guides/a.md:10")
        try edit.change(to: 7)
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        #expect(lines[9] == "_ = 7  // rewind bench: one-line edit")
        #expect(lines[10] == "let x = 1")
        let snippet = try #require(try edit.load().first { $0.id == "plain" })
        #expect(snippet.sourceLines.filter(\.isOwn).map(\.text).first == "_ = 7  // rewind bench: one-line edit")
        edit.restore()
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.guide)
    }

    @Test func refusesGuidesWithoutATestDriverSnippet() throws {
        let dir = try TemporaryFolder()
        let guides = dir.url.appendingPathComponent("Guides")
        try FileManager.default.createDirectory(at: guides, withIntermediateDirectories: true)
        try "# Only live\n\n```swift id=live needs=qemu\ntry lab.requireQEMU()\n```\n"
            .write(to: guides.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        #expect(throws: BenchError.self) { try OneLineEdit(root: dir.url, guides: guides) }
    }
}

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-bench-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}
