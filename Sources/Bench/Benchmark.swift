import Foundation
import Lab
import Libvirt
import Runner
import Synchronization

/// What `rewind bench` measures and where.
public struct BenchOptions: Sendable {
    /// The Rewind package: generated snippet packages link against it.
    public var root: URL
    /// The guides folder. It is copied into the scratch folder and never modified.
    public var guides: URL
    /// The live libvirt host for the QEMU rows (`rewind bench --connect`); nil: those rows are not measured.
    public var liveURI: String?
    /// More hosts for the many-hosts verify row (`rewind bench` passes the release hosts that run); that row
    /// runs the live host and these in one `rewind verify` and compares it with the live host alone.
    public var extraURIs: [String] = []
    /// The test-driver URI for the event-latency row (tests pass a private `test:///<node.xml>`).
    public var testDriverURI: String = "test:///default"
    /// Rounds of each light measurement (reads, edits, site builds).
    public var rounds: Int = 5
    /// Rounds of each heavy measurement: clean builds and whole `rewind verify` suites (at most `rounds`).
    public var heavyRounds: Int = 3
    /// Snippets timed for the per-snippet build, extrapolated to all; nil times every snippet.
    public var perSnippetSample: Int? = 6
    /// The sections to run.
    public var sections: Set<BenchSection> = Set(BenchSection.allCases)
    /// The `rewind` executable, for the `rewind site` row.
    public var rewindExecutable: String
    /// Suspend/resume cycles for event latency on the test driver (two events each).
    public var eventCycles = 250
    /// Suspend/resume cycles for event latency on the live host.
    public var liveEventCycles = 50
    /// Internal snapshots for the pause-spread row.
    public var pauseRepeats = 10
    /// The virtual size of the pull-backup disk, in MiB (half of it is written).
    public var backupDiskMiB = 1024
    /// Where scratch files go (a fresh `rewind-bench-*` folder is made inside and removed at the end).
    public var temporaryDirectory: URL = URL(fileURLWithPath: NSTemporaryDirectory())
    /// Keep the scratch folder (generated packages, builds, site output) for inspection.
    public var keepScratch = false

    /// Options for a package root; the guides default to `<root>/Guides`.
    public init(root: URL, guides: URL? = nil, rewindExecutable: String) {
        self.root = root.standardizedFileURL
        self.guides = (guides ?? root.appendingPathComponent("Guides")).standardizedFileURL
        self.rewindExecutable = rewindExecutable
    }
}

/// Runs the bench: each selected section in order, every failure turned into an `n/a` row, and every
/// lab guest, image and scratch file removed at the end.
///
/// ```swift
/// var options = BenchOptions(root: root, rewindExecutable: CommandLine.arguments[0])
/// options.sections = [.events]
/// let report = await Benchmark(options: options).run { print($0) }
/// print(report.markdown)
/// ```
public struct Benchmark: Sendable {
    /// What to measure.
    public var options: BenchOptions

    /// Creates a bench.
    public init(options: BenchOptions) {
        self.options = options
    }

    /// Measures every selected section and returns the report; `progress` gets one line per step.
    public func run(command: String = "rewind bench", progress: @escaping @Sendable (String) -> Void = { _ in }) async -> BenchReport {
        let startedAt = Date()
        let start = ContinuousClock.now
        let machine = MachineInfo.gather(liveURI: options.liveURI)
        progress("machine: \(machine.cpuCount) CPUs, \(machine.liveHost); rewind built \(machine.buildConfiguration)")
        let context: BenchContext
        do {
            context = try BenchContext(options: options, progress: progress)
        } catch {
            let row = BenchRow.notAvailable(.compile, "scratch folder", reason: "\(error)")
            return BenchReport(command: command, startedAt: startedAt, duration: seconds(since: start), machine: machine,
                               rows: [row], details: [], loadAverageAtEnd: MachineInfo.currentLoadAverage())
        }
        var rows: [BenchRow] = []
        for section in options.sections.sorted() {
            progress("== \(section.title)")
            let sectionRows: [BenchRow]
            switch section {
            case .compile: sectionRows = await CompileBench(context).run()
            case .verify: sectionRows = await VerifyBench(context).run()
            case .pullBackup: sectionRows = await PullBackupBench(context).run()
            case .site: sectionRows = await SiteBench(context).run()
            case .events: sectionRows = await EventLatencyBench(context).run()
            case .pause: sectionRows = await PauseSpreadBench(context).run()
            case .backupClient: sectionRows = await BackupClientBench(context).run()
            }
            rows += sectionRows
        }
        await context.finish()
        return BenchReport(command: command, startedAt: startedAt, duration: seconds(since: start), machine: machine,
                           rows: rows, details: context.details, loadAverageAtEnd: MachineInfo.currentLoadAverage())
    }

    /// Removes what running benches left: their lab guests and lab folders, and their scratch folders.
    /// For an interrupt handler; safe to call from any thread.
    public static func emergencyCleanup() -> [String] {
        BenchContext.cleanUpEverything()
    }
}

/// What the sections share: options, progress output, the scratch folder, labs and detail sections.
final class BenchContext: Sendable {
    let options: BenchOptions
    let progress: @Sendable (String) -> Void
    /// The scratch folder of this run (`<tmp>/rewind-bench-XXXXXX`).
    let scratch: URL
    /// The run's id: lab guests are named `rewind-bench-<id>-<n>-…`.
    let runID: String
    private let state = Mutex(State())

    private struct State {
        var details: [(title: String, markdown: String)] = []
        var labCount = 0
        var copiedGuides: URL?
    }

    /// Labs and scratch folders of every live context, for `cleanUpEverything`.
    private static let live = Mutex<[String: (labs: [(uri: String, runID: String, directory: String?)], scratch: URL, keep: Bool)]>([:])

    init(options: BenchOptions, progress: @escaping @Sendable (String) -> Void) throws {
        self.options = options
        self.progress = progress
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        runID = String((0..<6).map { _ in alphabet.randomElement()! })
        scratch = options.temporaryDirectory.appendingPathComponent("rewind-bench-\(runID)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        Self.live.withLock { $0[runID] = ([], scratch, options.keepScratch) }
    }

    var details: [(title: String, markdown: String)] { state.withLock { $0.details } }

    /// Adds a Markdown section after the table.
    func detail(_ title: String, _ markdown: String) {
        state.withLock { $0.details.append((title, markdown)) }
    }

    /// A folder inside the scratch folder (created).
    func folder(_ name: String) throws -> URL {
        let url = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the guides under `<scratch>/root/Guides` (made once), with that root: the bench edits
    /// and builds this copy, never the real guides.
    func guidesCopy() throws -> (root: URL, guides: URL) {
        let root = scratch.appendingPathComponent("root")
        let guides = root.appendingPathComponent("Guides")
        try state.withLock { s in
            if s.copiedGuides == nil {
                guard FileManager.default.fileExists(atPath: options.guides.path) else {
                    throw BenchError("no guides folder at \(options.guides.path)")
                }
                try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: options.guides, to: guides)
                s.copiedGuides = guides
            }
        }
        return (root, guides)
    }

    /// A lab on `uri` whose guests are named `rewind-bench-<run>-<n>-…`, with its folder under
    /// `/var/lib/libvirt/images/rewind/` for a QEMU host (inside the scratch folder otherwise). On a host
    /// reached through its host access (a release root, ssh) that folder is made there, and the lab's local
    /// folder is in the scratch folder.
    func makeLab(uri: String, purpose: String) throws -> Lab {
        let n = state.withLock { s in
            s.labCount += 1
            return s.labCount
        }
        let labRunID = "bench-\(runID)-\(n)"
        let connection = try Connection(uri: uri)
        let access = HostAccess.resolve(uri: uri)
        let local = scratch.appendingPathComponent("labs").appendingPathComponent(labRunID)
        let directory = (try? connection.hypervisorType) == "QEMU"
            ? URL(fileURLWithPath: HostAccess.remoteLabDirectory(runID: labRunID), isDirectory: true) : local
        try FileManager.default.createDirectory(at: access.isLocal ? directory : local, withIntermediateDirectories: true)
        let lab = Lab(connection: connection, directory: directory, localDirectory: access.isLocal ? directory : local,
                      host: access, runID: labRunID, snippetID: "bench-\(purpose)")
        if !access.isLocal {
            try lab.makeHostDirectory(directory.path)
            lab.onTeardown { try lab.removeFile(directory.path) }
        }
        Self.live.withLock { $0[runID]?.labs.append((uri, labRunID, access.isLocal ? directory.path : nil)) }
        return lab
    }

    /// Runs a lab's teardown, then removes whatever is left with its prefix, and its folder.
    func finish(_ lab: Lab) async {
        for problem in await lab.tearDown() { progress("teardown: \(problem)") }
        for line in LabCleanup.run(uri: lab.uri, runID: lab.runID, labDirectory: lab.host.isLocal ? lab.directory.path : nil)
            where !line.hasPrefix("removed ") {
            progress("cleanup: \(line)")
        }
        Self.live.withLock { $0[runID]?.labs.removeAll { $0.runID == lab.runID } }
    }

    /// Removes the scratch folder (unless kept) at the end of the run.
    func finish() async {
        for line in Self.cleanUp(runID) { progress(line) }
    }

    static func cleanUpEverything() -> [String] {
        let ids = live.withLock { Array($0.keys) }
        return ids.flatMap { cleanUp($0) }
    }

    private static func cleanUp(_ id: String) -> [String] {
        guard let entry = live.withLock({ $0.removeValue(forKey: id) }) else { return [] }
        var lines: [String] = []
        for lab in entry.labs {
            lines += LabCleanup.run(uri: lab.uri, runID: lab.runID, labDirectory: lab.directory)
        }
        if entry.keep {
            lines.append("kept scratch folder \(entry.scratch.path)")
        } else {
            try? FileManager.default.removeItem(at: entry.scratch)
            removeBuildLocks(of: entry.scratch)
        }
        return lines
    }
}

/// Removes the lock files SwiftPM leaves in the temporary folder for the packages built under `scratch`
/// (named after the scratch path with `/` replaced by `_`, e.g. `_tmp_rewind-bench-x_merged_.build.lock`).
private func removeBuildLocks(of scratch: URL) {
    let prefix = scratch.path.replacingOccurrences(of: "/", with: "_") + "_"
    let fm = FileManager.default
    for folder in Set(["/tmp", NSTemporaryDirectory()]) {
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) && name.hasSuffix(".lock") {
            try? fm.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }
}

/// A bench step that cannot be measured, with the reason shown in its row.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
