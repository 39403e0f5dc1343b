/// One line of the bench table: a metric, Rewind's figure, its peer's (or the floor's), their ratio,
/// the target and whether it is met.
public struct BenchRow: Sendable, Hashable {
    /// Whether a row's target is met.
    public enum Verdict: String, Sendable, Hashable {
        /// The target is met.
        case met = "yes"
        /// The target is missed.
        case missed = "**no**"
        /// The row has no target, or nothing was measured.
        case none = "—"
    }

    /// The section the row belongs to (`1. Snippet compile`, …).
    public var section: BenchSection
    /// What is measured, e.g. `clean compile, all snippets`.
    public var metric: String
    /// Rewind's figure, e.g. `12.3 s (11.9–13.0 s, n=3)`.
    public var rewind: String
    /// The peer's or the floor's figure, or `—`.
    public var peer: String
    /// Rewind relative to the peer, e.g. `0.08×` (`—` without a peer).
    public var ratio: String
    /// The target, e.g. `≤ 0.1×`, or `—`.
    public var target: String
    /// Whether the target is met.
    public var verdict: Verdict
    /// How it was measured, and anything the reader must know to trust it.
    public var notes: String

    /// Creates a row.
    public init(section: BenchSection, metric: String, rewind: String, peer: String = "—", ratio: String = "—",
                target: String = "—", verdict: Verdict = .none, notes: String = "") {
        self.section = section
        self.metric = metric
        self.rewind = rewind
        self.peer = peer
        self.ratio = ratio
        self.target = target
        self.verdict = verdict
        self.notes = notes
    }

    /// A row for a measurement that could not be made, e.g. `n/a: site not built`.
    public static func notAvailable(_ section: BenchSection, _ metric: String, reason: String) -> BenchRow {
        BenchRow(section: section, metric: metric, rewind: "n/a", notes: "n/a: \(reason)")
    }
}

/// The sections of the bench, in table order; `--only` takes their number or name.
public enum BenchSection: Int, Sendable, Hashable, CaseIterable, Comparable {
    /// Compiling the guides' snippets: merged against one build per snippet.
    case compile = 1
    /// `rewind verify` wall time on the test driver and the live host.
    case verify
    /// Reading a pull-mode backup over NBD: Rewind's reader against `nbdcopy`.
    case pullBackup
    /// Building the site against plain `cmark`.
    case site
    /// Latency of domain events from libvirt's callback to an `AsyncSequence` consumer.
    case events
    /// Spread of guest pause times of one capture repeated.
    case pause
    /// A backup chain taken and restored the guide's way against virtnbdbackup / virtnbdrestore.
    case backupClient

    /// The short name `--only` accepts.
    public var name: String {
        switch self {
        case .compile: "compile"
        case .verify: "verify"
        case .pullBackup: "nbd"
        case .site: "site"
        case .events: "events"
        case .pause: "pause"
        case .backupClient: "client"
        }
    }

    /// The title in the table, e.g. `1. Snippet compile`.
    public var title: String {
        let text = switch self {
        case .compile: "Snippet compile"
        case .verify: "Verify wall time"
        case .pullBackup: "Pull-backup read path"
        case .site: "Site build"
        case .events: "Event latency"
        case .pause: "Measurement quality"
        case .backupClient: "Backup client"
        }
        return "\(rawValue). \(text)"
    }

    /// The section named by `text`: its number (`3`) or name (`nbd`), case-insensitively.
    public init?(argument text: String) {
        let t = text.lowercased()
        if let n = Int(t), let s = BenchSection(rawValue: n) {
            self = s
            return
        }
        guard let s = BenchSection.allCases.first(where: { $0.name == t }) else { return nil }
        self = s
    }

    /// Orders sections by number.
    public static func < (a: BenchSection, b: BenchSection) -> Bool { a.rawValue < b.rawValue }
}
