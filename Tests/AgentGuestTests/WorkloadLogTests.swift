import AgentGuest
import Foundation
import Testing

@Suite("Workload log")
struct WorkloadLogTests {
    static func log(run: UInt32 = 0xabc, times: [UInt64]) -> Data {
        var d = Data()
        for (i, t) in times.enumerated() {
            d.append(WorkloadLog.encode(WorkloadRecord(index: UInt64(i), run: run, monotonicNanoseconds: t)))
        }
        return d
    }

    @Test("CRC-32 matches the standard check value")
    func crc() {
        #expect(WorkloadLog.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(WorkloadLog.crc32([]) == 0)
    }

    @Test("A record is 52 bytes in the documented layout")
    func layout() {
        let r = WorkloadLog.encode(WorkloadRecord(index: 7, run: 0x1f, monotonicNanoseconds: 123_456_789))
        let text = String(decoding: r, as: UTF8.self)
        #expect(r.count == AgentGuest.workloadRecordSize)
        #expect(text.hasPrefix("000000000007 0000001f 00000000000123456789 "))
        #expect(text.hasSuffix("\n"))
        let crc = String(format: "%08x", WorkloadLog.crc32(Array(text.utf8.prefix(42))))
        #expect(text.dropFirst(43).prefix(8) == Substring(crc))
    }

    @Test("A clean log is consistent; gaps and the median period are measured")
    func consistent() {
        let ms: UInt64 = 1_000_000
        let log = WorkloadLog(data: Self.log(times: [0, 5 * ms, 10 * ms, 1_010 * ms, 1_015 * ms]))
        #expect(log.isConsistent)
        #expect(log.records.map(\.index) == [0, 1, 2, 3, 4])
        #expect(log.largestGap?.nanoseconds == 1_000 * ms)
        #expect(log.largestGap?.before.index == 2)
        #expect(log.medianGapNanoseconds == 5 * ms)
    }

    @Test("A torn tail, a flipped byte and a record out of place are each reported")
    func problems() {
        var data = Self.log(times: [1, 2, 3])
        data.append(Data("000000000003 00000abc".utf8))
        #expect(WorkloadLog(data: data).problems == [.tornTail(bytes: 21)])

        var flipped = Self.log(times: [1, 2, 3])
        flipped[52 + 30] = UInt8(ascii: "9") == flipped[52 + 30] ? UInt8(ascii: "8") : UInt8(ascii: "9")
        let f = WorkloadLog(data: flipped)
        #expect(f.problems == [.badRecord(offset: 52)])
        #expect(f.records.count == 2)

        let a = Self.log(times: [1, 2])
        let shifted = a + a.prefix(52)  // record 0 again where record 2 belongs
        #expect(WorkloadLog(data: shifted).problems == [.indexOutOfPlace(offset: 104, expected: 2, found: 0)])
    }

    @Test("Gaps are only measured within one run")
    func runs() {
        let first = Self.log(run: 1, times: [100, 200])
        let second = WorkloadLog.encode(WorkloadRecord(index: 2, run: 2, monotonicNanoseconds: 9_000_000_000))
        let log = WorkloadLog(data: first + second)
        #expect(log.isConsistent)
        #expect(log.largestGap?.nanoseconds == 100)
    }
}
