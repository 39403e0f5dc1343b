import Foundation
import Lab
import Libvirt
import RewindXML
import Testing

/// `Lab.diskXML(file:format:)`, the destination document of a block copy. No hypervisor needed.
@Suite("Lab block copy destination XML")
struct LabDiskXMLTests {
    /// A lab on a private test-driver state; nothing is created in it.
    static func makeLab() throws -> Lab {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-gcopy-diskxml-\(UUID().uuidString)")
        return Lab(connection: try Connection(uri: "test:///default"), directory: directory,
                   runID: "gcopy-diskxml", snippetID: "disk-xml")
    }

    @Test("a file disk with its source and driver type")
    func plainPath() throws {
        let xml = try Self.makeLab().diskXML(file: "/var/lib/libvirt/images/rewind/copy.qcow2")
        let doc = try XMLDocument(parsing: xml)
        #expect(doc.root.name == "disk")
        #expect(doc.root["type"] == "file")
        #expect(doc.root.firstChild(named: "source")?["file"] == "/var/lib/libvirt/images/rewind/copy.qcow2")
        #expect(doc.root.firstChild(named: "driver")?["type"] == "qcow2")
        #expect(doc.root.children(named: "target").isEmpty, "a copy destination has no target")
    }

    @Test("the format is written as given")
    func rawFormat() throws {
        let doc = try XMLDocument(parsing: try Self.makeLab().diskXML(file: "/tmp/x.img", format: .raw))
        #expect(doc.root.firstChild(named: "driver")?["type"] == "raw")
    }

    @Test("quotes, ampersands and angle brackets in the path survive a round trip")
    func escaping() throws {
        let path = "/tmp/a'b\"c&d<e>f é.qcow2"
        let xml = try Self.makeLab().diskXML(file: path)
        #expect(!xml.contains("&d<e>"), "the markup characters are escaped: \(xml)")
        let doc = try XMLDocument(parsing: xml)
        #expect(doc.root.firstChild(named: "source")?["file"] == path)
    }
}
