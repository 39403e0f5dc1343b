import Foundation
import Lab
import Libvirt

/// Section 6: measurement quality — the same capture (an internal snapshot of a small running guest)
/// repeated, and how far apart the guest-pause times Rewind measures land.
///
/// The pause is the time between the `Suspended` and `Resumed` lifecycle events' callback timestamps
/// (`Lab.pauseWindow(in:)`), next to the wall time of the `virDomainSnapshotCreateXML` call itself; a second
/// row sets it against the pause QEMU itself stamps on its `STOP` and `RESUME` monitor events
/// (`Lab.qemuPauseWindow(in:)`), so the difference is what event dispatch and delivery add.
struct PauseSpreadBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    func run() async -> [BenchRow] {
        let metric = "guest pause, internal snapshot of a running 64 MiB guest"
        if let problem = VerifyBench.liveProblem(options.liveURI) {
            return [.notAvailable(.pause, metric, reason: problem)]
        }
        let uri = options.liveURI ?? ""
        let lab: Lab
        do {
            lab = try context.makeLab(uri: uri, purpose: "pause")
        } catch {
            return [.notAvailable(.pause, metric, reason: "\(error)")]
        }
        var rows: [BenchRow] = []
        do {
            let dom = try lab.makeDomain(diskSizeMiB: 64, memoryMiB: 64)
            let events = try lab.events(dom, [.lifecycle], qemuMonitor: ["STOP", "RESUME"])
            var pauses = Samples(), calls = Samples(), qemuPauses = Samples(), differences = Samples()
            for i in 1...options.pauseRepeats {
                context.progress("pause: internal snapshot \(i)/\(options.pauseRepeats)")
                let xml = SnapshotDefinition(name: "bench-\(i)").xml()
                let call = try await onThread { () throws -> Double in
                    let start = ContinuousClock.now
                    _ = try dom.createSnapshot(xml: xml)
                    return seconds(since: start)
                }
                calls.append(call)
                try await lab.waitForResume(events, timeout: .seconds(30))
                guard let window = lab.pauseWindow(in: events), let stamped = lab.qemuPauseWindow(in: events) else {
                    throw BenchError("snapshot \(i): no Suspended → Resumed or STOP → RESUME pair in the events")
                }
                pauses.append(seconds(window))
                qemuPauses.append(seconds(stamped))
                differences.append(seconds(window) - seconds(stamped))
            }
            rows.append(BenchRow(
                section: .pause, metric: "\(metric), ×\(pauses.count)",
                rewind: Unit.seconds.format(pauses), peer: Unit.seconds.format(calls) + " (API call)",
                ratio: formatRatio(pauses.median / calls.median), target: "report spread",
                notes: String(format: "relative spread (max − min) / median = %.0f %%; interquartile range %@–%@. ", pauses.relativeSpread * 100,
                              Unit.seconds.format(pauses.quantile(0.25)), Unit.seconds.format(pauses.quantile(0.75)))
                    + "Pause = Resumed − Suspended callback timestamps; peer = wall time of `createSnapshot` (ratio: the share of the call the guest is paused)."))
            rows.append(BenchRow(
                section: .pause, metric: "the same pauses, stamped by libvirt's events vs by QEMU, ×\(pauses.count)",
                rewind: Unit.seconds.format(pauses), peer: Unit.seconds.format(qemuPauses) + " (QEMU STOP → RESUME)",
                ratio: formatRatio(pauses.median / qemuPauses.median), target: "report",
                notes: "event window − QEMU window per snapshot: median \(Unit.seconds.format(Samples([differences.median]))), "
                    + "min \(Unit.seconds.format(Samples([differences.values.min() ?? 0]))), max \(Unit.seconds.format(Samples([differences.values.max() ?? 0]))). "
                    + "QEMU stamps its monitor events as it emits them (libvirt-qemu passes them on); libvirt's lifecycle events are "
                    + "stamped when they reach this process, so their window also holds the difference of two delivery delays. "
                    + "Checks that bound a pause use QEMU's window (`lab.qemuPauseWindow`)."))
        } catch {
            rows.append(.notAvailable(.pause, metric, reason: "\(error)"))
        }
        await context.finish(lab)
        return rows
    }
}
