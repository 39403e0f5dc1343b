/// Repeated measurements of one quantity, and the summary statistics the bench table shows.
///
/// Machines are noisy (2 cores shared with other work), so every figure is a median with its range:
///
/// ```swift
/// let s = Samples([0.31, 0.29, 0.42, 0.30, 0.33])
/// print(s.median, s.minimum, s.maximum)   // 0.31 0.29 0.42
/// print(s.relativeSpread)                 // (0.42 - 0.29) / 0.31 ≈ 0.42
/// ```
public struct Samples: Sendable, Hashable, Codable {
    /// The measurements, in the order they were taken.
    public var values: [Double]

    /// Creates samples from measurements.
    public init(_ values: [Double] = []) {
        self.values = values
    }

    /// Adds one measurement.
    public mutating func append(_ value: Double) {
        values.append(value)
    }

    /// The number of measurements.
    public var count: Int { values.count }

    /// Whether there is no measurement.
    public var isEmpty: Bool { values.isEmpty }

    /// The measurements in increasing order.
    public var sorted: [Double] { values.sorted() }

    /// The median: the middle measurement, or the mean of the two middle ones for an even count; 0 when empty.
    public var median: Double { quantile(0.5) }

    /// The smallest measurement (0 when empty).
    public var minimum: Double { values.min() ?? 0 }

    /// The largest measurement (0 when empty).
    public var maximum: Double { values.max() ?? 0 }

    /// The sum of the measurements.
    public var sum: Double { values.reduce(0, +) }

    /// The arithmetic mean (0 when empty).
    public var mean: Double { values.isEmpty ? 0 : sum / Double(values.count) }

    /// `(maximum − minimum) / median`: how far apart repeated measurements land, relative to their
    /// median (0 when the median is 0).
    public var relativeSpread: Double {
        let m = median
        return m == 0 ? 0 : (maximum - minimum) / m
    }

    /// The `q` quantile (0…1) with linear interpolation between neighbouring ranks; 0 when empty.
    public func quantile(_ q: Double) -> Double {
        let s = sorted
        guard !s.isEmpty else { return 0 }
        let position = min(max(q, 0), 1) * Double(s.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, s.count - 1)
        let fraction = position - Double(lower)
        return s[lower] + (s[upper] - s[lower]) * fraction
    }

    /// Every measurement multiplied by `factor` (for unit changes and extrapolations).
    public func scaled(by factor: Double) -> Samples {
        Samples(values.map { $0 * factor })
    }
}
