import Foundation
import Lab
import Libvirt

/// Section 6: measurement quality — the same capture (an internal snapshot of a small running guest)
/// repeated, and how far apart the guest-pause times Rewind measures land.
///
/// The pause is the time between the `Suspended` and `Resumed` lifecycle events' callback timestamps
/// (`Lab.pauseWindow(in:)`), next to the wall time of the `virDomainSnapshotCreateXML` call itself.
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
        var row: BenchRow
        do {
            let dom = try lab.makeDomain(diskSizeMiB: 64, memoryMiB: 64)
            let events = try lab.events(dom, [.lifecycle])
            var pauses = Samples(), calls = Samples()
            for i in 1...options.pauseRepeats {
                context.progress("pause: internal snapshot \(i)/\(options.pauseRepeats)")
                let xml = SnapshotDefinition(name: "bench-\(i)").xml()
                let call = try await onThread { () throws -> Double in
                    let start = ContinuousClock.now
                    _ = try dom.createSnapshot(xml: xml)
                    return seconds(since: start)
                }
                calls.append(call)
                _ = try await lab.waitFor(events, timeout: .seconds(30)) { $0.kind.lifecycle?.event == .resumed }
                guard let window = lab.pauseWindow(in: events) else {
                    throw BenchError("snapshot \(i): no Suspended → Resumed pair in the events")
                }
                pauses.append(seconds(window))
            }
            row = BenchRow(
                section: .pause, metric: "\(metric), ×\(pauses.count)",
                rewind: Unit.seconds.format(pauses), peer: Unit.seconds.format(calls) + " (API call)",
                ratio: formatRatio(pauses.median / calls.median), target: "report spread",
                notes: String(format: "relative spread (max − min) / median = %.0f %%; interquartile range %@–%@. ", pauses.relativeSpread * 100,
                              Unit.seconds.format(pauses.quantile(0.25)), Unit.seconds.format(pauses.quantile(0.75)))
                    + "Pause = Resumed − Suspended callback timestamps; peer = wall time of `createSnapshot` (ratio: the share of the call the guest is paused).")
        } catch {
            row = .notAvailable(.pause, metric, reason: "\(error)")
        }
        await context.finish(lab)
        return [row]
    }
}
