import Foundation
import Lab
import GuideModel
import Runner

/// Section 2: the wall time of `rewind verify` over the whole guide suite, on the test driver and on
/// the live QEMU host with `--jobs 1` and `--jobs 2`, and where that time goes.
///
/// It runs the Runner's `Verifier` on the copy of the guides, in the merged work folder of section 1
/// (one untimed build first, so every timed run starts from a built package, as a second
/// `rewind verify` does).
struct VerifyBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    struct Suite {
        var label: String
        var uri: String
        var jobs: Int
        var extraURIs: [String] = []
        var agentPool = true
        var filters: [String] = []
        var wall = Samples()
        /// The machine's CPU use during each round (`CPUMeter`).
        var cpu: [CPUMeter.Usage] = []
        var runs: [RunResults] = []
        var isManyHosts: Bool { !extraURIs.isEmpty }
    }

    func run() async -> [BenchRow] {
        let root: URL, guides: URL, snippets: [RunnableSnippet]
        let workDirectory: URL
        do {
            (root, guides) = try context.guidesCopy()
            snippets = try Self.load(guides: guides, root: root)
            workDirectory = try context.folder("merged")
            context.progress("verify: build the package (untimed)")
            let generator = SnippetPackageGenerator(workDirectory: workDirectory, rewindPackage: options.root)
            let package = try generator.generate(snippets, layout: .merged)
            let report = await SnippetCompiler(configuration: "debug").build(package, snippets: snippets)
            guard report.succeeded else { throw BenchError("the merged build fails: \(CompileBench.failure(report))") }
        } catch {
            return [.notAvailable(.verify, "whole suite", reason: "\(error)")]
        }

        var suites = [Suite(label: "test:///default, --jobs 2", uri: "test:///default", jobs: 2)]
        let liveProblem = Self.liveProblem(options.liveURI)
        let liveURI = options.liveURI ?? "the live host"
        let agentIDs = snippets.filter { $0.needs.contains(.agent) }.map(\.id)
        // The further hosts that answer, probed once: the many-hosts row and the start-cost rows use them.
        let extras = liveProblem == nil ? options.extraURIs.filter { Self.unreachable($0) == nil } : []
        if liveProblem == nil {
            suites.append(Suite(label: "\(liveURI), --jobs 1", uri: liveURI, jobs: 1))
            suites.append(Suite(label: "\(liveURI), --jobs 2", uri: liveURI, jobs: 2))
            if !extras.isEmpty {
                suites.append(Suite(label: "\(1 + extras.count) hosts (\(([liveURI] + extras).joined(separator: ", "))), --jobs 2",
                                    uri: liveURI, jobs: 2, extraURIs: extras))
            }
            if !agentIDs.isEmpty {
                suites.append(Suite(label: "\(liveURI), agent snippets, booting the agent guest (--no-agent-pool)",
                                    uri: liveURI, jobs: 2, agentPool: false, filters: agentIDs))
            }
        }
        let rounds = min(options.heavyRounds, options.rounds)
        var rows: [BenchRow] = []
        for i in suites.indices {
            do {
                for round in 1...rounds {
                    context.progress("verify: \(suites[i].label), \(snippets.count) snippets, round \(round)/\(rounds)")
                    // What `rewind verify` runs: the same entry point, on the copy of the guides.
                    var run = Verification.Options(root: root)
                    run.verifier = Verifier.Configuration(root: root, rewindPackage: options.root, workDirectory: workDirectory)
                    run.verifier.targets = ([suites[i].uri] + suites[i].extraURIs).map { ConnectionTarget(uri: $0) }
                    run.verifier.jobs = suites[i].jobs
                    run.verifier.agentPool = suites[i].agentPool
                    run.verifier.filters = suites[i].filters
                    // The project's agent guest and its saved states, as `rewind verify` in the project uses them.
                    run.verifier.guestCacheDirectory = options.root.appendingPathComponent(".rewind/guest", isDirectory: true)
                    run.claims = options.root.appendingPathComponent(GuideChecks.defaultCatalog)
                    let start = ContinuousClock.now
                    let cpuBefore = CPUMeter.Reading.now()
                    let outcome = try await Verification.run(run)
                    suites[i].wall.append(seconds(since: start))
                    if let usage = cpuBefore.flatMap(CPUMeter.used(since:)) { suites[i].cpu.append(usage) }
                    suites[i].runs.append(outcome.results)
                }
            } catch {
                rows.append(.notAvailable(.verify, "whole suite, \(suites[i].label)", reason: "\(error)"))
                suites[i].runs = []
            }
        }

        let jobs1 = suites.first { $0.uri == liveURI && $0.jobs == 1 && !$0.runs.isEmpty }
        let jobs2 = suites.first { $0.uri == liveURI && $0.jobs == 2 && !$0.isManyHosts && $0.filters.isEmpty && !$0.runs.isEmpty }
        for suite in suites where !suite.runs.isEmpty && suite.filters.isEmpty {
            var row = BenchRow(section: .verify, metric: "whole suite, \(suite.label)",
                               rewind: Unit.seconds.format(suite.wall), notes: Self.breakdown(suite))
            if suite.uri == "test:///default" {
                row.target = "≤ 3 s"
                row.verdict = suite.wall.median <= 3 ? .met : .missed
            } else if suite.isManyHosts, let jobs2 {
                row.peer = Unit.seconds.format(jobs2.wall) + " (\(liveURI) alone)"
                let ratio = suite.wall.median / jobs2.wall.median
                row.ratio = formatRatio(ratio)
                row.target = "≤ 2.5×"
                row.verdict = ratio <= 2.5 ? .met : .missed
                row.notes += " Ratio: all hosts in one run ÷ the live host alone, both --jobs 2 per host on 2 CPUs."
            } else if suite.jobs == 2, let jobs1 {
                row.peer = Unit.seconds.format(jobs1.wall) + " (--jobs 1)"
                row.ratio = formatRatio(suite.wall.median / jobs1.wall.median)
                row.target = "≤ 45 s"
                row.verdict = suite.wall.median <= 45 ? .met : .missed
                row.notes += " Ratio: --jobs 2 ÷ --jobs 1 on 2 CPUs."
            }
            rows.append(row)
        }
        if let booted = suites.first(where: { !$0.agentPool && !$0.runs.isEmpty }), let jobs2 {
            rows.append(Self.agentRow(restored: jobs2, booted: booted, agentIDs: Set(agentIDs)))
        }
        if let liveProblem {
            rows.append(.notAvailable(.verify, "whole suite, \(liveURI)", reason: liveProblem))
        } else {
            rows += await StartCostBench(context).rows(uris: [liveURI] + extras)
        }
        let measured = suites.filter { !$0.runs.isEmpty }
        if !measured.isEmpty { context.detail("Where `rewind verify`'s time goes", Self.details(measured)) }
        return rows
    }

    /// The agent guest restored from a saved state (`AgentGuestPool`) against booted, per agent snippet: the
    /// time to a guest whose agent answers (the snippets' `agent guest restore` / `agent guest boot`
    /// measurements), and the agent snippets' own durations both ways.
    static func agentRow(restored: Suite, booted: Suite, agentIDs: Set<String>) -> BenchRow {
        func measurements(_ suite: Suite, _ name: String) -> Samples {
            Samples(suite.runs.flatMap { $0.hosts.flatMap(\.results) }
                .flatMap { $0.evidence?.measurements.filter { $0.name == name }.map(\.value) ?? [] })
        }
        func agentSeconds(_ suite: Suite) -> Samples {
            Samples(suite.runs.map { run in
                run.hosts.flatMap(\.results).filter { agentIDs.contains($0.id) && $0.duration > 0 }.map(\.duration).reduce(0, +)
            })
        }
        let restore = measurements(restored, "agent guest restore")
        let boot = measurements(booted, "agent guest boot")
        guard !restore.values.isEmpty, !boot.values.isEmpty else {
            return .notAvailable(.verify, "agent guest: restored vs booted",
                                 reason: "no agent guest measurements (restored: \(restore.values.count), booted: \(boot.values.count))")
        }
        let ratio = restore.median / boot.median
        let pool = restored.runs.last?.hosts.first?.agentPool
        var notes = "Time from `virDomainRestoreFlags` (saved state on a copy of its disk) / `virDomainCreateXML` to the "
            + "first answered `guest-ping`, per agent snippet (\(agentIDs.count) snippets). Σ of the agent snippets' processes: "
            + "\(Unit.seconds.format(agentSeconds(restored))) restored vs \(Unit.seconds.format(agentSeconds(booted))) booted."
        if let pool {
            notes += " The pool: \(pool.slots) saved guests, "
                + (pool.reused == true ? "reused from an earlier run's saved states (prepared in \(Unit.seconds.format(Samples([pool.prepareSeconds]))))"
                   : "booted and saved in this run in \(Unit.seconds.format(Samples([pool.prepareSeconds])))")
                + "; boot \(pool.bootSeconds.map { String(format: "%.1f s", $0) }.joined(separator: ", ")), save "
                + pool.saveSeconds.map { String(format: "%.2f s", $0) }.joined(separator: ", ") + "."
        }
        return BenchRow(section: .verify, metric: "agent guest ready: restored vs booted", rewind: Unit.seconds.format(restore),
                        peer: Unit.seconds.format(boot) + " (boot)", ratio: formatRatio(ratio), target: "≤ 0.3×",
                        verdict: ratio <= 0.3 ? .met : .missed, notes: notes)
    }

    static func load(guides: URL, root: URL) throws -> [RunnableSnippet] {
        do {
            return RunnableSnippet.all(in: try GuideSet.load(directory: guides, root: root))
        } catch {
            throw BenchError("the guides do not load: \(error.errors.prefix(3).map(\.description).joined(separator: "; "))")
        }
    }

    /// Why the live host cannot be used (none given, or it does not answer), or nil when it answers.
    static func liveProblem(_ uri: String?) -> String? {
        guard let uri else { return "no QEMU host given (rewind bench --connect qemu:///system)" }
        return unreachable(uri)
    }

    /// Why `uri` cannot be used, or nil when it answers.
    static func unreachable(_ uri: String) -> String? {
        do {
            _ = try HostProbe.probe(uri: uri)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The row's note: phases from the results (medians over the rounds), verdicts, and the sum of the
    /// snippet processes' own phases.
    static func breakdown(_ suite: Suite) -> String {
        let runs = suite.runs
        let discovery = Samples(runs.map(\.timings.discovery)).median
        let compile = Samples(runs.map(\.timings.compile)).median
        let run = Samples(runs.map(\.timings.run)).median
        let last = runs[runs.count - 1]
        let t = last.totals
        let results = last.hosts.flatMap(\.results)
        let processes = results.map(\.duration).reduce(0, +)
        let phases = phaseSums(results)
        var verdicts = ["\(t.passed) pass"]
        if t.failed > 0 {
            let ids = results.filter { $0.verdict == .fail }.map { "`\($0.id)`" }
            verdicts.append("**\(t.failed) fail** (\(ids.prefix(5).joined(separator: ", "))\(ids.count > 5 ? ", …" : ""))")
        }
        if t.unsupported > 0 { verdicts.append("\(t.unsupported) unsupported") }
        if t.findings > 0 { verdicts.append("\(t.findings) finding") }
        if t.skipped > 0 { verdicts.append("\(t.skipped) skipped") }
        let f = Unit.seconds
        return "discovery \(f.format(discovery)), compile (no-op) \(f.format(compile)), run \(f.format(run)); "
            + verdicts.joined(separator: ", ") + ". Σ snippet processes \(f.format(processes)) = connect \(f.format(phases.connect)) "
            + "+ body \(f.format(phases.body)) + teardown \(f.format(phases.teardown)) + spawn/exit/report \(f.format(phases.overhead))."
            + cpuNote(suite.cpu, cpus: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The machine's CPU use over the rounds (medians): busy share and CPU-seconds, and the wall time that
    /// CPU work alone needs on `cpus` CPUs (a floor no scheduling can beat). Empty without readings.
    static func cpuNote(_ usage: [CPUMeter.Usage], cpus: Int) -> String {
        guard !usage.isEmpty, cpus > 0 else { return "" }
        let busy = Samples(usage.map(\.busySeconds)).median
        let share = Samples(usage.map(\.busyFraction)).median
        return " Machine CPU (all processes, /proc/stat) during the whole command: "
            + String(format: "%.0f %% busy, %.1f CPU-s, i.e. ≥ %.1f s of pure CPU work on %d CPUs.", share * 100, busy,
                     busy / Double(cpus), cpus)
    }

    struct PhaseSums {
        var connect = 0.0, body = 0.0, teardown = 0.0, overhead = 0.0
    }

    static func phaseSums(_ results: [SnippetResult]) -> PhaseSums {
        var s = PhaseSums()
        for r in results where r.duration > 0 {
            let p = r.phases ?? .init()
            s.connect += p.connect
            s.body += p.body
            s.teardown += p.teardown
            s.overhead += max(0, r.duration - p.connect - p.body - p.teardown)
        }
        return s
    }

    /// Per guide: snippets run, Σ process time split by phase; then the slowest snippets — from the last round.
    static func details(_ suites: [Suite]) -> String {
        let f = Unit.seconds
        var out = ""
        for suite in suites {
            guard let last = suite.runs.last else { continue }
            let results = last.hosts.flatMap(\.results).filter { $0.duration > 0 }
            out += "\(suite.label) (last round; run phase \(f.format(last.timings.run))):\n\n"
            out += "| Guide | Snippets run | Σ process | connect | body | teardown | spawn/exit/report |\n|---|---|---|---|---|---|---|\n"
            let byGuide = Dictionary(grouping: results, by: \.guide)
            for guide in byGuide.keys.sorted() {
                let rs = byGuide[guide]!
                let p = phaseSums(rs)
                out += "| \(guide) | \(rs.count) | \(f.format(rs.map(\.duration).reduce(0, +))) | \(f.format(p.connect)) | "
                    + "\(f.format(p.body)) | \(f.format(p.teardown)) | \(f.format(p.overhead)) |\n"
            }
            let slowest = results.sorted { $0.duration > $1.duration }.prefix(5)
            out += "\nSlowest: " + slowest.map { "`\($0.id)` \(f.format($0.duration)) (\($0.verdict.rawValue))" }.joined(separator: ", ") + "\n\n"
        }
        return out
    }
}
