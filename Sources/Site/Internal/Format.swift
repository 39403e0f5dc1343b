import Foundation

/// Number and time formatting shared by the pages and plots.
enum Format {
    /// A number with up to four significant digits and no trailing zeros: `12`, `0.0123`, `1235`, `1.5e+09`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-∞" : "∞") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e9 || magnitude < 1e-4 { return String(format: "%.3e", value) }
        let digits = max(0, 3 - Int(floor(log10(magnitude))))
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A duration in seconds, in the most readable unit: `850 µs`, `12.3 ms`, `1.24 s`, `2 min 5 s`.
    static func seconds(_ value: Double) -> String {
        if value < 0.001 { return number(value * 1_000_000) + " µs" }
        if value < 1 { return number(value * 1000) + " ms" }
        if value < 120 { return number(value) + " s" }
        let minutes = Int(value / 60)
        return "\(minutes) min \(Int(value) - minutes * 60) s"
    }

    /// A measurement with its unit: `12 ms`, `4096 bytes`.
    static func measurement(_ value: Double, unit: String) -> String {
        unit.isEmpty ? number(value) : number(value) + " " + unit
    }

    /// A byte count: `64 KiB`, `1.5 MiB`.
    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(value)
        var u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        return number(v) + " " + units[u]
    }
}
