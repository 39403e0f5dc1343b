import Foundation
import GuideModel
import Lab
import Runner

/// Renders one snippet: a header (id, mode, needs, claims), the highlighted code with hidden lines
/// marked, the copy and hidden-lines buttons, and the verdict on every host.
struct SnippetRenderer {
    let snippet: Snippet
    let page: String
    let site: SiteContext

    func render() -> String {
        let anchor = SiteContext.snippetAnchor(snippet.id)
        let hiddenCount = snippet.lines.filter(\.isHidden).count
        let checks = snippet.verificationLines
        let fixtures = snippet.fixtureLines
        let folded = zip(checks, fixtures).map { $0 || $1 }
        let hasAPICopy = folded.contains(true) && folded.contains(false)
        var out = "<figure class=\"snippet\" id=\"\(HTML.attribute(anchor))\" data-snippet=\"\(HTML.attribute(snippet.id))\""
        if hasAPICopy {
            // "Copy API code" copies exactly GuideModel's API code (the set-up's values named first, the lab's
            // stand-ins respelled), with and without the hidden lines.
            out += " data-api=\"\(HTML.attribute(snippet.apiCode() + "\n"))\""
            out += " data-api-all=\"\(HTML.attribute(snippet.apiCode(includingHidden: true) + "\n"))\""
        }
        out += ">\n"
        out += "<figcaption class=\"snippet-head\">"
        out += "<a class=\"snippet-id\" href=\"#\(HTML.attribute(anchor))\" title=\"Link to this snippet\"><code>\(HTML.escape(snippet.id))</code></a>"
        out += badges()
        out += "<span class=\"snippet-tools js-only\">"
        if hiddenCount > 0 {
            let noun = hiddenCount == 1 ? "line" : "lines"
            out += "<button type=\"button\" class=\"toggle-hidden\" aria-pressed=\"false\" data-count=\"\(hiddenCount)\" title=\"Show or hide the setup lines the guide hides\">Show \(hiddenCount) hidden \(noun)</button>"
        }
        if hasAPICopy {
            out += "<button type=\"button\" class=\"copy-api\" title=\"Copy the API code only: without the lab's checks and set-up (the tinted lines); a first comment names the values the set-up provides\">Copy API code</button>"
        }
        if snippet.attributes.recipe != nil {
            out += "<button type=\"button\" class=\"copy\" title=\"Copy the whole program: the main.swift that rewind recipe export writes\">Copy program</button>"
        } else {
            out += "<button type=\"button\" class=\"copy\" title=\"Copy the visible lines\">Copy</button>"
        }
        out += "</span></figcaption>\n"

        // The code: every line in its own span, hidden ones marked (hidden by CSS, revealed by the toggle).
        let highlighted = SwiftHighlighter.htmlLines(snippet.sourceCode)
        out += "<pre class=\"code swift\"><code>"
        for (index, line) in snippet.lines.enumerated() {
            let text = index < highlighted.count ? highlighted[index] : ""
            let classes = ["line"] + (line.isHidden ? ["hidden"] : []) + (checks[index] ? ["check"] : [])
                + (fixtures[index] ? ["fixture"] : [])
            out += "<span class=\"\(classes.joined(separator: " "))\">"
            out += text + "\n</span>"
        }
        out += "</code></pre>\n"
        let calls = site.reference.calls(in: snippet.lines.map(\.text).joined(separator: "\n"))
        if !calls.isEmpty {
            out += "<div class=\"calls\"><span class=\"muted\">libvirt calls:</span> "
            out += calls.map { name in
                site.reference.api.referenceURL(for: name).map { "<a class=\"api-ref\" href=\"\(HTML.attribute($0))\"><code>\(HTML.escape(name))</code></a>" }
                    ?? "<code>\(HTML.escape(name))</code>"
            }.joined(separator: " ")
            out += "</div>\n"
        }
        if let recipe = snippet.attributes.recipe { out += sentDocuments(recipe) }
        out += verdicts()
        out += "</figure>\n"
        return out
    }

    /// The XML documents the recipe sent to libvirt in the verified runs (``Evidence/documents``, from the
    /// snippets that ran it), folded below the program: one block per distinct document shape, in the order
    /// the program sent them, with the hosts that sent it. Hosts whose documents differ only in names, paths
    /// and numbers share a block (the newest host's text is shown); a host that sent another shape gets its own.
    private func sentDocuments(_ recipe: String) -> String {
        struct Group { var document: Evidence.Document; var hosts: [String]; var shape: String }
        var groups: [Group] = []
        var hostsWithDocuments = 0
        // Newest host first, so that each block shows the newest libvirt's text.
        for host in site.results.hosts.reversed() where !host.isTestDriver {
            let documents = host.results.results.flatMap { result -> [Evidence.Document] in
                guard site.isCurrent(result) else { return [] }
                return (result.evidence?.documents ?? []).filter { $0.program == recipe }
            }
            guard !documents.isEmpty else { continue }
            hostsWithDocuments += 1
            var seen: Set<String> = []
            for document in documents {
                let shape = document.call + "\u{0}" + Self.shape(of: document.xml)
                guard seen.insert(shape).inserted else { continue }
                if let index = groups.firstIndex(where: { $0.shape == shape }) {
                    groups[index].hosts.append(host.versionLabel)
                } else {
                    groups.append(Group(document: document, hosts: [host.versionLabel], shape: shape))
                }
            }
        }
        guard !groups.isEmpty else { return "" }
        let noun = groups.count == 1 ? "document" : "documents"
        var out = "<details class=\"sent-xml\"><summary>The XML libvirt received when this program ran (\(groups.count) \(noun), "
        out += "\(hostsWithDocuments) host\(hostsWithDocuments == 1 ? "" : "s"))</summary>\n"
        for group in groups {
            let hosts = group.hosts.reversed().joined(separator: ", ")
            out += "<div class=\"sent-doc\"><div class=\"sent-head\"><code>\(HTML.escape(group.document.call))</code> "
            out += "<span class=\"muted\">&lt;\(HTML.escape(group.document.rootName))&gt; · sent on \(HTML.escape(hosts))"
            if group.hosts.count > 1 { out += " (text from \(HTML.escape(group.hosts[0])))" }
            out += "</span></div><pre class=\"code xml\"><code>\(HTML.escape(group.document.xml))</code></pre></div>\n"
        }
        out += "</details>\n"
        return out
    }

    /// A document's shape: its text with attribute values and element text emptied, so that two runs that
    /// differ only in names, paths and numbers compare equal.
    static func shape(of xml: String) -> String {
        var out = ""
        var inQuote = false
        var inText = false
        for character in xml {
            if inQuote {
                if character == "\"" { inQuote = false; out.append(character) }
                continue
            }
            if inText {
                if character == "<" { inText = false; out.append(character) }
                continue
            }
            switch character {
            case "\"": inQuote = true; out.append(character)
            case ">": inText = true; out.append(character)
            case " ", "\n", "\t": if !(out.last?.isWhitespace ?? true) { out.append(" ") }
            default: out.append(character)
            }
        }
        return out
    }

    /// Small labels: what the runner does with the snippet and what it needs.
    private func badges() -> String {
        let a = snippet.attributes
        var out = ""
        func badge(_ text: String, _ cls: String, title: String? = nil) {
            out += "<span class=\"badge \(cls)\"" + (title.map { " title=\"\(HTML.attribute($0))\"" } ?? "") + ">\(HTML.escape(text))</span>"
        }
        if let recipe = a.recipe {
            badge("recipe \(recipe)", "b-recipe", title: "a whole program: rewind recipe export \(recipe) DIR writes it as a Swift package")
        }
        switch snippet.mode {
        case .run: break
        case .compileOnly where a.recipe != nil: break
        case .compileOnly: badge("compile-only", "b-mode", title: "compiled, not run")
        case .compileFail(let diagnostic): badge("compile-fail", "b-mode", title: "must fail to compile with: \(diagnostic)")
        case .ignore: badge("not compiled", "b-mode", title: "shown only")
        }
        /// A badge whose word is explained in reading.md (its glossary), linked there when the site has it.
        func explained(_ text: String, _ cls: String, title: String, anchor: String) {
            guard let target = site.guidePages["Guides/reading.md"] else { return badge(text, cls, title: title) }
            let href = (target == page ? "" : Paths.relative(from: page, to: target)) + "#" + anchor
            out += "<a class=\"badge \(cls)\" href=\"\(HTML.attribute(href))\" title=\"\(HTML.attribute(title))\">\(HTML.escape(text))</a>"
        }
        if let error = a.expectedError { badge("expects \(error)", "b-expect", title: "must end with this libvirt error") }
        for need in a.needs {
            explained("needs \(need.rawValue)", "b-needs", title: "\(need.summary); without it the snippet is reported unsupported",
                      anchor: "the-fence-vocabulary")
        }
        if let tier = a.tier {
            explained("tier \(tier.rawValue)", "b-tier", title: "where the snippet is meant to run", anchor: "tiers")
        }
        if let context = snippet.context {
            explained("context \(context)", "b-context", title: "runs after the setup code (the prelude) of this context",
                      anchor: "shared-setup-contexts-and-continuations")
        }
        if let continues = a.continues {
            out += "<a class=\"badge b-continues\" href=\"#\(HTML.attribute(SiteContext.snippetAnchor(continues)))\" title=\"runs after this snippet, in the same process\">continues <code>\(HTML.escape(continues))</code></a>"
        }
        for claim in a.claims {
            out += "<a class=\"badge b-claim\" href=\"\(HTML.attribute(site.claimHref(claim, from: page)))\" title=\"\(HTML.attribute(site.catalog.claim(id: claim)?.claim ?? "claim"))\">claim <code>\(HTML.escape(claim))</code></a>"
        }
        if let finding = a.finding {
            out += "<a class=\"badge b-finding\" href=\"\(HTML.attribute(site.claimHref(finding, from: page)))\" title=\"shows libvirt deviating from this claim\">finding <code>\(HTML.escape(finding))</code></a>"
        }
        return out
    }

    /// The verdicts: one line of chips, one per host in version order ("test – · 9.0 ✓ · 12.8 ✓"), each
    /// with the outcome the snippet recorded on that host; a "changed in X" mark where the outcome changes
    /// between two versions; the evidence per host folded below.
    private func verdicts() -> String {
        let rows = site.results.results(snippet: snippet.id)
        guard !rows.isEmpty else { return "" }
        if rows.allSatisfy({ $0.result == nil }) {
            let why = snippet.mode == .ignore ? "Shown only: neither compiled nor run." : "No verdict: the results files do not list this snippet."
            return "<div class=\"verdicts none muted\">\(why)</div>\n"
        }
        var out = "<div class=\"verdicts\"><ul class=\"verdict-line\" aria-label=\"Verdict per host\">"
        var previous: (label: String, outcome: String)?
        var changes: [String] = []
        for (host, result) in rows {
            let href = HTML.attribute(site.hostHref(host.id, from: page))
            guard let result else {
                out += "<li><a class=\"chip v-none\" href=\"\(href)\" title=\"\(HTML.attribute(host.label)): no result\">\(HTML.escape(host.versionLabel)) <span class=\"mark\">·</span><span class=\"sr\"> no result</span></a></li>"
                continue
            }
            guard site.isCurrent(result) else {
                // Reached with other code than the page shows: no verdict, only that it is stale.
                out += "<li><a class=\"chip v-stale\" href=\"\(href)\" title=\"\(HTML.attribute(host.label)): \(result.verdict.rawValue) with code that differs from this page's\">\(HTML.escape(host.versionLabel)) <span class=\"mark\" aria-hidden=\"true\">?</span><span class=\"sr\"> stale</span></a> <span class=\"outcome\">stale: verified on older code</span></li>"
                continue
            }
            let fixed = isFixed(result, on: host)
            let kind = fixed ? "fixed" : result.verdict.rawValue
            var outcome = Self.outcome(result, fixed: fixed, fixedIn: snippet.attributes.fixedIn)
            if outcome == nil, isAtOrAfter(snippet.attributes.notReproducedIn, result, on: host) {
                outcome = "not reproduced (no fix named)"
            }
            var title = "\(host.label): \(result.verdict.rawValue)"
            if let reason = result.reason ?? result.message { title += " — " + reason }
            out += "<li><a class=\"chip v-\(kind)\" href=\"\(href)\" title=\"\(HTML.attribute(title))\">\(HTML.escape(host.versionLabel)) "
            out += "<span class=\"mark\" aria-hidden=\"true\">\(Self.mark(kind))</span><span class=\"sr\"> \(kind)</span></a>"
            if let outcome { out += " <span class=\"outcome\">\(HTML.escape(outcome))</span>" }
            out += "</li>"
            if !host.isTestDriver, let outcome, result.verdict != .unsupported, result.verdict != .skipped {
                if let previous, previous.outcome != outcome { changes.append(host.versionLabel) }
                previous = (host.versionLabel, outcome)
            }
        }
        out += "</ul>"
        for version in changes {
            out += "<span class=\"changed\" title=\"this host behaved differently from the version before it\">changed in \(HTML.escape(version))</span>"
        }
        out += "<details class=\"evidence\"><summary>Evidence per host</summary><table>\n<thead><tr><th>Host</th><th>Verdict</th><th>Time</th><th>Details</th></tr></thead>\n<tbody>\n"
        for (host, result) in rows {
            out += "<tr>"
            out += "<td class=\"host\"><a href=\"\(HTML.attribute(site.hostHref(host.id, from: page)))\" title=\"\(HTML.attribute(host.label))\">\(HTML.escape(host.versionLabel))</a>"
            out += "<div class=\"host-label\">\(HTML.escape(host.label))</div></td>"
            guard let result else {
                out += "<td><span class=\"verdict v-none\">no result</span></td><td></td><td class=\"muted\">not in \(HTML.escape((host.file as NSString).lastPathComponent))</td></tr>\n"
                continue
            }
            out += "<td>" + Self.verdictBadge(result.verdict)
            if !site.isCurrent(result) { out += " <span class=\"verdict v-stale\">stale</span>" }
            out += "</td>"
            out += "<td class=\"time\">" + (result.duration > 0 ? HTML.escape(Format.seconds(result.duration)) : "") + "</td>"
            out += "<td class=\"details\">" + Self.details(result) + "</td>"
            out += "</tr>\n"
        }
        out += "</tbody></table></details></div>\n"
        return out
    }

    /// Whether a finding's snippet passed on a host at or after its `fixed-in=` version: the deviation no
    /// longer reproduces there.
    private func isFixed(_ result: SnippetResult, on host: ResultsSet.Host) -> Bool {
        isAtOrAfter(snippet.attributes.fixedIn, result, on: host)
    }

    /// Whether a finding's snippet passed on a host at or after `version` (its `fixed-in=` or
    /// `not-reproduced-in=`).
    private func isAtOrAfter(_ version: String?, _ result: SnippetResult, on host: ResultsSet.Host) -> Bool {
        guard snippet.attributes.finding != nil, let version, result.verdict == .pass, !host.isTestDriver else { return false }
        return !host.libvirtNumbers.lexicographicallyPrecedes(ResultsSet.Host.numbers(version))
    }

    /// What the host did, in a few words: the outcome the snippet recorded, else the error a passing
    /// snippet ended with, else why it is unsupported (its error code), else "fixed in X".
    static func outcome(_ result: SnippetResult, fixed: Bool, fixedIn: String?) -> String? {
        if let outcome = result.evidence?.outcome { return outcome }
        if fixed, let fixedIn { return "fixed in \(fixedIn)" }
        if result.verdict == .pass || result.verdict == .finding, let code = result.errorCode { return "ended with \(code)" }
        if result.verdict == .unsupported { return result.errorCode }
        return nil
    }

    /// The mark of a verdict in the verdict line.
    static func mark(_ kind: String) -> String {
        switch kind {
        case "pass", "fixed": "✓"
        case "fail": "✗"
        case "finding": "!"
        case "unsupported": "–"
        default: "·"
        }
    }

    /// A verdict label: `<span class="verdict v-pass">pass</span>`.
    static func verdictBadge(_ verdict: Verdict) -> String {
        "<span class=\"verdict v-\(verdict.rawValue)\">\(verdict.rawValue)</span>"
    }

    /// Everything a result says beyond its verdict: reason, message, error code, timings, evidence, output.
    static func details(_ r: SnippetResult) -> String {
        var out = ""
        if let reason = r.reason, !reason.isEmpty {
            out += "<div class=\"reason\">\(HTML.escape(reason))</div>"
        }
        if let message = r.message, !message.isEmpty {
            out += "<div class=\"message\">"
            if let code = r.errorCode { out += "<code class=\"errcode\">\(HTML.escape(code))</code> " }
            out += HTML.escape(message)
            if let location = r.location { out += " <span class=\"muted\">at \(HTML.escape(location))</span>" }
            out += "</div>"
        } else if let code = r.errorCode {
            out += "<div class=\"message\"><code class=\"errcode\">\(HTML.escape(code))</code></div>"
        }
        if let phases = r.phases, phases.connect + phases.body + phases.teardown > 0 {
            out += "<div class=\"phases muted\">connect \(Format.seconds(phases.connect)) · body \(Format.seconds(phases.body)) · teardown \(Format.seconds(phases.teardown))</div>"
        }
        if let evidence = r.evidence, !evidence.isEmpty {
            out += evidenceHTML(evidence)
        }
        func block(_ title: String, _ text: String?) {
            guard let text, !text.isEmpty else { return }
            out += "<details><summary>\(title)</summary><pre>\(HTML.escape(text))</pre></details>"
        }
        block("Output difference", r.diff)
        block("Standard output", r.stdout)
        block("Standard error", r.stderr)
        block("Cleanup", r.cleanup?.joined(separator: "\n"))
        return out
    }

    /// Measurements as a list, notes, and events and extents in collapsed tables.
    static func evidenceHTML(_ e: Evidence) -> String {
        var out = ""
        if !e.measurements.isEmpty {
            out += "<ul class=\"measurements\">"
            for m in e.measurements {
                out += "<li><span class=\"m-name\">\(HTML.escape(m.name))</span> <span class=\"m-value\">\(HTML.escape(Format.measurement(m.value, unit: m.unit)))</span></li>"
            }
            out += "</ul>"
        }
        if !e.notes.isEmpty {
            out += "<ul class=\"notes\">" + e.notes.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        }
        if !e.events.isEmpty {
            out += "<details><summary>\(e.events.count) event\(e.events.count == 1 ? "" : "s")</summary><table class=\"events\"><thead><tr><th>t</th><th>event</th><th>detail</th></tr></thead><tbody>"
            for ev in e.events {
                out += "<tr><td>\(HTML.escape(Format.seconds(ev.time)))</td><td>\(HTML.escape(ev.name))</td><td>\(HTML.escape(ev.detail ?? ""))</td></tr>"
            }
            out += "</tbody></table></details>"
        }
        if !e.extents.isEmpty {
            out += "<details><summary>\(e.extents.count) extent\(e.extents.count == 1 ? "" : "s")</summary><table class=\"extents\"><thead><tr><th>label</th><th>offset</th><th>length</th></tr></thead><tbody>"
            for x in e.extents {
                out += "<tr><td>\(HTML.escape(x.label))</td><td>\(x.offset)</td><td>\(HTML.escape(Format.bytes(x.length)))</td></tr>"
            }
            out += "</tbody></table></details>"
        }
        return out
    }
}
