import Foundation
import Lab

/// The whole `rewind verify` pipeline after discovery: probe the hosts, generate the snippet package,
/// compile it once, run the snippets on every host, and (with `update`) rewrite expected-output blocks.
///
/// ```swift
/// let verifier = Verifier(configuration: .init(root: projectRoot))
/// let outcome = try await verifier.verify(snippets, discoveryTime: 0.05)
/// print(outcome.results.totals)
/// ```
public struct Verifier: Sendable {
    /// What to verify and how.
    public struct Configuration: Sendable {
        /// The project root: guide paths (`Guides/x.md`) are relative to it, and `update` writes there.
        public var root: URL
        /// The Rewind package the generated package depends on (by default the root).
        public var rewindPackage: URL
        /// Where the generated package, its build and per-run files go (default `<root>/.rewind/snippets`).
        public var workDirectory: URL
        /// The hosts (`--connect`), each with its own results: the URI and the host access, one value.
        public var targets: [ConnectionTarget] = [ConnectionTarget(uri: "test:///default")]
        /// The hosts' URIs.
        public var uris: [String] { targets.map(\.uri) }
        /// Snippet bodies at once per host (teardowns overlap the next snippet; see `overlapTeardown`).
        public var jobs: Int = 2
        /// Whether a snippet's teardown overlaps the next snippet (`SnippetRunner.Options.overlapTeardown`).
        public var overlapTeardown = true
        /// Timeout of a snippet without `timeout=`, in seconds.
        public var defaultTimeout: Double = 60
        /// Seconds between SIGTERM and SIGKILL after a timeout.
        public var killGrace: Double = 2
        /// `--filter` selectors (id, guide path, or `*` pattern).
        public var filters: [String] = []
        /// Merged (default) or one target per snippet.
        public var layout: SnippetPackageGenerator.Layout = .merged
        /// Rewrite expected-output blocks that differ (`--update`).
        public var update = false
        /// The build configuration (`debug` or `release`).
        public var buildConfiguration = "debug"
        /// The prefix of every run id (`<session>-<host>-<index>`); random by default.
        public var sessionID = SnippetRunner.makeSessionID()
        /// The agent guest's cache, handed to the snippets (`Lab.guestCacheVariable`); by default
        /// `<root>/.rewind/guest`, where `rewind guest build` puts it.
        public var guestCacheDirectory: URL?
        /// Whether agent snippets start from agent guests saved once per QEMU host (`AgentGuestPool`).
        public var agentPool = true

        /// A configuration for a project root.
        public init(root: URL, rewindPackage: URL? = nil, workDirectory: URL? = nil) {
            self.root = root.standardizedFileURL
            self.rewindPackage = (rewindPackage ?? root).standardizedFileURL
            self.workDirectory = (workDirectory ?? root.appendingPathComponent(".rewind/snippets")).standardizedFileURL
            self.guestCacheDirectory = root.appendingPathComponent(".rewind/guest", isDirectory: true).standardizedFileURL
        }
    }

    /// Something that happened, for progress output.
    public enum Event: Sendable {
        /// A host answered the probe.
        case probed(HostInfo)
        /// The package was written.
        case generated(GeneratedPackage)
        /// A build step started.
        case compiling(String)
        /// Compilation finished.
        case compiled(CompileReport)
        /// A snippet finished on a host.
        case ran(SnippetRunner.Progress)
    }

    /// Why verification could not run at all.
    public enum VerifyError: Error, Sendable, CustomStringConvertible {
        /// A `--connect` URI could not be opened.
        case probe(HostProbe.ProbeError)
        /// The package could not be written.
        case generation(SnippetPackageGenerator.GenerationError)
        /// An expected-output block could not be rewritten.
        case update(OutputBlockUpdater.UpdateError)

        /// The message.
        public var description: String {
            switch self {
            case .probe(let e): e.description
            case .generation(let e): e.description
            case .update(let e): e.description
            }
        }
    }

    /// What `verify` produced.
    public struct Outcome: Sendable {
        /// Everything the reports need.
        public var results: RunResults
        /// The generated package.
        public var package: GeneratedPackage
        /// Expected-output blocks rewritten by `update` (`Guides/x.md:LINE`).
        public var updatedBlocks: [String]
    }

    /// What to verify and how.
    public var configuration: Configuration

    /// Creates a verifier.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The recipes a snippet runs: the names in its `runRecipe("NAME"` calls.
    static func recipesRun(by snippet: RunnableSnippet) -> [String] {
        snippet.namesPassed(to: "runRecipe").map(\.name)
    }

    /// Runs the pipeline on `snippets` (the guide set's snippets, context resolved, in guide order).
    ///
    /// - Parameters:
    ///   - guideErrors: errors found while loading the guides (reported; they fail the run).
    ///   - discoveryTime: seconds spent loading the guides.
    ///   - startedAt: when the run started.
    public func verify(_ snippets: [RunnableSnippet], guideErrors: [String] = [], discoveryTime: Double = 0,
                       startedAt: Date = Date(), scripts: [String: String] = [:],
                       events: @escaping @Sendable (Event) -> Void = { _ in }) async throws(VerifyError) -> Outcome {
        let c = configuration
        // One ssh connection per remote host for the whole run (probe, snippets, cleanup), closed at its end.
        let sharing = c.targets.contains(where: { if case .ssh = $0.access { true } else { false } })
            ? try? SSHMultiplexing.begin(session: c.sessionID) : nil
        defer { sharing?.end() }
        var hosts: [HostInfo] = []
        for target in c.targets {
            do {
                hosts.append(try HostProbe.probe(target))
            } catch {
                throw .probe(error)
            }
        }
        hosts = HostProbe.pairingPeers(hosts)
        for host in hosts { events(.probed(host)) }

        var options = SnippetRunner.Options(workDirectory: c.workDirectory)
        options.jobs = c.jobs
        options.defaultTimeout = c.defaultTimeout
        options.killGrace = c.killGrace
        options.filters = c.filters
        options.sessionID = c.sessionID
        options.guestCacheDirectory = c.guestCacheDirectory
        options.agentPool = c.agentPool
        options.overlapTeardown = c.overlapTeardown
        let runner = SnippetRunner(options: options)

        // Only the selected snippets are compiled (a continued snippet's lines are copied into the one that
        // continues it, so a selection is self-contained); the others are reported as filtered out.
        // A selected snippet that runs a recipe (`lab.runRecipe("NAME"`) needs that recipe built from today's
        // text, selected or not: a filtered run must never run a program left from an earlier build.
        var selected = snippets.filter(runner.isSelected)
        let recipesRun = Set(selected.flatMap { Self.recipesRun(by: $0) })
        selected += snippets.filter { snippet in
            snippet.attributes.recipe.map(recipesRun.contains) == true && !selected.contains { $0.id == snippet.id }
        }
        let compileStart = ContinuousClock.now
        let generator = SnippetPackageGenerator(workDirectory: c.workDirectory, rewindPackage: c.rewindPackage)
        let package: GeneratedPackage
        do { package = try generator.generate(selected, layout: c.layout, scripts: scripts) } catch { throw .generation(error) }
        events(.generated(package))
        let compiler = SnippetCompiler(configuration: c.buildConfiguration)
        let compileReport = await compiler.build(package, snippets: selected) { events(.compiling($0)) }
        events(.compiled(compileReport))
        let compileTime = SnippetRunner.seconds(since: compileStart)

        let fm = FileManager.default
        try? fm.removeItem(at: c.workDirectory.appendingPathComponent("runs"))
        try? fm.removeItem(at: c.workDirectory.appendingPathComponent("labs"))
        let runStart = ContinuousClock.now
        // Hosts run at the same time, each with its own `jobs` snippet processes: a snippet mostly waits for
        // libvirt and QEMU, so several hosts keep the machine's cores busy where one host alone would not.
        var hostResults: [HostResults] = []
        await withTaskGroup(of: (Int, HostResults).self) { group in
            for (index, host) in hosts.enumerated() {
                group.addTask {
                    (index, await runner.run(snippets, compile: compileReport, host: host, hostIndex: index) { events(.ran($0)) })
                }
            }
            var byIndex: [Int: HostResults] = [:]
            for await (index, result) in group { byIndex[index] = result }
            hostResults = hosts.indices.compactMap { byIndex[$0] }
        }
        let runTime = SnippetRunner.seconds(since: runStart)
        // The next run starts the longest snippets first (`SnippetTimings`).
        var timings = SnippetTimings.load(from: c.workDirectory)
        for h in hostResults { timings.record(h.results, uri: h.host.uri) }
        try? timings.save(to: c.workDirectory)

        var updated: [String] = []
        let interrupted = SnippetRunner.interruption.map(SnippetRunner.signalName)
        if c.update, !hostResults.isEmpty, interrupted == nil {
            let (updates, ids) = Self.outputUpdates(snippets, results: hostResults[0].results)
            do { updated = try OutputBlockUpdater.apply(updates, root: c.root) } catch { throw .update(error) }
            // The blocks now hold what the snippets printed: those results are no longer failures.
            for h in hostResults.indices {
                var results = hostResults[h].results
                for i in results.indices where ids.contains(results[i].id) && results[i].diff != nil {
                    results[i].verdict = results[i].finding == nil ? .pass : .finding
                    results[i].message = results[i].finding ?? "expected output updated at \(results[i].location ?? results[i].fenceLocation)"
                    results[i].diff = nil
                }
                hostResults[h] = HostResults(host: hostResults[h].host, results: results,
                                             runDuration: hostResults[h].runDuration)
            }
        }

        var results = RunResults(startedAt: startedAt,
                                 timings: .init(discovery: discoveryTime, compile: compileTime, run: runTime),
                                 guideErrors: guideErrors, compile: compileReport, hosts: hostResults)
        results.interrupted = interrupted
        return Outcome(results: results, package: package, updatedBlocks: updated)
    }

    /// The output blocks to rewrite: snippets whose only failure was their output.
    static func outputUpdates(_ snippets: [RunnableSnippet], results: [SnippetResult]) -> ([OutputBlockUpdater.Update], Set<String>) {
        let byID = Dictionary(snippets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var updates: [OutputBlockUpdater.Update] = []
        var ids: Set<String> = []
        for r in results where r.verdict == .fail && r.diff != nil {
            guard let snippet = byID[r.id], let expected = snippet.expectedOutput else { continue }
            let comparison = OutputComparison(expected: expected.text, actual: r.stdout ?? "", masked: expected.masked)
            updates.append(.init(guide: snippet.guide, line: expected.line, text: comparison.updatedText))
            ids.insert(r.id)
        }
        return (updates, ids)
    }
}
