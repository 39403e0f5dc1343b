import Foundation
import Testing
@testable import Libvirt

/// Save, restore and managed save on a private test-driver state.
@Suite("Jobs: save and managed save (test driver)")
struct JobsSaveTests {
    @Test("save stops the domain (SAVED); the image holds its XML; restore runs it again (RESTORED)")
    func saveRestore() throws {
        let node = try DomainFixture()
        let dom = node.domain
        let file = node.path("domain.save")

        try dom.save(to: file)
        #expect(try dom.state() == .init(state: .shutoff, reason: 5))
        #expect(try dom.state().reasonName == "SAVED")
        #expect(try !dom.isActive())
        #expect(FileManager.default.fileExists(atPath: file))

        let xml = try node.connection.saveImageXML(path: file)
        #expect(xml.contains("<name>\(DomainFixture.domainName)</name>"))

        try node.connection.restore(from: file)
        let state = try dom.state()
        #expect(state.state == .running)
        #expect(state.reasonName == "RESTORED")
    }

    @Test("the test driver rejects every save flag, and a missing image")
    func saveFlagsAndMissingImage() throws {
        let node = try DomainFixture()
        let dom = node.domain
        let flagged = #expect(throws: LibvirtError.self) {
            try dom.save(to: node.path("flagged.save"), flags: .paused)
        }
        #expect(flagged?.code == .invalidArg)
        #expect(try dom.state().state == .running)

        let missing = #expect(throws: LibvirtError.self) {
            try node.connection.restore(from: node.path("does-not-exist.save"))
        }
        #expect(missing != nil)
        let missingXML = #expect(throws: LibvirtError.self) {
            _ = try node.connection.saveImageXML(path: node.path("does-not-exist.save"))
        }
        #expect(missingXML != nil)
    }

    @Test("managed save: image present while stopped, consumed by start")
    func managedSaveLifecycle() throws {
        let node = try DomainFixture()
        let dom = node.domain
        #expect(try !dom.hasManagedSaveImage())

        try dom.managedSave()
        #expect(try dom.hasManagedSaveImage())
        #expect(try dom.state().state == .shutoff)
        #expect(try dom.state().reasonName == "SAVED")

        try dom.start()
        #expect(try !dom.hasManagedSaveImage())
        // The test driver reports BOOTED here (QEMU says RESTORED).
        #expect(try dom.state().state == .running)
    }

    @Test("managed save image removed: the next start boots afresh")
    func managedSaveRemove() throws {
        let node = try DomainFixture()
        let dom = node.domain
        try dom.managedSave()
        #expect(try dom.hasManagedSaveImage())
        try dom.removeManagedSaveImage()
        #expect(try !dom.hasManagedSaveImage())
        try dom.start()
        #expect(try dom.state().reasonName == "BOOTED")
    }
}
