import Foundation
import Runner

/// The human summary `rewind verify` prints: what failed and where, what is unsupported and why, the
/// counts per host, and the time spent in discovery, compilation and running.
///
/// ```text
/// test:///default — TEST, libvirt 9.0.0, virt type test
///   FAIL         fails           Guides/x.md:14: arithmetic is broken
///   UNSUPPORTED  needs-qemu      Guides/x.md:20: needs qemu; connection driver is TEST
///   FINDING      shows-finding   Guides/x.md:30: snap.checkpoint-exclusive
///   12 passed, 1 failed, 1 unsupported, 1 finding, 3 skipped
///
/// timings: discovery 0.04s · compile 9.81s (RewindSnippets 8.90s; 2 more builds 0.91s) · run 3.12s
/// ```
public struct SummaryWriter: Sendable {
    /// Whether to list passing and skipped snippets too.
    public var verbose: Bool
    /// Whether to use ANSI colours.
    public var color: Bool

    /// Creates a summary writer.
    public init(verbose: Bool = false, color: Bool = false) {
        self.verbose = verbose
        self.color = color
    }

    /// The summary text (ends with a newline).
    public func render(_ results: RunResults, updatedBlocks: [String] = []) -> String {
        var lines: [String] = []
        if let signal = results.interrupted {
            lines.append(paint("INTERRUPTED by \(signal): the results below are those of the snippets that finished", .red))
        }
        if !results.guideErrors.isEmpty {
            lines.append(paint("GUIDE ERRORS (\(results.guideErrors.count))", .red))
            lines += results.guideErrors.map { "  \($0)" }
            lines.append("")
        }
        if let compile = results.compile {
            lines += compileSection(compile)
        }
        for host in results.hosts {
            let h = host.host
            lines.append(paint(h.uri, .bold) + " — \(h.driver), libvirt \(h.libvirtVersion)"
                         + (h.hypervisorVersion.isEmpty ? "" : ", hypervisor \(h.hypervisorVersion)")
                         + ", virt type \(h.virtType)"
                         + (h.access.map { $0.isLocal ? "" : ", host access: \($0)" } ?? "")
                         + (VersionFloor.note(for: h) != nil ? paint(" — below the guides' floor (\(VersionFloor.label))", .yellow) : ""))
            let width = min(40, host.results.map(\.id.count).max() ?? 0)
            for r in host.results where verbose || ![.pass, .skipped].contains(r.verdict) {
                lines += describe(r, idWidth: width)
            }
            lines.append("  " + Self.counts(host.totals))
            lines.append("")
        }
        if let drift = results.docDrift {
            lines.append(driftLine(drift))
        }
        if let coverage = results.coverage {
            lines += coverageSection(coverage)
            lines.append("")
        }
        if !updatedBlocks.isEmpty {
            lines.append("updated \(updatedBlocks.count) output block\(updatedBlocks.count == 1 ? "" : "s"): "
                         + updatedBlocks.joined(separator: ", "))
        }
        lines.append(timings(results))
        if results.hosts.count > 1 { lines += hostTable(results) }
        let t = results.totals
        let verdict = results.failed ? paint("FAILED", .red) : paint("OK", .green)
        lines.append("\(verdict): " + Self.counts(t))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The build problems: loud, with every error at its snippet's Markdown line.
    func compileSection(_ c: CompileReport) -> [String] {
        var lines: [String] = []
        for target in c.failedTargets {
            let invocation = c.invocations.first { $0.product == target }
            let failing = c.snippetErrors.keys.sorted()
            lines.append(paint("BUILD FAILED: swift build --product \(target)", .red)
                         + (invocation.map { " (\($0.termination), \(Self.seconds($0.duration)))" } ?? "")
                         + "; nothing from it ran, and no per-snippet retry was made")
            for id in failing {
                for d in c.snippetErrors[id] ?? [] {
                    lines.append("  snippet '\(id)': \(d)")
                }
            }
            for u in c.unattributedErrors where u.product == target {
                lines.append("  \(u.diagnostic)")
            }
            lines.append("")
        }
        let warnings = Array(Set(c.warnings)).sorted { ($0.file ?? "", $0.line ?? 0) < ($1.file ?? "", $1.line ?? 0) }
        if !warnings.isEmpty {
            if verbose {
                lines.append("compiler warnings at snippet lines:")
                lines += warnings.map { "  \($0)" }
            } else {
                lines.append("\(warnings.count) compiler warning\(warnings.count == 1 ? "" : "s") at snippet lines (-v lists them)")
            }
            lines.append("")
        }
        return lines
    }

    func describe(_ r: SnippetResult, idWidth: Int) -> [String] {
        let label: String
        let text: String
        switch r.verdict {
        case .pass:
            label = paint("PASS", .green)
            text = r.message ?? ""
        case .fail:
            label = paint("FAIL", .red)
            text = r.message ?? "failed"
        case .unsupported:
            label = paint("UNSUPPORTED", .yellow)
            text = r.reason ?? ""
        case .finding:
            label = paint("FINDING", .magenta)
            text = r.finding ?? r.message ?? ""
        case .skipped:
            label = paint("SKIP", .dim)
            text = r.reason ?? ""
        }
        let padding = String(repeating: " ", count: max(0, 11 - Self.visibleLength(r.verdict)))
        let id = r.id.padding(toLength: max(idWidth, r.id.count), withPad: " ", startingAt: 0)
        let location = r.location ?? r.fenceLocation
        var messageLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if messageLines.isEmpty { messageLines = [""] }
        var lines = ["  \(label)\(padding)  \(id)  \(location): \(messageLines[0])"]
        lines += messageLines.dropFirst().map { "      \($0)" }
        if let diff = r.diff {
            lines += diff.split(separator: "\n").map { line in
                let s = String(line)
                if s.hasPrefix("-") && !s.hasPrefix("---") { return "      " + paint(s, .red) }
                if s.hasPrefix("+") && !s.hasPrefix("+++") { return "      " + paint(s, .green) }
                return "      " + s
            }
        }
        if r.verdict == .fail, (r.message ?? "").hasPrefix("exited"), let err = r.stderr, !err.isEmpty {
            // A process that ended without a result: its last words say why.
            lines += err.split(separator: "\n").suffix(6).map { "      | \($0)" }
        }
        return lines
    }

    func timings(_ results: RunResults) -> String {
        let t = results.timings
        var compile = "compile \(Self.seconds(t.compile))"
        if let c = results.compile, !c.invocations.isEmpty {
            var parts: [String] = []
            if let merged = c.invocations.first(where: { $0.kind == .merged }) {
                parts.append("\(merged.product) \(Self.seconds(merged.duration))")
            }
            let others = c.invocations.filter { $0.kind != .merged }
            if !others.isEmpty {
                parts.append("\(others.count) more build\(others.count == 1 ? "" : "s") "
                             + Self.seconds(others.map(\.duration).reduce(0, +)))
            }
            compile += " (" + parts.joined(separator: "; ") + ")"
        }
        return "timings: discovery \(Self.seconds(t.discovery)) · \(compile) · run \(Self.seconds(t.run))"
    }

    /// `doc drift: 120 libvirt names (45 distinct) checked against libvirt-api.xml, libvirt-qemu-api.xml; 2 marked nonexistent`
    func driftLine(_ d: DocDrift.Report) -> String {
        let files = d.apiFiles.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        var line = "doc drift: \(d.references) libvirt name\(d.references == 1 ? "" : "s") (\(d.distinctNames) distinct) "
            + "checked against \(files.isEmpty ? "no API file" : files.joined(separator: ", "))"
        if !d.nonexistent.isEmpty { line += "; \(d.nonexistent.count) marked nonexistent" }
        if !d.problems.isEmpty { line += "; " + paint("\(d.problems.count) unknown", .red) }
        return line
    }

    /// The claims coverage: the catalog, each host's passing and findings, and what still waits.
    ///
    /// ```text
    /// claims (Conformance/claims.json): 94 in the catalog, 31 with a snippet, 63 without
    ///   test:///default (test tier, 24 claims): 12 pass, 1 finding, 0 fail, 2 unsupported
    ///   findings observed: snap.checkpoint-exclusive, chk.quiesce
    ///   waiting for an agent guest: chk.quiesce, fs.time-limit
    /// ```
    func coverageSection(_ c: ClaimCoverage) -> [String] {
        var lines = ["claims (\(c.catalog)): \(c.total) in the catalog, \(c.withSnippet) with a snippet, "
                     + "\(c.withoutSnippet.count) without"]
        for h in c.hosts {
            let tier = h.tier.map { "\($0.rawValue) tier, \(h.tierClaims) claim\(h.tierClaims == 1 ? "" : "s")" } ?? "no tier"
            var counts = "\(h.passing.count) pass, \(h.findings.count) finding\(h.findings.count == 1 ? "" : "s"), "
            counts += h.failing.isEmpty ? "0 fail" : paint("\(h.failing.count) fail", .red)
            counts += ", \(h.unsupported.count) unsupported"
            lines.append("  \(h.uri) (\(tier)): \(counts)")
            if !h.failing.isEmpty {
                lines.append("    failing: " + h.failing.joined(separator: ", "))
            }
        }
        var observed: [String] = []
        for h in c.hosts {
            for id in h.findings where !observed.contains(id) { observed.append(id) }
        }
        if !observed.isEmpty {
            lines.append("  findings observed: " + observed.joined(separator: ", "))
        }
        if !c.waitingForAgent.isEmpty {
            lines.append("  waiting for an agent guest: " + c.waitingForAgent.joined(separator: ", "))
        }
        if verbose, !c.withoutSnippet.isEmpty {
            lines.append("  without a snippet: " + c.withoutSnippet.joined(separator: ", "))
        }
        return lines
    }

    /// `12 passed, 1 failed, 1 unsupported, 1 finding, 3 skipped`
    /// One row per host: its URI, libvirt and hypervisor versions, and its verdict counts.
    ///
    /// ```
    /// host                                 libvirt  hypervisor  pass  fail  finding  unsupported  skipped
    /// qemu:///system                       9.0.0    7.2.22       111     0        9            0        2
    /// ```
    func hostTable(_ results: RunResults) -> [String] {
        let header = ["host", "libvirt", "hypervisor", "pass", "fail", "finding", "unsupported", "skipped"]
        var rows = [header]
        for h in results.hosts {
            let t = h.totals
            // "*": below the versions the guides target (VersionFloor), said under the table.
            let mark = VersionFloor.note(for: h.host) == nil ? "" : "*"
            rows.append([h.host.uri, h.host.libvirtVersion + mark, h.host.hypervisorVersion.isEmpty ? "-" : h.host.hypervisorVersion,
                         "\(t.passed)", "\(t.failed)", "\(t.findings)", "\(t.unsupported)", "\(t.skipped)"])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return [""] + rows.map { row in
            row.enumerated().map { c, cell in
                c < 3 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                      : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        } + (results.hosts.contains { VersionFloor.note(for: $0.host) != nil }
             ? ["* below the versions the guides target (\(VersionFloor.label))"] : []) + [""]
    }

    public static func counts(_ t: Totals) -> String {
        "\(t.passed) passed, \(t.failed) failed, \(t.unsupported) unsupported, "
            + "\(t.findings) finding\(t.findings == 1 ? "" : "s"), \(t.skipped) skipped"
    }

    static func visibleLength(_ v: Verdict) -> Int {
        switch v {
        case .pass: 4
        case .fail: 4
        case .unsupported: 11
        case .finding: 7
        case .skipped: 4
        }
    }

    static func seconds(_ s: Double) -> String { String(format: "%.2fs", s) }

    enum Style: String {
        case red = "31", green = "32", yellow = "33", magenta = "35", bold = "1", dim = "2"
    }

    func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
