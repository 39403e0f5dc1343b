import Foundation
import Testing
@testable import Bench

@Suite("CPU meter (/proc/stat)")
struct CPUMeterTests {
    @Test("the cpu line: busy = all but idle and iowait; guest time is not counted twice")
    func parse() throws {
        let text = """
            cpu  100 5 50 800 40 3 2 0 70 0
            cpu0 50 2 25 400 20 1 1 0 35 0
            """
        let reading = try #require(CPUMeter.Reading.parse(text))
        #expect(reading.total == 1000)
        #expect(reading.busy == 160)
        #expect(CPUMeter.Reading.parse("intr 1 2 3") == nil)
        #expect(CPUMeter.Reading.parse("cpu 1 2 3") == nil)
    }

    @Test("usage between two readings, and the note's floor on N CPUs")
    func usage() throws {
        let before = CPUMeter.Reading(busy: 1000, total: 5000)
        let after = CPUMeter.Reading(busy: 1750, total: 6000)
        let used = try #require(CPUMeter.usage(from: before, to: after, ticksPerSecond: 100))
        #expect(used.busySeconds == 7.5)
        #expect(used.busyFraction == 0.75)
        #expect(CPUMeter.usage(from: after, to: before, ticksPerSecond: 100) == nil)
        #expect(VerifyBench.cpuNote([used], cpus: 2).contains("75 % busy, 7.5 CPU-s, i.e. ≥ 3.8 s of pure CPU work on 2 CPUs"))
        #expect(VerifyBench.cpuNote([], cpus: 2) == "")
    }

    @Test("this machine's readings never go back")
    func live() throws {
        let before = try #require(CPUMeter.Reading.now())
        let after = try #require(CPUMeter.Reading.now())
        #expect(after.total >= before.total && after.busy >= before.busy && before.busy <= before.total)
    }
}
