import Testing
@testable import Libvirt

/// File system freeze and thaw on a private test-driver state, which fakes two file systems, `/` and `/boot`.
@Suite("Jobs: freeze and thaw (test driver)")
struct JobsFreezeTests {
    @Test("counts: freeze all → 2, again → 0, thaw → 2, again → 0")
    func counts() throws {
        let node = try DomainFixture()
        let dom = node.domain
        #expect(try dom.freezeFilesystems() == 2)
        #expect(try dom.freezeFilesystems() == 0)
        #expect(try dom.thawFilesystems() == 2)
        #expect(try dom.thawFilesystems() == 0)
    }

    @Test("named mount points are frozen and thawed one by one")
    func mountpoints() throws {
        let node = try DomainFixture()
        let dom = node.domain
        #expect(try dom.freezeFilesystems(mountpoints: ["/boot"]) == 1)
        #expect(try dom.freezeFilesystems() == 1)
        #expect(try dom.thawFilesystems(mountpoints: ["/", "/boot"]) == 2)
    }

    @Test("an unknown mount point is VIR_ERR_OPERATION_INVALID and freezes nothing")
    func unknownMountpoint() throws {
        let node = try DomainFixture()
        let dom = node.domain
        let error = #expect(throws: LibvirtError.self) {
            try dom.freezeFilesystems(mountpoints: ["/", "/rewind-nope"])
        }
        #expect(error?.code == .operationInvalid)
        #expect(error?.message.contains("/rewind-nope") == true)
        #expect(try dom.freezeFilesystems() == 2)
    }
}
