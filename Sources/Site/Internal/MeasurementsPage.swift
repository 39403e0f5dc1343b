import Foundation
import GuideModel
import Runner

/// The measurements page: one bar chart per measurement name (and unit) found in the results' evidence,
/// across all snippets and hosts, plus the snippets' run times.
struct MeasurementsPage {
    let guides: GuideSet
    let site: SiteContext
    let page = SiteContext.measurementsPage

    /// The charts, in order of first appearance (guide order, then host order).
    func charts() -> [BarChart] {
        let hosts = site.results.hosts
        let multiHost = hosts.count > 1
        var order: [String] = []
        var charts: [String: BarChart] = [:]
        // Snippets in guide order, then results only some hosts know of (their snippet may be gone).
        var ids = guides.snippets.map(\.id)
        let known = Set(ids)
        for host in hosts { for r in host.results.results where !known.contains(r.id) && !ids.contains(r.id) { ids.append(r.id) } }
        for id in ids {
            let snippet = guides.snippet(id: id)
            for (hostIndex, host) in hosts.enumerated() {
                guard let evidence = host.result(snippet: id)?.evidence else { continue }
                var seen: [String: Int] = [:]
                for m in evidence.measurements {
                    let key = m.name + "\u{0}" + m.unit
                    if charts[key] == nil {
                        charts[key] = BarChart(title: m.name, unit: m.unit)
                        order.append(key)
                    }
                    seen[key, default: 0] += 1
                    var label = id
                    if seen[key]! > 1 { label += " #\(seen[key]!)" }
                    if multiHost { label += " · \(host.id) \(host.shortName)" }
                    charts[key]!.bars.append(BarChart.Bar(label: label, value: m.value,
                                                          href: snippet.map { site.snippetHref($0, from: page) },
                                                          series: hostIndex))
                }
            }
        }
        var result = order.map { charts[$0]! }
        // The run time of every snippet that ran.
        var runTimes = BarChart(title: "snippet run time", unit: "s")
        for id in ids {
            let snippet = guides.snippet(id: id)
            for (hostIndex, host) in hosts.enumerated() {
                guard let r = host.result(snippet: id), r.duration > 0 else { continue }
                runTimes.bars.append(BarChart.Bar(label: multiHost ? "\(id) · \(host.id) \(host.shortName)" : id,
                                                  value: r.duration, href: snippet.map { site.snippetHref($0, from: page) },
                                                  series: hostIndex))
            }
        }
        if !runTimes.bars.isEmpty { result.append(runTimes) }
        return result
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
        html += "<p>Every number the snippets' labs recorded as evidence, by name, across snippets and hosts. A bar's label links to its snippet.</p>\n"
        if hosts.count > 1 {
            html += "<ul class=\"legend\">"
            for (i, host) in hosts.enumerated() {
                html += "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect class=\"bar s\(i % 6 + 1)\" width=\"12\" height=\"12\"/></svg> <a href=\"\(HTML.attribute(site.hostHref(host.id, from: page)))\">\(host.id)</a> \(HTML.escape(host.label))</li>"
            }
            html += "</ul>\n"
        }
        var used: Set<String> = ["measurements"]
        let all = charts()
        if all.isEmpty { html += "<p class=\"muted\">The results hold no measurements.</p>\n" }
        for chart in all {
            let heading = chart.unit.isEmpty ? chart.title : "\(chart.title) (\(chart.unit))"
            let anchor = Slug.unique("m-" + Slug.make(heading), &used)
            toc.append(TOCEntry(level: 2, text: heading, anchor: anchor))
            html += "<h2 id=\"\(HTML.attribute(anchor))\">\(HTML.escape(heading))<a class=\"permalink\" href=\"#\(HTML.attribute(anchor))\" aria-label=\"Link to this section\">¶</a></h2>\n"
            html += "<figure class=\"plot\">" + chart.svg(id: anchor) + "</figure>\n"
            sections.append(SearchSection(anchor: anchor, title: heading, text: chart.bars.map(\.label).joined(separator: " ")))
        }
        return PageContent(html: html, toc: toc, sections: sections, assets: [])
    }
}
