import Foundation
import Glibc
@testable import Lab
import Libvirt
import NBD
import Support
import Testing

/// Lab fixtures on libvirt's test driver and on plain files: no daemon, no QEMU guest (runs without
/// `REWIND_LIVE`). Each lab has a private test-driver state.
@Suite("Lab fixtures (test driver, files)")
struct LabTestDriverTests {
    @Test("makeDomain defines, starts and tags test-driver guests; teardown removes them and only them")
    func makeDomainAndTeardown() async throws {
        let lab = try LabTestSupport.testDriverLab(snippetID: "make-domain")
        #expect(!lab.isQEMU)
        #expect(try lab.virtType == .test)

        let vm = try lab.makeDomain(disks: 2)
        #expect(vm.name == lab.name("vm"))
        #expect(try vm.state().state == .running)
        #expect(try vm.isPersistent())
        let def = try DomainDefinition(xml: vm.xmlDescription())
        #expect(def.type == .test)
        #expect(def.arch == "i686")
        #expect(def.memoryMiB == 64)
        #expect(def.disks.map(\.target) == ["vda", "vdb"])
        #expect(def.disks.map(\.source) == [try lab.path("vm-vda.qcow2"), try lab.path("vm-vdb.qcow2")])
        #expect(try lab.diskSource(vm, "vdb") == lab.directory.appendingPathComponent("vm-vdb.qcow2").path)
        // The test driver never opens disk images: none is made.
        #expect(!FileManager.default.fileExists(atPath: try lab.path("vm-vda.qcow2")))
        let tag = try #require(try vm.metadata(namespaceURI: MetadataItem.rewindNamespace))
        #expect(tag.attributes == ["run": lab.runID, "snippet": "make-domain"])
        #expect(try Lab.isOwned(vm))
        #expect(try Lab.isOwned(vm, run: lab.runID))
        #expect(try !Lab.isOwned(vm, run: "another-run"))

        // Defaults pick the next free name; the other shapes.
        let stopped = try lab.makeDomain(start: false)
        #expect(stopped.name == lab.name("vm2"))
        #expect(try !stopped.isActive())
        let transient = try lab.makeDomain(disks: 0, memoryMiB: 32, persistent: false, name: "scratch")
        #expect(transient.name == lab.name("scratch"))
        #expect(try !transient.isPersistent())
        #expect(try transient.isActive())
        #expect(try DomainDefinition(xml: transient.xmlDescription()).memoryMiB == 32)

        // Metadata that teardown must not trip over: a snapshot on the first guest.
        _ = try vm.createSnapshot(xml: SnapshotDefinition(name: "s1").xml())
        try vm.destroy()   // a persistent, stopped domain with a snapshot needs SNAPSHOTS_METADATA to go

        #expect(Set(try LabTestSupport.prefixedDomains(lab)) == [lab.name("vm"), lab.name("vm2"), lab.name("scratch")])
        let (errors, leftovers, empty) = await LabTestSupport.finish(lab)
        #expect(errors == [])
        #expect(leftovers == [])
        #expect(empty)
        #expect(try LabTestSupport.prefixedDomains(lab) == [])
    }

    @Test("lab.events records every event; waitFor walks them in order; pauseWindow measures Suspended → Resumed")
    func events() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let vm = try lab.makeDomain()
        let events = try lab.events(vm, [.lifecycle])
        #expect(lab.pauseWindow(in: events) == nil)
        try vm.suspend()
        try vm.resume()
        try vm.suspend()
        try vm.resume()

        let first = try await lab.waitFor(events) { $0.kind.lifecycle?.event == .suspended }
        let resumed = try await lab.waitFor(events) { $0.kind.lifecycle?.event == .resumed }
        let second = try await lab.waitFor(events) { $0.kind.lifecycle?.event == .suspended }
        #expect(first.timestamp < resumed.timestamp && resumed.timestamp < second.timestamp)
        let lastResumed = try await lab.waitFor(events, timeout: .seconds(5)) { $0.kind.lifecycle?.event == .resumed }
        #expect(events.all.map { $0.kind.lifecycle?.event } == [.suspended, .resumed, .suspended, .resumed])

        // The last complete window, from callback timestamps, also in the evidence.
        let window = try #require(lab.pauseWindow(in: events))
        #expect(window == lastResumed.timestamp - second.timestamp)
        #expect(lab.evidence.measurements.last?.name == "pause window")
        #expect(lab.evidence.events.map(\.name) == ["Suspended (PAUSED)", "Resumed (UNPAUSED)",
                                                    "Suspended (PAUSED)", "Resumed (UNPAUSED)"])
        #expect(lab.evidence.events.allSatisfy { $0.detail == vm.name })

        // Nothing more: a bounded wait fails, naming the line and what arrived since the last match.
        try vm.suspend()
        var timeout: LabFailure?
        let line = #line + 1
        do { _ = try await lab.waitFor(events, timeout: .milliseconds(200)) { $0.kind.lifecycle?.event == .stopped } } catch { timeout = error as? LabFailure }
        #expect(timeout?.line == line)
        #expect(timeout?.message.contains("within") == true)
        #expect(timeout?.message.contains("Suspended (PAUSED)") == true)
        // A suspension without a resume does not count as a window: still the previous one.
        #expect(lab.pauseWindow(in: events) == window)

        let (errors, leftovers, empty) = await LabTestSupport.finish(lab)
        #expect(errors == [] && leftovers == [] && empty)
        // Teardown ended the subscription before removing the domain: its Stopped event is not recorded.
        #expect(events.hasEnded)
        #expect(!events.all.contains { $0.kind.lifecycle?.event == .stopped })
    }

    @Test("waitFor wakes on the event, not on a poll: an event from another task ends the wait at once")
    func waitForIsEventDriven() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let vm = try lab.makeDomain()
        let events = try lab.events(vm, [.lifecycle])
        // The wait starts before the event exists; a second task causes it.
        async let waited = lab.waitFor(events, timeout: .seconds(20)) { $0.kind.lifecycle?.event == .suspended }
        let trigger = Task { try vm.suspend() }
        let event = try await waited
        try await trigger.value
        #expect(event.kind.lifecycle?.detailName == "PAUSED")
        // A wait that cannot be satisfied ends at its deadline, not before.
        let start = ContinuousClock.now
        await #expect(throws: LabFailure.self) {
            try await lab.waitFor(events, timeout: .milliseconds(150)) { $0.kind.lifecycle?.event == .crashed }
        }
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        let (errors, leftovers, empty) = await LabTestSupport.finish(lab)
        #expect(errors == [] && leftovers == [] && empty)
    }

    @Test("a tool the host does not have makes the snippet unsupported (host-tool:<tool>), not failed")
    func missingHostTool() async throws {
        let lab = try LabTestSupport.testDriverLab()
        do {
            _ = try lab.runHostTool("rewind-no-such-tool", ["--version"])
            Issue.record("a missing tool ran")
        } catch let unsupported as Unsupported {
            #expect(unsupported.capability == Lab.hostToolCapability("rewind-no-such-tool"))
        }
        do {
            try lab.requireHostTool("rewind-no-such-tool", package: "none")
            Issue.record("a missing tool was found")
        } catch let unsupported as Unsupported {
            #expect(unsupported.capability == "host-tool:rewind-no-such-tool")
        }
        // A tool that is there runs.
        #expect(try lab.runHostTool("true", []).status == 0)
        let (errors, _, _) = await LabTestSupport.finish(lab)
        #expect(errors == [])
    }

    @Test("makeDomain refuses impossible shapes")
    func makeDomainRefuses() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let line = #line + 1
        let transientStopped = #expect(throws: LabFailure.self) { try lab.makeDomain(start: false, persistent: false) }
        #expect(transientStopped?.line == line)
        #expect(throws: LabFailure.self) { try lab.makeDomain(disks: 27) }
        #expect(throws: LabFailure.self) { try lab.makeDomain(name: "a/b") }
        #expect(try LabTestSupport.prefixedDomains(lab) == [])
        let (errors, leftovers, _) = await LabTestSupport.finish(lab)
        #expect(errors == [] && leftovers == [])
    }

    @Test("Teardown refuses a domain without the lab's tag, and one tagged by another run")
    func teardownRefusesUntagged() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let untagged = try lab.connection.defineDomain(xml: DomainDefinition(
            name: lab.name("foreign"), type: .test, arch: "i686", machine: nil).xml())
        let otherRun = try lab.connection.defineDomain(xml: DomainDefinition(
            name: lab.name("other"), type: .test, arch: "i686", machine: nil,
            metadata: [.rewindLab(run: "someone-else")]).xml())
        #expect(try !Lab.isOwned(untagged))
        #expect(try Lab.isOwned(otherRun))
        #expect(try !Lab.isOwned(otherRun, run: lab.runID))

        let refusal = #expect(throws: LabFailure.self) { try Lab.remove(untagged, run: lab.runID) }
        #expect(refusal?.message.contains("does not carry the lab tag") == true)
        #expect(throws: LabFailure.self) { try Lab.remove(otherRun, run: lab.runID) }
        #expect(try untagged.isPersistent() && otherRun.isPersistent())

        // Gone already: nothing to do, no error.
        let mine = try lab.makeDomain(start: false)
        try mine.undefine()
        try Lab.remove(mine, run: lab.runID)

        // A lab guest whose tag the snippet removed (here: redefined without metadata) is left alone by
        // teardown, which reports the line that made it.
        let line = #line + 1
        let retagged = try lab.makeDomain(start: false, name: "retagged")
        var def = try DomainDefinition(xml: retagged.xmlDescription([.inactive]))
        def.metadata = []
        _ = try lab.connection.defineDomain(xml: def.xml())
        let errors = await lab.runTeardown()
        #expect(errors.count == 1)
        #expect(errors.first?.contains("refusing to remove \(lab.name("retagged"))") == true)
        #expect(errors.first?.contains("LabTestDriverTests.swift:\(line)") == true)
        #expect(try retagged.isPersistent())

        try retagged.undefine()
        try untagged.undefine()
        try otherRun.undefine()
        let (moreErrors, leftovers, _) = await LabTestSupport.finish(lab)
        #expect(moreErrors == [] && leftovers == [])
    }

    @Test("Capabilities: requireQEMU says why on the test driver")
    func requireQEMU() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let error = #expect(throws: Unsupported.self) { try lab.requireQEMU() }
        #expect(error?.capability == "qemu")
        #expect(error?.reason == "needs qemu; connection driver is TEST")
        // Guest I/O needs QEMU too.
        let vm = try lab.makeDomain()
        #expect(throws: Unsupported.self) { try lab.write(vm, pattern: 1, offset: 0, length: 512) }
        _ = await LabTestSupport.finish(lab)
    }

    @Test("lab.path stays in the lab directory")
    func pathEscapes() async throws {
        let lab = try LabTestSupport.testDriverLab()
        #expect(try lab.path("disk.qcow2") == lab.directory.path + "/disk.qcow2")
        #expect(try lab.path("..hidden") == lab.directory.path + "/..hidden")
        for bad in ["../etc/passwd", "..", ".", "", "a/b", "/tmp/x", "a\0b"] {
            #expect(throws: LabFailure.self, "\(bad.debugDescription)") { try lab.path(bad) }
        }
        #expect(throws: LabFailure.self) { try lab.createImage(name: "../escape.qcow2") }
        #expect(throws: LabFailure.self) { try lab.unixSocketPath("../x.sock") }
        _ = await LabTestSupport.finish(lab)
    }

    @Test("unixSocketPath fits sun_path: in the lab directory when short, else /run/rewind, removed in teardown")
    func socketPaths() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let short = try lab.unixSocketPath("backup.sock")
        #expect(short == lab.directory.path + "/backup.sock")

        let long = URL(fileURLWithPath: "/tmp/" + String(repeating: "d", count: 110), isDirectory: true)
        let deep = Lab(connection: lab.connection, directory: long, runID: lab.runID, snippetID: "deep")
        let fallback = try deep.unixSocketPath("backup.sock")
        #expect(fallback == "/run/rewind/\(lab.runID)-backup.sock")
        #expect(fallback.utf8.count <= Lab.maximumSocketPathLength)
        // A socket made there is removed after the snippet.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in fallback.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(bound == 0)
        #expect(FileManager.default.fileExists(atPath: fallback))
        #expect(await deep.runTeardown() == [])
        #expect(!FileManager.default.fileExists(atPath: fallback))

        let tooLong = Lab(connection: lab.connection, directory: long, runID: String(repeating: "r", count: 100),
                          snippetID: "deep")
        #expect(throws: LabFailure.self) { try tooLong.unixSocketPath("backup.sock") }
        _ = await LabTestSupport.finish(lab)
    }

    @Test("freeTCPPort gives a port that can be bound on 127.0.0.1")
    func freePort() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let port = try lab.freeTCPPort()
        #expect((1...65535).contains(port))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0)
        _ = await LabTestSupport.finish(lab)
    }

    @Test("Image helpers read data, allocation, backing files, internal snapshots and hashes of files")
    func images() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let base = try lab.createImage(name: "base.qcow2", sizeMiB: 16)
        #expect(base == lab.directory.path + "/base.qcow2")
        #expect(try lab.allocatedRanges(base) == [])
        #expect(try lab.backingFile(of: base) == nil)
        #expect(try lab.imageSnapshots(base) == [])

        try Self.qemuIO(base, "write -P 0x5a 65536 65536")
        try Self.qemuIO(base, "write -P 0x5a 131072 65536")
        #expect(try lab.imageHasPattern(base, pattern: 0x5a, offset: 65536, length: 131072))
        #expect(try !lab.imageHasPattern(base, pattern: 0x5b, offset: 65536, length: 131072))
        #expect(try lab.imageHasPattern(base, pattern: 0, offset: 0, length: 65536))
        #expect(try lab.allocatedRanges(base) == [65536..<196608])

        // An overlay: its own data only, and the backing file as written in its header.
        let overlay = try lab.createImage(name: "overlay.qcow2", backing: base)
        #expect(try lab.backingFile(of: overlay) == base)
        #expect(try lab.allocatedRanges(overlay) == [])
        #expect(try lab.imageHasPattern(overlay, pattern: 0x5a, offset: 65536, length: 65536))
        try Self.qemuIO(overlay, "write -P 0x33 0 4096")
        #expect(try lab.allocatedRanges(overlay) == [0..<65536])   // one 64 KiB cluster

        // Internal snapshots.
        let tool = try #require(Executable.find("qemu-img"))
        try runHostCommand(tool, ["snapshot", "-c", "before upgrade", base])
        #expect(try lab.imageSnapshots(base).map(\.name) == ["before upgrade"])
        #expect(try lab.imageSnapshots(base).first?.vmStateSize == 0)

        // Raw images and hashes.
        let raw = try lab.createImage(name: "disk.raw", sizeMiB: 1, format: .raw)
        #expect(try lab.imageHasPattern(raw, format: .raw, pattern: 0, offset: 0, length: 1 << 20))
        let text = try lab.path("abc.txt")
        try "abc".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(try lab.sha256(text) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let spaced = try lab.path("-a b.txt")
        try "abc".write(toFile: spaced, atomically: true, encoding: .utf8)
        #expect(try lab.sha256(spaced) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try lab.localSHA256(spaced) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // The fallback where the host has no openssl: sha256sum, the same digest.
        let bin = try lab.path("bin-without-openssl")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: false)
        for tool in ["sh", "sha256sum"] {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool,
                                                       withDestinationPath: try #require(Executable.find(tool)))
        }
        let fallback = try runHostCommand(try #require(Executable.find("env")),
                                          ["PATH=" + bin, "sh", "-c", Tool.digestFunction + " digest \"$1\"", "sh", spaced])
        #expect(fallback.hasPrefix("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad *"))
        try FileManager.default.removeItem(atPath: bin)
        try FileManager.default.removeItem(atPath: spaced)

        // Errors name the command and what the tool said.
        let missing = try lab.path("missing.qcow2")
        let error = #expect(throws: LabFailure.self) { try lab.imageHasPattern(missing, pattern: 1, offset: 0, length: 512) }
        #expect(error?.message.contains("qemu-io") == true)
        #expect(error?.message.contains("No such file") == true)
        #expect(throws: LabFailure.self) { try lab.allocatedRanges(missing) }
        #expect(throws: LabFailure.self) { try lab.sha256(missing) }
        #expect(throws: LabFailure.self) { try lab.imageHasPattern(base, pattern: 0, offset: 16 << 20, length: 512) }

        try FileManager.default.removeItem(atPath: text)
        // Teardown deletes the images it made, leaving the directory empty.
        let (errors, leftovers, empty) = await LabTestSupport.finish(lab)
        #expect(errors == [] && leftovers == [] && empty)
    }

    @Test("NBD helpers read an export's data and its dirty bitmap (qemu-nbd serving a qcow2 file)")
    func nbdExport() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let image = try lab.createImage(name: "nbd.qcow2", sizeMiB: 4)
        try Self.qemuIO(image, "write -P 0x11 0 131072")
        try runHostCommand(try #require(Executable.find("qemu-img")), ["bitmap", "--add", image, "b0"])
        try Self.qemuIO(image, "write -P 0x22 1048576 65536")   // recorded in the persistent bitmap b0

        let socket = try lab.unixSocketPath("nbd.sock")
        let server = try QemuNBD(image: image, socket: socket, exportName: "vda", bitmap: "b0")
        defer { server.waitOrKill() }
        let export = try lab.openExport(socket: socket, metaContexts: ["base:allocation", "qemu:dirty-bitmap:b0"])
        #expect(export.size == 4 << 20)
        #expect(try lab.exportHasPattern(export, pattern: 0x11, offset: 0, length: 131072))
        #expect(try lab.exportHasPattern(export, pattern: 0x22, offset: 1 << 20, length: 65536))
        #expect(try !lab.exportHasPattern(export, pattern: 0x11, offset: 0, length: 262144))
        #expect(try lab.exportHasPattern(export, pattern: 0, offset: 2 << 20, length: 2 << 20))
        #expect(try lab.dirtyRanges(export, bitmap: "b0") == [(1 << 20)..<((1 << 20) + 65536)])
        #expect(try lab.dirtyRanges(export, bitmap: "qemu:dirty-bitmap:b0") == [(1 << 20)..<((1 << 20) + 65536)])
        #expect(throws: NBDError.self) { try lab.dirtyRanges(export, bitmap: "backup-vda") }
        #expect(throws: NBDError.self) { try lab.exportHasPattern(export, pattern: 0, offset: 4 << 20, length: 512) }

        // Teardown ends the NBD session; qemu-nbd (not --persistent) then exits by itself.
        let (errors, leftovers, _) = await LabTestSupport.finish(lab)
        #expect(errors == [], "teardown: \(errors)")
        #expect(leftovers == [], "left behind: \(leftovers)")
        #expect(server.waitOrKill() == 0)
    }

    /// Writes with qemu-io into an image file (not through the lab, to check the lab's readers).
    private static func qemuIO(_ image: String, _ command: String) throws {
        try runHostCommand(try #require(Executable.find("qemu-io")), ["-f", "qcow2", image, "-c", command])
    }
}

/// A `qemu-nbd` this test started (not `--persistent`: it exits when its client disconnects).
///
/// Started with `--fork`: the process we spawn exits only once the server listens, so waiting for it is
/// waiting for the server to be ready (the socket file alone appears at `bind`, before `listen`: a connect
/// in between is refused). The server's pid comes from `--pid-file`. Spawned through `Support.Subprocess`
/// (an empty signal mask: Foundation's `Process` would pass on the test thread's mask, which blocks SIGTERM).
private final class QemuNBD {
    private var pid: pid_t = 0

    init(image: String, socket: String, exportName: String, bitmap: String) throws {
        let tool = try #require(Executable.find("qemu-nbd"))
        let pidFile = socket + ".pid"
        let arguments = [tool, "-k", socket, "-f", "qcow2", "-r", "-x", exportName, "-B", bitmap,
                         "--fork", "--pid-file", pidFile, image]
        // qemu-nbd --fork returns once the server listens (or failed).
        let started = try Subprocess.run(ProcessSpec(tool, Array(arguments.dropFirst())), timeout: .seconds(60))
        try #require(started.succeeded, "qemu-nbd --fork exited with \(started.status): \(started.errorOutput)")
        let text = try String(contentsOfFile: pidFile, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: pidFile)
        pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "qemu-nbd pid file: \(text)")
    }

    /// Waits up to 5 s for the server to exit, then kills it; returns 0 if it exited by itself, -1 if it
    /// had to be killed or was already gone. (It is not this process's child: its exit is seen with
    /// `kill(pid, 0)`.)
    @discardableResult
    func waitOrKill() -> Int32 {
        guard pid > 0 else { return -1 }
        defer { pid = 0 }
        let deadline = ContinuousClock.now + .seconds(5)
        while kill(pid, 0) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                return -1
            }
            usleep(5_000)
        }
        return 0
    }
}
