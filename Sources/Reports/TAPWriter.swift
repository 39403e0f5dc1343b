import Lab
import Runner

/// Writes results as TAP version 14 (the Test Anything Protocol).
///
/// One test point per snippet, in guide order:
///
/// ```text
/// TAP version 14
/// 1..3
/// ok 1 - passes (Guides/x.md:5)
/// not ok 2 - fails (Guides/x.md:12)
///   ---
///   message: "arithmetic is broken"
///   severity: fail
///   at: "Guides/x.md:14"
///   ...
/// ok 3 - needs-qemu (Guides/x.md:20) # SKIP unsupported: needs qemu; connection driver is TEST
/// ```
///
/// *skipped* and *unsupported* snippets are `ok … # SKIP reason`. A *finding* is `not ok … # TODO finding …`:
/// a known deviation of libvirt from its documentation, which does not fail the stream. Failures and findings
/// carry a YAML block with the message, the Markdown location, the diff and the evidence. With several hosts,
/// each host is a subtest (a 4-space indented stream introduced by `# Subtest: <uri>`), ended by a test point
/// for the host. Guide errors and build errors outside any snippet are test points of their own.
public struct TAPWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// The TAP text of `results` (ends with a newline).
    public func render(_ results: RunResults) -> String {
        var lines = ["TAP version 14"]
        let extra = problemPoints(results)
        if results.hosts.count == 1 {
            let host = results.hosts[0]
            lines.append("1..\(host.results.count + extra.count)")
            lines.append("# \(host.host.uri): \(host.host.driver), libvirt \(host.host.libvirtVersion), virt type \(host.host.virtType)")
            lines += points(host.results, startingAt: 1)
            lines += problemLines(extra, startingAt: host.results.count + 1)
        } else {
            lines.append("1..\(results.hosts.count + extra.count)")
            for (i, host) in results.hosts.enumerated() {
                lines.append("# Subtest: \(host.host.uri)")
                lines.append("    1..\(host.results.count)")
                lines.append("    # \(host.host.driver), libvirt \(host.host.libvirtVersion), virt type \(host.host.virtType)")
                lines += points(host.results, startingAt: 1).map { "    " + $0 }
                let t = host.totals
                let ok = t.failed == 0
                lines.append("\(ok ? "ok" : "not ok") \(i + 1) - \(Self.escape(host.host.uri))")
                lines += yamlBlock([
                    ("passed", .integer(t.passed)), ("failed", .integer(t.failed)),
                    ("unsupported", .integer(t.unsupported)), ("findings", .integer(t.findings)),
                    ("skipped", .integer(t.skipped)),
                    ("libvirt", .string(host.host.libvirtVersion)), ("hypervisor", .string(host.host.hypervisorVersion)),
                    ("virt_type", .string(host.host.virtType)),
                ])
            }
            lines += problemLines(extra, startingAt: results.hosts.count + 1)
        }
        let t = results.totals
        lines.append("# \(t.passed) passed, \(t.failed) failed, \(t.unsupported) unsupported, \(t.findings) findings, \(t.skipped) skipped")
        lines.append("# timings: discovery \(Self.seconds(results.timings.discovery)), compile \(Self.seconds(results.timings.compile)), run \(Self.seconds(results.timings.run))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Test points for snippet results, numbered from `start`.
    func points(_ results: [SnippetResult], startingAt start: Int) -> [String] {
        var lines: [String] = []
        for (offset, r) in results.enumerated() {
            let n = start + offset
            let description = "\(Self.escape(r.id)) (\(Self.escape(r.fenceLocation)))"
            switch r.verdict {
            case .pass:
                lines.append("ok \(n) - \(description)")
            case .skipped:
                lines.append("ok \(n) - \(description) # SKIP \(Self.reason(r.reason ?? "skipped"))")
            case .unsupported:
                lines.append("ok \(n) - \(description) # SKIP unsupported: \(Self.reason(r.reason ?? ""))")
            case .finding:
                lines.append("not ok \(n) - \(description) # TODO finding \(Self.reason(r.finding ?? r.message ?? ""))")
                lines += yamlBlock(diagnostic(r, severity: "todo"))
            case .fail:
                lines.append("not ok \(n) - \(description)")
                lines += yamlBlock(diagnostic(r, severity: "fail"))
            }
        }
        return lines
    }

    /// The YAML diagnostic of a failure or finding.
    func diagnostic(_ r: SnippetResult, severity: String) -> [(String, YAML.Value)] {
        var pairs: [(String, YAML.Value)] = []
        if let m = r.message { pairs.append(("message", .string(m))) }
        pairs.append(("severity", .string(severity)))
        pairs.append(("at", .string(r.location ?? r.fenceLocation)))
        if let code = r.errorCode { pairs.append(("error_code", .string(code))) }
        pairs.append(("duration_ms", .integer(Int((r.duration * 1000).rounded()))))
        if !r.claims.isEmpty { pairs.append(("claims", .sequence(r.claims.map { .string($0) }))) }
        if let d = r.diff { pairs.append(("diff", .string(d + "\n"))) }
        if let e = r.evidence { pairs.append(("evidence", Self.yaml(e))) }
        if r.verdict == .fail, let s = r.stderr, !s.isEmpty { pairs.append(("stderr", .string(s.hasSuffix("\n") ? s : s + "\n"))) }
        if let c = r.cleanup, !c.isEmpty { pairs.append(("cleanup", .sequence(c.map { .string($0) }))) }
        return pairs
    }

    static func yaml(_ e: Evidence) -> YAML.Value {
        var pairs: [(String, YAML.Value)] = []
        if !e.measurements.isEmpty {
            pairs.append(("measurements", .sequence(e.measurements.map {
                .mapping([("name", .string($0.name)), ("value", .number($0.value)), ("unit", .string($0.unit))])
            })))
        }
        if !e.extents.isEmpty {
            pairs.append(("extents", .sequence(e.extents.map {
                .mapping([("label", .string($0.label)), ("offset", .number(Double($0.offset))),
                          ("length", .number(Double($0.length)))])
            })))
        }
        if !e.events.isEmpty {
            pairs.append(("events", .sequence(e.events.map { ev in
                var m: [(String, YAML.Value)] = [("time", .number(ev.time)), ("name", .string(ev.name))]
                if let d = ev.detail { m.append(("detail", .string(d))) }
                return .mapping(m)
            })))
        }
        if !e.notes.isEmpty { pairs.append(("notes", .sequence(e.notes.map { .string($0) }))) }
        return .mapping(pairs)
    }

    /// The run's problems that are not snippet results (`RunResults.problems`), as (title, message).
    func problemPoints(_ results: RunResults) -> [(String, String)] {
        results.problems.map { ($0.title, $0.message) }
    }

    func problemLines(_ problems: [(String, String)], startingAt start: Int) -> [String] {
        var lines: [String] = []
        for (offset, p) in problems.enumerated() {
            lines.append("not ok \(start + offset) - \(Self.escape(p.0))")
            lines += yamlBlock([("message", .string(p.1)), ("severity", .string("fail"))])
        }
        return lines
    }

    func yamlBlock(_ pairs: [(String, YAML.Value)]) -> [String] {
        ["  ---"] + YAML.lines(pairs, indent: "  ") + ["  ..."]
    }

    /// A description with `\` and `#` escaped, on one line.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "#": out += "\\#"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// A directive reason: one line.
    static func reason(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    static func seconds(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())s"
    }
}
