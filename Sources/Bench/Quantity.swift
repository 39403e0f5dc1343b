import Foundation
import Support

/// How the bench table writes a number: its unit and the precision that suits it.
public enum Unit: Sendable, Hashable {
    /// A duration given in seconds, written in s, ms or µs, whichever reads best.
    case seconds
    /// A rate in MiB/s.
    case mebibytesPerSecond
    /// A pure number with a suffix (`%`, `×`, …).
    case plain(String)

    /// `value` in this unit, e.g. `1.23 s`, `840 ms`, `12.5 µs`, `612 MiB/s`.
    public func format(_ value: Double) -> String {
        switch self {
        case .seconds:
            let a = abs(value)
            if a >= 1 { return Self.number(value, digits: a >= 100 ? 0 : a >= 10 ? 1 : 2) + " s" }
            if a >= 1e-3 { return Self.number(value * 1e3, digits: a >= 0.1 ? 0 : a >= 0.01 ? 1 : 2) + " ms" }
            return Self.number(value * 1e6, digits: a >= 1e-4 ? 0 : a >= 1e-5 ? 1 : 2) + " µs"
        case .mebibytesPerSecond:
            return Self.number(value, digits: value >= 100 ? 0 : 1) + " MiB/s"
        case .plain(let suffix):
            return Self.number(value, digits: abs(value) >= 100 ? 0 : abs(value) >= 10 ? 1 : 2) + suffix
        }
    }

    /// A median with its range, e.g. `1.23 s (1.10–1.40 s, n=5)`; a single sample is written alone.
    public func format(_ samples: Samples) -> String {
        guard samples.count > 1 else { return samples.isEmpty ? "n/a" : format(samples.median) }
        return "\(format(samples.median)) (\(format(samples.minimum))–\(format(samples.maximum)), n=\(samples.count))"
    }

    static func number(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

/// A ratio written as `0.08×`.
public func formatRatio(_ ratio: Double) -> String {
    guard ratio.isFinite else { return "n/a" }
    let digits = ratio >= 100 ? 0 : ratio >= 10 ? 1 : ratio >= 0.1 ? 2 : 3
    return String(format: "%.\(digits)f×", ratio)
}

/// Seconds since `start`, as a `Double`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    seconds(ContinuousClock.now - start)
}

/// A duration in seconds, as a `Double`.
func seconds(_ d: Duration) -> Double {
    d.inSeconds
}
