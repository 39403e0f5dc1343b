import Foundation
import Lab
import Libvirt

/// Part of section 2: what one lab guest costs a host to start and destroy, in CPU and in wall time, on
/// every live host of the run.
///
/// Almost every live snippet starts at least one QEMU process, so this cost, times the number of starts,
/// is the part of the suite's CPU work no scheduling can hide. It is measured with the machine's CPU
/// (`CPUMeter`: all processes, so QEMU, libvirtd and this process together) over `cycles` start + destroy
/// cycles of one stopped lab guest (the guest every snippet gets from `lab.makeDomain()`: 64 MiB, one
/// 64 MiB qcow2 disk, the halting firmware), after one untimed cycle.
///
/// It differs by release: starting a guest, libvirt 9.0 reads the vCPU's ~400 boolean feature properties
/// with one QMP `qom-get` each, and QEMU 7.2 reads each QMP command from its socket one byte at a time.
/// libvirt 12.8's QEMU driver and QEMU 11.1 both know `qom-list-get`, which reads many properties in one
/// command (the string is in neither libvirt 11.3's driver nor QEMU 10.0, nor in 9.0 or 7.2); there a start
/// costs a quarter of the CPU.
struct StartCostBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    static let cycles = 10

    func rows(uris: [String]) async -> [BenchRow] {
        var rows: [BenchRow] = []
        for uri in uris {
            rows.append(await row(uri: uri))
        }
        return rows
    }

    func row(uri: String) async -> BenchRow {
        let metric = "lab guest start + destroy, \(uri)"
        let lab: Lab
        do {
            lab = try context.makeLab(uri: uri, purpose: "start-cost")
        } catch {
            return .notAvailable(.verify, metric, reason: "\(error)")
        }
        let row = measure(lab, metric: metric)
        await context.finish(lab)
        return row
    }

    private func measure(_ lab: Lab, metric: String) -> BenchRow {
        do {
            let versions = "libvirt \(try lab.connection.libraryVersion), QEMU \(try lab.connection.hypervisorVersion)"
            let dom = try lab.makeDomain(start: false)
            try dom.start()                       // untimed: page cache and libvirt's capability cache warm
            try dom.destroy()
            context.progress("verify: start cost on \(lab.uri), \(Self.cycles) cycles")
            var starts = Samples(), destroys = Samples()
            guard let before = CPUMeter.Reading.now() else { throw BenchError("no /proc/stat to read") }
            let begin = ContinuousClock.now
            for _ in 1...Self.cycles {
                let t0 = ContinuousClock.now
                try dom.start()
                let t1 = ContinuousClock.now
                try dom.destroy()
                starts.append(seconds(t1 - t0))
                destroys.append(seconds(ContinuousClock.now - t1))
            }
            let wall = seconds(since: begin)
            guard let used = CPUMeter.used(since: before) else { throw BenchError("no /proc/stat to read") }
            let perCycle = used.busySeconds / Double(Self.cycles)
            return BenchRow(
                section: .verify, metric: "\(metric) (\(versions)), CPU per cycle",
                rewind: String(format: "%.3f CPU-s", perCycle),
                peer: Unit.seconds.format(Samples([wall / Double(Self.cycles)])) + " (wall per cycle)",
                target: "report",
                notes: "Machine CPU (all processes, /proc/stat) over \(Self.cycles) `virDomainCreate` + `virDomainDestroy` "
                    + "cycles of one lab guest (64 MiB, one 64 MiB qcow2 disk, halting firmware), "
                    + String(format: "%.0f %% busy. ", used.busyFraction * 100)
                    + "Start \(Unit.seconds.format(starts)), destroy \(Unit.seconds.format(destroys)) (wall). "
                    + "Every live snippet pays at least one such start.")
        } catch {
            return .notAvailable(.verify, metric, reason: "\(error)")
        }
    }
}
