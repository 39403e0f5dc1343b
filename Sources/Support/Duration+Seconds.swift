/// Durations as the reports and measurements print them.
extension Duration {
    /// The duration in seconds, as a `Double` (`.milliseconds(1500).inSeconds == 1.5`).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in milliseconds, as a `Double`.
    public var inMilliseconds: Double { inSeconds * 1000 }

    /// A duration of `seconds` (fractions kept to the nanosecond).
    public static func seconds(double seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}

extension ContinuousClock.Instant {
    /// Seconds from this instant to now.
    public var secondsElapsed: Double { (ContinuousClock.now - self).inSeconds }
}
