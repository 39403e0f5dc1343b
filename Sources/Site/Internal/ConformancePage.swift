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

        html += "<p>Each row is a claim of libvirt's documentation; each column is a host, labelled by its libvirt version and ordered from the test driver to the newest libvirt"
        if !hosts.isEmpty { html += " (" + hosts.map { HTML.escape($0.versionLabel) }.joined(separator: ", ") + ")" }
        html += ". A cell shows the combined verdict of the snippets that check the claim on that host (the worst of them, with their number when there are several): "
        html += Self.symbols.sorted { $0.key.rawValue < $1.key.rawValue }.map { "<span class=\"cell-mark v-\($0.key.rawValue)\">\($0.value)</span> \($0.key.rawValue)" }.joined(separator: ", ")
        html += ", <span class=\"cell-mark v-stale\">?</span> stale (verified on older code than the guides show).</p>\n"
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
                html += "<tr id=\"\(SiteContext.hostAnchor(host.id))\"><td><strong>\(HTML.escape(host.versionLabel))</strong> <code>\(HTML.escape(i.uri))</code></td>"
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
                html += "<tr><th scope=\"row\"><a href=\"#\(SiteContext.hostAnchor(host.id))\">\(HTML.escape(host.versionLabel))</a> \(HTML.escape(host.shortName))</th>"
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

        // What changed between versions.
        let changes = changedClaims(byClaim)
        toc.append(TOCEntry(level: 2, text: "Changes across versions", anchor: "changes"))
        html += "<h2 id=\"changes\">Changes across versions<a class=\"permalink\" href=\"#changes\" aria-label=\"Link to this section\">¶</a></h2>\n"
        let live = hosts.filter { !$0.isTestDriver }
        if live.count < 2 {
            html += "<p class=\"muted\">Fewer than two live hosts in the results: nothing to compare.</p>\n"
        } else if changes.isEmpty {
            html += "<p>Every claim behaved the same on " + live.map { HTML.escape($0.versionLabel) }.joined(separator: ", ") + ".</p>\n"
        } else {
            html += "<p>The claims whose verdict, or whose recorded outcome, differs between the live hosts, with what each version did.</p>\n"
            html += "<table class=\"changes\"><thead><tr><th>Claim</th>" + live.map { "<th>\(HTML.escape($0.versionLabel))</th>" }.joined() + "</tr></thead><tbody>\n"
            for claim in changes {
                let snippets = byClaim[claim.id] ?? []
                html += "<tr><td><a href=\"#\(HTML.attribute(Paths.percentEncode(SiteContext.claimAnchor(claim.id))))\"><code>\(HTML.escape(claim.id))</code></a></td>"
                for host in live {
                    let (verdict, _) = cellState(snippets: snippets, host: host)
                    let outcomes = snippets.compactMap { s -> String? in
                        guard let r = host.result(snippet: s.id), site.isCurrent(r) else { return nil }
                        return r.evidence?.outcome
                    }
                    html += "<td>" + (verdict.map { "<span class=\"cell-mark v-\($0)\">\(Self.mark($0))</span>" } ?? "")
                    if !outcomes.isEmpty { html += " <span class=\"outcome\">\(HTML.escape(Array(Set(outcomes)).sorted().joined(separator: "; ")))</span>" }
                    html += "</td>"
                }
                html += "</tr>\n"
            }
            html += "</tbody></table>\n"
        }

        // Matrix.
        toc.append(TOCEntry(level: 2, text: "Matrix", anchor: "matrix"))
        html += "<h2 id=\"matrix\">Matrix<a class=\"permalink\" href=\"#matrix\" aria-label=\"Link to this section\">¶</a></h2>\n"
        html += "<div class=\"matrix-tools js-only\"><label>Filter <input type=\"search\" id=\"matrix-filter\" placeholder=\"claim, API or text\"></label> "
        html += "<label><input type=\"checkbox\" id=\"matrix-differs\"> only claims that differ between versions</label> <span id=\"matrix-count\" class=\"muted\" aria-live=\"polite\"></span></div>\n"
        html += "<table class=\"matrix\"><thead><tr><th class=\"claim-col\">Claim</th>"
        for host in hosts {
            html += "<th class=\"host-col\"><a href=\"#\(SiteContext.hostAnchor(host.id))\" title=\"\(HTML.attribute(host.label))\">\(HTML.escape(host.versionLabel))</a></th>"
        }
        html += "</tr></thead>\n"
        var usedSlugs: Set<String> = []
        let changed = Set(changes.map(\.id))
        // One group per section, in the order sections first appear in the catalog.
        var sectionOrder: [String] = []
        for claim in catalog.claims where !sectionOrder.contains(claim.section) { sectionOrder.append(claim.section) }
        for section in sectionOrder {
            let slug = Slug.unique("section-" + Slug.make(section), &usedSlugs)
            toc.append(TOCEntry(level: 3, text: section, anchor: slug))
            html += "<tbody><tr class=\"section-row\"><th colspan=\"\(1 + hosts.count)\" id=\"\(HTML.attribute(slug))\">\(HTML.escape(section))</th></tr>\n"
            for claim in catalog.claims where claim.section == section {
                let anchor = SiteContext.claimAnchor(claim.id)
                let classes = (claim.finding != nil ? ["has-finding"] : []) + ["claim-row"]
                html += "<tr id=\"\(HTML.attribute(anchor))\" class=\"\(classes.joined(separator: " "))\" data-differs=\"\(changed.contains(claim.id))\"><td class=\"claim\">"
                html += "<a class=\"claim-id\" href=\"#\(HTML.attribute(Paths.percentEncode(anchor)))\"><code>\(HTML.escape(claim.id))</code></a> "
                html += "<span class=\"api\">\(HTML.escape(claim.api))</span>"
                html += "<div class=\"claim-text\">\(HTML.escape(claim.claim))</div>"
                if let finding = claim.finding {
                    html += "<div class=\"finding-text\"><strong>Finding:</strong> \(HTML.escape(finding))</div>"
                }
                html += versionsHTML(claim)
                let snippets = byClaim[claim.id] ?? []
                html += "<details class=\"claim-more\"><summary>\(snippets.count) snippet\(snippets.count == 1 ? "" : "s") and sources</summary>"
                html += snippets.isEmpty ? "<div class=\"muted\">No snippet checks it.</div>"
                    : "<div>" + snippets.map { "<a href=\"\(HTML.attribute(site.snippetHref($0, from: page)))\"><code>\(HTML.escape($0.id))</code></a>" }.joined(separator: " ") + "</div>"
                html += sourcesHTML(claim) + "</details>"
                html += "</td>"
                for host in hosts {
                    html += "<td class=\"cell\">" + cellHTML(snippets: snippets, host: host) + "</td>"
                }
                html += "</tr>\n"
                sections.append(SearchSection(anchor: anchor, title: "Claim \(claim.id)",
                                              text: [claim.api, claim.claim, claim.finding ?? "", claim.section, claim.source.compactMap(\.doc).joined(separator: " ")].joined(separator: " ")))
            }
            html += "</tbody>\n"
        }
        html += "</table>\n"

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

    /// The combined verdict of the snippets' current results on a host ("stale" when only stale results
    /// exist), and how many snippets have a result there.
    private func cellState(snippets: [Snippet], host: ResultsSet.Host) -> (kind: String?, count: Int) {
        let results = snippets.compactMap { host.result(snippet: $0.id) }
        let current = results.filter(site.isCurrent)
        if let verdict = Self.combined(current.map(\.verdict)) { return (verdict.rawValue, current.count) }
        return (results.isEmpty ? nil : "stale", results.count)
    }

    /// One mark per cell: the combined verdict, with the number of snippets when more than one; its title
    /// lists each snippet's verdict, and it links to the first snippet.
    private func cellHTML(snippets: [Snippet], host: ResultsSet.Host) -> String {
        guard let first = snippets.first else { return "" }
        let (kind, count) = cellState(snippets: snippets, host: host)
        guard let kind else {
            return "<span class=\"cell-mark v-none\" title=\"no result\">·</span>"
        }
        let title = "\(host.versionLabel): " + snippets.compactMap { s -> String? in
            guard let r = host.result(snippet: s.id) else { return nil }
            var t = "\(s.id) \(site.isCurrent(r) ? r.verdict.rawValue : "stale")"
            if let outcome = r.evidence?.outcome { t += " (\(outcome))" } else if let reason = r.reason { t += " (\(reason))" }
            return t
        }.joined(separator: "; ")
        let number = count > 1 ? "<span class=\"count\">\(count)</span>" : ""
        return "<a class=\"cell-mark v-\(kind)\" href=\"\(HTML.attribute(site.snippetHref(first, from: page)))\" title=\"\(HTML.attribute(title))\" aria-label=\"\(HTML.attribute(title))\">\(Self.mark(kind))\(number)</a>"
    }

    /// The mark of a verdict (or "stale").
    static func mark(_ kind: String) -> String {
        Verdict(rawValue: kind).flatMap { symbols[$0] } ?? "?"
    }

    /// The claims whose combined verdict, or whose recorded outcomes, differ between the live hosts.
    private func changedClaims(_ byClaim: [String: [Snippet]]) -> [ClaimCatalog.Claim] {
        let live = site.results.hosts.filter { !$0.isTestDriver }
        guard live.count > 1 else { return [] }
        return site.catalog.claims.filter { claim in
            let snippets = byClaim[claim.id] ?? []
            guard !snippets.isEmpty else { return false }
            let states = live.map { host -> String in
                let (kind, _) = cellState(snippets: snippets, host: host)
                let outcomes = snippets.compactMap { s -> String? in
                    guard let r = host.result(snippet: s.id), site.isCurrent(r) else { return nil }
                    return r.evidence?.outcome
                }
                return (kind ?? "none") + "|" + outcomes.sorted().joined(separator: ";")
            }
            return Set(states).count > 1 && !states.contains { $0.hasPrefix("stale") }
        }
    }

    private func findingSnippetsHTML(_ snippets: [Snippet]) -> String {
        guard !snippets.isEmpty else { return "<div class=\"muted\">No snippet shows it yet.</div>" }
        var out = "<ul>"
        for s in snippets {
            out += "<li><a href=\"\(HTML.attribute(site.snippetHref(s, from: page)))\"><code>\(HTML.escape(s.id))</code></a><ul class=\"per-host\">"
            for host in site.results.hosts {
                guard let r = host.result(snippet: s.id) else { continue }
                out += "<li><a href=\"#\(SiteContext.hostAnchor(host.id))\">\(HTML.escape(host.versionLabel))</a> "
                    + (site.isCurrent(r) ? SnippetRenderer.verdictBadge(r.verdict) : "<span class=\"verdict v-stale\">stale</span>")
                if let m = r.message ?? r.reason { out += " <span class=\"muted\">\(HTML.escape(m))</span>" }
                out += "</li>"
            }
            out += "</ul></li>"
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
