import Foundation
import Glibc
import Reports
import Testing
@testable import Lab
import Libvirt
@testable import Runner

extension SafetyTests {
    /// Faults injected during backups on the live host, one snippet each, through `rewind verify`: each
    /// snippet ends with a clear verdict, the run goes on to the next one, and nothing is left behind.
    ///
    /// Not injected: restarting libvirtd mid-run. The only libvirtd here is the shared development daemon,
    /// which these tests must not stop; a second daemon for the same `qemu:///system` driver state cannot
    /// run beside it.
    @Suite("Faults (live)", .enabled(if: Safety.live))
    struct Faults {
        static let guide = #"""
            # Faults

            ```swift context=faults prelude
            # import Glibc
            func faultDomain(_ suffix: String, mib: Int) throws -> Domain {
                let type: VirtType = FileManager.default.fileExists(atPath: "/dev/kvm") ? .kvm : .qemu
                var def = DomainDefinition(name: lab.name(suffix), type: type, metadata: [.rewindLab(run: lab.runID)])
                let imageDirectory = "/var/lib/libvirt/images/rewind/\(lab.runID)"
                try FileManager.default.createDirectory(atPath: imageDirectory, withIntermediateDirectories: true)
                let image = imageDirectory + "/\(suffix)-vda.qcow2"
                try tool("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", image, "\(mib)M"])
                // Allocated data, so that a full backup has something to copy for a while.
                try tool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 0 \(mib)M", image])
                def.disks = [.init(target: "vda", source: image)]
                let dom = try lab.connection.defineDomain(xml: def.xml())
                lab.onTeardown {
                    if (try? dom.isActive()) == true { try dom.destroy() }
                    try dom.undefine([.checkpointsMetadata, .snapshotsMetadata])
                    try FileManager.default.removeItem(atPath: imageDirectory)
                }
                try dom.start()
                return dom
            }
            @Sendable func tool(_ path: String, _ arguments: [String]) throws {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: path)
                p.arguments = arguments
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                try lab.expect(p.terminationStatus == 0, "\(path) \(arguments.joined(separator: " ")) failed")
            }
            func waitUntil(_ what: String, seconds: Double = 30, _ condition: () throws -> Bool) throws {
                let deadline = Date().addingTimeInterval(seconds)
                while try !condition() {
                    if Date() > deadline { try lab.fail("timed out after \(Int(seconds)) s waiting until \(what)") }
                    usleep(20_000)
                }
            }
            func pushBackup(_ dom: Domain, to target: String, incremental: String? = nil) throws {
                let backup = BackupDefinition(mode: .push, incremental: incremental,
                                              disks: [.init(name: "vda", target: target, driverType: .qcow2)])
                try dom.beginBackup(xml: backup.xml())
            }
            ```

            The QEMU process of a lab guest is killed while a push backup runs.

            ```swift id=qemu-killed-during-backup context=faults
            let dom = try faultDomain("killed", mib: 256)
            try pushBackup(dom, to: lab.directory.appendingPathComponent("killed.qcow2").path)
            try lab.expect(LabOwnership.isOwned(dom, run: lab.runID), "only a domain this lab made is killed")
            let pidText = try String(contentsOfFile: "/run/libvirt/qemu/\(dom.name).pid", encoding: .utf8)
            guard let pid = pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else { try lab.fail("no pid in \(pidText)") }
            try lab.expect(kill(pid, SIGKILL) == 0, "kill \(pid)")
            lab.recordEvent("qemu killed", detail: "pid \(pid)")
            try waitUntil("the domain is shut off") { !(try dom.isActive()) }
            let state = try dom.state()
            lab.note("after the kill: \(state)")
            try lab.expectEqual(state.state, .shutoff)
            try lab.expectEqual(state.reasonName, "CRASHED")
            ```

            The guest is destroyed while a push backup runs.

            ```swift id=guest-destroyed-during-backup context=faults
            let dom = try faultDomain("destroyed", mib: 256)
            try pushBackup(dom, to: lab.directory.appendingPathComponent("destroyed.qcow2").path)
            try lab.expect(try dom.jobInfo().type != .none, "the backup job runs")
            try dom.destroy()
            let state = try dom.state()
            lab.note("after destroy: \(state)")
            try lab.expectEqual(state.state, .shutoff)
            try lab.expectEqual(state.reasonName, "DESTROYED")
            // The job went with the guest: a new one can start after a restart.
            try dom.start()
            try lab.expectEqual(try dom.jobInfo().type, .none)
            ```

            The backup target's file system fills up during a push backup.

            ```swift id=target-full-during-backup context=faults
            let dom = try faultDomain("full", mib: 64)
            let small = lab.directory.appendingPathComponent("small").path
            try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
            try tool("/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "rewind-safe-full", small])
            lab.onTeardown { try tool("/bin/umount", ["-l", small]) }
            try pushBackup(dom, to: small + "/full.qcow2")
            try waitUntil("the backup job ends") { try dom.jobInfo().type == .none }
            let done = try dom.jobStats(flags: .completed)
            lab.note("job \(done.type): \(done.errmsg ?? "no message")")
            try lab.expectEqual(done.type, .failed)
            try lab.expect(done.errmsg?.contains("No space left on device") == true, "error: \(done.errmsg ?? "none")")
            try lab.expect(try dom.isActive(), "the guest keeps running")
            ```

            A checkpoint's metadata is lost while its bitmap stays in the image: a new checkpoint of the same
            name is refused, and redefining the saved XML (validated against the bitmap) brings it back.

            ```swift id=checkpoint-metadata-lost context=faults
            let dom = try faultDomain("cp", mib: 16)
            let cp = try dom.createCheckpoint(xml: CheckpointDefinition(name: "cp1").xml())
            let saved = try cp.xmlDescription()
            try cp.delete(.metadataOnly)
            try lab.expect(try dom.listCheckpoints().isEmpty, "the metadata is gone")
            var refused: LibvirtError?
            do {
                _ = try dom.createCheckpoint(xml: CheckpointDefinition(name: "cp1").xml())
            } catch {
                refused = error
            }
            guard let error = refused else { try lab.fail("a second checkpoint cp1 was accepted") }
            lab.note("recreating cp1: \(error.code.name): \(error.message)")
            try lab.expect(error.message.contains("cp1"), "the refusal names the bitmap: \(error.message)")
            let again = try dom.createCheckpoint(xml: saved, flags: [.redefine, .redefineValidate])
            try lab.expectEqual(again.name, "cp1")
            try pushBackup(dom, to: lab.directory.appendingPathComponent("incremental.qcow2").path, incremental: "cp1")
            try waitUntil("the incremental backup ends") { try dom.jobInfo().type == .none }
            try lab.expectEqual(try dom.jobStats(flags: .completed).type, .completed)
            ```

            After all that, an ordinary backup still works.

            ```swift id=still-works context=faults
            let dom = try faultDomain("after", mib: 16)
            try pushBackup(dom, to: lab.directory.appendingPathComponent("after.qcow2").path)
            try waitUntil("the backup ends") { try dom.jobInfo().type == .none }
            try lab.expectEqual(try dom.jobStats(flags: .completed).type, .completed)
            ```
            """#

        @Test("QEMU killed, guest destroyed, target full, checkpoint metadata lost: verdicts, run continues, nothing left")
        func faults() async throws {
            let root = try Safety.makeRoot(text: ["faults.md": Self.guide])
            defer { try? FileManager.default.removeItem(at: root) }
            let session = Safety.sessionID()
            let json = root.appendingPathComponent("results.json").path
            let run = try await Safety.verify(root: root, uri: "qemu:///system",
                                              extra: ["--session-id", session, "--json", json, "--timeout", "120"])
            defer { SafetyTests.BadInput.removeLeftovers(session: session, uri: "qemu:///system") }
            let results = try JSONWriter.decode(Data(contentsOf: URL(fileURLWithPath: json)))
            let byID = Dictionary(uniqueKeysWithValues: results.hosts[0].results.map { ($0.id, $0) })
            for id in ["qemu-killed-during-backup", "guest-destroyed-during-backup", "target-full-during-backup",
                       "checkpoint-metadata-lost", "still-works"] {
                let r = try #require(byID[id], "\(id) has no result:\n\(run)")
                #expect(r.verdict == .pass, "\(id): \(r.message ?? "") \(r.evidence?.notes ?? []) \(r.stderr ?? "")")
                #expect(r.cleanup == nil, "\(id) left things behind: \(r.cleanup ?? [])")
            }
            #expect(run.status == 0, "\(run)")
            try SafetyTests.BadInput.expectNothingLeft(session: session, uri: "qemu:///system")
            let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
            #expect(!mounts.contains("rewind-safe-full"), "a tmpfs of the test is still mounted")
        }
    }
}
