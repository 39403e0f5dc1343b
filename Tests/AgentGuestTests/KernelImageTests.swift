import AgentGuest
import Foundation
import Testing

@Suite("Kernel image")
struct KernelImageTests {
    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    /// A minimal ELF64: header, two program headers (a PT_NOTE and a PT_LOAD), then the notes.
    static func elf(noteType: UInt32, loadSize: UInt64 = 16) -> Data {
        var notes: [UInt8] = []
        for (name, type) in [("GNU", UInt32(3)), ("Xen", noteType)] {
            let n = Array(name.utf8) + [0]
            notes += le(UInt64(n.count), 4) + le(4, 4) + le(UInt64(type), 4) + n + [UInt8](repeating: 0, count: (4 - n.count % 4) % 4)
            notes += [1, 2, 3, 4]
        }
        let phoff: UInt64 = 64, notesOffset: UInt64 = 64 + 2 * 56
        var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        header += le(2, 2) + le(62, 2) + le(1, 4) + le(0, 8) + le(phoff, 8) + le(0, 8) + le(0, 4)
        header += le(64, 2) + le(56, 2) + le(2, 2) + le(64, 2) + le(0, 2) + le(0, 2)
        func ph(_ type: UInt32, _ offset: UInt64, _ size: UInt64) -> [UInt8] {
            le(UInt64(type), 4) + le(0, 4) + le(offset, 8) + le(0, 8) + le(0, 8) + le(size, 8) + le(size, 8) + le(4, 8)
        }
        let bytes = header + ph(4, notesOffset, UInt64(notes.count)) + ph(1, 0, loadSize) + notes
        return Data(bytes)
    }

    @Test("The PVH note (Xen, type 18) is found in a PT_NOTE segment; other notes are not it")
    func pvhNote() {
        #expect(KernelImage.hasPVHEntry(elf: Self.elf(noteType: 18)))
        #expect(!KernelImage.hasPVHEntry(elf: Self.elf(noteType: 17)))
        #expect(!KernelImage.hasPVHEntry(elf: Data("not an elf at all, long enough to pass the size check......".utf8)))
        #expect(KernelImage.loadSegmentsFit(elf: Self.elf(noteType: 18)))
        #expect(!KernelImage.loadSegmentsFit(elf: Self.elf(noteType: 18, loadSize: 1 << 20)))
    }

    @Test("The payload is found through the boot protocol header and named by its magic")
    func bzImagePayload() throws {
        var image = [UInt8](repeating: 0, count: 0x1000)
        image[0x1f1] = 2  // setup sectors: the protected-mode code starts at 3 × 512
        image.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        let payload: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 9, 9, 9]
        image.replaceSubrange(0x248..<0x250, with: Self.le(0x100, 4) + Self.le(UInt64(payload.count), 4))
        image.replaceSubrange((3 * 512 + 0x100)..<(3 * 512 + 0x100 + payload.count), with: payload)
        let found = try #require(KernelImage.payload(ofBzImage: Data(image)))
        #expect(found.format == "xz")
        #expect(found.bytes == Data(payload))
        image[0x202] = 0
        #expect(KernelImage.payload(ofBzImage: Data(image)) == nil)
    }
}
