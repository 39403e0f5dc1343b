import GuideModel
import Foundation

/// A horizontal bar chart rendered as inline SVG at build time (no JavaScript, no external request).
///
/// Every bar has a label (left), a value with its unit (right of the bar) and optionally a link. Colours
/// come from CSS classes (`bar s1`…`bar s6`, one per series), so the chart follows the page's light or
/// dark theme.
///
/// ```swift
/// var chart = BarChart(title: "guest pause", unit: "ms")
/// chart.bars.append(.init(label: "internal snapshot · QEMU/kvm", value: 16, series: 0))
/// let svg = chart.svg(id: "pause")
/// ```
public struct BarChart: Sendable, Hashable {
    /// One bar.
    public struct Bar: Sendable, Hashable {
        /// The text left of the bar.
        public var label: String
        /// The value.
        public var value: Double
        /// Where the label links to (a snippet), if anywhere.
        public var href: String?
        /// The series (host) index, for the colour.
        public var series: Int

        /// Creates a bar.
        public init(label: String, value: Double, href: String? = nil, series: Int = 0) {
            self.label = label
            self.value = value
            self.href = href
            self.series = series
        }
    }

    /// The chart's title (the measurement's name).
    public var title: String
    /// The unit of every value.
    public var unit: String
    /// The bars, top to bottom.
    public var bars: [Bar] = []

    /// Creates an empty chart.
    public init(title: String, unit: String, bars: [Bar] = []) {
        self.title = title
        self.unit = unit
        self.bars = bars
    }

    /// The largest label length shown in full; longer labels are cut with an ellipsis (the full text is
    /// in the bar's tooltip).
    static let labelLimit = 44

    /// The chart as an `<svg>` element. `id` must be unique in the page (it names the title element).
    public func svg(id: String) -> String {
        let width = 760.0
        let longest = bars.map { min($0.label.count, Self.labelLimit) }.max() ?? 10
        let labelWidth = min(320.0, max(90.0, Double(longest) * 7.3 + 16))
        let valueWidth = 110.0
        let plotWidth = width - labelWidth - valueWidth
        let rowHeight = 22.0
        let top = 8.0
        let axisHeight = 22.0
        let height = top + rowHeight * Double(max(bars.count, 1)) + axisHeight

        let values = bars.map(\.value).filter(\.isFinite)
        let low = min(0, values.min() ?? 0)
        let high = max(0, values.max() ?? 0)
        let ticks = Self.ticks(low: low, high: high)
        let domainLow = ticks.first ?? 0
        let domainHigh = ticks.last ?? 1
        let span = domainHigh - domainLow == 0 ? 1 : domainHigh - domainLow
        func x(_ v: Double) -> Double { labelWidth + (v - domainLow) / span * plotWidth }

        let titleID = "chart-" + id
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(HTML.attribute(titleID))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
        out += "<title id=\"\(HTML.attribute(titleID))\">\(HTML.escape(title)) (\(HTML.escape(unit)))</title>"
        // Grid lines and tick labels.
        let axisY = top + rowHeight * Double(max(bars.count, 1))
        for t in ticks {
            let tx = Self.f(x(t))
            out += "<line class=\"grid\" x1=\"\(tx)\" y1=\"\(Self.f(top))\" x2=\"\(tx)\" y2=\"\(Self.f(axisY))\"/>"
            out += "<text class=\"tick\" x=\"\(tx)\" y=\"\(Self.f(axisY + 15))\" text-anchor=\"middle\">\(HTML.escape(Format.number(t)))</text>"
        }
        for (i, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(i)
            let shown = bar.label.count > Self.labelLimit ? String(bar.label.prefix(Self.labelLimit - 1)) + "…" : bar.label
            let labelText = "<text class=\"label\" x=\"\(Self.f(labelWidth - 8))\" y=\"\(Self.f(y + 15))\" text-anchor=\"end\">\(HTML.escape(shown))</text>"
            if let href = bar.href {
                out += "<a href=\"\(HTML.attribute(href))\">\(labelText)</a>"
            } else {
                out += labelText
            }
            let v = bar.value.isFinite ? bar.value : 0
            let x0 = x(min(0, v)), x1 = x(max(0, v))
            out += "<rect class=\"bar s\(bar.series % 6 + 1)\" x=\"\(Self.f(x0))\" y=\"\(Self.f(y + 4))\" width=\"\(Self.f(max(x1 - x0, 0.5)))\" height=\"\(Self.f(rowHeight - 8))\"><title>\(HTML.escape(bar.label)): \(HTML.escape(Format.measurement(bar.value, unit: unit)))</title></rect>"
            out += "<text class=\"value\" x=\"\(Self.f(x(max(0, v)) + 6))\" y=\"\(Self.f(y + 15))\">\(HTML.escape(Format.measurement(bar.value, unit: unit)))</text>"
        }
        out += "<line class=\"axis\" x1=\"\(Self.f(x(0)))\" y1=\"\(Self.f(top))\" x2=\"\(Self.f(x(0)))\" y2=\"\(Self.f(axisY))\"/>"
        out += "</svg>"
        return out
    }

    /// Round tick values covering `low...high`: steps of 1, 2 or 5 times a power of ten, at most 6 ticks.
    static func ticks(low: Double, high: Double) -> [Double] {
        guard high > low else { return [0, 1] }
        let rough = (high - low) / 5
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let first = floor(low / step) * step
        var ticks: [Double] = []
        var t = first
        while t < high + step * 0.999 && ticks.count < 12 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            if t >= high { break }
            t += step
        }
        return ticks
    }

    /// A coordinate with at most one decimal.
    static func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
