import Foundation
import Lab

/// The verdict on one snippet on one host.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// It did what the guide says.
    case pass
    /// It did not (a failed expectation, an unexpected error, a compile error, a timeout, a crash, wrong output).
    case fail
    /// The host cannot do what it declared it needs (`needs=`), with the reason.
    case unsupported
    /// A `finding=` snippet that ran as written: the documentation's claim is contradicted.
    case finding
    /// Not run: `ignore`, `compile-only`, filtered out, or the merged build failed.
    case skipped

    /// The combined verdict of several results (a claim's snippets on one host): fail beats finding beats
    /// pass beats unsupported beats skipped; nil when there is none.
    public static func combined(_ verdicts: [Verdict]) -> Verdict? {
        for v in [Verdict.fail, .finding, .pass, .unsupported, .skipped] where verdicts.contains(v) { return v }
        return nil
    }
}

/// The result of one snippet on one host.
public struct SnippetResult: Sendable, Codable, Hashable {
    /// The snippet id.
    public var id: String
    /// Its guide, e.g. `Guides/backup.md`.
    public var guide: String
    /// The Markdown line of its opening fence.
    public var line: Int
    /// The verdict.
    public var verdict: Verdict
    /// What happened, for a failure or a finding (the failed expectation, the error, the diff summary).
    public var message: String?
    /// Where it happened, e.g. `Guides/backup.md:42` (the expectation's line, the error's line, or the fence).
    public var location: String?
    /// Why it was skipped or is unsupported, e.g. `needs qemu; connection driver is TEST`.
    public var reason: String?
    /// The libvirt error code the snippet ended with, if any (`VIR_ERR_NO_DOMAIN`).
    public var errorCode: String?
    /// Wall time of its process in seconds (0 when it did not run).
    public var duration: Double
    /// Time spent in each phase inside the process, when it reported them.
    public var phases: SnippetReport.Timings?
    /// What its lab recorded.
    public var evidence: Evidence?
    /// The claim ids it checks.
    public var claims: [String]
    /// The claim it contradicts, for `finding=` snippets.
    public var finding: String?
    /// The difference between expected and actual output, when they differ.
    public var diff: String?
    /// The end of its standard output (for failures and output checks).
    public var stdout: String?
    /// The end of its standard error (for failures).
    public var stderr: String?
    /// The run id of its process (`--run-id`).
    public var runID: String?
    /// Lines printed by the cleanup that ran after a timeout or a crash.
    public var cleanup: [String]?
    /// True when an interruption of `rewind verify` kept it from finishing (not started, or ended while
    /// running); absent otherwise.
    public var unfinished: Bool?
    /// ``RunnableSnippet/sourceDigest`` of the snippet as it ran: the site shows the verdict only beside
    /// the same code, and marks it stale otherwise. Absent in results written before it existed.
    public var sourceDigest: String?

    /// Creates a result.
    public init(id: String, guide: String, line: Int, verdict: Verdict, message: String? = nil,
                location: String? = nil, reason: String? = nil, errorCode: String? = nil, duration: Double = 0,
                phases: SnippetReport.Timings? = nil, evidence: Evidence? = nil, claims: [String] = [],
                finding: String? = nil, diff: String? = nil, stdout: String? = nil, stderr: String? = nil,
                runID: String? = nil, cleanup: [String]? = nil) {
        self.id = id
        self.guide = guide
        self.line = line
        self.verdict = verdict
        self.message = message
        self.location = location
        self.reason = reason
        self.errorCode = errorCode
        self.duration = duration
        self.phases = phases
        self.evidence = evidence
        self.claims = claims
        self.finding = finding
        self.diff = diff
        self.stdout = stdout
        self.stderr = stderr
        self.runID = runID
        self.cleanup = cleanup
    }

    /// `Guides/x.md:12`, the opening fence.
    public var fenceLocation: String { "\(guide):\(line)" }
}

/// What the host probe learnt about one `--connect` URI.
public struct HostInfo: Sendable, Codable, Hashable {
    /// The answer to "can this host do X?" for one capability.
    public struct Capability: Sendable, Codable, Hashable {
        /// True or false when the probe could tell; nil when only running the snippet can (e.g. `agent`).
        public var available: Bool?
        /// Why (the evidence for the answer, or why it cannot be probed).
        public var reason: String
        /// Creates an answer.
        public init(available: Bool?, reason: String) {
            self.available = available
            self.reason = reason
        }
    }

    /// The URI as given to `--connect`.
    public var uri: String
    /// The driver, e.g. `QEMU` or `TEST` (`virConnectGetType`).
    public var driver: String
    /// The libvirt version of the connection (for a remote one, the daemon's), e.g. `9.0.0`.
    public var libvirtVersion: String
    /// The hypervisor version, e.g. `7.2.0` for QEMU 7.2 (may be empty when the driver has none).
    public var hypervisorVersion: String
    /// `kvm`, `qemu` (TCG) or `test`.
    public var virtType: String
    /// The host name reported by the driver, if any.
    public var hostname: String?
    /// When the probe ran.
    public var probedAt: Date
    /// The answer for each capability a snippet can declare in `needs=`.
    public var capabilities: [String: Capability]
    /// The other live QEMU hosts of the run, with host names other than this one's (`peer-host`).
    public var peers: [String] = []
    /// How the host's files and tools were reached (local, a release root, ssh, none); nil in results
    /// written before it was recorded.
    public var access: HostAccess?

    /// Creates host information.
    public init(uri: String, driver: String, libvirtVersion: String, hypervisorVersion: String, virtType: String,
                hostname: String? = nil, probedAt: Date = Date(), capabilities: [String: Capability] = [:],
                access: HostAccess? = nil) {
        self.uri = uri
        self.driver = driver
        self.libvirtVersion = libvirtVersion
        self.hypervisorVersion = hypervisorVersion
        self.virtType = virtType
        self.hostname = hostname
        self.probedAt = probedAt
        self.capabilities = capabilities
        self.access = access
    }

    /// The reason a capability is known to be missing, or nil when it is available or unknown.
    public func missingReason(_ capability: String) -> String? {
        guard let c = capabilities[capability], c.available == false else { return nil }
        return c.reason
    }
}

/// Counts of verdicts.
public struct Totals: Sendable, Codable, Hashable {
    /// All results.
    public var total = 0
    /// `pass`
    public var passed = 0
    /// `fail`
    public var failed = 0
    /// `unsupported`
    public var unsupported = 0
    /// `finding`
    public var findings = 0
    /// `skipped`
    public var skipped = 0

    /// Creates zero totals.
    public init() {}

    /// Counts the verdicts of `results`.
    public init<S: Sequence>(_ results: S) where S.Element == SnippetResult {
        for r in results { add(r.verdict) }
    }

    /// Counts one more verdict.
    public mutating func add(_ verdict: Verdict) {
        total += 1
        switch verdict {
        case .pass: passed += 1
        case .fail: failed += 1
        case .unsupported: unsupported += 1
        case .finding: findings += 1
        case .skipped: skipped += 1
        }
    }

    /// Adds other totals.
    public static func + (a: Totals, b: Totals) -> Totals {
        var t = a
        t.total += b.total
        t.passed += b.passed
        t.failed += b.failed
        t.unsupported += b.unsupported
        t.findings += b.findings
        t.skipped += b.skipped
        return t
    }
}

/// The results on one host.
public struct HostResults: Sendable, Codable, Hashable {
    /// What the probe learnt about the host.
    public var host: HostInfo
    /// One result per snippet, in guide order.
    public var results: [SnippetResult]
    /// Their counts.
    public var totals: Totals
    /// Wall time of running this host's snippets, in seconds.
    public var runDuration: Double
    /// The saved agent guests the agent snippets started from, when the runner prepared them.
    public var agentPool: AgentPoolReport?

    /// Creates host results; the totals are counted from `results`.
    public init(host: HostInfo, results: [SnippetResult], runDuration: Double) {
        self.host = host
        self.results = results
        self.totals = Totals(results)
        self.runDuration = runDuration
    }
}

/// The saved agent guests of one host's run (`AgentGuestPool`): how long they took to boot and save, or why
/// there were none (then every agent snippet booted its own guest).
public struct AgentPoolReport: Sendable, Codable, Hashable {
    /// Saved guests.
    public var slots: Int
    /// Seconds from the start of the preparation to the manifest.
    public var prepareSeconds: Double
    /// Per slot, seconds from `virDomainCreateXML` to the first answered `guest-ping`.
    public var bootSeconds: [Double]
    /// Per slot, seconds of `virDomainSave`.
    public var saveSeconds: [Double]
    /// Why the pool could not be prepared, or what its removal reported.
    public var problem: String?
    /// Whether the states were saved by an earlier run (kept in the guest cache) and reused: then the boot
    /// and save times are those of that run.
    public var reused: Bool?

    /// Creates a report.
    public init(slots: Int, prepareSeconds: Double, bootSeconds: [Double], saveSeconds: [Double], problem: String? = nil,
                reused: Bool? = nil) {
        self.reused = reused
        self.slots = slots
        self.prepareSeconds = prepareSeconds
        self.bootSeconds = bootSeconds
        self.saveSeconds = saveSeconds
        self.problem = problem
    }
}

/// Everything one `rewind verify` run found: what every report (TAP, JUnit, JSON, the summary) is made from.
public struct RunResults: Sendable, Codable, Hashable {
    /// Wall times of the phases, in seconds.
    public struct Timings: Sendable, Codable, Hashable {
        /// Loading the guides (parsing Markdown, resolving contexts).
        public var discovery: Double = 0
        /// Generating the package and compiling it (all `swift build` runs).
        public var compile: Double = 0
        /// Running the snippets, on all hosts.
        public var run: Double = 0
        /// Creates timings.
        public init(discovery: Double = 0, compile: Double = 0, run: Double = 0) {
            self.discovery = discovery
            self.compile = compile
            self.run = run
        }
        /// discovery + compile + run.
        public var total: Double { discovery + compile + run }
    }

    /// The format version of this structure (JSON consumers check it).
    public var formatVersion = 1
    /// When the run started.
    public var startedAt: Date
    /// Phase timings.
    public var timings: Timings
    /// Errors in the guides themselves (`Guides/x.md:LINE: message`); any of them fails the run.
    public var guideErrors: [String]
    /// What the compile phase did (nil when it did not get that far).
    public var compile: CompileReport?
    /// The results per `--connect` host, in the order given.
    public var hosts: [HostResults]
    /// How much of the claims catalog the run checked (nil when no catalog was loaded; absent in JSON
    /// written before coverage existed).
    public var coverage: ClaimCoverage?
    /// The doc-drift check of the libvirt names the guides use (nil when it did not run).
    public var docDrift: DocDrift.Report?
    /// The signal that interrupted the run (`SIGINT`, `SIGTERM`), if one did: the results are those of the
    /// snippets that finished; the others are `skipped` with the reason.
    public var interrupted: String?

    /// Creates run results.
    public init(startedAt: Date = Date(), timings: Timings = Timings(), guideErrors: [String] = [],
                compile: CompileReport? = nil, hosts: [HostResults] = [], coverage: ClaimCoverage? = nil,
                docDrift: DocDrift.Report? = nil) {
        self.startedAt = startedAt
        self.timings = timings
        self.guideErrors = guideErrors
        self.compile = compile
        self.hosts = hosts
        self.coverage = coverage
        self.docDrift = docDrift
    }

    /// The counts over all hosts.
    public var totals: Totals { hosts.map(\.totals).reduce(Totals(), +) }

    /// A problem of the run that is not one snippet's result.
    public struct Problem: Sendable, Hashable {
        /// What kind of problem.
        public enum Kind: Sendable, Hashable {
            /// The run was interrupted by a signal.
            case interrupted(signal: String, unfinishedSnippets: Int)
            /// An error in a guide (`Guides/x.md:LINE: …`).
            case guideError
            /// A build error outside any snippet, in this product.
            case buildError(product: String)
        }
        /// What kind.
        public var kind: Kind
        /// The message.
        public var message: String

        /// A short title: `interrupted`, `guide error`, `build error in <product>`.
        public var title: String {
            switch kind {
            case .interrupted: "interrupted"
            case .guideError: "guide error"
            case .buildError(let product): "build error in \(product)"
            }
        }
    }

    /// The run's problems that are not snippet results, in the order reports list them: an interruption,
    /// guide errors, build errors outside any snippet. Every report format lists these.
    public var problems: [Problem] {
        var out: [Problem] = []
        if let signal = interrupted {
            let unfinished = hosts.flatMap(\.results).filter { $0.unfinished == true }.count
            out.append(Problem(kind: .interrupted(signal: signal, unfinishedSnippets: unfinished),
                               message: "rewind verify was interrupted by \(signal); \(unfinished) snippet\(unfinished == 1 ? "" : "s") did not finish"))
        }
        out += guideErrors.map { Problem(kind: .guideError, message: $0) }
        out += (compile?.unattributedErrors ?? []).map {
            Problem(kind: .buildError(product: $0.product), message: $0.diagnostic.description)
        }
        return out
    }

    /// Whether the run failed: a guide error, a failed snippet, a build error outside any snippet, or an
    /// interruption.
    public var failed: Bool {
        interrupted != nil || !guideErrors.isEmpty || totals.failed > 0 || !(compile?.unattributedErrors.isEmpty ?? true)
            || (compile.map { !$0.succeeded } ?? false)
    }
}
