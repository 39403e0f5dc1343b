import AgentGuest
import Foundation
import Lab
import Libvirt
import LiveHost
import Testing

// Live tier for the agent guest: qemu:///system, enabled with REWIND_LIVE=1. Each test builds the guest (or
// reuses the cached build in <project>/.rewind/guest), boots a transient domain `rewind-guest-<case>-<random>`
// with its own copy of the data disk under /var/lib/libvirt/images/rewind/, and removes the domain and its
// files when it ends, failed or not.

/// The project's cached agent guest, built once per test process.
private let agentGuestImage: Result<GuideImage, any Error> = Result {
    let here = URL(fileURLWithPath: #filePath)
    guard let root = AgentGuest.projectRoot(startingAt: here.deletingLastPathComponent()) else {
        throw CocoaError(.fileNoSuchFile)
    }
    let started = ContinuousClock.now
    let image = try AgentGuest.build(cacheDir: AgentGuest.defaultCacheDirectory(projectRoot: root))
    print(String(format: "agent guest %@: %@ in %.2f s; kernel %.1f MiB, initramfs %.1f MiB (%.1f MiB cpio), data disk %.1f MiB",
                 String(image.key.prefix(12)), image.reused ? "cache hit" : "built",
                 AgentGuest.seconds(ContinuousClock.now - started), Double(image.sizes.kernel) / 1_048_576,
                 Double(image.sizes.initramfs) / 1_048_576, Double(image.sizes.initramfsUncompressed) / 1_048_576,
                 Double(image.sizes.dataDiskFile) / 1_048_576))
    return image
}

/// The cached guest; where this machine cannot build it (no package, no apt), the test is cancelled (reported
/// as skipped) with the reason: the agent tier is unsupported here.
private func guestImage() throws -> GuideImage {
    do {
        return try agentGuestImage.get()
    } catch let error as AgentGuest.BuildError where error.meansUnsupported {
        try Test.cancel("agent tier unsupported here: cannot build the guest: \(error)")
    }
}

/// A booted agent guest; where libvirt cannot create the domain at all, the test is cancelled with the reason.
private func bootGuest(_ image: GuideImage, _ connection: Connection, _ prefix: String, accelerator: Accelerator,
                       memoryMiB: Int = 128) throws -> AgentGuestDomain {
    do {
        return try AgentGuestDomain(image: image, connection: connection, namePrefix: prefix,
                                    accelerator: accelerator, memoryMiB: memoryMiB)
    } catch let error as LibvirtError {
        try Test.cancel("agent tier unsupported here: cannot start the guest (\(accelerator)): \(error)")
    }
}

private func formatted(_ d: Duration) -> String { String(format: "%.2f s", AgentGuest.seconds(d)) }

@Suite("Agent guest (live QEMU)", .serialized, .enabled(if: liveTestsEnabled))
struct AgentGuestLiveTests {
    @Test("The guest boots, its agent answers, a freeze holds the workload's writes until the thaw")
    func freezeThaw() async throws {
        let image = try guestImage()
        let connection = try Connection(uri: LiveHost.system.uri)
        let (accelerator, why) = try AgentGuestDomain.preferredAccelerator(connection: connection)
        let guest = try bootGuest(image, connection, "rewind-guest-freeze", accelerator: accelerator)
        defer { guest.cleanUp() }

        // Right after the start the agent has not opened its port yet: libvirt says so without waiting.
        #expect {
            try guest.domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: .seconds(1))
        } throws: { ($0 as? LibvirtError)?.code == .agentUnresponsive }

        let ready = try await guest.waitForAgent()
        print("agent guest \(guest.name): \(accelerator) (\(why)); created in \(formatted(guest.createDuration)), agent ready \(formatted(ready)) after create")
        #expect(try guest.domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#) == #"{"return":{}}"#)
        #expect(try guest.agent.version().hasPrefix("7."))
        // An error from the agent itself becomes a LibvirtError carrying the agent's words.
        #expect {
            try guest.domain.qemuAgentCommand(#"{"execute":"guest-no-such-command"}"#)
        } throws: { ($0 as? LibvirtError)?.message.contains("guest-no-such-command") == true }
        // A raw agent command taints the domain.
        let qemuLog = (try? String(contentsOfFile: "/var/log/libvirt/qemu/\(guest.name).log", encoding: .utf8)) ?? ""
        #expect(qemuLog.contains("custom-ga-command"))

        let check = try guest.freezeCheck(hold: .seconds(1))
        print(String(format: "freeze %d fs in %@ (status %@), thaw %d fs; frozen window %@, outer %@; largest workload gap %.3f s; %d → %d records, median period %.2f ms",
                     check.frozen, formatted(check.freezeCall), check.statusWhileFrozen, check.thawed,
                     formatted(check.frozenWindow), formatted(check.outerWindow), check.largestGap?.seconds ?? -1,
                     check.before.records.count, check.after.records.count,
                     Double(check.after.medianGapNanoseconds ?? 0) / 1e6))
        #expect(check.frozen >= 1)
        #expect(check.statusWhileFrozen == "frozen")
        #expect(check.thawed == check.frozen)
        #expect(try guest.agent.freezeStatus() == "thawed")
        #expect(check.before.isConsistent && check.after.isConsistent, "\(check.after.problems.prefix(5))")
        #expect(check.after.records.count > check.before.records.count)
        #expect(check.gapMatchesFreeze())
        // Apart from the freeze the workload keeps its 5 ms period (wide bounds: TCG on a busy 2-core host).
        let period = try #require(check.after.medianGapNanoseconds)
        #expect(period >= 4_000_000 && period <= 50_000_000)

        // After the thaw the workload goes on.
        let later = try guest.waitForWorkload(records: check.after.records.count + 20)
        #expect(later.isConsistent)

        let disk = guest.diskCopy.path, console = guest.consoleLog.path, name = guest.name
        guest.cleanUp()
        #expect(!FileManager.default.fileExists(atPath: disk))
        #expect(!FileManager.default.fileExists(atPath: console))
        #expect(throws: LibvirtError.self) { try connection.lookupDomain(name: name) }
    }

    @Test("A guest that dies before its agent connects ends the wait at once (Stopped event), not at the timeout")
    func diesBeforeAgent() async throws {
        let image = try guestImage()
        let connection = try Connection(uri: LiveHost.system.uri)
        let (accelerator, _) = try AgentGuestDomain.preferredAccelerator(connection: connection)
        // The kernel cannot run this init, panics and reboots at once; on_reboot=destroy stops the domain.
        let guest: AgentGuestDomain
        do {
            guest = try AgentGuestDomain(image: image, connection: connection, namePrefix: "rewind-guest-dies",
                                         accelerator: accelerator, kernelArguments: ["rdinit=/no/such/init", "panic=-1"])
        } catch let error as LibvirtError {
            try Test.cancel("agent tier unsupported here: cannot start the guest (\(accelerator)): \(error)")
        }
        defer { guest.cleanUp() }
        let start = ContinuousClock.now
        var thrown: AgentGuestError?
        do { _ = try await guest.waitForAgent(timeout: .seconds(120)) } catch let error as AgentGuestError { thrown = error }
        let waited = ContinuousClock.now - start
        guard case .stopped? = thrown else {
            Issue.record("expected AgentGuestError.stopped, got \(String(describing: thrown))")
            return
        }
        print("guest with a missing init: stopped after \(formatted(waited)); console: \(guest.consoleTail(lines: 2))")
        #expect(waited < .seconds(60))
        #expect(guest.consoleText().contains("Kernel panic"))
    }

    @Test("Boot time to the first guest-ping under TCG with the default 128 MiB")
    func bootTimeTCG() async throws {
        let image = try guestImage()
        let connection = try Connection(uri: LiveHost.system.uri)
        // 128 MiB is the default. 96 MiB booted in most runs during development but once ran out of memory
        // while the kernel unpacked the initramfs, so it is not asserted here.
        for memory in [128] {
            let guest = try bootGuest(image, connection, "rewind-guest-tcg", accelerator: .tcg, memoryMiB: memory)
            defer { guest.cleanUp() }
            let ready = try await guest.waitForAgent(timeout: .seconds(120))
            let log = try guest.waitForWorkload(records: 5)
            print("TCG, \(memory) MiB: agent ready \(formatted(ready)) after create (create \(formatted(guest.createDuration))); workload \(log.records.count) records")
            #expect(ready < .seconds(60))
            #expect(log.isConsistent)
        }
    }

    @Test("Boot under KVM: the agent answers, unless KVM is kvm_pvm, where the kernel does not even reach /init in 15 s (TCG: ~5 s)",
          .enabled(if: Accelerator.deviceUsable()))
    func bootTimeKVM() async throws {
        let image = try guestImage()
        let connection = try Connection(uri: LiveHost.system.uri)
        try #require(try Capabilities(xml: try connection.capabilitiesXML()).supports(.kvm, arch: "x86_64"),
                     "no usable KVM on this host")
        let guest = try bootGuest(image, connection, "rewind-guest-kvm", accelerator: .kvm)
        defer { guest.cleanUp() }
        if Accelerator.KVMModule.local == .pvm {
            // The reason preferredAccelerator picks TCG here: check it still holds.
            await #expect(throws: AgentGuestError.self) { try await guest.waitForAgent(timeout: .seconds(15)) }
            #expect(!guest.consoleText().contains("rewind-guest: init"))
            print("KVM (kvm_pvm): after 15 s the guest has printed \(guest.consoleText().utf8.count) console bytes and has not reached /init")
            #expect(try AgentGuestDomain.preferredAccelerator(connection: connection).accelerator == .tcg)
        } else {
            let ready = try await guest.waitForAgent(timeout: .seconds(60))
            print("KVM: agent ready \(formatted(ready)) after create (create \(formatted(guest.createDuration)))")
            #expect(ready < .seconds(30))
            #expect(try guest.waitForWorkload(records: 5).isConsistent)
        }
    }

    @Test("QUIESCE: a disk-only snapshot taken frozen leaves a clean ext4 and a whole log; one taken live needs journal recovery")
    func quiescedSnapshot() async throws {
        let image = try guestImage()
        let connection = try Connection(uri: LiveHost.system.uri)
        let (accelerator, _) = try AgentGuestDomain.preferredAccelerator(connection: connection)
        let guest = try bootGuest(image, connection, "rewind-guest-quiesce", accelerator: accelerator)
        let dir = guest.diskCopy.deletingLastPathComponent()
        let files = ["q.qcow2", "live.qcow2", "base-q.qcow2", "base-live.qcow2"].map { dir.appendingPathComponent("\(guest.name)-\($0)") }
        let (overlayQuiesced, overlayLive, baseQuiesced, baseLive) = (files[0], files[1], files[2], files[3])
        defer {
            guest.cleanUp()
            for f in files { try? FileManager.default.removeItem(at: f) }
        }
        _ = try await guest.waitForAgent()
        let before = try guest.waitForWorkload(records: 20)

        func snapshot(_ name: String, into overlay: URL, flags: Snapshot.CreateFlags) throws -> Duration {
            let xml = SnapshotDefinition(name: name, disks: [.init(name: "vda", snapshot: .external, source: overlay.path)]).xml()
            let t0 = ContinuousClock.now
            _ = try guest.domain.createSnapshot(xml: xml, flags: flags.union([.diskOnly, .atomic, .noMetadata]))
            return .now - t0
        }
        // First with QUIESCE (libvirt freezes through the agent, snapshots, thaws), then without, on top of it.
        let quiescedCall = try snapshot("quiesced", into: overlayQuiesced, flags: .quiesce)
        #expect(try guest.agent.freezeStatus() == "thawed")
        _ = try guest.waitForWorkload(records: before.records.count + 40)
        let liveCall = try snapshot("live", into: overlayLive, flags: [])
        let running = try guest.waitForWorkload(records: before.records.count + 60)
        #expect(running.isConsistent)
        print("QUIESCE snapshot \(formatted(quiescedCall)), live snapshot \(formatted(liveCall)); workload gap \(String(format: "%.3f s", running.largestGap?.seconds ?? -1))")

        // Each snapshot's view of the disk, as a standalone qcow2: the first is the original copy, the second the
        // first overlay read through to its backing file. Neither is written any more.
        for (source, target) in [(guest.diskCopy, baseQuiesced), (overlayQuiesced, baseLive)] {
            try runHostCommand("/usr/bin/qemu-img", ["convert", "-U", "-O", "qcow2", source.path, target.path])
        }
        guest.cleanUp()

        // Boot each view without the workload and look at it from inside.
        for (base, quiesced) in [(baseQuiesced, true), (baseLive, false)] {
            let viewer = try AgentGuestDomain(image: image, connection: connection, namePrefix: "rewind-guest-view",
                                              accelerator: accelerator, kernelArguments: ["rewind.workload=0"],
                                              dataDisk: base)
            defer { viewer.cleanUp() }
            _ = try await viewer.waitForAgent()
            let dmesg = try viewer.agent.exec("/bin/dmesg").output
            let ext4 = dmesg.split(separator: "\n").filter { $0.contains("EXT4-fs (vda)") }
            let log = try viewer.readWorkloadLog()
            print("\(quiesced ? "QUIESCE" : "live") view: \(log.records.count) records, \(log.problems.count) problems; \(ext4.joined(separator: " | "))")
            #expect(ext4.contains { $0.contains("mounted filesystem") })
            #expect(ext4.contains { $0.contains("recovery complete") } == !quiesced)
            #expect(log.records.count >= before.records.count)
            #expect(log.records.count <= running.records.count)
            if quiesced { #expect(log.isConsistent, "\(log.problems.prefix(5))") }
        }
    }

    @Test("Without an agent channel a raw agent command fails at once with VIR_ERR_ARGUMENT_UNSUPPORTED")
    func noChannel() throws {
        let connection = try Connection(uri: LiveHost.system.uri)
        let name = "rewind-guest-nochannel-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let domain = try connection.createDomain(xml: DomainDefinition(name: name, type: .qemu, acpi: false).xml())
        defer { try? domain.destroy() }
        let started = ContinuousClock.now
        #expect {
            try domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: .seconds(5))
        } throws: { ($0 as? LibvirtError)?.code == .argumentUnsupported }
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
