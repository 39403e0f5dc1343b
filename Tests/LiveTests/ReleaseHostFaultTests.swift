import Foundation
import Glibc
@testable import Lab
import Libvirt
@testable import LiveHost
import NBD
import RewindXML
import Testing

/// Faults that need a daemon of our own: libvirtd restarted in the middle of a pull backup and of a block
/// copy, on a release host Rewind started (`rewind host start --release sid` or `trixie`). What must survive:
/// the running domain (the new libvirtd reconnects to its QEMU), the checkpoint metadata, and the job's data
/// path; what the old client sees: an error code, never a hang. Nothing is left behind afterwards.
///
/// Runs with REWIND_LIVE=1 when a release host runs; cancelled, saying so, when none does.
@Suite("release host: libvirtd restarted mid-job (REWIND_LIVE=1)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
struct ReleaseHostFaultTests {
    static let MiB = 1 << 20

    /// The running release host to use, or a cancellation naming what to start.
    static func release() throws -> Release {
        guard let r = ReleaseHost.running().last else {
            try Test.cancel("no release host runs: start one with `rewind host start --release sid`")
        }
        return r
    }

    /// A lab on the release host, reached only through its URI and its host access.
    static func lab(_ release: Release, label: String) throws -> Lab {
        let run = LabTestSupport.runID(label)
        let connection = try Connection(uri: release.tcpURI)
        let access = HostAccess.resolve(uri: release.tcpURI)
        guard case .namespace = access else { throw HostCommandFailure("expected namespace access, got \(access)") }
        let local = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-\(run)", isDirectory: true)
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        let dir = URL(fileURLWithPath: HostAccess.remoteLabDirectory(runID: run), isDirectory: true)
        let lab = Lab(connection: connection, directory: dir, localDirectory: local, host: access, runID: run, snippetID: label)
        try lab.makeHostDirectory(dir.path)
        return lab
    }

    /// Ends the lab whatever state its connection is in: teardown (errors from a dead connection are
    /// expected), then Rewind's own sweep over a fresh connection, then the checks that nothing is left.
    static func finish(_ lab: Lab, release: Release) async throws {
        _ = await lab.runTeardown()
        let swept = LabCleanup.run(uri: release.tcpURI, runID: lab.runID, labDirectory: lab.localDirectory.path)
        let fresh = try Connection(uri: release.tcpURI)
        defer { fresh.close() }
        #expect(try fresh.listDomains().map(\.name).filter { $0.hasPrefix(lab.resourcePrefix) } == [], "swept: \(swept)")
        let left = HostAccess.runQuietly(lab.host.commandLine(["sh", "-c", "[ -e \"$1\" ] && echo \"$1\"; true", "sh",
                                                               lab.directory.path])!)
        #expect(left == [], "the lab directory on the host is gone")
    }

    /// The codes a client may see when its libvirtd goes away under it.
    static let lostConnectionCodes: Set<LibvirtError.Code> = [.systemError, .internalError, .rpc, .noConnect, .operationFailed]

    @Test("a pull backup across a libvirtd restart: the domain and checkpoints survive, the old client gets an error, an incremental from the checkpoint holds exactly the writes since")
    func pullBackupAcrossRestart() async throws {
        let release = try Self.release()
        let lab = try Self.lab(release, label: "fault-pull")
        do {
            let dom = try lab.makeDomain()
            try lab.write(dom, pattern: 0x5a, offset: 0, length: Self.MiB)
            _ = try dom.createCheckpoint(xml: CheckpointDefinition(name: "c1").xml())
            let server = try lab.nbdServer("backup.sock")
            try dom.beginBackup(xml: BackupDefinition(mode: .pull, server: server, disks: [
                .init(name: "vda", scratch: try lab.path("vda.scratch.qcow2"))]).xml())
            let export = try lab.openExport(server)
            #expect(try lab.exportHasPattern(export, pattern: 0x5a, offset: 0, length: Self.MiB))

            let restarted = try ReleaseHost.restartLibvirtd(release)
            // The old connection is gone: a call fails with an error code, it does not hang.
            var oldError: LibvirtError?
            do { _ = try dom.jobStats() } catch { oldError = error }
            #expect(oldError.map { Self.lostConnectionCodes.contains($0.code) } == true,
                    "old connection after the restart: \(String(describing: oldError))")

            let fresh = try Connection(uri: release.tcpURI)
            defer { fresh.close() }
            #expect(try fresh.hostname == release.hostName, "the restarted libvirtd keeps the release's host name")
            let again = try fresh.lookupDomain(name: dom.name)
            #expect(try again.isActive(), "the domain survived the restart of \(restarted)")
            #expect(try again.listCheckpoints().map(\.name) == ["c1"], "checkpoint metadata survived")
            // The backup job: either reconnected (still a backup) or ended by libvirt on reconnect; either way the
            // daemon says which, and ending it leaves a domain without a job.
            let stats = try again.jobStats()
            FileHandle.standardError.write(Data("fault-pull: after the restart the job is \(stats.type) \(String(describing: stats.operation)) on libvirt \(try fresh.libraryVersion)\n".utf8))
            if stats.type != .none {
                #expect(stats.operation == .backup)
                // The job survived: its export still serves the disk as of the backup's start.
                try lab.write(again, pattern: 0x11, offset: 0, length: Self.MiB)
                let reopened = try lab.openExport(server)
                #expect(try lab.exportHasPattern(reopened, pattern: 0x5a, offset: 0, length: Self.MiB),
                        "the export still holds the pre-start data after the restart")
                try reopened.shutdown()
                try again.abortJob()
            }
            try await poll("no job after the backup ended") { try again.jobStats().type == .none }
            try? export.shutdown()

            // The chain goes on across the restart: an incremental from c1, taken through the new daemon,
            // holds exactly what was written since c1 (the 0x11 write when the job survived, and this one).
            try lab.write(again, pattern: 0x22, offset: 8 * Self.MiB, length: Self.MiB)
            let incServer = try lab.nbdServer("incremental.sock")
            try again.beginBackup(xml: BackupDefinition(mode: .pull, incremental: "c1", server: incServer, disks: [
                .init(name: "vda", scratch: try lab.path("vda.inc-scratch.qcow2"))]).xml())
            let inc = try lab.openExport(incServer, metaContexts: ["qemu:dirty-bitmap:backup-vda"])
            let dirty = try lab.dirtyRanges(inc, bitmap: "backup-vda")
            let mib = UInt64(Self.MiB)
            let expected: [Range<UInt64>] = (stats.type != .none ? [0..<mib] : []) + [(8 * mib)..<(9 * mib)]
            #expect(dirty == expected, "dirty since c1 after the restart: \(dirty)")
            #expect(try lab.exportHasPattern(inc, pattern: 0x22, offset: 8 * Self.MiB, length: Self.MiB))
            try inc.shutdown()
            try again.abortJob()
            try await poll("no job after the incremental") { try again.jobStats().type == .none }
            try again.destroy()
        } catch {
            try await Self.finish(lab, release: release)
            throw error
        }
        try await Self.finish(lab, release: release)
    }

    @Test("a block copy across a libvirtd restart: the mirror is reconnected and can still pivot")
    func blockCopyAcrossRestart() async throws {
        let release = try Self.release()
        let lab = try Self.lab(release, label: "fault-copy")
        do {
            let dom = try lab.makeDomain()
            let dest = try lab.path("vda.copy.qcow2")
            try lab.write(dom, pattern: 0x6b, offset: 0, length: Self.MiB)
            try dom.blockCopy(disk: "vda", destinationXML: lab.diskXML(file: dest), flags: .transientJob)
            try await poll("the copy to be ready") {
                guard let i = try dom.blockJobInfo(disk: "vda") else { return false }
                return i.end > 0 && i.cur == i.end
            }
            _ = try ReleaseHost.restartLibvirtd(release)

            let fresh = try Connection(uri: release.tcpURI)
            defer { fresh.close() }
            let again = try fresh.lookupDomain(name: dom.name)
            #expect(try again.isActive())
            let info = try again.blockJobInfo(disk: "vda")
            #expect(info?.type == .copy, "the copy job is known to the new daemon: \(String(describing: info))")
            try await poll("the reconnected copy to be ready") {
                guard let i = try again.blockJobInfo(disk: "vda") else { return false }
                return i.end > 0 && i.cur == i.end
            }
            try again.blockJobAbort(disk: "vda", flags: .pivot)
            try await poll("the pivot to finish") { try again.blockJobInfo(disk: "vda") == nil }
            #expect(try lab.diskSource(again, "vda") == dest, "the domain runs on the copy")
            try lab.expectPattern(again, pattern: 0x6b, offset: 0, length: Self.MiB)
            try again.destroy()
        } catch {
            try await Self.finish(lab, release: release)
            throw error
        }
        try await Self.finish(lab, release: release)
    }
}
