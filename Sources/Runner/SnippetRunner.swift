import Foundation
import Support
import Glibc
import Lab
import Synchronization

/// Runs compiled snippets against one host, each in its own process, `jobs` at a time.
///
/// Each process is started as `<executable> run --id ID --connect URI --lab-dir DIR --run-id R --result FILE …`
/// in a process group of its own. A snippet that outlives its timeout (`timeout=` or the default 60 s) gets
/// SIGTERM, then SIGKILL after a grace period, is reported `Guides/x.md:LINE: timed out after Ns`, and
/// the executable's `cleanup` mode removes what its lab made. A crash is reported with the signal and,
/// when the Swift runtime printed one, the guide line of the fatal error. Verdicts follow `VerdictRules`.
public struct SnippetRunner: Sendable {
    /// How to run.
    public struct Options: Sendable {
        /// The work directory (lab directories and per-run files go under it).
        public var workDirectory: URL
        /// How many snippets run their bodies at once. A snippet whose body has ended tears down (destroys its
        /// guests, removes its files) while the next one starts, unless `overlapTeardown` is off or it holds an
        /// agent pool slot.
        public var jobs: Int = 2
        /// Whether the next snippet starts when a snippet's body ends rather than when its process does.
        public var overlapTeardown = true
        /// The timeout of a snippet without `timeout=`, in seconds.
        public var defaultTimeout: Double = 60
        /// Seconds between SIGTERM and SIGKILL for a snippet that timed out.
        public var killGrace: Double = 2
        /// Snippet selectors (`--filter`): an id, a guide path, or a pattern with `*`. Empty selects all.
        public var filters: [String] = []
        /// Prefix of every run id of this session (lower-case letters and digits).
        public var sessionID: String = SnippetRunner.makeSessionID()
        /// The agent guest's cache directory, passed to every snippet process as `REWIND_GUEST_CACHE`
        /// (`Lab.guestCacheVariable`) unless the environment already sets it; nil passes nothing.
        public var guestCacheDirectory: URL?
        /// Whether agent snippets start from a saved agent guest (`AgentGuestPool`) on QEMU hosts.
        public var agentPool = true
        /// Creates options.
        public init(workDirectory: URL) {
            self.workDirectory = workDirectory
        }
    }

    /// Progress of a run, for a status line.
    public struct Progress: Sendable {
        /// Snippets finished so far on this host (skipped ones included).
        public var completed: Int
        /// Snippets on this host.
        public var total: Int
        /// The host's URI.
        public var uri: String
        /// The result that just finished.
        public var result: SnippetResult
    }

    /// How to run.
    public var options: Options

    /// Creates a runner.
    public init(options: Options) {
        self.options = options
    }

    /// Kills every snippet process (and `swift build`) still running, with everything in their process
    /// groups and sessions. For an interrupted `rewind verify`: the children do not get the terminal's SIGINT.
    public static func terminateAllChildren() {
        ChildProcess.terminateAll()
    }

    /// The signal that interrupted this process (`interrupt(signal:)`), if any.
    public static var interruption: Int32? { interruptionState.withLock { $0 } }
    private static let interruptionState = Mutex<Int32?>(nil)

    /// Stops every run in this process after `signal` (SIGINT, SIGTERM): no new child process starts,
    /// running snippets are killed with everything they started (`terminateAllChildren`), and each
    /// `run` in progress cleans up the labs of the snippets it interrupted (`LabCleanup`) and returns
    /// the results so far: finished snippets keep their verdicts, interrupted and unstarted ones are
    /// `skipped` with the reason. Calling it again kills again (children started meanwhile, if any).
    public static func interrupt(signal: Int32) {
        interruptionState.withLock { if $0 == nil { $0 = signal } }
        ChildProcess.spawningAllowed.withLock { $0 = false }
        ChildProcess.terminateAll()
    }

    /// `SIGINT`, `SIGTERM`, … or `signal N`.
    public static func signalName(_ signal: Int32) -> String { ChildProcess.signalName(signal) }

    /// A random session id, e.g. `k3x9q2`.
    public static func makeSessionID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<6).map { _ in alphabet.randomElement()! })
    }

    /// Whether `--filter` selects the snippet.
    public func isSelected(_ snippet: RunnableSnippet) -> Bool {
        options.filters.isEmpty || options.filters.contains { Self.matches($0, snippet) }
    }

    static func matches(_ filter: String, _ snippet: RunnableSnippet) -> Bool {
        if filter == snippet.id || filter == snippet.guide || filter == snippet.location { return true }
        if filter.contains("*") { return glob(filter, snippet.id) || glob(filter, snippet.guide) }
        return false
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }

    /// Runs `snippets` on `host` and returns one result per snippet, in the given order.
    ///
    /// - Parameters:
    ///   - compile: the compile report (executables, errors, compile-fail verdicts).
    ///   - hostIndex: the host's position among `--connect` URIs (part of each run id).
    ///   - progress: called after each snippet.
    public func run(_ snippets: [RunnableSnippet], compile: CompileReport, host: HostInfo, hostIndex: Int = 0,
                    progress: @escaping @Sendable (Progress) -> Void = { _ in }) async -> HostResults {
        let start = ContinuousClock.now
        let fm = FileManager.default
        let runs = options.workDirectory.appendingPathComponent("runs")
        let labs = options.workDirectory.appendingPathComponent("labs")
        try? fm.createDirectory(at: runs, withIntermediateDirectories: true)
        try? fm.createDirectory(at: labs, withIntermediateDirectories: true)

        var results = [SnippetResult?](repeating: nil, count: snippets.count)
        var toRun: [(index: Int, snippet: RunnableSnippet, executable: String)] = []
        let counter = Mutex(0)
        let total = snippets.count
        let report = { @Sendable (r: SnippetResult) in
            let n = counter.withLock { c in c += 1; return c }
            progress(Progress(completed: n, total: total, uri: host.uri, result: r))
        }
        for (i, snippet) in snippets.enumerated() {
            if let r = decideWithoutRunning(snippet, compile: compile, host: host) {
                results[i] = r
                report(r)
            } else if let exe = compile.executables[snippet.id] {
                toRun.append((i, snippet, exe))
            } else {
                let r = SnippetResult(id: snippet.id, guide: snippet.guide, line: snippet.line, verdict: .skipped,
                                      reason: "not run: no executable was built for it", claims: snippet.claims)
                results[i] = r
                report(r)
            }
        }
        let cleanupExecutable = compile.executables.first { id, _ in
            snippets.first { $0.id == id }.map { !$0.standalone } ?? false
        }?.value

        // Longest first, from the times the snippets took on this host in earlier runs (unknown ones first);
        // with one process at a time the order cannot change the total, so the guides' order is kept.
        let timings = SnippetTimings.load(from: options.workDirectory)
        var pending = options.jobs <= 1 ? toRun : timings.longestFirst(toRun.map(\.snippet.id), uri: host.uri).map { toRun[$0] }

        // Agent snippets start from a saved agent guest: the pool is booted and saved once, while the other
        // snippets run; until it is ready, only snippets that need no agent start.
        let needsAgent = { (s: RunnableSnippet) in s.needs.contains(.agent) }
        let poolRunID = "\(options.sessionID)-\(hostIndex)-agent"
        let poolDirectory = labs.appendingPathComponent(poolRunID)
        let wantsPool = options.agentPool && host.driver == "QEMU" && toRun.contains { needsAgent($0.snippet) }
        var poolPending = wantsPool
        var pool: AgentGuestPool?
        var poolReport: AgentPoolReport?

        enum Finished: Sendable {
            case snippet(Int, SnippetResult)
            /// The snippet's body ended; only its teardown runs (its job slot is free).
            case bodyDone(Int)
            case pool(Result<AgentGuestPool, any Error>, Double)
        }
        let jobs = max(1, options.jobs)
        await withTaskGroup(of: Finished.self) { group in
            if wantsPool {
                let uri = host.uri, slots = jobs, cache = options.guestCacheDirectory
                group.addTask {
                    let start = ContinuousClock.now
                    do {
                        let p = try await AgentGuestPool.prepare(uri: uri, runID: poolRunID, localDirectory: poolDirectory,
                                                                 slots: slots, guestCache: cache,
                                                                 stateCache: cache?.appendingPathComponent("saved-states"))
                        return .pool(.success(p), Self.seconds(since: start))
                    } catch {
                        return .pool(.failure(error), Self.seconds(since: start))
                    }
                }
            }
            var running = 0
            func launch() -> Bool {
                guard Self.interruption == nil,
                      let k = pending.firstIndex(where: { !(poolPending && needsAgent($0.snippet)) }) else { return false }
                let item = pending.remove(at: k)
                running += 1
                let runID = "\(options.sessionID)-\(hostIndex)-\(item.index)"
                let poolManifest = needsAgent(item.snippet) ? pool?.manifestPath : nil
                // A snippet's teardown overlaps the next snippet, except an agent snippet's: the pool slot it
                // holds is free only when its process has ended.
                var bodyDone: String?
                if options.overlapTeardown, !needsAgent(item.snippet) {
                    let fifo = runs.appendingPathComponent("\(runID).body-done").path
                    if let reader = BodyDoneSignal.make(fifo) {
                        bodyDone = fifo
                        group.addTask {
                            _ = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                                Thread.detachNewThread { c.resume(returning: reader.wait()) }
                            }
                            return .bodyDone(item.index)
                        }
                    }
                }
                group.addTask { [bodyDone] in
                    let r = await runOne(item.snippet, executable: item.executable, runID: runID, host: host,
                                         cleanupExecutable: item.snippet.standalone ? cleanupExecutable : item.executable,
                                         agentPool: poolManifest, bodyDone: bodyDone)
                    return .snippet(item.index, r)
                }
                return true
            }
            while running < jobs, launch() {}
            var slotFreed: Set<Int> = []
            while let finished = await group.next() {
                switch finished {
                case .bodyDone(let index):
                    if slotFreed.insert(index).inserted { running -= 1 }
                case .snippet(let index, let r):
                    if slotFreed.insert(index).inserted { running -= 1 }
                    results[index] = r
                    report(r)
                case .pool(let outcome, let seconds):
                    poolPending = false
                    switch outcome {
                    case .success(let p):
                        pool = p
                        poolReport = AgentPoolReport(slots: p.manifest.slots.count, prepareSeconds: seconds,
                                                     bootSeconds: p.manifest.bootSeconds, saveSeconds: p.manifest.saveSeconds,
                                                     reused: p.reused)
                    case .failure(let error):
                        poolReport = AgentPoolReport(slots: 0, prepareSeconds: seconds, bootSeconds: [], saveSeconds: [],
                                                     problem: "\(error)")
                    }
                }
                if Self.interruption != nil { group.cancelAll() }
                while running < jobs, launch() {}
            }
        }
        if let pool {
            let problems = await pool.close()
            if !problems.isEmpty { poolReport?.problem = problems.joined(separator: "; ") }
        }
        if wantsPool {
            // The safety net, as after every snippet: none of the pool's domains may remain (states kept
            // between runs stay in the guest cache).
            _ = LabCleanup.run(uri: host.uri, runID: poolRunID, labDirectory: poolDirectory.path)
            if let run = pool?.manifest.run, run != poolRunID {
                _ = LabCleanup.run(uri: host.uri, runID: run, labDirectory: nil, domainsOnly: true)
            }
            try? fm.removeItem(at: poolDirectory)
        }
        // After an interruption, the snippets that never started.
        for item in toRun where results[item.index] == nil {
            let signal = Self.interruption.map(Self.signalName) ?? "a signal"
            var notRun = SnippetResult(id: item.snippet.id, guide: item.snippet.guide, line: item.snippet.line,
                                       verdict: .skipped, reason: "not run: interrupted by \(signal)",
                                       claims: item.snippet.claims)
            notRun.unfinished = true
            results[item.index] = notRun
        }
        let digests = Dictionary(snippets.map { ($0.id, $0.sourceDigest) }, uniquingKeysWith: { first, _ in first })
        let judged = results.map { result -> SnippetResult in
            var r = result!
            r.sourceDigest = digests[r.id]
            return r
        }
        var hostResults = HostResults(host: host, results: judged, runDuration: Self.seconds(since: start))
        hostResults.agentPool = poolReport
        return hostResults
    }

    /// The verdict of a snippet that is not run on this host (skipped, compile failures, probe says unsupported).
    func decideWithoutRunning(_ snippet: RunnableSnippet, compile: CompileReport, host: HostInfo) -> SnippetResult? {
        var r = SnippetResult(id: snippet.id, guide: snippet.guide, line: snippet.line, verdict: .skipped,
                              claims: snippet.claims, finding: snippet.finding)
        if case .ignore = snippet.mode {
            r.reason = "ignore"
            return r
        }
        if !isSelected(snippet) {
            r.reason = "filtered out (--filter)"
            return r
        }
        switch snippet.mode {
        case .ignore:
            return r
        case .compileFail:
            guard let outcome = compile.compileFail[snippet.id] else {
                r.reason = "not compiled"
                return r
            }
            r.verdict = outcome.passed ? .pass : .fail
            r.message = outcome.message
            r.location = outcome.location
            return r
        case .compileOnly, .run:
            break
        }
        if let errors = compile.snippetErrors[snippet.id], let first = errors.first {
            r.verdict = .fail
            r.location = first.file.flatMap { f in first.line.map { "\(f):\($0)" } } ?? snippet.location
            r.message = "does not compile: " + errors.map(\.description).joined(separator: "\n")
            return r
        }
        if compile.executables[snippet.id] == nil, let target = compile.failedTargets.first {
            r.reason = "not run: the build of \(target) failed"
            return r
        }
        if case .compileOnly = snippet.mode {
            r.reason = snippet.attributes.recipe != nil
                ? "recipe: compiled against the Libvirt and NBD libraries alone; the snippets that call lab.runRecipe run and check it"
                : "compile-only: compiled, not run"
            return r
        }
        for need in snippet.needs {
            if let missing = host.missingReason(need.rawValue) {
                r.verdict = .unsupported
                r.reason = "needs \(need.rawValue); \(missing)"
                r.location = snippet.location
                return r
            }
        }
        if let newest = snippet.newestName,
           case .outside = VersionRange(since: newest.since).applies(to: host.libvirtVersion) {
            r.verdict = .unsupported
            r.reason = "uses \(newest.name), added in libvirt \(newest.since); this host has \(host.libvirtVersion)"
            r.location = snippet.location
            return r
        }
        if case .outside(let reason) = snippet.versions.applies(to: host.libvirtVersion) {
            r.verdict = .unsupported
            r.reason = reason
            r.location = snippet.location
            return r
        }
        return nil
    }

    /// What the snippet process for `snippet` is told: who it is, where, and the fence's attributes whole.
    static func invocation(for snippet: RunnableSnippet, host: HostInfo, runID: String, labDir: String,
                           resultPath: String) -> SnippetInvocation {
        var invocation = SnippetInvocation(mode: .run)
        invocation.id = snippet.id
        invocation.connect = host.uri
        invocation.labDir = labDir
        invocation.runID = runID
        invocation.resultPath = resultPath
        invocation.attributes = snippet.attributes
        invocation.peers = host.peers
        invocation.hostAccess = host.access
        for need in snippet.needs {
            if let reason = host.capabilities[need.rawValue], reason.available == false { invocation.missing[need.rawValue] = reason.reason }
        }
        return invocation
    }

    /// Runs one snippet process and judges it.
    func runOne(_ snippet: RunnableSnippet, executable: String, runID: String, host: HostInfo,
                cleanupExecutable: String?, agentPool: String? = nil, bodyDone: String? = nil) async -> SnippetResult {
        // Whatever happens, a reader still waiting for the body-done signal is woken when this returns.
        defer { if let bodyDone { BodyDoneSignal.release(bodyDone) } }
        let runDir = options.workDirectory.appendingPathComponent("runs").appendingPathComponent(runID)
        let labDir = options.workDirectory.appendingPathComponent("labs").appendingPathComponent(runID)
        let fm = FileManager.default
        try? fm.removeItem(at: runDir)
        try? fm.createDirectory(at: runDir, withIntermediateDirectories: true)
        let resultFile = runDir.appendingPathComponent("result.json")
        let stdoutFile = runDir.appendingPathComponent("stdout").path
        let stderrFile = runDir.appendingPathComponent("stderr").path

        var invocation = Self.invocation(for: snippet, host: host, runID: runID, labDir: labDir.path,
                                         resultPath: resultFile.path)
        var environment = ProcessInfo.processInfo.environment
        if let cache = options.guestCacheDirectory, (environment[Lab.guestCacheVariable] ?? "").isEmpty {
            invocation.guestCache = cache.path
        }
        invocation.agentPool = agentPool
        invocation.bodyDone = bodyDone
        environment.merge(invocation.environment) { $1 }
        let arguments = invocation.arguments
        if environment["SWIFT_BACKTRACE"] == nil {
            // A crash report that fits a test report: the crashed thread only, no registers or images.
            environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,limit=32"
        }

        // Marks the run as in progress for `rewind lab clean` until its cleanup is done.
        let runLock = RunLock(runID: runID)
        defer { runLock?.release() }

        let timeout = snippet.timeout ?? options.defaultTimeout
        let start = ContinuousClock.now
        var outcome = ProcessOutcome(termination: nil, timeout: timeout, stdout: "", stderr: "", duration: 0, runID: runID)
        do {
            let child = try ChildProcess.spawn(executable, arguments, environment: environment,
                                               stdout: stdoutFile, stderr: stderrFile)
            let timedOut = Mutex(false)
            let grace = options.killGrace
            let killer = Task {
                try await Task.sleep(for: .seconds(timeout))
                timedOut.withLock { $0 = true }
                child.signalGroup(SIGTERM)
                try await Task.sleep(for: .seconds(grace))
                child.signalGroup(SIGKILL)
            }
            outcome.termination = await child.wait()
            killer.cancel()
            outcome.timedOut = timedOut.withLock { $0 }
        } catch {
            outcome.reportProblem = error.description
        }
        outcome.duration = Self.seconds(since: start)
        outcome.stdout = (try? String(contentsOfFile: stdoutFile, encoding: .utf8)) ?? ""
        outcome.stderr = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
        if !outcome.timedOut, let data = try? Data(contentsOf: resultFile) {
            do {
                outcome.report = try JSONDecoder().decode(SnippetReport.self, from: data)
            } catch {
                outcome.reportProblem = "unreadable result file: \(error)"
            }
        }

        // Interrupted (killed by `interrupt`, or not started because of it): clean up in this process,
        // whatever the snippet executable could do, and report it as not finished.
        if let signal = Self.interruption, outcome.report == nil {
            let cleanup = LabCleanup.run(uri: host.uri, runID: runID, labDirectory: labDir.path)
            try? fm.removeItem(at: labDir)
            var r = SnippetResult(id: snippet.id, guide: snippet.guide, line: snippet.line, verdict: .skipped,
                                  reason: "interrupted by \(Self.signalName(signal)) while running; its lab was cleaned up",
                                  duration: outcome.duration, claims: snippet.claims, finding: snippet.finding,
                                  stdout: VerdictRules.tail(outcome.stdout), stderr: VerdictRules.tail(outcome.stderr),
                                  runID: runID, cleanup: cleanup)
            r.unfinished = true
            r.location = snippet.location
            return r
        }

        // After a timeout or a crash the lab's teardown did not run: remove what it made.
        let abnormal = outcome.timedOut || outcome.report == nil
        if abnormal {
            if let cleanupExecutable {
                var cleanup = SnippetInvocation(mode: .cleanup)
                cleanup.connect = host.uri
                cleanup.runID = runID
                cleanup.labDir = labDir.path
                let args = cleanup.arguments
                if let (_, out, err) = try? await ChildProcess.run(cleanupExecutable, args, scratch: runDir, name: "cleanup") {
                    outcome.cleanup = (out + err).split(separator: "\n").map(String.init)
                }
            }
            if outcome.cleanup == nil {
                // No executable to do it, or it could not start (an interruption forbids new processes).
                outcome.cleanup = LabCleanup.run(uri: host.uri, runID: runID, labDirectory: labDir.path)
            }
        }
        // After a normal end, a safety net: whatever the run still owns (tagged domains, its image directory,
        // sockets) was left behind by its teardown. It is removed now, and a passing snippet fails for it.
        var swept: [String] = []
        if !abnormal {
            swept = LabCleanup.run(uri: host.uri, runID: runID, labDirectory: nil)
        }
        try? fm.removeItem(at: labDir)
        var result = VerdictRules.judge(snippet, outcome, hostVersion: host.libvirtVersion)
        if !swept.isEmpty {
            result.cleanup = (result.cleanup ?? []) + swept
            let removed = swept.filter { !$0.hasPrefix("left ") }
            if !removed.isEmpty && (result.verdict == .pass || result.verdict == .finding) {
                result.verdict = .fail
                result.message = "the snippet left things behind after its teardown (removed by the runner): "
                    + removed.joined(separator: "; ")
                result.location = snippet.location
            }
        }
        return result
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        start.secondsElapsed
    }
}
