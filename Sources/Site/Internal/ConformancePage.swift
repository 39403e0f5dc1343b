import Foundation
import GuideModel
import Runner

/// The conformance page: the hosts, coverage numbers, the claims × hosts matrix and the findings.
struct ConformancePage {
    let guides: GuideSet
    let site: SiteContext
    let page = SiteContext.conformancePage

    /// The snippets that check (or contradict) each claim, by claim id, in guide order.
    var snippetsByClaim: [String: [Snippet]] {
        var map: [String: [Snippet]] = [:]
        for snippet in guides.snippets {
            var ids = snippet.attributes.claims
            if let finding = snippet.attributes.finding, !ids.contains(finding) { ids.append(finding) }
            for id in ids { map[id, default: []].append(snippet) }
        }
        return map
    }

    /// The combined verdict of several results (`Verdict.combined`).
    static func combined(_ verdicts: [Verdict]) -> Verdict? { Verdict.combined(verdicts) }

    static let symbols: [Verdict: String] = [.pass: "✓", .fail: "✗", .finding: "!", .unsupported: "–", .skipped: "·"]

    func render() -> PageContent {
        let catalog = site.catalog
        let hosts = site.results.hosts
        let byClaim = snippetsByClaim
        var html = "<h1 id=\"conformance\">Conformance<a class=\"permalink\" href=\"#conformance\" aria-label=\"Link to this section\">¶</a></h1>\n"
        var toc: [TOCEntry] = []
        var sections: [SearchSection] = []

        html += "<p>Each row is a claim of libvirt's documentation"
        if let v = catalog.libvirt { html += " (checked against libvirt \(HTML.escape(v))" + (catalog.qemu.map { ", QEMU \(HTML.escape($0))" } ?? "") + ")" }
        html += "; each column is a host of a results file. A cell shows the verdict of every snippet that checks the claim on that host: "
        html += Self.symbols.sorted { $0.key.rawValue < $1.key.rawValue }.map { "<span class=\"cell-mark v-\($0.key.rawValue)\">\($0.value)</span> \($0.key.rawValue)" }.joined(separator: ", ")
        html += ".</p>\n"
        if let d = catalog.description { html += "<p class=\"muted\">\(HTML.escape(d))</p>\n" }

        // Hosts.
        toc.append(TOCEntry(level: 2, text: "Hosts", anchor: "hosts"))
        html += "<h2 id=\"hosts\">Hosts<a class=\"permalink\" href=\"#hosts\" aria-label=\"Link to this section\">¶</a></h2>\n"
        if hosts.isEmpty {
            html += "<p>No results were given to this build (<code>rewind site --results FILE</code>), so there are no verdicts.</p>\n"
        } else {
            html += "<div class=\"table-wrap\"><table class=\"hosts\"><thead><tr><th>Host</th><th>Versions</th><th>Probed</th><th>Results file</th><th>Verdicts</th><th>Run time</th></tr></thead><tbody>\n"
            for host in hosts {
                let i = host.info
                let t = host.results.totals
                let hypervisor = i.hypervisorVersion.isEmpty ? i.driver : "\(i.driver) \(i.hypervisorVersion)"
                html += "<tr id=\"\(SiteContext.hostAnchor(host.id))\"><td><strong>\(host.id)</strong> <code>\(HTML.escape(i.uri))</code></td>"
                html += "<td>\(HTML.escape(hypervisor)) · libvirt \(HTML.escape(i.libvirtVersion)) · \(HTML.escape(i.virtType))</td>"
                html += "<td class=\"nowrap\">\(HTML.escape(ResultsSet.Host.format(date: i.probedAt)))</td><td><code>\(HTML.escape((host.file as NSString).lastPathComponent))</code></td>"
                html += "<td>\(Self.totalsHTML(t))</td><td class=\"nowrap\">\(HTML.escape(Format.seconds(host.results.runDuration)))</td></tr>\n"
            }
            html += "</tbody></table></div>\n"
        }

        // Coverage.
        toc.append(TOCEntry(level: 2, text: "Coverage", anchor: "coverage"))
        html += "<h2 id=\"coverage\">Coverage<a class=\"permalink\" href=\"#coverage\" aria-label=\"Link to this section\">¶</a></h2>\n"
        let total = catalog.claims.count
        let covered = catalog.claims.filter { !(byClaim[$0.id] ?? []).isEmpty }.count
        func verdictsOf(_ claim: String, _ host: ResultsSet.Host) -> [Verdict] {
            (byClaim[claim] ?? []).compactMap { host.result(snippet: $0.id)?.verdict }
        }
        let passedSomewhere = catalog.claims.filter { c in hosts.contains { verdictsOf(c.id, $0).contains(.pass) } }.count
        let catalogFindings = catalog.claims.filter { $0.finding != nil }.count
        html += "<ul class=\"coverage\">"
        html += "<li><strong>\(covered)</strong> of <strong>\(total)</strong> claims have a snippet (\(Self.percent(covered, total)))</li>"
        if !hosts.isEmpty {
            html += "<li><strong>\(passedSomewhere)</strong> of \(total) claims pass on at least one host (\(Self.percent(passedSomewhere, total)))</li>"
        }
        html += "<li><strong>\(catalogFindings)</strong> \(catalogFindings == 1 ? "claim is a known finding" : "claims are known findings") (libvirt deviates from its documentation)</li>"
        let claimed = guides.snippets.filter { !$0.attributes.claims.isEmpty || $0.attributes.finding != nil }.count
        html += "<li><strong>\(claimed)</strong> of \(guides.snippets.count) snippets check a claim</li>"
        html += "</ul>\n"
        if !hosts.isEmpty {
            html += "<div class=\"table-wrap\"><table class=\"coverage-hosts\"><thead><tr><th>Host</th>"
            for v in Verdict.allCases { html += "<th>\(v.rawValue)</th>" }
            html += "<th>no result</th></tr></thead><tbody>\n"
            for host in hosts {
                html += "<tr><th scope=\"row\"><a href=\"#\(SiteContext.hostAnchor(host.id))\">\(host.id)</a> \(HTML.escape(host.shortName))</th>"
                var counts: [Verdict: Int] = [:]
                var none = 0
                for claim in catalog.claims where !(byClaim[claim.id] ?? []).isEmpty {
                    if let v = Self.combined(verdictsOf(claim.id, host)) { counts[v, default: 0] += 1 } else { none += 1 }
                }
                for v in Verdict.allCases { html += "<td>\(counts[v] ?? 0)</td>" }
                html += "<td>\(none)</td></tr>\n"
            }
            html += "</tbody></table></div>\n<p class=\"muted\">Claims with a snippet, counted by their combined verdict on each host.</p>\n"
        }

        // Matrix.
        toc.append(TOCEntry(level: 2, text: "Matrix", anchor: "matrix"))
        html += "<h2 id=\"matrix\">Matrix<a class=\"permalink\" href=\"#matrix\" aria-label=\"Link to this section\">¶</a></h2>\n"
        html += "<div class=\"table-wrap\"><table class=\"matrix\"><thead><tr><th>Claim</th><th>Snippets</th>"
        for host in hosts {
            html += "<th class=\"host-col\"><a href=\"#\(SiteContext.hostAnchor(host.id))\" title=\"\(HTML.attribute(host.label))\">\(host.id)<br>\(HTML.escape(host.shortName))<br><span class=\"muted\">libvirt \(HTML.escape(host.info.libvirtVersion))</span></a></th>"
        }
        html += "</tr></thead>\n"
        var usedSlugs: Set<String> = []
        var currentSection: String?
        for claim in catalog.claims {
            if claim.section != currentSection {
                if currentSection != nil { html += "</tbody>\n" }
                currentSection = claim.section
                let slug = Slug.unique("section-" + Slug.make(claim.section), &usedSlugs)
                toc.append(TOCEntry(level: 3, text: claim.section, anchor: slug))
                html += "<tbody><tr class=\"section-row\"><th colspan=\"\(2 + hosts.count)\" id=\"\(HTML.attribute(slug))\">\(HTML.escape(claim.section))</th></tr>\n"
            }
            let anchor = SiteContext.claimAnchor(claim.id)
            html += "<tr id=\"\(HTML.attribute(anchor))\"" + (claim.finding != nil ? " class=\"has-finding\"" : "") + "><td class=\"claim\">"
            html += "<a class=\"claim-id\" href=\"#\(HTML.attribute(Paths.percentEncode(anchor)))\"><code>\(HTML.escape(claim.id))</code></a> "
            html += "<span class=\"api\">\(HTML.escape(claim.api))</span>"
            html += "<div class=\"claim-text\">\(HTML.escape(claim.claim))</div>"
            if let finding = claim.finding {
                html += "<div class=\"finding-text\"><strong>Finding:</strong> \(HTML.escape(finding))</div>"
            }
            html += versionsHTML(claim)
            html += sourcesHTML(claim)
            html += "</td><td class=\"snippets\">"
            let snippets = byClaim[claim.id] ?? []
            if snippets.isEmpty {
                html += "<span class=\"muted\">none</span>"
            } else {
                html += snippets.map { "<a href=\"\(HTML.attribute(site.snippetHref($0, from: page)))\"><code>\(HTML.escape($0.id))</code></a>" }.joined(separator: "<br>")
            }
            html += "</td>"
            for host in hosts {
                html += "<td class=\"cell\">" + cellHTML(snippets: snippets, host: host) + "</td>"
            }
            html += "</tr>\n"
            sections.append(SearchSection(anchor: anchor, title: "Claim \(claim.id)",
                                          text: [claim.api, claim.claim, claim.finding ?? "", claim.section, claim.source.compactMap(\.doc).joined(separator: " ")].joined(separator: " ")))
        }
        if currentSection != nil { html += "</tbody>\n" }
        html += "</table></div>\n"

        // Claims named by snippets but missing from the catalog.
        let known = Set(catalog.claims.map(\.id))
        let unknown = byClaim.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            html += "<h3 id=\"unknown-claims\">Claims not in the catalog</h3><ul>"
            for id in unknown {
                html += "<li id=\"\(HTML.attribute(SiteContext.claimAnchor(id)))\"><code>\(HTML.escape(id))</code>: "
                html += (byClaim[id] ?? []).map { "<a href=\"\(HTML.attribute(site.snippetHref($0, from: page)))\"><code>\(HTML.escape($0.id))</code></a>" }.joined(separator: ", ")
                html += "</li>"
            }
            html += "</ul>\n"
        }

        // Findings.
        toc.append(TOCEntry(level: 2, text: "Findings", anchor: "findings"))
        html += "<h2 id=\"findings\">Findings<a class=\"permalink\" href=\"#findings\" aria-label=\"Link to this section\">¶</a></h2>\n"
        html += "<p>Where libvirt does not do what its documentation says: the catalog's known findings, and every snippet written to show one (<code>finding=</code>) or reported as a finding.</p>\n"
        let findingSnippets = guides.snippets.filter { s in
            s.attributes.finding != nil || hosts.contains { $0.result(snippet: s.id)?.verdict == .finding }
        }
        let findingClaims = catalog.claims.filter { c in c.finding != nil || findingSnippets.contains { $0.attributes.finding == c.id } }
        if findingClaims.isEmpty && findingSnippets.isEmpty {
            html += "<p class=\"muted\">No findings.</p>\n"
        } else {
            html += "<dl class=\"findings\">\n"
            for claim in findingClaims {
                html += "<dt><a href=\"#\(HTML.attribute(Paths.percentEncode(SiteContext.claimAnchor(claim.id))))\"><code>\(HTML.escape(claim.id))</code></a> <span class=\"api\">\(HTML.escape(claim.api))</span></dt><dd>"
                html += "<div>\(HTML.escape(claim.claim))</div>"
                if let f = claim.finding { html += "<div class=\"finding-text\"><strong>Finding:</strong> \(HTML.escape(f))</div>" }
                html += versionsHTML(claim)
                let shown = findingSnippets.filter { $0.attributes.finding == claim.id || $0.attributes.claims.contains(claim.id) }
                html += findingSnippetsHTML(shown)
                html += "</dd>\n"
            }
            let orphan = findingSnippets.filter { s in !findingClaims.contains { $0.id == s.attributes.finding || s.attributes.claims.contains($0.id) } }
            if !orphan.isEmpty {
                html += "<dt>Other snippets reported as findings</dt><dd>" + findingSnippetsHTML(orphan) + "</dd>\n"
            }
            html += "</dl>\n"
        }
        sections.insert(SearchSection(anchor: "", title: "Conformance", text: "conformance matrix coverage findings hosts claims"), at: 0)
        return PageContent(html: html, toc: toc, sections: sections, assets: [])
    }

    /// Which libvirt versions the claim holds for, where it was fixed, and what each version did.
    private func versionsHTML(_ claim: ClaimCatalog.Claim) -> String {
        var parts: [String] = []
        if let since = claim.since { parts.append("holds from libvirt <strong>\(HTML.escape(since))</strong>") }
        if let fixed = claim.fixedIn { parts.append("finding fixed in libvirt <strong>\(HTML.escape(fixed))</strong>") }
        if let versions = claim.versions { parts.append(HTML.escape(versions)) }
        guard !parts.isEmpty else { return "" }
        return "<div class=\"versions\"><strong>Versions:</strong> " + parts.joined(separator: "; ") + "</div>"
    }

    /// Links to the claim's sources in libvirt's repository (outbound links only).
    private func sourcesHTML(_ claim: ClaimCatalog.Claim) -> String {
        guard !claim.source.isEmpty else { return "" }
        var out = "<div class=\"sources\">"
        out += claim.source.map { s in
            var item = ""
            if let url = site.catalog.sourceURL(s), let doc = s.doc {
                item = "<a class=\"external\" rel=\"noopener\" href=\"\(HTML.attribute(url))\"><code>\(HTML.escape(doc))</code></a>"
                if let section = s.section, !section.isEmpty { item += " § \(HTML.escape(section))" }
            } else if let section = s.section, !section.isEmpty {
                item = HTML.escape(section)
            }
            return item
        }.filter { !$0.isEmpty }.joined(separator: " · ")
        return out + "</div>"
    }

    private func cellHTML(snippets: [Snippet], host: ResultsSet.Host) -> String {
        guard !snippets.isEmpty else { return "" }
        var out = ""
        for s in snippets {
            guard let r = host.result(snippet: s.id) else {
                out += "<span class=\"cell-mark v-none\" title=\"\(HTML.attribute(s.id)): no result\">?</span>"
                continue
            }
            var title = "\(s.id): \(r.verdict.rawValue)"
            if let reason = r.reason ?? r.message { title += " — " + reason }
            out += "<a class=\"cell-mark v-\(r.verdict.rawValue)\" href=\"\(HTML.attribute(site.snippetHref(s, from: page)))\" title=\"\(HTML.attribute(title))\" aria-label=\"\(HTML.attribute(title))\">\(Self.symbols[r.verdict]!)</a>"
        }
        return out
    }

    private func findingSnippetsHTML(_ snippets: [Snippet]) -> String {
        guard !snippets.isEmpty else { return "<div class=\"muted\">No snippet shows it yet.</div>" }
        var out = "<ul>"
        for s in snippets {
            out += "<li><a href=\"\(HTML.attribute(site.snippetHref(s, from: page)))\"><code>\(HTML.escape(s.id))</code></a>"
            for host in site.results.hosts {
                guard let r = host.result(snippet: s.id) else { continue }
                out += " <a href=\"#\(SiteContext.hostAnchor(host.id))\">\(host.id)</a> " + SnippetRenderer.verdictBadge(r.verdict)
                if let m = r.message ?? r.reason { out += " <span class=\"muted\">\(HTML.escape(m))</span>" }
            }
            out += "</li>"
        }
        return out + "</ul>"
    }

    static func totalsHTML(_ t: Totals) -> String {
        var parts: [String] = []
        let pairs: [(Verdict, Int)] = [(.pass, t.passed), (.fail, t.failed), (.finding, t.findings), (.unsupported, t.unsupported), (.skipped, t.skipped)]
        for (v, n) in pairs where n > 0 {
            parts.append("<span class=\"verdict v-\(v.rawValue)\">\(n) \(v.rawValue)</span>")
        }
        return parts.isEmpty ? "<span class=\"muted\">none</span>" : parts.joined(separator: " ")
    }

    static func percent(_ a: Int, _ b: Int) -> String {
        b == 0 ? "–" : "\(Int((Double(a) / Double(b) * 100).rounded())) %"
    }
}
