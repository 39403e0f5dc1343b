import AgentGuest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("Agent guest domain XML")
struct DomainXMLTests {
    static func image() throws -> GuideImage {
        let json = """
            {"key":"k","kernelRelease":"6.1.0-56-amd64","kernelFile":"vmlinux","kernelCommandLine":"console=ttyS0 panic=-1 quiet",
             "packages":[],"modules":[],"buildSeconds":1,"builtAt":0,
             "sizes":{"kernel":1,"initramfs":1,"initramfsUncompressed":1,"dataDiskFile":1,"dataDiskVirtual":1}}
            """
        var image = try JSONDecoder().decode(GuideImage.self, from: Data(json.utf8))
        image.directory = URL(fileURLWithPath: "/cache/a&b", isDirectory: true)
        return image
    }

    static func values(_ xml: String, _ xpath: String) throws -> [String] {
        try XMLDocument(xmlString: xml).nodes(forXPath: xpath).compactMap(\.stringValue)
    }

    @Test("Direct kernel boot, one virtio disk, the agent channel, a serial log, and values escaped")
    func document() throws {
        let xml = AgentGuest.domainXML(
            name: "rewind-guest-x", image: try Self.image(), disk: URL(fileURLWithPath: "/img/d'q.qcow2"),
            consoleLog: URL(fileURLWithPath: "/img/c.log"), type: "qemu", memoryMiB: 96,
            kernelArguments: ["rewind.interval_ms=2"])
        #expect(try Self.values(xml, "/domain/@type") == ["qemu"])
        #expect(try Self.values(xml, "/domain/memory") == ["96"])
        #expect(try Self.values(xml, "/domain/os/kernel") == ["/cache/a&b/vmlinux"])
        #expect(try Self.values(xml, "/domain/os/initrd") == ["/cache/a&b/initramfs.img"])
        #expect(try Self.values(xml, "/domain/os/cmdline") == ["console=ttyS0 panic=-1 quiet rewind.interval_ms=2"])
        #expect(try Self.values(xml, "/domain/devices/disk/source/@file") == ["/img/d'q.qcow2"])
        #expect(try Self.values(xml, "/domain/devices/disk/target/@dev") == ["vda"])
        #expect(try Self.values(xml, "/domain/devices/channel/target/@name") == ["org.qemu.guest_agent.0"])
        #expect(try Self.values(xml, "/domain/devices/serial/source/@path") == ["/img/c.log"])
        #expect(try Self.values(xml, "/domain/on_reboot") == ["destroy"])
    }
}
