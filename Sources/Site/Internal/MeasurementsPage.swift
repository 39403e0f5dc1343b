import Foundation
import GuideModel
import Runner

/// The measurements page: the numbers the snippets recorded as evidence, grouped by the guide whose
/// snippet recorded them (in reading order), one chart per quantity with a sentence saying what it is
/// evidence for (the snippet's claim), one unit per kind of quantity (durations in ms, sizes in MiB), bars
/// labelled by libvirt version. What only measures the lab itself (the agent guest's restore, the lab's own
/// disk writes, snippet run times) is in an appendix.
struct MeasurementsPage {
    let guides: GuideSet
    let site: SiteContext
    let page = SiteContext.measurementsPage

    /// One quantity: a measurement name with its normalized unit, the snippets that recorded it and the bars.
    struct Quantity {
        var chart: BarChart
        /// The snippets that recorded it, in guide order.
        var snippets: [String] = []
        /// The guide of the first of them.
        var guide: String?
        /// Whether it measures the lab rather than libvirt.
        var isHarness: Bool
    }

    /// Measurements the lab records about itself: its agent guest and the writes it makes for the guest.
    static func isHarness(_ name: String) -> Bool {
        name.hasPrefix("agent guest ") || (name.hasPrefix("write ") && name.hasSuffix(" latency"))
    }

    /// One unit per kind of quantity: durations in ms, sizes in MiB; other units as recorded.
    static func normalized(_ value: Double, unit: String) -> (value: Double, unit: String) {
        switch unit {
        case "s": (value * 1000, "ms")
        case "µs", "us": (value / 1000, "ms")
        case "bytes", "B": (value / 1_048_576, "MiB")
        case "KiB": (value / 1024, "MiB")
        case "GiB": (value * 1024, "MiB")
        default: (value, unit)
        }
    }

    /// The quantities, in order of first appearance (guide order, then host order).
    func quantities() -> [Quantity] {
        let hosts = site.results.hosts
        let multiHost = hosts.count > 1
        var order: [String] = []
        var found: [String: Quantity] = [:]
        // Snippets in guide order, then results only some hosts know of (their snippet may be gone).
        var ids = guides.snippets.map(\.id)
        let known = Set(ids)
        for host in hosts { for r in host.results.results where !known.contains(r.id) && !ids.contains(r.id) { ids.append(r.id) } }
        for id in ids {
            for (hostIndex, host) in hosts.enumerated() {
                guard let result = host.result(snippet: id), site.isCurrent(result), let evidence = result.evidence else { continue }
                var seen: [String: Int] = [:]
                for m in evidence.measurements {
                    let (value, unit) = Self.normalized(m.value, unit: m.unit)
                    let key = m.name + "\u{0}" + unit
                    if found[key] == nil {
                        found[key] = Quantity(chart: BarChart(title: m.name, unit: unit),
                                              guide: guides.snippet(id: id)?.guide, isHarness: Self.isHarness(m.name))
                        order.append(key)
                    }
                    if !found[key]!.snippets.contains(id) { found[key]!.snippets.append(id) }
                    seen[key, default: 0] += 1
                    var label = id
                    if seen[key]! > 1 { label += " #\(seen[key]!)" }
                    if multiHost { label += " · \(host.versionLabel)" }
                    found[key]!.chart.bars.append(BarChart.Bar(label: label, value: value, series: hostIndex))
                }
            }
        }
        return order.map { found[$0]! }
    }

    /// The charts, in page order (kept for tools and tests): every quantity's chart.
    func charts() -> [BarChart] {
        quantities().map(\.chart)
    }

    func render() -> PageContent {
        var html = "<h1 id=\"measurements\">Measurements<a class=\"permalink\" href=\"#measurements\" aria-label=\"Link to this section\">¶</a></h1>\n"
        var toc: [TOCEntry] = []
        var sections: [SearchSection] = [SearchSection(anchor: "", title: "Measurements", text: "measurements plots charts timings evidence")]
        let hosts = site.results.hosts
        guard !hosts.isEmpty else {
            html += "<p>No results were given to this build, so there is nothing to plot.</p>\n"
            return PageContent(html: html, toc: toc, sections: sections, assets: [])
        }
        html += "<p>The numbers the snippets recorded while they checked libvirt, grouped by guide. Each chart says which snippet measured it and what that snippet checks; its bars are the hosts, labelled by libvirt version. Each value is one run on one small guest, on the machine named in the host's description: compare versions with care, and rerun <code>rewind verify</code> on your own host for numbers that matter to you. Durations are in ms and sizes in MiB throughout.</p>\n"
        if hosts.count > 1 {
            html += "<ul class=\"legend\">"
            for (i, host) in hosts.enumerated() {
                html += "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect class=\"bar s\(i % 6 + 1)\" width=\"12\" height=\"12\"/></svg> <a href=\"\(HTML.attribute(site.hostHref(host.id, from: page)))\"><strong>\(HTML.escape(host.versionLabel))</strong></a> <span class=\"muted\">\(HTML.escape(host.label))</span></li>"
            }
            html += "</ul>\n"
        }
        var used: Set<String> = ["measurements"]
        let all = quantities()
        if all.isEmpty { html += "<p class=\"muted\">The results hold no measurements made with the code the guides show now.</p>\n" }

        // The guides, in reading order, then quantities whose snippet is gone.
        let guideOrder = guides.guides.map(\.path)
        let groups = Dictionary(grouping: all.filter { !$0.isHarness }, by: { $0.guide ?? "" })
        for path in guideOrder + [""] {
            guard let group = groups[path], !group.isEmpty else { continue }
            let title = guides.guide(path: path)?.title ?? "Snippets no longer in the guides"
            let anchor = Slug.unique("g-" + Slug.make(title), &used)
            toc.append(TOCEntry(level: 2, text: title, anchor: anchor))
            html += "<h2 id=\"\(HTML.attribute(anchor))\">\(HTML.escape(title))<a class=\"permalink\" href=\"#\(HTML.attribute(anchor))\" aria-label=\"Link to this section\">¶</a></h2>\n"
            if let guidePage = site.guidePages[path] {
                html += "<p class=\"muted\">From <a href=\"\(HTML.attribute(Paths.relative(from: page, to: guidePage)))\">the guide</a>.</p>\n"
            }
            for quantity in group {
                html += chartHTML(quantity, used: &used, level: 3, toc: &toc, sections: &sections)
            }
        }

        // The appendix: what measures the lab, not libvirt.
        let harness = all.filter(\.isHarness)
        let anchor = Slug.unique("appendix-the-lab", &used)
        toc.append(TOCEntry(level: 2, text: "Appendix: the lab itself", anchor: anchor))
        html += "<h2 id=\"\(anchor)\">Appendix: the lab itself<a class=\"permalink\" href=\"#\(anchor)\" aria-label=\"Link to this section\">¶</a></h2>\n"
        html += "<p>These numbers describe Rewind's lab, not libvirt: how long the agent guest took to come back from its saved state, how long the lab's own writes into a guest's disk took, and which snippets took longest. They explain a run's duration; no guide's claim rests on them.</p>\n"
        for quantity in harness {
            html += chartHTML(quantity, used: &used, level: 3, toc: &toc, sections: &sections)
        }
        html += slowestHTML()
        return PageContent(html: html, toc: toc, sections: sections, assets: [])
    }

    /// A quantity's heading, its sentence and its chart.
    private func chartHTML(_ quantity: Quantity, used: inout Set<String>, level: Int, toc: inout [TOCEntry],
                           sections: inout [SearchSection]) -> String {
        let chart = quantity.chart
        let heading = chart.unit.isEmpty ? chart.title : "\(chart.title) (\(chart.unit))"
        let anchor = Slug.unique("m-" + Slug.make(heading), &used)
        toc.append(TOCEntry(level: level, text: heading, anchor: anchor))
        var html = "<h\(level) id=\"\(HTML.attribute(anchor))\">\(HTML.escape(heading))<a class=\"permalink\" href=\"#\(HTML.attribute(anchor))\" aria-label=\"Link to this section\">¶</a></h\(level)>\n"
        html += "<p class=\"chart-note\">" + sentence(for: quantity) + "</p>\n"
        html += "<figure class=\"plot\">" + chart.svg(id: anchor) + "</figure>\n"
        sections.append(SearchSection(anchor: anchor, title: heading, text: chart.title + " " + quantity.snippets.joined(separator: " ")))
        return html
    }

    /// "Measured by `snap-internal-pause`, which checks: <claim>." (or the section it stands in).
    private func sentence(for quantity: Quantity) -> String {
        var parts: [String] = []
        for id in quantity.snippets.prefix(3) {
            guard let snippet = guides.snippet(id: id) else {
                parts.append("<code>\(HTML.escape(id))</code>")
                continue
            }
            var part = "<a href=\"\(HTML.attribute(site.snippetHref(snippet, from: page)))\"><code>\(HTML.escape(id))</code></a>"
            let claimID = snippet.attributes.claims.first ?? snippet.attributes.finding
            if let claimID, let claim = site.catalog.claim(id: claimID) {
                part += ", which checks that " + HTML.escape(Self.lowercasedFirst(claim.claim))
            } else if let section = guides.guide(path: snippet.guide)?.headings.last(where: { $0.line < snippet.line }) {
                part += ", in “" + HTML.escape(section.text) + "”"
            }
            parts.append(part)
        }
        let more = quantity.snippets.count > 3 ? " (and \(quantity.snippets.count - 3) more)" : ""
        let ending = parts.last.map { $0.hasSuffix(".") ? "" : "." } ?? "."
        return "Measured by " + parts.joined(separator: "; ") + more + ending
    }

    /// The slowest snippets, per host: a table, not a chart of every snippet.
    private func slowestHTML() -> String {
        let rows = site.results.hosts.flatMap { host in
            host.results.results.filter { $0.duration > 0 }.map { (host, $0) }
        }.sorted { $0.1.duration > $1.1.duration }.prefix(15)
        guard !rows.isEmpty else { return "" }
        var html = "<h3 id=\"slowest-snippets\">The slowest snippets</h3>\n<table class=\"slowest\"><thead><tr><th>snippet</th><th>host</th><th>run time (ms)</th></tr></thead><tbody>\n"
        for (host, result) in rows {
            let link = guides.snippet(id: result.id).map { "<a href=\"\(HTML.attribute(site.snippetHref($0, from: page)))\"><code>\(HTML.escape(result.id))</code></a>" }
                ?? "<code>\(HTML.escape(result.id))</code>"
            html += "<tr><td>\(link)</td><td>\(HTML.escape(host.versionLabel))</td><td class=\"num\">\(HTML.escape(Format.number(result.duration * 1000)))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first, text.dropFirst().first?.isLowercase ?? true else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
