import Foundation
import Testing
@testable import Reports
import Runner

@Suite("The versions the guides target (the floor)")
struct VersionFloorTests {
    static func host(_ libvirt: String, _ qemu: String, driver: String = "QEMU") -> HostInfo {
        HostInfo(uri: "qemu+ssh://old.example/system", driver: driver, libvirtVersion: libvirt, hypervisorVersion: qemu, virtType: "kvm")
    }

    @Test("a QEMU host below libvirt 9.0 or QEMU 7.2 is named, with both versions and the reason; others are not")
    func note() throws {
        let old = try #require(VersionFloor.note(for: Self.host("8.0.0", "6.2.0")))
        #expect(old.contains("libvirt 8.0.0 and QEMU 6.2.0") && old.contains("libvirt 9.0, QEMU 7.2") && old.contains("bookworm"))
        #expect(VersionFloor.note(for: Self.host("9.0.0", "6.2.0"))?.contains("QEMU 6.2.0") == true)
        #expect(VersionFloor.note(for: Self.host("9.0.0", "7.2.22")) == nil)
        #expect(VersionFloor.note(for: Self.host("12.8.0", "11.1.3")) == nil)
        #expect(VersionFloor.note(for: Self.host("8.0.0", "0.0.2", driver: "TEST")) == nil)
    }

    @Test("the summary marks such a host in its header and in the host table, with a footnote")
    func summary() {
        let results = RunResults(startedAt: Date(), hosts: [HostResults(host: Self.host("8.0.0", "6.2.0"), results: [], runDuration: 0),
                                                           HostResults(host: Self.host("12.8.0", "11.1.3"), results: [], runDuration: 0)])
        let text = SummaryWriter(color: false).render(results)
        #expect(text.contains("below the guides' floor (libvirt 9.0, QEMU 7.2)"))
        #expect(text.contains("8.0.0*"))
        #expect(text.contains("* below the versions the guides target"))
    }
}
