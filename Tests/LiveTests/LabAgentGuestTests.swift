import AgentGuest
import Foundation
@testable import Lab
import Libvirt
import RewindXML
import LiveHost
import Testing

// `lab.makeAgentDomain()` and `lab.inspectGuestFilesystem(_:)`: the parts that need no guest run everywhere
// (test driver, e2fsprogs and qemu-img on the host); booting the guest is in the live suite at the end.

private func tool(_ name: String) -> String? {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

private let e2fsprogsPresent = ["mkfs.ext4", "debugfs", "e2fsck", "dumpe2fs", "qemu-img"].allSatisfy { tool($0) != nil }

/// Runs a host tool and returns its status.
@discardableResult
private func run(_ name: String, _ arguments: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try #require(tool(name)))
    p.arguments = arguments
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

/// A 16 MiB raw image with an empty ext4 file system (with a journal) at `path`.
private func makeExt4(_ path: String) throws {
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try h.truncate(atOffset: 16 << 20)
    try h.close()
    #expect(try run("mkfs.ext4", ["-q", "-F", "-L", "rewind-data", path]) == 0)
}

/// Puts `data` into the image as /workload.log with debugfs.
private func putLog(_ data: Data, into image: String, scratch: URL) throws {
    let local = scratch.appendingPathComponent("log-\(UUID().uuidString)")
    try data.write(to: local)
    defer { try? FileManager.default.removeItem(at: local) }
    #expect(try run("debugfs", ["-w", "-R", "write \(local.path) workload.log", image]) == 0)
}

private func records(_ n: Int) -> Data {
    var d = Data()
    for i in 0..<n {
        d.append(WorkloadLog.encode(WorkloadRecord(index: UInt64(i), run: 0xabcd1234, monotonicNanoseconds: UInt64(1_000_000 + i * 5_000_000))))
    }
    return d
}

@Suite("Lab agent guest fixtures (no guest)")
struct LabAgentGuestTests {
    @Test("makeAgentDomain on the test driver: Unsupported (capability agent) with the reason, nothing created")
    func unsupportedOnTestDriver() async throws {
        let lab = try LabTestSupport.testDriverLab()
        do {
            _ = try await lab.makeAgentDomain()
            Issue.record("the test driver booted an agent guest")
        } catch let error as Unsupported {
            #expect(error.capability == "agent")
            #expect(error.reason.contains("QEMU"))
            #expect(error.reason.contains("TEST"))
        }
        #expect(try LabTestSupport.prefixedDomains(lab).isEmpty)
        let end = await LabTestSupport.finish(lab)
        #expect(end.teardownErrors.isEmpty)
        #expect(end.leftovers.isEmpty)
    }

    @Test("The guest cache: REWIND_GUEST_CACHE wins, else the Rewind checkout above the current directory, else nil")
    func cacheDirectory() throws {
        let env = Lab.guestCacheDirectory(environment: [Lab.guestCacheVariable: "/srv/guest-cache"], currentDirectory: "/")
        #expect(env?.path == "/srv/guest-cache")

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let nested = root.appendingPathComponent("Sources/Lab").path
        let found = Lab.guestCacheDirectory(environment: [:], currentDirectory: nested)
        #expect(found?.standardizedFileURL.path == root.appendingPathComponent(".rewind/guest").standardizedFileURL.path)
        // An empty variable does not count.
        #expect(Lab.guestCacheDirectory(environment: [Lab.guestCacheVariable: ""], currentDirectory: nested) != nil)

        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-no-project-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        #expect(Lab.guestCacheDirectory(environment: [:], currentDirectory: elsewhere.path) == nil)
    }

    @Test("The agent guest's domain: direct kernel boot, one virtio disk, the agent channel, a serial log, the lab tag, values escaped (libxml2)")
    func agentGuestDefinition() throws {
        let json = """
            {"key":"k","kernelRelease":"6.1.0-56-amd64","kernelFile":"vmlinux","kernelCommandLine":"console=ttyS0 panic=-1 quiet",
             "packages":[],"modules":[],"buildSeconds":1,"builtAt":0,
             "sizes":{"kernel":1,"initramfs":1,"initramfsUncompressed":1,"dataDiskFile":1,"dataDiskVirtual":1}}
            """
        var image = try JSONDecoder().decode(GuideImage.self, from: Data(json.utf8))
        image.directory = URL(fileURLWithPath: "/cache/a&b", isDirectory: true)
        let xml = AgentGuestDomain.definition(
            name: "rewind-x-agent-1", image: image, disk: URL(fileURLWithPath: "/img/d'q.qcow2"),
            consoleLog: URL(fileURLWithPath: "/img/c.log"), type: .qemu, memoryMiB: 96,
            kernelArguments: ["rewind.interval_ms=2"], metadata: [.rewindLab(run: "r1&<\"", snippet: "s-1")]).xml()
        let doc = try XMLDocument(parsing: xml)
        func values(_ xpath: String) throws -> [String] { try doc.strings(at: xpath) }
        #expect(try values("/domain/@type") == ["qemu"])
        #expect(try values("/domain/memory") == ["96"])
        #expect(try values("/domain/os/kernel") == ["/cache/a&b/vmlinux"])
        #expect(try values("/domain/os/initrd") == ["/cache/a&b/initramfs.img"])
        #expect(try values("/domain/os/cmdline") == ["console=ttyS0 panic=-1 quiet rewind.interval_ms=2"])
        #expect(try values("/domain/devices/disk/source/@file") == ["/img/d'q.qcow2"])
        #expect(try values("/domain/devices/disk/target/@dev") == ["vda"])
        #expect(try values("/domain/devices/channel/target/@name") == ["org.qemu.guest_agent.0"])
        #expect(try values("/domain/devices/serial/source/@path") == ["/img/c.log"])
        #expect(try values("/domain/on_reboot") == ["destroy"])
        #expect(try values("/domain/on_crash") == ["destroy"])
        let def = try DomainDefinition(xml: xml)
        #expect(def.rewindRunID == "r1&<\"")
        #expect(def.metadata.first?.attributes["snippet"] == "s-1")
        #expect(def.onPoweroff == .destroy && def.guestAgent && def.console == .file(path: "/img/c.log"))
        // libvirt's own schema accepts it.
        let schema = try #require(Lab.schemaDirectories.map { $0 + "/domain.rng" }.first { FileManager.default.fileExists(atPath: $0) })
        #expect(try XMLSchema(relaxNGFile: schema).validate(doc).isEmpty)
    }

    @Test("inspectGuestFilesystem: a clean file system with a whole log; a torn tail; a missing log; journal replay",
          .enabled(if: e2fsprogsPresent))
    func inspect() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let raw = try lab.path("clean.raw")
        try makeExt4(raw)
        try putLog(records(30), into: raw, scratch: lab.directory)

        let clean = try lab.inspectGuestFilesystem(raw, format: .raw)
        #expect(clean.isClean, "\(clean.fsckOutput)")
        #expect(!clean.needsRecovery)
        #expect(!clean.journalReplayed)
        #expect(clean.rawImage == raw)
        #expect(clean.workloadLog?.records.count == 30)
        #expect(clean.lastRecordIsWhole)

        // The same file system through qcow2: converted to raw in the lab directory first.
        let qcow2 = try lab.path("clean.qcow2")
        #expect(try run("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, qcow2]) == 0)
        let viaQcow2 = try lab.inspectGuestFilesystem(qcow2)
        #expect(viaQcow2.rawImage != qcow2)
        #expect(viaQcow2.rawImage.hasPrefix(lab.directory.path))
        #expect(viaQcow2.workloadLog?.records.count == 30)
        #expect(viaQcow2.isClean)

        // A torn tail: 10 bytes of a record that was never finished.
        let torn = try lab.path("torn.raw")
        try makeExt4(torn)
        try putLog(records(3) + Data("000000000003".utf8.prefix(10)), into: torn, scratch: lab.directory)
        let tornCapture = try lab.inspectGuestFilesystem(torn, format: .raw)
        #expect(tornCapture.isClean)
        #expect(tornCapture.workloadLog?.problems == [.tornTail(bytes: 10)])
        #expect(!tornCapture.lastRecordIsWhole)

        // No log at all.
        let empty = try lab.path("empty.raw")
        try makeExt4(empty)
        let emptyCapture = try lab.inspectGuestFilesystem(empty, format: .raw)
        #expect(emptyCapture.workloadLog == nil)
        #expect(!emptyCapture.lastRecordIsWhole)

        // A journal marked as needing recovery; replayJournal works on a copy and leaves the file alone.
        let dirty = try lab.path("dirty.raw")
        try makeExt4(dirty)
        try putLog(records(5), into: dirty, scratch: lab.directory)
        #expect(try run("debugfs", ["-w", "-R", "feature needs_recovery", dirty]) == 0)
        let asIs = try lab.inspectGuestFilesystem(dirty, format: .raw)
        #expect(asIs.needsRecovery)
        let replayed = try lab.inspectGuestFilesystem(dirty, format: .raw, replayJournal: true)
        #expect(replayed.journalReplayed)
        #expect(!replayed.needsRecovery)
        #expect(replayed.rawImage != dirty)
        #expect(try lab.inspectGuestFilesystem(dirty, format: .raw).needsRecovery, "the captured file is unchanged")

        let end = await LabTestSupport.finish(lab)
        #expect(end.teardownErrors.isEmpty)
        #expect(end.leftovers.filter { !$0.hasPrefix("directory") }.isEmpty)
    }
}

@Suite("Lab agent guest (live QEMU)", .serialized,
       .enabled(if: liveTestsEnabled))
struct LabAgentGuestLiveTests {
    @Test("makeAgentDomain boots a tagged, prefixed guest in the lab directory; teardown removes it and its files")
    func bootAndTeardown() async throws {
        let lab = try LabTestSupport.qemuLab(under: LiveHost.system.imageDirectory, snippetID: "agent-live")
        let guest: AgentGuestDomain
        do {
            guest = try await lab.makeAgentDomain()
        } catch let error as Unsupported {
            _ = await LabTestSupport.finish(lab)
            try Test.cancel("agent tier unsupported here: \(error.reason)")
        }
        #expect(guest.name.hasPrefix(lab.name("agent-")))
        #expect(try Lab.isOwned(guest.domain, run: lab.runID))
        #expect(try guest.domain.metadata(namespaceURI: MetadataItem.rewindNamespace)?.attributes["snippet"] == "agent-live")
        #expect(guest.diskCopy.deletingLastPathComponent().standardizedFileURL.path == lab.directory.standardizedFileURL.path)
        #expect(try lab.diskSource(guest.domain, "vda") == guest.diskCopy.path)
        #expect(lab.evidence.measurements.contains { $0.name == "agent guest boot" && $0.value > 0 })
        #expect(try guest.readWorkloadLog().records.count >= 10)
        #expect(try guest.domain.freezeFilesystems() == 1)
        #expect(try guest.domain.thawFilesystems() == 1)

        let end = await LabTestSupport.finish(lab)
        #expect(end.teardownErrors.isEmpty)
        #expect(end.leftovers.isEmpty)
        #expect(end.directoryWasEmpty, "the disk copy and the console log were deleted")
        #expect(throws: LibvirtError.self) { try lab.connection.lookupDomain(name: guest.name) }
    }
}
