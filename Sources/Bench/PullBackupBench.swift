import Foundation
import Support
import Lab
import Libvirt
import NBD

/// Section 3: reading a pull-mode backup's NBD export — Rewind's `NBDClient.readAll` against `nbdcopy`
/// on the same export of a lab guest's disk, about half of it written, rounds alternating; then
/// incremental pulls after writing 1 %, 10 % and 50 % of the disk, reading only the dirty extents.
struct PullBackupBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    /// Bytes of a stretch of pattern written before the guest starts, and the distance between stretches.
    static let stretch = 8 << 20
    static let stride = 16 << 20
    static let pattern: UInt8 = 0x5a

    func run() async -> [BenchRow] {
        if let problem = VerifyBench.liveProblem(options.liveURI) {
            return [.notAvailable(.pullBackup, "full pull, readAll vs nbdcopy", reason: problem)]
        }
        let uri = options.liveURI ?? ""
        guard let nbdcopy = Executable.find("nbdcopy"), let qemuIO = Executable.find("qemu-io") else {
            return [.notAvailable(.pullBackup, "full pull, readAll vs nbdcopy", reason: "nbdcopy or qemu-io not installed (libnbd-bin, qemu-utils)")]
        }
        let lab: Lab
        do {
            lab = try context.makeLab(uri: uri, purpose: "pull-backup")
        } catch {
            return [.notAvailable(.pullBackup, "full pull, readAll vs nbdcopy", reason: "\(error)")]
        }
        var rows: [BenchRow] = []
        do {
            try await measure(lab, nbdcopy: nbdcopy, qemuIO: qemuIO, rows: &rows)
        } catch {
            rows.append(.notAvailable(.pullBackup, rows.isEmpty ? "full pull, readAll vs nbdcopy" : "incremental pull",
                                      reason: "\(error)"))
        }
        await context.finish(lab)
        return rows
    }

    private func measure(_ lab: Lab, nbdcopy: String, qemuIO: String, rows: inout [BenchRow]) async throws {
        let diskSize = options.backupDiskMiB << 20
        let dom = try lab.makeDomain(diskSizeMiB: options.backupDiskMiB, start: false)
        let image = try lab.diskSource(dom, "vda")

        // Half the disk written before the guest starts: 8 MiB of 0x5a every 16 MiB.
        let offsets = Swift.stride(from: 0, to: diskSize, by: Self.stride).map { $0 }
        context.progress("pull backup: writing \(offsets.count) × 8 MiB into a \(options.backupDiskMiB) MiB qcow2 with qemu-io")
        let commands = offsets.flatMap { ["-c", "write -P 0x5a \($0) \(Self.stretch)"] }
        let fill = try Subprocess.run(qemuIO, ["-f", "qcow2", image] + commands, captureOutput: true)
        let wrote = fill.output.components(separatedBy: "\n").filter { $0.hasPrefix("wrote \(Self.stretch)/\(Self.stretch) bytes") }.count
        guard fill.status == 0, wrote == offsets.count else {
            throw BenchError("qemu-io wrote \(wrote) of \(offsets.count) stretches (status \(fill.status)): \(fill.output.suffix(300))")
        }
        let written = UInt64(offsets.count * Self.stretch)
        try dom.start()

        // Full pull backup on a UNIX socket.
        let socket = try lab.unixSocketPath("full.sock")
        try dom.beginBackup(xml: BackupDefinition(mode: .pull, server: .unix(socket: socket),
                                                  disks: [.init(name: "vda", scratch: try lab.path("full.scratch"))]).xml())
        let uri = "nbd+unix:///vda?socket=\(socket)"

        // Correctness first (untimed): what both tools read is the pattern where written, zero elsewhere.
        let check = try lab.openExport(socket: socket)
        for offset in [offsets[0], offsets[offsets.count / 2], offsets[offsets.count - 1]] {
            guard try lab.exportHasPattern(check, pattern: Self.pattern, offset: offset, length: Self.stretch),
                  try lab.exportHasPattern(check, pattern: 0, offset: offset + Self.stretch, length: 1 << 20) else {
                throw BenchError("the export does not hold the written pattern at offset \(offset)")
            }
        }
        try check.shutdown()

        var ours = Samples(), theirs = Samples()
        var summary = ReadAllSummary()
        for round in 1...options.rounds {
            context.progress("pull backup: full read round \(round)/\(options.rounds) (nbdcopy, then readAll; order alternates)")
            let order = round % 2 == 1 ? [false, true] : [true, false]
            for useRewind in order {
                if useRewind {
                    let (t, s) = try await onThread { () throws -> (Double, ReadAllSummary) in
                        let start = ContinuousClock.now
                        let client = try NBDClient(uri: uri)
                        let s = try client.readAll { _, _ in }
                        try client.shutdown()
                        return (seconds(since: start), s)
                    }
                    ours.append(t)
                    summary = s
                } else {
                    let r = try await onThread { try Subprocess.run(nbdcopy, [uri, "null:"], captureOutput: true) }
                    guard r.status == 0 else { throw BenchError("nbdcopy failed (status \(r.status)): \(r.output.suffix(300))") }
                    theirs.append(r.seconds)
                }
            }
        }
        guard summary.bytes == UInt64(diskSize), summary.bytesRead == written else {
            throw BenchError("readAll delivered \(summary.bytes) bytes, read \(summary.bytesRead); expected \(diskSize), \(written)")
        }
        try dom.abortJob()

        let mib = Double(written) / Double(1 << 20)
        let ourRate = Samples(ours.values.map { mib / $0 })
        let theirRate = Samples(theirs.values.map { mib / $0 })
        let ratio = ourRate.median / theirRate.median
        rows.append(BenchRow(
            section: .pullBackup, metric: "full pull, \(options.backupDiskMiB) MiB disk, \(Int(mib)) MiB written",
            rewind: Unit.mebibytesPerSecond.format(ourRate), peer: Unit.mebibytesPerSecond.format(theirRate),
            ratio: formatRatio(ratio), target: "≥ 0.9×", verdict: ratio >= 0.9 ? .met : .missed,
            notes: "throughput of written data; readAll (defaults: 4 MiB chunks, 256 KiB × 8 in flight, skip zero extents, "
                + "null sink, connect included) \(Unit.seconds.format(ours)) vs `nbdcopy nbd+unix:///vda?socket=S null:` "
                + "\(Unit.seconds.format(theirs)); both read \(Int(mib)) MiB (holes skipped), \(summary.readRequests) requests."))

        // Incremental pulls: checkpoint, write a fraction of the disk (1 MiB writes spread evenly through
        // the guest's disk device), pull from the checkpoint, read only the dirty extents.
        let fullSecondsPerByte = ours.median / Double(written)
        var incremental: [(fraction: Double, dirty: UInt64, times: Samples, perExtent: Samples, ranges: Int)] = []
        for (i, fraction) in [0.01, 0.10, 0.50].enumerated() {
            let checkpoint = "bench-c\(i)"
            _ = try dom.createCheckpoint(xml: CheckpointDefinition(name: checkpoint, disks: [.init(name: "vda")]).xml())
            let step = max(1, Int((1 / fraction).rounded()))
            let writes = Swift.stride(from: 0, to: options.backupDiskMiB, by: step).map { $0 }
            context.progress("pull backup: \(Int(fraction * 100)) % dirty: \(writes.count) guest writes of 1 MiB")
            for mib in writes {
                try lab.write(dom, pattern: 0x60 &+ UInt8(i), offset: mib << 20, length: 1 << 20)
            }
            let incSocket = try lab.unixSocketPath("inc\(i).sock")
            try dom.beginBackup(xml: BackupDefinition(mode: .pull, incremental: checkpoint, server: .unix(socket: incSocket),
                                                      disks: [.init(name: "vda", scratch: try lab.path("inc\(i).scratch"))]).xml())
            var times = Samples(), perExtent = Samples()
            var dirtyBytes: UInt64 = 0
            var rangeCount = 0
            for round in 1...options.rounds {
                // Rewind's way (one pipeline over all dirty extents) and, for comparison, one readAll per
                // extent; the order alternates.
                for pipelined in round % 2 == 1 ? [true, false] : [false, true] {
                    let (t, bytes, count) = try await onThread { () throws -> (Double, UInt64, Int) in
                        let start = ContinuousClock.now
                        let client = try NBDClient(unixSocket: incSocket, exportName: "vda",
                                                   metaContexts: ["qemu:dirty-bitmap:backup-vda"])
                        let ranges = try lab.dirtyRanges(client, bitmap: "backup-vda")
                        var bytes: UInt64 = 0
                        if pipelined {
                            bytes = try client.readAll(ranges: ranges, skipZeroes: false) { _, _ in }.bytesRead
                        } else {
                            for r in ranges {
                                bytes += try client.readAll(skipZeroes: false, offset: r.lowerBound,
                                                            length: UInt64(r.count)) { _, _ in }.bytesRead
                            }
                        }
                        try client.shutdown()
                        return (seconds(since: start), bytes, ranges.count)
                    }
                    if pipelined { times.append(t) } else { perExtent.append(t) }
                    dirtyBytes = bytes
                    rangeCount = count
                }
            }
            guard dirtyBytes == UInt64(writes.count << 20) else {
                throw BenchError("\(Int(fraction * 100)) %: the bitmap marks \(dirtyBytes) bytes dirty, \(writes.count << 20) were written")
            }
            try dom.abortJob()
            incremental.append((fraction, dirtyBytes, times, perExtent, rangeCount))
        }
        for inc in incremental {
            let proportional = fullSecondsPerByte * Double(inc.dirty)
            let ratio = inc.times.median / proportional
            let rate = Samples(inc.times.values.map { Double(inc.dirty) / Double(1 << 20) / $0 })
            rows.append(BenchRow(
                section: .pullBackup, metric: "incremental pull, \(Int(inc.fraction * 100)) % dirty (\(inc.dirty >> 20) MiB in \(inc.ranges) extents)",
                rewind: Unit.seconds.format(inc.times), peer: Unit.seconds.format(proportional) + " (∝ full read)",
                ratio: formatRatio(ratio), target: "∝ dirty bytes (≤ 1.5×)", verdict: ratio <= 1.5 ? .met : .missed,
                notes: "connect + dirty bitmap block status + `readAll(ranges:)` over the dirty extents; \(Unit.mebibytesPerSecond.format(rate.median)) "
                    + "(one `readAll(offset:length:)` per extent instead: \(Unit.seconds.format(inc.perExtent.median))). "
                    + "Peer: the full read's time per byte × dirty bytes (ratio 1× = exactly proportional)."))
        }
    }
}
