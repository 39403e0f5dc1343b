import Foundation
import Lab
import RewindXML
import Runner

/// Writes results as JUnit XML, built with libxml2 (through RewindXML), for CI systems.
///
/// ```xml
/// <testsuites name="rewind verify" tests="3" failures="1" errors="0" skipped="1" time="4.2">
///   <testsuite name="test:///default" tests="3" failures="1" errors="0" skipped="1" time="1.1">
///     <properties><property name="driver" value="TEST"/>…</properties>
///     <testcase name="fails" classname="Guides.x" file="Guides/x.md" line="12" time="0.03">
///       <failure message="arithmetic is broken" type="fail">Guides/x.md:14: arithmetic is broken</failure>
///     </testcase>
///     <testcase name="needs-qemu" …><skipped message="unsupported: needs qemu; connection driver is TEST"/></testcase>
///   </testsuite>
/// </testsuites>
/// ```
///
/// One `<testsuite>` per host, with the host's driver, libvirt and hypervisor versions and virt type as
/// properties. *skipped* and *unsupported* snippets carry `<skipped message=…/>`, failures `<failure>`; a
/// *finding* is not a failure: its testcase has the properties `verdict=finding` and `finding=<claim>`.
/// Guide errors and build errors outside any snippet are reported as `<error>` testcases of a
/// `rewind` suite.
public struct JUnitWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// The XML text of `results`.
    public func render(_ results: RunResults) -> String {
        let doc = XMLDocument(rootName: "testsuites")
        let root = doc.root
        let totals = results.totals
        let problems = problemCases(results)
        root.setAttribute("name", to: "rewind verify")
        root.setAttribute("tests", to: String(totals.total + problems.count))
        root.setAttribute("failures", to: String(totals.failed))
        root.setAttribute("errors", to: String(problems.count))
        root.setAttribute("skipped", to: String(totals.skipped + totals.unsupported))
        root.setAttribute("time", to: Self.seconds(results.timings.total))
        root.setAttribute("timestamp", to: Self.timestamp(results.startedAt))

        for host in results.hosts {
            let suite = root.addChild(name: "testsuite")
            let t = host.totals
            suite.setAttribute("name", to: host.host.uri)
            suite.setAttribute("tests", to: String(t.total))
            suite.setAttribute("failures", to: String(t.failed))
            suite.setAttribute("errors", to: "0")
            suite.setAttribute("skipped", to: String(t.skipped + t.unsupported))
            suite.setAttribute("time", to: Self.seconds(host.runDuration))
            suite.setAttribute("timestamp", to: Self.timestamp(host.host.probedAt))
            if let name = host.host.hostname { suite.setAttribute("hostname", to: name) }
            let properties = suite.addChild(name: "properties")
            for (name, value) in [("uri", host.host.uri), ("driver", host.host.driver),
                                  ("libvirt.version", host.host.libvirtVersion),
                                  ("hypervisor.version", host.host.hypervisorVersion),
                                  ("virt.type", host.host.virtType),
                                  ("timing.discovery", Self.seconds(results.timings.discovery)),
                                  ("timing.compile", Self.seconds(results.timings.compile)),
                                  ("timing.run", Self.seconds(results.timings.run))] {
                Self.property(properties, name, value)
            }
            for r in host.results { testcase(r, in: suite) }
        }

        if !problems.isEmpty {
            let suite = root.addChild(name: "testsuite")
            suite.setAttribute("name", to: "rewind")
            suite.setAttribute("tests", to: String(problems.count))
            suite.setAttribute("failures", to: "0")
            suite.setAttribute("errors", to: String(problems.count))
            suite.setAttribute("skipped", to: "0")
            for (name, message) in problems {
                let c = suite.addChild(name: "testcase")
                c.setAttribute("name", to: name)
                c.setAttribute("classname", to: "rewind")
                let e = c.addChild(name: "error")
                e.setAttribute("message", to: Self.firstLine(message))
                e.setAttribute("type", to: name)
                e.addText(message)
            }
        }
        return doc.serialized(pretty: true, declaration: true)
    }

    func testcase(_ r: SnippetResult, in suite: XMLElement) {
        let c = suite.addChild(name: "testcase")
        c.setAttribute("name", to: r.id)
        c.setAttribute("classname", to: Self.className(r.guide))
        c.setAttribute("file", to: r.guide)
        c.setAttribute("line", to: String(r.line))
        c.setAttribute("time", to: Self.seconds(r.duration))

        var props: [(String, String)] = [("verdict", r.verdict.rawValue)]
        props += r.claims.map { ("claim", $0) }
        if let f = r.finding { props.append(("finding", f)) }
        if let code = r.errorCode { props.append(("error.code", code)) }
        for m in r.evidence?.measurements ?? [] {
            props.append(("measurement.\(m.name)", "\(Self.number(m.value)) \(m.unit)"))
        }
        let properties = c.addChild(name: "properties")
        for (n, v) in props { Self.property(properties, n, v) }

        switch r.verdict {
        case .pass, .finding:
            break
        case .skipped:
            c.addChild(name: "skipped").setAttribute("message", to: r.reason ?? "skipped")
        case .unsupported:
            c.addChild(name: "skipped").setAttribute("message", to: "unsupported: \(r.reason ?? "")")
        case .fail:
            let f = c.addChild(name: "failure")
            let message = r.message ?? "failed"
            f.setAttribute("message", to: Self.firstLine(message))
            f.setAttribute("type", to: r.errorCode ?? "fail")
            var body = "\(r.location ?? r.fenceLocation): \(message)"
            if let d = r.diff { body += "\n" + d }
            f.addText(body)
        }
        if let out = r.stdout, !out.isEmpty { c.addChild(name: "system-out").addText(out) }
        var err = r.stderr ?? ""
        if let cleanup = r.cleanup, !cleanup.isEmpty {
            err += (err.isEmpty ? "" : "\n") + "cleanup:\n" + cleanup.joined(separator: "\n")
        }
        if !err.isEmpty { c.addChild(name: "system-err").addText(err) }
    }

    /// The run's problems that are not snippet results (`RunResults.problems`), as (title, message).
    func problemCases(_ results: RunResults) -> [(String, String)] {
        results.problems.map { ($0.title, $0.message) }
    }

    static func property(_ properties: XMLElement, _ name: String, _ value: String) {
        let p = properties.addChild(name: "property")
        p.setAttribute("name", to: name)
        p.setAttribute("value", to: value)
    }

    /// `Guides/snapshots.md` → `Guides.snapshots`.
    static func className(_ guide: String) -> String {
        let noExtension = guide.hasSuffix(".md") ? String(guide.dropLast(3)) : guide
        return noExtension.replacingSlashes()
    }

    /// `1` for 1.0, `0.25` for 0.25.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func firstLine(_ text: String) -> String {
        text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
    }

    static func seconds(_ s: Double) -> String {
        let ms = Int((max(0, s) * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())"
    }

    static func timestamp(_ date: Date) -> String { ReportFormat.iso8601(date) }
}

extension String {
    fileprivate func replacingSlashes() -> String { String(map { $0 == "/" ? "." : $0 }) }
}
