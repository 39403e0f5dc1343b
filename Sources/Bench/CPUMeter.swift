import Foundation

/// The machine's CPU time over an interval, from the `cpu` line of `/proc/stat`: what every process on
/// the machine (snippets, libvirtd, QEMU, release hosts) kept the CPUs busy with.
///
/// ```swift
/// let before = CPUMeter.Reading.now()
/// try await work()
/// if let used = before.map({ CPUMeter.used(since: $0) }) ?? nil {
///     print("\(used.busySeconds) CPU-s, \(Int(used.busyFraction * 100)) % busy")
/// }
/// ```
enum CPUMeter {
    /// Cumulative jiffies of all CPUs: busy (user, nice, system, irq, softirq, steal) and total.
    struct Reading: Equatable {
        var busy: UInt64
        var total: UInt64

        /// The current reading, or nil where `/proc/stat` cannot be read.
        static func now() -> Reading? {
            guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
            return parse(text)
        }

        /// Parses the first line of `/proc/stat` (`cpu user nice system idle iowait irq softirq steal …`).
        static func parse(_ text: String) -> Reading? {
            guard let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
            let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
            guard fields.count >= 8 else { return nil }
            // guest and guest_nice (fields 9–10) are already counted in user and nice.
            let total = fields.prefix(8).reduce(0, +)
            let idle = fields[3] + fields[4]
            return Reading(busy: total - idle, total: total)
        }
    }

    /// CPU use between two readings.
    struct Usage: Equatable {
        /// CPU-seconds spent busy, summed over all CPUs.
        var busySeconds: Double
        /// Busy share of all CPU time in the interval, 0…1.
        var busyFraction: Double
    }

    /// The use from `before` to `after` (`ticksPerSecond`: `sysconf(_SC_CLK_TCK)`); nil when no time passed.
    static func usage(from before: Reading, to after: Reading, ticksPerSecond: Double) -> Usage? {
        guard after.total > before.total, after.busy >= before.busy else { return nil }
        let busy = Double(after.busy - before.busy)
        return Usage(busySeconds: busy / ticksPerSecond, busyFraction: busy / Double(after.total - before.total))
    }

    /// The use from `before` until now.
    static func used(since before: Reading) -> Usage? {
        guard let after = Reading.now() else { return nil }
        return usage(from: before, to: after, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }
}
