import Foundation
import GuideModel
import Reports
import Runner

/// "Which build does what": the `rewind compat` table of the results given to the site, as a page. One row
/// per claim, one column per build (libvirt / QEMU), each cell linking to the claim's row of the conformance
/// page (its evidence per host); the range the runs show beside the fences' declarations; contradictions
/// listed. Readers filter it by text and verdict and sort it by claim or by any build (site.js); it scrolls
/// sideways inside its frame on a phone.
struct CompatPage {
    let guides: GuideSet
    let site: SiteContext
    let page = SiteContext.compatPage

    /// The table, from the site's results grouped back into their runs (files).
    func table() -> CompatTable {
        var byFile: [(file: String, results: RunResults)] = []
        for host in site.results.hosts {
            if let index = byFile.firstIndex(where: { $0.file == host.file }) {
                byFile[index].results.hosts.append(host.results)
            } else {
                byFile.append((host.file, RunResults(startedAt: host.startedAt, hosts: [host.results])))
            }
        }
        var declarations: [String: CompatTable.Declaration] = [:]
        for snippet in guides.snippets {
            let a = snippet.attributes
            declarations[snippet.id] = .init(since: a.since, until: a.until, fixedIn: a.fixedIn,
                                             notReproducedIn: a.notReproducedIn, isFinding: a.finding != nil)
        }
        return CompatTable.build(runs: byFile.map { (($0.file as NSString).lastPathComponent, $0.results) }, declarations: declarations)
    }

    func render() -> PageContent {
        var html = "<h1 id=\"compat\">Which build does what<a class=\"permalink\" href=\"#compat\" aria-label=\"Link to this section\">¶</a></h1>\n"
        var sections = [SearchSection(anchor: "", title: "Which build does what",
                                      text: "compatibility which libvirt version do I need build qemu claims ranges since fixed")]
        let table = table()
        guard !table.builds.isEmpty else {
            html += "<p>No results of a QEMU host were given to this build: run <code>rewind verify --json FILE</code> on your hosts and pass the files to <code>rewind site --results</code>.</p>\n"
            return PageContent(html: html, toc: [], sections: sections, assets: [])
        }
        html += "<p>Every claim the guides check, per build of libvirt and QEMU the results cover: ✓ holds, ! a finding "
            + "(the documentation is contradicted), ✗ fails, – unsupported there. Each cell opens the claim's evidence "
            + "per host. <em>What the runs show</em> is inferred from the cells; <em>Declared</em> is what the snippets' "
            + "fences say (<code>since=</code>, <code>fixed-in=</code>, …). The same table is "
            + "<code>rewind compat RESULTS…</code>, and <code>rewind compat diff OLD NEW</code> lists what changed between two runs.</p>\n"
        html += "<ul class=\"compat-builds\">" + table.builds.enumerated().map { i, b in
            "<li><strong>[\(i + 1)]</strong> \(HTML.escape(b.key)) <span class=\"muted\">(\(b.runs.count) run\(b.runs.count == 1 ? "" : "s"))</span></li>"
        }.joined() + "</ul>\n"
        let contradicted = table.rows.filter { !$0.contradictions.isEmpty }.count
        html += "<div class=\"compat-controls\"><label>Filter <input type=\"search\" id=\"compat-filter\" placeholder=\"claim or words\" autocomplete=\"off\"></label> "
        html += "<label>Verdict <select id=\"compat-verdict\"><option value=\"\">any</option><option value=\"pass\">holds somewhere</option>"
            + "<option value=\"finding\">a finding somewhere</option><option value=\"fail\">fails somewhere</option>"
            + "<option value=\"unsupported\">unsupported somewhere</option><option value=\"differs\">differs between builds</option>"
            + "<option value=\"contradicted\">contradicts its fence (\(contradicted))</option></select></label> "
            + "<span class=\"muted\" id=\"compat-count\" aria-live=\"polite\">\(table.rows.count) claims</span></div>\n"
        html += "<div class=\"compat-frame\"><table class=\"compat\"><thead><tr><th><button type=\"button\" data-sort=\"0\">Claim</button></th>"
        for (i, build) in table.builds.enumerated() {
            html += "<th title=\"\(HTML.attribute(build.key))\"><button type=\"button\" data-sort=\"\(i + 1)\">[\(i + 1)] \(HTML.escape(Self.short(build.libvirt)))</button></th>"
        }
        html += "<th>What the runs show</th><th>Declared</th></tr></thead>\n<tbody>\n"
        for row in table.rows {
            let verdicts = Set(row.cells.values.map(\.rawValue))
            let differs = Set(row.cells.values.filter { $0 != .unsupported }).count > 1 || Set(row.outcomes.values).count > 1
            html += "<tr data-claim=\"\(HTML.attribute(row.claim))\" data-verdicts=\"\(HTML.attribute(verdicts.sorted().joined(separator: " ")))\""
            html += " data-differs=\"\(differs)\" data-contradicted=\"\(!row.contradictions.isEmpty)\">"
            html += "<th scope=\"row\"><a href=\"\(HTML.attribute(site.claimHref(row.claim, from: page)))\"><code>\(HTML.escape(row.claim))</code></a></th>"
            for build in table.builds {
                guard let verdict = row.cells[build.key] else { html += "<td class=\"none\" data-rank=\"9\">·</td>"; continue }
                let outcome = row.outcomes[build.key].map { " — \($0)" } ?? ""
                html += "<td data-rank=\"\(Self.rank(verdict))\"><a class=\"chip v-\(verdict.rawValue)\" href=\"\(HTML.attribute(site.claimHref(row.claim, from: page)))\" "
                    + "title=\"\(HTML.attribute("\(build.key): \(verdict.rawValue)\(outcome)"))\">\(SnippetRenderer.mark(verdict.rawValue))"
                    + "<span class=\"sr\"> \(verdict.rawValue)</span></a></td>"
            }
            html += "<td class=\"inferred\">\(HTML.escape(row.inferred))</td><td class=\"declared\">\(HTML.escape(row.declared.joined(separator: "; ")))"
            if !row.contradictions.isEmpty {
                html += "<div class=\"contradiction\">" + row.contradictions.map { HTML.escape($0) }.joined(separator: "<br>") + "</div>"
            }
            html += "</td></tr>\n"
            sections.append(SearchSection(anchor: "", title: row.claim, text: row.inferred))
        }
        html += "</tbody></table></div>\n"
        html += contradicted == 0
            ? "<p>No claim contradicts the ranges its snippets declare, on any build of these results.</p>\n"
            : "<p><strong>\(contradicted) claim\(contradicted == 1 ? "" : "s") contradict the ranges their snippets declare</strong>: choose <em>contradicts its fence</em> above.</p>\n"
        return PageContent(html: html, toc: [], sections: Array(sections.prefix(1)), assets: [])
    }

    /// `12.8.0` → `12.8`.
    static func short(_ version: String) -> String { version.split(separator: ".").prefix(2).joined(separator: ".") }

    /// Sort rank of a verdict: holds first.
    static func rank(_ v: Verdict) -> Int {
        switch v {
        case .pass: 0
        case .finding: 1
        case .fail: 2
        case .unsupported: 3
        case .skipped: 4
        }
    }
}
