import Foundation
import Testing
@testable import LiveHost

/// Live tier: needs `qemu:///system` to answer already (`rewind host start`, or any libvirtd).
@Suite("live host (REWIND_LIVE=1)", .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
struct LiveHostLiveTests {
    @Test func startIsIdempotentWhenTheHostAnswers() throws {
        let before = LiveHost.system.status()
        try #require(before.running, "qemu:///system must answer before this test (run `rewind host start`)")
        let stateBefore = FileManager.default.contents(atPath: LiveHost.system.stateFile)

        let after = try LiveHost.system.start()
        #expect(after.running)
        #expect(!after.startedNow, "a second libvirtd must never be started")
        #expect(after.actions.isEmpty)
        #expect(after.startedByRewind == before.startedByRewind)
        #expect(after.libvirtd == before.libvirtd)
        #expect(after.libvirtd?.isAlive == true)
        #expect(FileManager.default.contents(atPath: LiveHost.system.stateFile) == stateBefore)
        #expect(after.accelerator == .kvm || after.accelerator == .tcg)
        if !Accelerator.deviceUsable() || Accelerator.KVMModule.local == .pvm { #expect(after.accelerator == .tcg) }
        #expect(after.versions?.hypervisor == "QEMU")
        #expect(after.versions?.daemon != nil)
        #expect(FileManager.default.fileExists(atPath: LiveHost.system.imageDirectory))
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: LiveHost.system.stateFile),
                   "only when the running libvirtd is not Rewind's"))
    func stopLeavesSomeoneElsesDaemonAlone() throws {
        let before = LiveHost.system.status()
        try #require(before.running && !before.startedByRewind)
        let result = try LiveHost.system.stop()
        #expect(result.ended.isEmpty)
        let after = LiveHost.system.status()
        #expect(after.running)
        #expect(after.libvirtd == before.libvirtd)
    }
}
