import Foundation

/// What a snippet's lab recorded while it ran: measurements, disk extents, event traces and notes.
///
/// The child process writes it into its result file; `rewind verify` copies it into every report
/// (JSON in full, TAP and JUnit as a summary), so that a guide's claim can show the numbers behind it.
///
/// ```swift
/// lab.record("pause window", 0.012, unit: "s")
/// lab.recordExtent("dirty", offset: 0, length: 1 << 20)
/// lab.note("the backup job finished before the write")
/// ```
public struct Evidence: Codable, Sendable, Hashable {
    /// A named number with its unit, e.g. `pause window = 0.012 s`.
    public struct Measurement: Codable, Sendable, Hashable {
        /// What was measured.
        public var name: String
        /// The value, in `unit`.
        public var value: Double
        /// The unit, e.g. `s`, `ms`, `bytes`, `count`.
        public var unit: String
        /// Creates a measurement.
        public init(name: String, value: Double, unit: String) {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    /// A byte range of a disk or file, with a label saying what it is (`dirty`, `data`, `zero`, …).
    public struct Extent: Codable, Sendable, Hashable {
        /// What the range is.
        public var label: String
        /// The first byte.
        public var offset: UInt64
        /// The number of bytes.
        public var length: UInt64
        /// Creates an extent.
        public init(label: String, offset: UInt64, length: UInt64) {
            self.label = label
            self.offset = offset
            self.length = length
        }
    }

    /// One event seen during the run, with its time since the lab started.
    public struct Event: Codable, Sendable, Hashable {
        /// Seconds since the lab was created.
        public var time: Double
        /// The event's name, e.g. `SUSPENDED` or `BLOCK_JOB_2 COMPLETED`.
        public var name: String
        /// Anything else worth keeping (domain, disk, detail code).
        public var detail: String?
        /// Creates an event record.
        public init(time: Double, name: String, detail: String? = nil) {
            self.time = time
            self.name = name
            self.detail = detail
        }
    }

    /// The measurements, in the order they were recorded.
    public var measurements: [Measurement] = []
    /// The extents, in the order they were recorded.
    public var extents: [Extent] = []
    /// The event trace, in the order the events arrived.
    public var events: [Event] = []
    /// Free-form notes.
    public var notes: [String] = []
    /// What this host did where the guide says hosts differ, in a few words ("refused:
    /// VIR_ERR_CONFIG_UNSUPPORTED", "accepted"): the site shows it beside the verdict, so that two hosts
    /// that pass by behaving differently are never shown alike. Nil when the snippet records none.
    public var outcome: String?

    /// Creates empty evidence.
    public init() {}

    /// Whether nothing was recorded.
    public var isEmpty: Bool {
        measurements.isEmpty && extents.isEmpty && events.isEmpty && notes.isEmpty && outcome == nil
    }
}
