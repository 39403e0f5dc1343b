import Foundation
import Libvirt
import Runner

/// "Can I use it?" for state capture: from any number of results files (hosts × runs × machines), every
/// claim's verdict per build (a libvirt and QEMU version pair, over all runs that reached one), the range
/// in which it holds as the runs show it, beside what the guides declare (`since=`, `until=`, `fixed-in=`,
/// `not-reproduced-in=`), and every contradiction between the two, named with the builds that show it.
///
/// A cell combines the verdicts of the snippets that name the claim (`claims=` or `finding=`) on that build
/// across runs, with `Verdict.combined` (fail, else finding, else pass, else unsupported). The schema is
/// `rewind-compat/1` (``schema``); its fields are documented on each type.
///
/// ```swift
/// let table = CompatTable.build(runs: [("a.json", resultsA), ("b.json", resultsB)], declarations: declared)
/// for row in table.rows where !row.contradictions.isEmpty { print(row.claim, row.contradictions) }
/// ```
public struct CompatTable: Codable, Sendable, Hashable {
    /// The schema name and version of this JSON.
    public static let schema = "rewind-compat/1"

    /// One build: a libvirt and QEMU version pair, with the runs that reached it.
    public struct Build: Codable, Sendable, Hashable {
        /// `libvirt 12.8.0 / QEMU 11.1.3`: the column key.
        public var key: String
        /// The libvirt version.
        public var libvirt: String
        /// The QEMU version.
        public var qemu: String
        /// `file: URI` of every host result merged into this column.
        public var runs: [String]
    }

    /// What a guide declares about a snippet's versions (its fence).
    public struct Declaration: Codable, Sendable, Hashable {
        public var since: String?
        public var until: String?
        public var fixedIn: String?
        public var notReproducedIn: String?
        /// Whether the snippet shows a finding (`finding=`): it is expected to *reproduce* a deviation.
        public var isFinding: Bool
        public init(since: String? = nil, until: String? = nil, fixedIn: String? = nil, notReproducedIn: String? = nil,
                    isFinding: Bool = false) {
            self.since = since
            self.until = until
            self.fixedIn = fixedIn
            self.notReproducedIn = notReproducedIn
            self.isFinding = isFinding
        }

        /// `since 9.9.0, fixed in 10.9.0`, or nil when nothing is declared.
        public var text: String? {
            let parts = [since.map { "since \($0)" }, until.map { "until \($0)" }, fixedIn.map { "fixed in \($0)" },
                         notReproducedIn.map { "not reproduced in \($0)" }].compactMap { $0 }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        }
    }

    /// One claim across the builds.
    public struct Row: Codable, Sendable, Hashable {
        /// The claim id (`backup.pull.tls`).
        public var claim: String
        /// Build key → the combined verdict there.
        public var cells: [String: Verdict]
        /// The snippets that name the claim.
        public var snippets: [String]
        /// Build key → what the snippets recorded doing there (`Evidence.outcome`, e.g. `refused:
        /// VIR_ERR_OPERATION_UNSUPPORTED`), where they recorded anything: a pass that refuses on one build
        /// and accepts on another is two behaviours, never one.
        public var outcomes: [String: String]
        /// What the runs show, in words: `holds on every build (9.0.0 to 12.8.0)`, `holds from 11.3.0; finding on 9.0.0`.
        public var inferred: String
        /// What the fences declare, per snippet that declares something (`snap-revert-external: since 9.9.0`).
        public var declared: [String]
        /// Where the runs and the declarations disagree, each naming the builds that show it.
        public var contradictions: [String]
    }

    /// The schema (``schema``).
    public var schema = CompatTable.schema
    /// The builds, oldest libvirt first.
    public var builds: [Build]
    /// One row per claim, by claim id.
    public var rows: [Row]

    /// Builds the table from results files and the guides' declarations (snippet id → declaration). Test-driver
    /// hosts are left out: their version is the library's, not a hypervisor build's.
    public static func build(runs: [(file: String, results: RunResults)], declarations: [String: Declaration]) -> CompatTable {
        var builds: [String: Build] = [:]
        // build key → snippet id → verdicts (one per run that reached the build)
        var verdicts: [String: [String: [Verdict]]] = [:]
        // build key → snippet id → outcomes recorded
        var recorded: [String: [String: Set<String>]] = [:]
        var claimsOf: [String: Set<String>] = [:]
        for (file, results) in runs {
            for host in results.hosts where host.host.driver == "QEMU" {
                let key = "libvirt \(host.host.libvirtVersion) / QEMU \(host.host.hypervisorVersion)"
                builds[key, default: Build(key: key, libvirt: host.host.libvirtVersion, qemu: host.host.hypervisorVersion, runs: [])]
                    .runs.append("\(file): \(host.host.uri)")
                for r in host.results where r.verdict != .skipped {
                    verdicts[key, default: [:]][r.id, default: []].append(r.verdict)
                    if let outcome = r.evidence?.outcome { recorded[key, default: [:]][r.id, default: []].insert(outcome) }
                    for claim in r.claims + [r.finding].compactMap({ $0 }) { claimsOf[claim, default: []].insert(r.id) }
                }
            }
        }
        let ordered = builds.values.sorted { order($0.libvirt, $1.libvirt, $0.qemu, $1.qemu) }
        // How the words name a build: its libvirt version, with the QEMU version when two builds share it.
        let sharedLibvirt = Set(Dictionary(grouping: ordered, by: \.libvirt).filter { $0.value.count > 1 }.keys)
        func label(_ b: Build) -> String { sharedLibvirt.contains(b.libvirt) ? "\(b.libvirt)/\(b.qemu)" : b.libvirt }
        var rows: [Row] = []
        for (claim, snippetSet) in claimsOf.sorted(by: { $0.key < $1.key }) {
            let snippets = snippetSet.sorted()
            var cells: [String: Verdict] = [:]
            var outcomes: [String: String] = [:]
            for build in ordered {
                let all = snippets.flatMap { verdicts[build.key]?[$0] ?? [] }
                if let v = Verdict.combined(all) { cells[build.key] = v }
                let said = snippets.flatMap { recorded[build.key]?[$0] ?? [] }.sorted()
                if !said.isEmpty { outcomes[build.key] = Array(Set(said)).sorted().joined(separator: "; ") }
            }
            var contradictions: [String] = []
            var declared: [String] = []
            for snippet in snippets {
                let d = declarations[snippet] ?? Declaration()
                if let text = d.text { declared.append("\(snippet): \(text)") }
                for build in ordered {
                    guard let v = Verdict.combined(verdicts[build.key]?[snippet] ?? []) else { continue }
                    if let problem = contradiction(snippet: snippet, verdict: v, libvirt: build.libvirt, declared: d) {
                        contradictions.append("\(problem) (\(build.key))")
                    }
                }
            }
            var summary = inferred(ordered.compactMap { b in cells[b.key].map { (label(b), $0) } })
            if Set(outcomes.values).count > 1 {
                // Passing everywhere by behaving differently: say how, per build.
                summary += "; by build: " + ordered.compactMap { b in outcomes[b.key].map { "\(label(b)) \($0)" } }.joined(separator: ", ")
            }
            rows.append(Row(claim: claim, cells: cells, snippets: snippets, outcomes: outcomes, inferred: summary,
                            declared: declared, contradictions: contradictions))
        }
        return CompatTable(builds: ordered, rows: rows)
    }

    /// Where one snippet's verdict on a build disagrees with its declaration, in words; nil when it agrees.
    static func contradiction(snippet: String, verdict: Verdict, libvirt: String, declared d: Declaration) -> String? {
        guard let version = Version(parsing: libvirt) else { return nil }
        func atLeast(_ text: String?) -> Bool? { text.flatMap(Version.init(parsing:)).map { version >= $0 } }
        if d.isFinding {
            if verdict == .finding, atLeast(d.fixedIn) == true {
                return "\(snippet) still reproduces its finding from \(d.fixedIn!) on, although fixed-in=\(d.fixedIn!)"
            }
            if verdict == .pass, atLeast(d.fixedIn) == false {
                return "\(snippet) does not reproduce before fixed-in=\(d.fixedIn!): a backport of the fix in this build, or fixed-in is too late"
            }
            if verdict == .pass, d.fixedIn == nil, atLeast(d.notReproducedIn) != true {
                return "\(snippet) does not reproduce its finding, and the fence names no fixed-in= or not-reproduced-in="
            }
            if verdict == .fail { return "\(snippet) fails" }
            return nil
        }
        if verdict == .fail {
            if let since = d.since, atLeast(since) == true { return "\(snippet) fails although it holds since=\(since)" }
            if let until = d.until, atLeast(until) == false { return "\(snippet) fails although it holds until=\(until)" }
            return "\(snippet) fails"
        }
        return nil
    }

    /// What a claim's cells (oldest build first) show, in words.
    static func inferred(_ cells: [(libvirt: String, verdict: Verdict)]) -> String {
        let judged = cells.filter { $0.verdict != .unsupported }
        let unsupported = cells.filter { $0.verdict == .unsupported }.map(\.libvirt)
        let tail = unsupported.isEmpty ? "" : "; unsupported on \(unsupported.joined(separator: ", "))"
        guard let first = judged.first, let last = judged.last else { return "no verdict on any build" + tail }
        if judged.allSatisfy({ $0.verdict == .pass }) {
            return (judged.count == 1 ? "holds on \(first.libvirt)" : "holds on every build (\(first.libvirt) to \(last.libvirt))") + tail
        }
        // The first build from which every later one passes.
        if let start = judged.indices.first(where: { i in judged[i...].allSatisfy { $0.verdict == .pass } }), start > 0 {
            let before = judged[..<start].map { "\($0.verdict.rawValue) on \($0.libvirt)" }.joined(separator: ", ")
            return "holds from \(judged[start].libvirt); \(before)" + tail
        }
        let byVerdict = Dictionary(grouping: judged, by: \.verdict).sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) on \($0.value.map(\.libvirt).joined(separator: ", "))" }
        return byVerdict.joined(separator: "; ") + tail
    }

    /// Orders builds by libvirt version, then QEMU version.
    static func order(_ a: String, _ b: String, _ qa: String, _ qb: String) -> Bool {
        let (va, vb) = (Version(parsing: a), Version(parsing: b))
        if let va, let vb, va != vb { return va < vb }
        let (wa, wb) = (Version(parsing: qa), Version(parsing: qb))
        if let wa, let wb, wa != wb { return wa < wb }
        return (a, qa) < (b, qb)
    }

    /// The table as text: one line per claim with a mark per build, then the contradictions.
    public func text() -> String {
        var lines = ["builds: " + builds.enumerated().map { "[\($0.offset + 1)] \($0.element.key)" }.joined(separator: "  ")]
        let width = min(44, rows.map(\.claim.count).max() ?? 0)
        for row in rows {
            let marks = builds.map { b -> String in
                switch row.cells[b.key] {
                case .pass: "✓"
                case .fail: "✗"
                case .finding: "!"
                case .unsupported: "–"
                default: "·"
                }
            }.joined(separator: " ")
            lines.append(row.claim.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + marks + "  " + row.inferred)
        }
        let problems = rows.flatMap { row in row.contradictions.map { "  \(row.claim): \($0)" } }
        lines.append("")
        lines.append(problems.isEmpty ? "no contradiction between the runs and the declared ranges"
                                      : "\(problems.count) contradiction\(problems.count == 1 ? "" : "s") between the runs and the declared ranges:")
        lines += problems
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as JSON (sorted keys, pretty).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
