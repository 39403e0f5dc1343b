import Foundation
import Lab

/// What the parent saw of one snippet process.
struct ProcessOutcome: Sendable {
    /// How the process ended (nil if it could not start).
    var termination: ChildProcess.Termination?
    /// Whether the runner killed it after `timeout` seconds.
    var timedOut = false
    /// The timeout that applied, in seconds.
    var timeout: Double
    /// The result file, when the child wrote one.
    var report: SnippetReport?
    /// Why there is no report, when the file was unreadable.
    var reportProblem: String?
    /// Its standard output.
    var stdout: String
    /// Its standard error.
    var stderr: String
    /// Wall time in seconds.
    var duration: Double
    /// Its run id.
    var runID: String
    /// What the cleanup mode printed, when it ran.
    var cleanup: [String]?
}

/// The parent's verdict rules: from a snippet's fence attributes, the host probe and what its process
/// did, to pass / fail / unsupported / finding.
///
/// * A failure names the Markdown line: the failed expectation's, the crash's, or the fence's.
/// * *Unsupported* only when the fence declares `needs=` and the thrown `LibvirtError` means "not supported"
///   (or the lab's `require` found the declared capability missing). An unsupported error the fence did not
///   declare is a failure: the guide is wrong for that host.
/// * `expect-error=CODE` passes only if the snippet ends with exactly that libvirt error.
/// * `finding=CLAIM` turns a pass into the verdict `finding`.
/// * Expected output is compared only when everything else passed.
/// * `finding=CLAIM fixed-in=X`: on a host older than X, a finding "fixed in X"; on X or newer the deviation
///   must not reproduce: a failed check (`lab.expect`, `lab.fail`) passes as "fixed", a reproduction fails.
enum VerdictRules {
    static func judge(_ snippet: RunnableSnippet, _ outcome: ProcessOutcome, hostVersion: String = "") -> SnippetResult {
        if let finding = snippet.finding {
            switch snippet.versions.applies(to: hostVersion) {
            case .fixed(let version):
                return judgeFixed(snippet, outcome, finding: finding, fixedIn: version, named: true, hostVersion: hostVersion)
            case .notReproduced(let version):
                return judgeFixed(snippet, outcome, finding: finding, fixedIn: version, named: false, hostVersion: hostVersion)
            default:
                break
            }
        }
        var result = judgeAsWritten(snippet, outcome)
        if result.verdict == .finding, let fixed = snippet.versions.fixedIn {
            result.message = (result.message ?? snippet.finding ?? "") + " (fixed in libvirt \(fixed); this host has \(hostVersion))"
        } else if result.verdict == .finding, let version = snippet.versions.notReproducedIn {
            result.message = (result.message ?? snippet.finding ?? "") + " (not reproduced on libvirt \(version); this host has \(hostVersion))"
        }
        return result
    }

    /// A finding on a host whose libvirt fixed it: the snippet reproduces the deviation, so it must now fail
    /// at one of its own checks.
    /// `named`: the fence names a fix (`fixed-in=`); otherwise the deviation was only not reproduced
    /// (`not-reproduced-in=`) and the message says so.
    static func judgeFixed(_ snippet: RunnableSnippet, _ outcome: ProcessOutcome, finding: String, fixedIn: String,
                           named: Bool = true, hostVersion: String) -> SnippetResult {
        var r = judgeAsWritten(snippet, outcome)
        guard !outcome.timedOut, let o = outcome.report?.outcome else { return r }
        switch (o.kind, r.verdict) {
        case (.labFailure, .fail):
            r.verdict = .pass
            r.message = named
                ? "fixed in libvirt \(fixedIn) (finding \(finding) no longer reproduces on \(hostVersion)): \(o.message ?? "")"
                : "not reproduced on libvirt \(hostVersion) (finding \(finding); no fix is named, the check keeps running): \(o.message ?? "")"
            r.location = snippet.location
            r.stdout = nil
            r.stderr = nil
        case (_, .finding):
            r.verdict = .fail
            r.message = "finding \(finding) still reproduces on libvirt \(hostVersion), though the fence says \(named ? "fixed-in" : "not-reproduced-in")=\(fixedIn)"
            r.location = snippet.location
        default:
            break
        }
        return r
    }

    static func judgeAsWritten(_ snippet: RunnableSnippet, _ outcome: ProcessOutcome) -> SnippetResult {
        var result = SnippetResult(id: snippet.id, guide: snippet.guide, line: snippet.line, verdict: .fail,
                                   location: snippet.location, duration: outcome.duration, claims: snippet.claims,
                                   finding: snippet.finding, runID: outcome.runID, cleanup: outcome.cleanup)
        result.phases = outcome.report?.timings
        if let evidence = outcome.report?.evidence, !evidence.isEmpty { result.evidence = evidence }

        func failing(_ message: String, at location: String? = nil) -> SnippetResult {
            var r = result
            r.verdict = .fail
            r.message = message
            r.location = location ?? snippet.location
            r.stdout = tail(outcome.stdout)
            r.stderr = tail(outcome.stderr)
            return r
        }

        if outcome.timedOut {
            return failing("timed out after \(format(outcome.timeout))s")
        }
        guard let report = outcome.report else {
            switch outcome.termination {
            case .signaled(let signal)?:
                let crash = crashDetails(outcome.stderr, snippet: snippet)
                let what = "crashed with \(ChildProcess.signalName(signal))"
                var r = failing(crash.message.map { "\(what): \($0)" } ?? what, at: crash.location)
                r.stderr = head(outcome.stderr)   // the crash report starts with the interesting part
                return r
            case .exited(let status)?:
                if status == 0 && snippet.standalone {
                    return succeeded(snippet, outcome, result)
                }
                let crash = crashDetails(outcome.stderr, snippet: snippet)
                var message = status == 0 ? "exited without writing a result" : "exited with status \(status) without a result"
                if let problem = outcome.reportProblem { message += " (\(problem))" }
                if let m = crash.message { message += ": \(m)" }
                return failing(message, at: crash.location)
            case nil:
                return failing(outcome.reportProblem ?? "could not be started")
            }
        }

        let o = report.outcome
        switch o.kind {
        case .setupFailed:
            return failing("could not set up: \(o.message ?? "unknown reason")")
        case .ok:
            if let expected = snippet.expectError {
                return failing("expected \(expected), but the snippet succeeded")
            }
            return succeeded(snippet, outcome, result)
        case .libvirtError:
            let code = o.code ?? "VIR_ERR_?"
            result.errorCode = code
            let text = "\(code): \(o.message ?? "")"
            if let expected = snippet.expectError {
                if expected == code { return succeeded(snippet, outcome, result) }
                var r = failing("expected \(expected), got \(text)")
                r.errorCode = code
                return r
            }
            if o.meansUnsupported == true {
                if !snippet.needs.isEmpty {
                    var r = result
                    r.verdict = .unsupported
                    r.reason = text
                    r.location = snippet.location
                    return r
                }
                var r = failing("\(text) (an unsupported error, but the fence declares no needs=)")
                r.errorCode = code
                return r
            }
            var r = failing(text)
            r.errorCode = code
            return r
        case .labFailure:
            let location = o.file.map { f in o.line.map { "\(f):\($0)" } ?? f }
            return failing(o.message ?? "expectation failed", at: location)
        case .unsupported:
            let reason = o.message ?? "unsupported"
            // `host-access` belongs to the connection, not to the guide: a host whose files the lab cannot reach
            // (a remote URI without ssh) makes every snippet that needs them unsupported, declared or not; so
            // does a tool the host lacks (`host-tool:<tool>`).
            let declared = o.capability == HostAccess.capability
                || (o.capability?.hasPrefix(Lab.hostToolCapability("")) ?? false)
                || (o.capability.map { c in snippet.needs.contains { $0.rawValue == c } } ?? !snippet.needs.isEmpty)
            if declared {
                var r = result
                r.verdict = .unsupported
                r.reason = reason
                return r
            }
            return failing("\(reason) (but the fence does not declare needs=\(o.capability ?? "…"))")
        case .error:
            return failing("threw \(o.errorType ?? "an error"): \(o.message ?? "")")
        }
    }

    /// The snippet ran as written: check teardown and output, then pass (or finding).
    static func succeeded(_ snippet: RunnableSnippet, _ outcome: ProcessOutcome, _ base: SnippetResult) -> SnippetResult {
        var r = base
        if let errors = outcome.report?.teardownErrors, !errors.isEmpty {
            r.verdict = .fail
            r.message = "teardown failed: " + errors.joined(separator: "; ")
            r.stderr = tail(outcome.stderr)
            return r
        }
        if let expected = snippet.expectedOutput {
            let comparison = OutputComparison(expected: expected.text, actual: outcome.stdout, masked: expected.masked)
            if let diff = comparison.diff {
                r.verdict = .fail
                r.message = "output differs from the expected output at \(snippet.guide):\(expected.line)"
                r.location = "\(snippet.guide):\(expected.line)"
                r.diff = diff
                r.stdout = outcome.stdout   // whole: `--update` writes it into the guide
                return r
            }
        }
        if let finding = snippet.finding {
            r.verdict = .finding
            r.message = finding
        } else {
            r.verdict = .pass
        }
        return r
    }

    /// The Swift runtime's crash line (`Module/x.md:42: Fatal error: boom`) mapped back to the guide,
    /// or the first backtrace frame in a guide (`at Guides/x.md:42:3`).
    static func crashDetails(_ stderr: String, snippet: RunnableSnippet) -> (message: String?, location: String?) {
        let markers = ["Fatal error", "Precondition failed", "Assertion failed", "Unexpectedly found nil"]
        for raw in stderr.split(separator: "\n") {
            let line = String(raw)
            guard let marker = markers.first(where: { line.contains($0) }),
                  let markerRange = line.range(of: marker) else { continue }
            let head = line[..<markerRange.lowerBound]   // "Lab/x.md:42: " or ""
            let message = String(line[markerRange.lowerBound...])
            let parts = head.trimmingCharacters(in: CharacterSet(charactersIn: ": ")).split(separator: ":")
            if parts.count >= 2, let n = Int(parts[parts.count - 1]) {
                let base = (parts[parts.count - 2] as Substring).split(separator: "/").last.map(String.init) ?? ""
                if let source = snippet.sourceLines.first(where: { $0.line == n && $0.file.hasSuffix("/" + base) || ($0.line == n && $0.file == base) }) {
                    return (message, "\(source.file):\(n)")
                }
            }
            return (message, backtraceLocation(stderr, snippet: snippet))
        }
        return (nil, backtraceLocation(stderr, snippet: snippet))
    }

    static func backtraceLocation(_ stderr: String, snippet: RunnableSnippet) -> String? {
        let files = Set(snippet.sourceLines.map(\.file))
        for raw in stderr.split(separator: "\n") {
            guard let at = raw.range(of: " at ", options: .backwards) else { continue }
            let parts = raw[at.upperBound...].split(separator: ":")
            guard parts.count >= 2, files.contains(String(parts[0])), let n = Int(parts[1]) else { continue }
            return "\(parts[0]):\(n)"
        }
        return nil
    }

    static func head(_ text: String, lines: Int = 40) -> String? {
        if text.isEmpty { return nil }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        if all.count <= lines { return text }
        return all.prefix(lines).joined(separator: "\n") + "\n…"
    }

    static func tail(_ text: String, limit: Int = 4000) -> String? {
        if text.isEmpty { return nil }
        if text.utf8.count <= limit { return text }
        return "…" + String(decoding: Array(text.utf8.suffix(limit)), as: UTF8.self)
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
