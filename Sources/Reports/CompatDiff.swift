import Foundation
import Runner

/// What changed between two runs (another day, another build of libvirt or QEMU): every snippet whose verdict
/// differs on a host of both, findings that appeared or went away, and snippets that got much slower. A
/// verdict that went from pass to fail or to finding is a **regression**: `rewind compat diff` exits 1 then,
/// so a maintainer can gate a libvirt build on it.
///
/// Hosts are matched by URI; when each run has one QEMU host, those two are matched whatever their URIs (the
/// usual case: the same host before and after an upgrade).
///
/// ```swift
/// let diff = CompatDiff(old: before, new: after)
/// if diff.hasRegression { print(diff.text()) }
/// ```
public struct CompatDiff: Sendable {
    /// One snippet on one host pair.
    public struct Change: Sendable, Hashable, Codable {
        public var snippet: String
        /// `old URI → new URI` (one URI when they are the same).
        public var hosts: String
        public var old: Verdict?
        public var new: Verdict?
        /// Seconds, when both ran.
        public var oldSeconds: Double?
        public var newSeconds: Double?
        /// What the snippet recorded doing (`Evidence.outcome`), before and after: the same verdict reached by
        /// another behaviour (refused → accepted) is a change too.
        public var oldOutcome: String?
        public var newOutcome: String?
        /// pass → fail or pass → finding (or a finding turned into a failure).
        public var isRegression: Bool {
            guard let old, let new else { return false }
            return (old == .pass && (new == .fail || new == .finding)) || (old == .finding && new == .fail)
        }
        /// Ran much slower: more than twice the time and more than a second more (the runs' noise here is
        /// well under both).
        public var isSlower: Bool {
            guard let a = oldSeconds, let b = newSeconds else { return false }
            return b > 2 * a && b - a > 1
        }
    }

    /// The host pairs compared, `old URI → new URI`, and hosts found in one run only.
    public var pairs: [String] = []
    public var unmatched: [String] = []
    /// Every verdict change, and every much slower snippet.
    public var changes: [Change] = []
    /// The old and new versions of each pair, for the heading.
    public var versions: [String] = []

    /// Compares two runs.
    public init(old: RunResults, new: RunResults) {
        var matched: [(HostResults, HostResults)] = []
        let oldQEMU = old.hosts.filter { $0.host.driver == "QEMU" }
        let newQEMU = new.hosts.filter { $0.host.driver == "QEMU" }
        if oldQEMU.count == 1, newQEMU.count == 1 {
            matched.append((oldQEMU[0], newQEMU[0]))
            for o in old.hosts where o.host.driver != "QEMU" {
                if let n = new.hosts.first(where: { $0.host.uri == o.host.uri }) { matched.append((o, n)) }
            }
        } else {
            for o in old.hosts {
                if let n = new.hosts.first(where: { $0.host.uri == o.host.uri }) { matched.append((o, n)) } else {
                    unmatched.append("old only: \(o.host.uri)")
                }
            }
            for n in new.hosts where !old.hosts.contains(where: { $0.host.uri == n.host.uri }) {
                unmatched.append("new only: \(n.host.uri)")
            }
        }
        for (o, n) in matched {
            let label = o.host.uri == n.host.uri ? o.host.uri : "\(o.host.uri) → \(n.host.uri)"
            pairs.append(label)
            versions.append("\(label): libvirt \(o.host.libvirtVersion) / QEMU \(o.host.hypervisorVersion) → "
                            + "libvirt \(n.host.libvirtVersion) / QEMU \(n.host.hypervisorVersion)")
            let before = Dictionary(o.results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(n.results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for id in Set(before.keys).union(after.keys).sorted() {
                let a = before[id], b = after[id]
                guard a?.verdict != .skipped || b?.verdict != .skipped else { continue }
                let change = Change(snippet: id, hosts: label, old: a?.verdict, new: b?.verdict,
                                    oldSeconds: a.map(\.duration), newSeconds: b.map(\.duration),
                                    oldOutcome: a?.evidence?.outcome, newOutcome: b?.evidence?.outcome)
                if a?.verdict != b?.verdict || change.isSlower || change.oldOutcome != change.newOutcome { changes.append(change) }
            }
        }
    }

    /// Whether any change is a regression.
    public var hasRegression: Bool { changes.contains(where: \.isRegression) }

    /// The differences as text, regressions first.
    public func text() -> String {
        var lines = versions
        if !unmatched.isEmpty { lines += unmatched }
        let regressions = changes.filter(\.isRegression)
        let others = changes.filter { !$0.isRegression }
        func line(_ c: Change) -> String {
            let verdicts = "\(c.old?.rawValue ?? "absent") → \(c.new?.rawValue ?? "absent")"
            let time = c.isSlower ? String(format: " (%.1f s → %.1f s)", c.oldSeconds ?? 0, c.newSeconds ?? 0) : ""
            let outcome = c.oldOutcome != c.newOutcome ? " [\(c.oldOutcome ?? "no outcome") → \(c.newOutcome ?? "no outcome")]" : ""
            let what = c.old != c.new ? verdicts : (outcome.isEmpty ? "slower" : "\(c.new?.rawValue ?? "absent"), another behaviour")
            return "  \(c.snippet) on \(c.hosts): \(what)\(outcome)\(time)"
        }
        lines.append(regressions.isEmpty ? "no regression" : "REGRESSIONS (\(regressions.count)):")
        lines += regressions.map(line)
        if !others.isEmpty {
            lines.append("other changes (\(others.count)):")
            lines += others.map(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The differences as TAP: one test per change, `not ok` for a regression.
    public func tap() -> String {
        var lines = ["TAP version 13", "1..\(max(changes.count, 1))"]
        if changes.isEmpty { lines.append("ok 1 - no verdict changed") }
        for (i, c) in changes.enumerated() {
            let what = "\(c.snippet) on \(c.hosts): \(c.old?.rawValue ?? "absent") → \(c.new?.rawValue ?? "absent")"
            lines.append("\(c.isRegression ? "not ok" : "ok") \(i + 1) - \(what)\(c.isSlower ? " # slower" : "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
