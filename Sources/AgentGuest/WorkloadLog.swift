import Foundation

/// One record of the guest workload's log (see `AgentGuest.workloadSource` for the byte layout).
public struct WorkloadRecord: Sendable, Hashable {
    /// The record's index in the file (record i starts at byte 52 × i).
    public var index: UInt64
    /// The id the workload drew when it started; it changes at each boot.
    public var run: UInt32
    /// The guest's `CLOCK_MONOTONIC`, in nanoseconds, just before the record was written.
    public var monotonicNanoseconds: UInt64

    /// A record with these fields.
    public init(index: UInt64, run: UInt32, monotonicNanoseconds: UInt64) {
        self.index = index
        self.run = run
        self.monotonicNanoseconds = monotonicNanoseconds
    }
}

/// The guest workload's log file, checked record by record.
///
/// A file copied from a consistent state (a frozen file system, a clean shutdown) holds only whole, valid records
/// whose indexes count up from 0. A torn copy shows a short tail, a record whose checksum does not match, or an
/// index out of place.
public struct WorkloadLog: Sendable {
    /// Something wrong in the file.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The 52 bytes at `offset` are not a well-formed record, or their checksum does not match.
        case badRecord(offset: Int)
        /// The record at `offset` is valid but carries index `found` instead of `expected`.
        case indexOutOfPlace(offset: Int, expected: UInt64, found: UInt64)
        /// The file ends with `bytes` bytes that are not a whole record.
        case tornTail(bytes: Int)

        /// The problem and where it is in the file.
        public var description: String {
            switch self {
            case .badRecord(let o): "bad record at byte \(o)"
            case .indexOutOfPlace(let o, let e, let f): "record at byte \(o) has index \(f), expected \(e)"
            case .tornTail(let n): "torn tail of \(n) bytes"
            }
        }
    }

    /// A pause between two consecutive records of the same run.
    public struct Gap: Sendable, Hashable {
        /// The record before the pause.
        public var before: WorkloadRecord
        /// The record after the pause.
        public var after: WorkloadRecord
        /// The time between their timestamps, in nanoseconds.
        public var nanoseconds: UInt64
        /// The pause in seconds.
        public var seconds: Double { Double(nanoseconds) / 1e9 }

        /// The longest pause between consecutive `records` of the same run (nil with fewer than two).
        public static func largest(in records: [WorkloadRecord]) -> Gap? {
            var best: Gap?
            for (a, b) in zip(records, records.dropFirst())
            where a.run == b.run && b.monotonicNanoseconds >= a.monotonicNanoseconds {
                let gap = Gap(before: a, after: b, nanoseconds: b.monotonicNanoseconds - a.monotonicNanoseconds)
                if gap.nanoseconds > best?.nanoseconds ?? 0 || best == nil { best = gap }
            }
            return best
        }
    }

    /// The valid records, in file order.
    public let records: [WorkloadRecord]
    /// What is wrong with the file; empty for a consistent file.
    public let problems: [Problem]
    /// Whether the file holds only whole, valid records in index order.
    public var isConsistent: Bool { problems.isEmpty }

    /// Parses and checks a log's bytes.
    public init(data: Data) {
        let size = AgentGuest.workloadRecordSize
        let bytes = [UInt8](data)
        var records: [WorkloadRecord] = [], problems: [Problem] = []
        var offset = 0
        while offset + size <= bytes.count {
            let expected = UInt64(offset / size)
            if let r = Self.parse(bytes[offset..<(offset + size)]) {
                if r.index != expected { problems.append(.indexOutOfPlace(offset: offset, expected: expected, found: r.index)) }
                records.append(r)
            } else {
                problems.append(.badRecord(offset: offset))
            }
            offset += size
        }
        if offset < bytes.count { problems.append(.tornTail(bytes: bytes.count - offset)) }
        self.records = records
        self.problems = problems
    }

    /// The longest pause between two consecutive records of the same run, or nil with fewer than two records.
    public var largestGap: Gap? { Gap.largest(in: records) }

    /// The median pause between consecutive records of the same run, in nanoseconds (the workload's real period).
    public var medianGapNanoseconds: UInt64? {
        let gaps = zip(records, records.dropFirst())
            .filter { $0.run == $1.run && $1.monotonicNanoseconds >= $0.monotonicNanoseconds }
            .map { $1.monotonicNanoseconds - $0.monotonicNanoseconds }
            .sorted()
        return gaps.isEmpty ? nil : gaps[gaps.count / 2]
    }

    /// Builds one record's 52 bytes, exactly as the guest workload writes it.
    public static func encode(_ record: WorkloadRecord) -> Data {
        var payload = pad(String(record.index), 12, "0") + " " + pad(String(record.run, radix: 16), 8, "0") + " "
            + pad(String(record.monotonicNanoseconds), 20, "0")
        let crc = crc32(Array(payload.utf8))
        payload += " " + pad(String(crc, radix: 16), 8, "0") + "\n"
        return Data(payload.utf8)
    }

    /// CRC-32 as zlib computes it (IEEE 802.3 polynomial, reflected, initial and final XOR 0xFFFFFFFF).
    public static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func pad(_ s: String, _ width: Int, _ fill: Character) -> String {
        s.count >= width ? s : String(repeating: fill, count: width - s.count) + s
    }

    private static func parse(_ slice: ArraySlice<UInt8>) -> WorkloadRecord? {
        let b = Array(slice)
        guard b[12] == 0x20, b[21] == 0x20, b[42] == 0x20, b[51] == 0x0A else { return nil }
        func decimal(_ r: Range<Int>) -> UInt64? {
            var v: UInt64 = 0
            for i in r {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(UInt64(b[i] - 0x30))
                if o1 || o2 { return nil }
                v = s
            }
            return v
        }
        func hex(_ r: Range<Int>) -> UInt32? {
            var v: UInt32 = 0
            for i in r {
                let d: UInt8
                switch b[i] {
                case 0x30...0x39: d = b[i] - 0x30
                case 0x61...0x66: d = b[i] - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        guard let index = decimal(0..<12), let run = hex(13..<21), let ns = decimal(22..<42), let crc = hex(43..<51),
              crc == crc32(b[0..<42]) else { return nil }
        return WorkloadRecord(index: index, run: run, monotonicNanoseconds: ns)
    }
}
