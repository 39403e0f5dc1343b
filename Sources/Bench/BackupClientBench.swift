import Foundation
import Support
import Glibc
import Lab
import Libvirt
import NBD

/// Section 7: a backup chain taken the way the backup-chain guide takes it (pull mode, a checkpoint per
/// backup, the export read with `NBDClient`, stored as sparse raw files) against `virtnbdbackup`, a real
/// client built on the same APIs; then restoring each point of both chains.
///
/// Two lab guests are made identical (the same image content, the same writes at the same moments), one
/// per tool, so neither tool's checkpoints get in the other's way (virtnbdbackup refuses to continue a
/// chain whose newest checkpoint it did not create). Each round deletes both chains' checkpoints, takes a
/// full backup with each tool, then three incrementals, each after the same 10 % of the disk was
/// written to both guests; the order of the two tools alternates. Every restored point of one tool is
/// compared with the same point of the other (SHA-256 of the guest-visible bytes): a difference ends the
/// section with an error instead of a figure.
struct BackupClientBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    /// The guests' disk: 256 MiB, half of it written (8 MiB every 16 MiB) before they start.
    static let diskMiB = 256
    static let stretch = 8 << 20
    static let stride = 16 << 20
    /// Incrementals per chain, each after `dirtyFraction` of the disk was written (1 MiB writes).
    static let incrementals = 3
    static let dirtyFraction = 0.10

    static let metric = "full backup, guide's pull code vs virtnbdbackup"

    func run() async -> [BenchRow] {
        if let problem = VerifyBench.liveProblem(options.liveURI) {
            return [.notAvailable(.backupClient, Self.metric, reason: problem)]
        }
        let uri = options.liveURI ?? ""
        guard uri.hasPrefix("qemu:///") else {
            return [.notAvailable(.backupClient, Self.metric, reason: "virtnbdbackup runs on this machine; \(uri) is not a local QEMU URI")]
        }
        guard let backup = Executable.find("virtnbdbackup"), let restore = Executable.find("virtnbdrestore"),
              let qemuIO = Executable.find("qemu-io"), let qemuImg = Executable.find("qemu-img"),
              let pidwait = Executable.find("pidwait") else {
            return [.notAvailable(.backupClient, Self.metric,
                                  reason: "virtnbdbackup, virtnbdrestore, qemu-io, qemu-img or pidwait not installed (Debian packages virtnbdbackup, qemu-utils, procps)")]
        }
        let lab: Lab
        do {
            lab = try context.makeLab(uri: uri, purpose: "backup-client")
        } catch {
            return [.notAvailable(.backupClient, Self.metric, reason: "\(error)")]
        }
        var rows: [BenchRow] = []
        do {
            rows = try await measure(lab, tools: Tools(backup: backup, restore: restore, qemuIO: qemuIO, qemuImg: qemuImg, pidwait: pidwait, uri: uri))
        } catch {
            rows.append(.notAvailable(.backupClient, Self.metric, reason: "\(error)"))
        }
        await context.finish(lab)
        return rows
    }

    struct Tools {
        var backup: String
        var restore: String
        var qemuIO: String
        var qemuImg: String
        var pidwait: String
        var uri: String
    }

    /// One backup the guide's way: its sparse raw file and, for an incremental, the ranges it holds.
    struct Stored {
        var file: String
        var ranges: [Range<UInt64>]?
    }

    private func measure(_ lab: Lab, tools: Tools) async throws -> [BenchRow] {
        let diskSize = Self.diskMiB << 20
        let ours = try lab.makeDomain(diskSizeMiB: Self.diskMiB, start: false)
        let theirs = try lab.makeDomain(diskSizeMiB: Self.diskMiB, start: false)
        let offsets = Swift.stride(from: 0, to: diskSize, by: Self.stride).map { $0 }
        context.progress("backup client: writing \(offsets.count) × 8 MiB into two \(Self.diskMiB) MiB qcow2 images")
        for dom in [ours, theirs] {
            let image = try lab.diskSource(dom, "vda")
            let fill = try Subprocess.run(tools.qemuIO, ["-f", "qcow2", image] + offsets.flatMap { ["-c", "write -P 0x5a \($0) \(Self.stretch)"] },
                                          captureOutput: true)
            guard fill.status == 0 else {
                throw BenchError("qemu-io could not fill \(image) (status \(fill.status)): " + String(fill.output.suffix(300)))
            }
            try dom.start()
        }
        let written = Double(offsets.count * Self.stretch) / Double(1 << 20)
        let step = max(1, Int((1 / Self.dirtyFraction).rounded()))
        let dirtyMiB = Array(Swift.stride(from: 1, to: Self.diskMiB, by: step)).count   // the same for levels 1…3 (start = level)

        var fullOurs = Samples(), fullTheirs = Samples(), incOurs = Samples(), incTheirs = Samples()
        var restoreOurs = Array(repeating: Samples(), count: Self.incrementals + 1)
        var restoreTheirs = Array(repeating: Samples(), count: Self.incrementals + 1)
        var stillRunning = 0, restores = 0
        let rounds = options.heavyRounds
        for round in 1...rounds {
            for dom in [ours, theirs] { try Self.deleteCheckpoints(dom) }
            let out = try lab.path("vnb-\(round)")
            var chain: [Stored] = []
            let oursFirst = round % 2 == 1
            for level in 0...Self.incrementals {
                if level > 0 {
                    // The same writes to both guests: 10 % of the disk, 1 MiB each, a pattern per step.
                    context.progress("backup client: round \(round)/\(rounds), \(dirtyMiB) MiB written before incremental \(level)")
                    for mib in Swift.stride(from: level, to: Self.diskMiB, by: step) {
                        for dom in [ours, theirs] {
                            _ = try lab.write(dom, pattern: 0x60 &+ UInt8(level), offset: mib << 20, length: 1 << 20)
                        }
                    }
                }
                for useOurs in oursFirst ? [true, false] : [false, true] {
                    if useOurs {
                        let start = ContinuousClock.now
                        chain.append(try await pull(lab, ours, level: level, round: round))
                        let t = seconds(since: start)
                        if level == 0 { fullOurs.append(t) } else { incOurs.append(t) }
                    } else {
                        let r = try await onThread {
                            try Subprocess.run(tools.backup, ["--uri", tools.uri, "--domain", theirs.name, "--level", level == 0 ? "full" : "inc",
                                                              "--output", out, "--scratchdir", lab.directory.path,
                                                              "--socketfile", try lab.path("vnb.sock"), "--noprogress"], captureOutput: true)
                        }
                        guard r.status == 0 else { throw BenchError("virtnbdbackup level \(level) exited \(r.status): \(r.output.suffix(400))") }
                        if level == 0 { fullTheirs.append(r.seconds) } else { incTheirs.append(r.seconds) }
                    }
                }
            }
            // Restore every point both ways; the two must give the same guest-visible bytes.
            for k in 0...Self.incrementals {
                context.progress("backup client: round \(round)/\(rounds), restoring point \(k)")
                let ourFile = try lab.path("ours-\(round)-\(k).raw")
                let start = ContinuousClock.now
                try Self.replay(chain, upTo: k, into: ourFile)
                restoreOurs[k].append(seconds(since: start))

                let target = try lab.path("theirs-\(round)-\(k)")
                let r = try await onThread {
                    try Subprocess.run(tools.restore, ["--uri", tools.uri, "--input", out, "--output", target,
                                                       "--until", "virtnbdbackup.\(k)", "--socketfile", try lab.path("vnr.sock"),
                                                       "--noprogress"], captureOutput: true)
                }
                guard r.status == 0 else { throw BenchError("virtnbdrestore until virtnbdbackup.\(k) exited \(r.status): \(r.output.suffix(400))") }
                // virtnbdrestore returns without waiting for the qemu-nbd it forked (which exits, and writes
                // the image's last metadata, after the client disconnects): the restore is complete only when
                // that qemu-nbd has exited. `pidwait` waits for it (pidfd, no polling); `[q]` keeps the pattern
                // from matching a shell that carries it.
                let waited = try await onThread {
                    try Subprocess.run(tools.pidwait, ["-f", "[q]emu-nbd .*" + target], captureOutput: true)
                }
                if waited.status == 0 { stillRunning += 1 }
                restores += 1
                restoreTheirs[k].append(r.seconds + waited.seconds)

                let images = try FileManager.default.contentsOfDirectory(atPath: target).filter { !$0.hasSuffix(".xml") && !$0.hasSuffix(".log") }
                guard images.count == 1 else { throw BenchError("virtnbdrestore left \(images) in \(target), expected one image") }
                let theirRaw = target + ".raw"
                let convert = try Subprocess.run(tools.qemuImg, ["convert", "-O", "raw", target + "/" + images[0], theirRaw], captureOutput: true)
                guard convert.status == 0 else { throw BenchError("qemu-img convert failed: \(convert.output.suffix(300))") }
                let a = try lab.localSHA256(ourFile), b = try lab.localSHA256(theirRaw)
                guard a == b else {
                    throw BenchError("point \(k) of round \(round): the guide's restore (\(a)) and virtnbdrestore's (\(b)) differ")
                }
                for path in [ourFile, theirRaw, target] { try? FileManager.default.removeItem(atPath: path) }
            }
            for stored in chain { try? FileManager.default.removeItem(atPath: stored.file) }
            try? FileManager.default.removeItem(atPath: out)
        }

        let startup = try Subprocess.run(tools.backup, ["--version"], captureOutput: true)
        var rows: [BenchRow] = []
        let fullRate = (Samples(fullOurs.values.map { written / $0 }), Samples(fullTheirs.values.map { written / $0 }))
        let fullRatio = fullTheirs.median / fullOurs.median
        rows.append(BenchRow(
            section: .backupClient, metric: "full backup, \(Self.diskMiB) MiB disk, \(Int(written)) MiB written",
            rewind: Unit.mebibytesPerSecond.format(fullRate.0), peer: Unit.mebibytesPerSecond.format(fullRate.1) + " (virtnbdbackup)",
            ratio: formatRatio(fullRatio), target: "≥ 1×", verdict: fullRatio >= 1 ? .met : .missed,
            notes: "end to end, job start to job end: the guide's pull code (virDomainBackupBegin with a checkpoint, "
                + "`NBDClient.readAll(to:sparse:)` into a raw file, virDomainAbortJob) \(Unit.seconds.format(fullOurs)) vs "
                + "`virtnbdbackup --level full` (its stream format, Python start included) \(Unit.seconds.format(fullTheirs)); "
                + "ratio = virtnbdbackup's time ÷ the guide's (`virtnbdbackup --version` alone takes \(Unit.seconds.format(startup.seconds)): "
                + "part of its time is starting Python). Two identical lab guests, one per tool; order alternates per round."))
        let incRatio = incTheirs.median / incOurs.median
        rows.append(BenchRow(
            section: .backupClient, metric: "incremental backup, \(Int(Self.dirtyFraction * 100)) % dirty (\(dirtyMiB) MiB in 1 MiB writes)",
            rewind: Unit.seconds.format(incOurs), peer: Unit.seconds.format(incTheirs) + " (virtnbdbackup)",
            ratio: formatRatio(incRatio), target: "≥ 1×", verdict: incRatio >= 1 ? .met : .missed,
            notes: "\(Self.incrementals) incrementals per chain, each from the previous checkpoint with a new one: "
                + "dirty-bitmap block status, `readAll(ranges:)` into a sparse file vs `virtnbdbackup --level inc`; "
                + "\(Unit.mebibytesPerSecond.format(Double(dirtyMiB) / incOurs.median)) vs \(Unit.mebibytesPerSecond.format(Double(dirtyMiB) / incTheirs.median))."))
        for k in 0...Self.incrementals {
            let ratio = restoreTheirs[k].median / restoreOurs[k].median
            rows.append(BenchRow(
                section: .backupClient, metric: "restore, chain of \(k + 1) (full\(k > 0 ? " + \(k) incremental\(k == 1 ? "" : "s")" : ""))",
                rewind: Unit.seconds.format(restoreOurs[k]), peer: Unit.seconds.format(restoreTheirs[k]) + " (virtnbdrestore)",
                ratio: formatRatio(ratio), target: "—", verdict: .none,
                notes: k == 0
                    ? "the guide's restore: copy the full backup's raw file, then write each incremental's ranges at their offsets; "
                        + "`virtnbdrestore --until virtnbdbackup.N` replays its stream files into a new qcow2 through qemu-nbd. "
                        + "Every point of every round: both restores have the same SHA-256 (guest-visible bytes). virtnbdrestore's "
                        + "time includes waiting (`pidwait`) for the qemu-nbd it forked, which was still running when "
                        + "virtnbdrestore returned in \(stillRunning) of \(restores) restores: until it exits the image is incomplete."
                    : "ratio = virtnbdrestore's time ÷ the guide's."))
        }
        return rows
    }

    /// A pull backup of vda the guide's way: full (level 0) or from the previous checkpoint, creating
    /// checkpoint `b.<level>`, read into a sparse raw file.
    private func pull(_ lab: Lab, _ dom: Domain, level: Int, round: Int) async throws -> Stored {
        let socket = try lab.unixSocketPath("pull.sock")
        let file = try lab.path("ours-\(round)-\(level).backup")
        let definition = BackupDefinition(mode: .pull, incremental: level == 0 ? nil : "b.\(level - 1)", server: .unix(socket: socket),
                                          disks: [.init(name: "vda", scratch: try lab.path("pull.scratch"))])
        try dom.beginBackup(xml: definition.xml(), checkpointXML: CheckpointDefinition(name: "b.\(level)").xml())
        let stored = try await onThread { () throws -> Stored in
            FileManager.default.createFile(atPath: file, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
            defer { try? out.close() }
            if level == 0 {
                let client = try NBDClient(uri: "nbd+unix:///vda?socket=\(socket)")
                try client.readAll(to: out, sparse: true)
                try client.shutdown()
                return Stored(file: file, ranges: nil)
            }
            let client = try NBDClient(unixSocket: socket, exportName: "vda", metaContexts: ["qemu:dirty-bitmap:backup-vda"])
            let ranges = try lab.dirtyRanges(client, bitmap: "backup-vda")
            let fd = out.fileDescriptor
            try client.readAll(ranges: ranges, skipZeroes: false) { offset, bytes in
                guard pwrite(fd, bytes.baseAddress, bytes.count, off_t(offset)) == bytes.count else {
                    throw BenchError("pwrite into \(file) failed: \(String(cString: strerror(errno)))")
                }
            }
            try client.shutdown()
            return Stored(file: file, ranges: ranges)
        }
        try dom.abortJob()
        return stored
    }

    /// The guide's restore: the full backup, then each incremental's ranges up to point `k`.
    static func replay(_ chain: [Stored], upTo k: Int, into path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: chain[0].file, toPath: path)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? out.close() }
        for backup in chain[1..<(k + 1)] {
            let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: backup.file))
            defer { try? input.close() }
            for range in backup.ranges ?? [] {
                try input.seek(toOffset: range.lowerBound)
                try out.seek(toOffset: range.lowerBound)
                try out.write(contentsOf: try input.read(upToCount: range.count) ?? Data())
            }
        }
    }

    /// Deletes every checkpoint of `dom`, newest first (each delete merges into the parent, so leaves go first).
    static func deleteCheckpoints(_ dom: Domain) throws {
        for checkpoint in try dom.listCheckpoints(.topological).reversed() {
            try checkpoint.delete()
        }
    }
}
