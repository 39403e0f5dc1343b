import Foundation
import Testing
@testable import Lab
import Libvirt

/// The lab's image tools (`Lab+ImageTools.swift`) on plain files: they need `qemu-img` and `qemu-io`,
/// not a hypervisor, so they run with the unit tests on a private test-driver lab.
@Suite("Lab image tools (files only)")
struct LabImageToolsTests {
    @Test("writeImage fills exactly the given range of an image no domain holds")
    func writeImageFillsTheRange() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let image = try lab.createImage(name: "fill.qcow2", sizeMiB: 4)
        try lab.writeImage(image, pattern: 0x5a, offset: 65536, length: 131072)

        #expect(try lab.imageHasPattern(image, pattern: 0x5a, offset: 65536, length: 131072))
        #expect(try lab.imageHasPattern(image, pattern: 0, offset: 0, length: 65536))
        #expect(try lab.imageHasPattern(image, pattern: 0, offset: 196608, length: 65536))
        #expect(try lab.allocatedRanges(image) == [65536 ..< 196608])

        let raw = try lab.createImage(name: "fill.raw", sizeMiB: 1, format: .raw)
        try lab.writeImage(raw, format: .raw, pattern: 0x11, offset: 1, length: 3)
        #expect(try lab.imageHasPattern(raw, format: .raw, pattern: 0x11, offset: 1, length: 3))
        #expect(try lab.imageHasPattern(raw, format: .raw, pattern: 0, offset: 4, length: 512))

        let finished = await LabTestSupport.finish(lab)
        #expect(finished.teardownErrors.isEmpty)
        #expect(finished.leftovers.isEmpty)
    }

    @Test("writeImage beyond the end of the image fails, naming the calling line")
    func writeImageBeyondTheEnd() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let image = try lab.createImage(name: "small.qcow2", sizeMiB: 1)
        let line = #line + 1
        let failure = #expect(throws: LabFailure.self) {
            try lab.writeImage(image, pattern: 0x22, offset: 1 << 20, length: 4096)
        }
        #expect(failure?.line == line)
        #expect(failure?.message.contains("did not write") == true)
        _ = await LabTestSupport.finish(lab)
    }

    @Test("qemuImg returns standard output and turns a failure into a LabFailure with qemu-img's message")
    func qemuImgRunsTheTool() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let base = try lab.createImage(name: "base.qcow2", sizeMiB: 2)
        let other = try lab.createImage(name: "other.qcow2", sizeMiB: 2)
        let overlay = try lab.createImage(name: "overlay.qcow2", backing: base)

        let info = try lab.qemuImg(["info", "--output=json", "-U", base])
        struct Info: Decodable { var virtualSize: Int; enum CodingKeys: String, CodingKey { case virtualSize = "virtual-size" } }
        #expect(try JSONDecoder().decode(Info.self, from: Data(info.utf8)).virtualSize == 2 << 20)

        // rebase -u rewrites only the header: the backing file changes.
        try lab.qemuImg(["rebase", "-u", "-f", "qcow2", "-b", other, "-F", "qcow2", overlay])
        #expect(try lab.backingFile(of: overlay) == other)

        let missing = lab.directory.appendingPathComponent("missing.qcow2").path
        let failure = #expect(throws: LabFailure.self) { try lab.qemuImg(["info", missing]) }
        #expect(failure?.message.contains("qemu-img") == true)
        #expect(failure?.message.contains("missing.qcow2") == true)
        _ = await LabTestSupport.finish(lab)
    }

    @Test("imagesMatch compares guest-visible content across formats and notes the first difference")
    func imagesMatchComparesContent() async throws {
        let lab = try LabTestSupport.testDriverLab()
        let qcow2 = try lab.createImage(name: "a.qcow2", sizeMiB: 2)
        try lab.writeImage(qcow2, pattern: 0x33, offset: 4096, length: 8192)
        let raw = lab.directory.appendingPathComponent("a.raw").path
        try lab.qemuImg(["convert", "-f", "qcow2", "-O", "raw", qcow2, raw])

        #expect(try lab.imagesMatch(qcow2, raw, formatB: .raw))
        #expect(lab.evidence.notes.isEmpty)

        try lab.writeImage(raw, format: .raw, pattern: 0x34, offset: 1 << 20, length: 1)
        #expect(try !lab.imagesMatch(qcow2, raw, formatB: .raw))
        #expect(lab.evidence.notes.count == 1)
        #expect(lab.evidence.notes.first?.contains("1048576") == true)   // qemu-img names the offset

        let missing = lab.directory.appendingPathComponent("missing.raw").path
        #expect(throws: LabFailure.self) { try lab.imagesMatch(qcow2, missing, formatB: .raw) }
        try FileManager.default.removeItem(atPath: raw)
        let finished = await LabTestSupport.finish(lab)
        #expect(finished.leftovers.isEmpty)
    }
}
