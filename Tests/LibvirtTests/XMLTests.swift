import Foundation
import Libvirt
import RewindXML
import Testing

/// Tests of the RewindXML libxml2 wrapper.
@Suite("RewindXML")
struct XMLTests {
    /// Values that break XML built by string concatenation.
    static let hostileValues = [
        "plain",
        "quote ' apostrophe \" both '\"",
        "amp & lt < gt > end",
        "cdata end ]]> here",
        "&amp; already escaped &lt;",
        "non-ASCII é, 日本, emoji 🦆",
        "x'/><evil/>",
        "x\"/><evil a=\"1\"/><x y=\"",
        "</name><evil/><name>",
        "<!-- comment --><![CDATA[x]]>",
        "  leading and trailing spaces  ",
        "tab\tand\nnewline",
    ]

    @Test("attribute and text values survive a build → serialise → parse round trip", arguments: hostileValues)
    func roundTrip(value: String) throws {
        let doc = XMLDocument(rootName: "domain")
        doc.root["name"] = value
        doc.root.addChild(name: "name", text: value)
        let child = doc.root.addChild(name: "description")
        child.addText(value)
        for pretty in [true, false] {
            let text = doc.serialized(pretty: pretty)
            let back = try XMLDocument(parsing: text)
            #expect(back.root["name"] == value)
            #expect(back.root.firstChild(named: "name")?.text == value)
            #expect(back.root.firstChild(named: "description")?.text == value)
            // Exactly the three elements we made, whatever the value contains.
            #expect(try back.string(at: "count(//*)") == "3")
            #expect(try back.select("//evil").isEmpty)
            #expect(back.root.attributes.count == 1)
        }
    }

    @Test("a hostile value stays one attribute and one text node")
    func hostileStaysOneNode() throws {
        let evil = "x'/><evil/>"
        let doc = XMLDocument(rootName: "a")
        let b = doc.root.addChild(name: "b")
        b.setAttribute("v", to: evil)
        b.text = evil
        let text = doc.serialized(pretty: false)
        #expect(!text.contains("<evil"))
        let back = try XMLDocument(parsing: text)
        #expect(back.root.children.count == 1)
        #expect(try back.string(at: "count(//*)") == "2")
        #expect(try back.string(at: "count(//@*)") == "1")
        #expect(try back.string(at: "b/@v") == evil)
        #expect(try back.string(at: "b") == evil)
    }

    @Test("escaped input is read as text, not re-interpreted")
    func parsedEscapes() throws {
        let doc = try XMLDocument(parsing: "<a v='&lt;b&gt; &amp;amp; &apos;&quot;'>&lt;c/&gt;<![CDATA[<d/>]]></a>")
        #expect(doc.root["v"] == "<b> &amp; '\"")
        #expect(doc.root.text == "<c/><d/>")
        #expect(doc.root.children.isEmpty)
    }

    @Test("non-ASCII text is serialised as UTF-8, not as character references")
    func utf8Output() throws {
        let doc = XMLDocument(rootName: "n")
        doc.root.text = "é 日本"
        #expect(doc.serialized(pretty: false) == "<n>é 日本</n>\n")
        #expect(doc.serialized(pretty: false, declaration: true).hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
    }

    @Test("parse errors carry libxml2's message and line")
    func parseErrorLine() {
        let text = "<domain>\n  <name>x</name>\n  <devices>\n</domain>\n"
        do {
            _ = try XMLDocument(parsing: text)
            Issue.record("a mismatched tag parsed")
        } catch {
            #expect(error.kind == .parse)
            #expect(error.line == 4)
            #expect(error.message.contains("mismatch"))
            #expect(error.code != 0)
        }
        #expect(throws: XMLError.self) { try XMLDocument(parsing: "") }
        #expect(throws: XMLError.self) { try XMLDocument(parsing: "not xml") }
        #expect(throws: XMLError.self) { try XMLDocument(parsing: "<a></a><b/>") }
    }

    @Test("external entities are not loaded")
    func noExternalEntities() throws {
        let text = """
            <!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <a>[&x;]</a>
            """
        let doc = try XMLDocument(parsing: text)
        #expect(!doc.root.text.contains("root:"))
        #expect(!doc.serialized().contains("root:"))
    }

    @Test("XPath selects elements, attributes and strings")
    func xpath() throws {
        let doc = try XMLDocument(parsing: """
            <domain type='kvm'>
              <devices>
                <disk device='disk'><target dev='vda'/></disk>
                <disk device='cdrom'><target dev='sda'/></disk>
                <disk device='disk'><target dev='vdb'/></disk>
              </devices>
            </domain>
            """)
        let disks = try doc.select("devices/disk[@device='disk']")
        #expect(disks.map { $0.firstChild(named: "target")?["dev"] } == ["vda", "vdb"])
        #expect(try doc.root.strings(at: "devices/disk/target/@dev") == ["vda", "sda", "vdb"])
        #expect(try doc.string(at: "@type") == "kvm")
        #expect(try doc.string(at: "count(devices/disk)") == "3")
        #expect(try doc.string(at: "devices/disk[9]/target/@dev") == nil)
        #expect(try doc.string(at: "boolean(devices)") == "true")
        // Relative to an element.
        let second = disks[1]
        #expect(try second.string(at: "target/@dev") == "vdb")
        #expect(try second.select("..").first?.name == "devices")
        // Attribute nodes are not elements.
        #expect(try doc.select("//@dev").isEmpty)
        do {
            _ = try doc.select("devices/disk[")
            Issue.record("an invalid expression evaluated")
        } catch {
            #expect(error.kind == .xpath)
        }
        #expect(throws: XMLError.self) { try doc.select("//r:lab") }
    }

    @Test("namespaced elements are built, serialised and selected")
    func namespaces() throws {
        let ns = XMLNamespace(prefix: "rewind", uri: "https://rewind.invalid/lab/1")
        let doc = XMLDocument(rootName: "domain")
        let meta = doc.root.addChild(name: "metadata")
        let lab = meta.addChild(name: "lab", namespace: ns)
        lab["run"] = "r1"
        let item = lab.addChild(name: "step", text: "s")
        #expect(item.namespaceURI == ns.uri)
        #expect(meta.namespaceURI == nil)
        let text = doc.serialized(pretty: false)
        #expect(text.contains("<rewind:lab xmlns:rewind=\"https://rewind.invalid/lab/1\" run=\"r1\"><rewind:step>s</rewind:step></rewind:lab>"))

        let back = try XMLDocument(parsing: text)
        let found = try back.select("metadata/r:lab", namespaces: ["r": ns.uri])
        #expect(found.count == 1)
        #expect(found.first?.name == "lab")
        #expect(found.first?.prefix == "rewind")
        #expect(found.first?.qualifiedName == "rewind:lab")
        #expect(found.first?["run"] == "r1")
        #expect(back.root.firstChild(named: "metadata")?.firstChild(named: "lab", namespaceURI: "urn:other") == nil)

        // A namespaced attribute.
        lab.setAttribute("mark", to: "m", namespace: ns)
        #expect(lab.attribute("mark", namespaceURI: ns.uri) == "m")
        #expect(lab.attribute("mark") == nil)
        #expect(lab.attributes == ["run": "r1", "rewind:mark": "m"])
    }

    @Test("a root element in a default namespace")
    func defaultNamespace() throws {
        let doc = XMLDocument(rootName: "feed", namespace: XMLNamespace(prefix: nil, uri: "urn:x"))
        doc.root.addChild(name: "entry", text: "e")
        let back = try XMLDocument(parsing: doc.serialized())
        #expect(back.root.namespaceURI == "urn:x")
        #expect(back.root.children.first?.namespaceURI == "urn:x")
        #expect(try back.select("x:entry", namespaces: ["x": "urn:x"]).count == 1)
    }

    @Test("attributes are replaced and removed; elements removed; text replaces children")
    func mutation() throws {
        let doc = try XMLDocument(parsing: "<a x='1' y='2'><b/><c><d/></c><b/></a>")
        doc.root["x"] = "3"
        doc.root["y"] = nil
        doc.root.removeAttribute("missing")
        #expect(doc.root.attributes == ["x": "3"])
        let c = try #require(doc.root.firstChild(named: "c"))
        let d = try #require(c.firstChild(named: "d"))
        c.remove()
        #expect(doc.root.children.map(\.name) == ["b", "b"])
        // The removed subtree is still usable (freed with the document).
        #expect(d.parent == c)
        #expect(c.parent == nil)
        #expect(d.name == "d")
        doc.root.remove()   // the root stays
        #expect(doc.root.name == "a")
        #expect(doc.root.children(named: "b").count == 2)
        doc.root.text = "t & u"
        #expect(doc.root.children.isEmpty)
        #expect(doc.serialized(pretty: false) == "<a x=\"3\">t &amp; u</a>\n")
        #expect(doc.root == doc.root)
        #expect(doc.root.parent == nil)
    }

    @Test("pretty output of a parsed document is stable")
    func prettyStable() throws {
        let doc = try XMLDocument(parsing: "<a>\n\n   <b   k='v'/>   <c>t</c>\n</a>")
        let once = doc.serialized()
        #expect(once == "<a>\n  <b k=\"v\"/>\n  <c>t</c>\n</a>\n")
        #expect(try XMLDocument(parsing: once).serialized() == once)
        #expect(doc.root.firstChild(named: "c")?.serialized() == "<c>t</c>")
    }

    @Test("libvirt-api.xml is parsed from its file")
    func apiFile() throws {
        let path = "/usr/share/libvirt/api/libvirt-api.xml"
        try #require(FileManager.default.fileExists(atPath: path))
        let doc = try XMLDocument(contentsOfFile: path)
        #expect(doc.root.name == "api")
        #expect(try doc.string(at: "/api/@name") == "libvirt")
        let fn = try doc.select("symbols/function[@name='virDomainBackupBegin']")
        #expect(fn.count == 1)
        #expect(try fn[0].strings(at: "arg/@name") == ["domain", "backupXML", "checkpointXML", "flags"])
        #expect(try doc.select("symbols/function[@name='virDomainBackupEnd']").isEmpty)
    }

    @Test("file errors")
    func fileErrors() throws {
        do {
            _ = try XMLDocument(contentsOfFile: "/nonexistent/rewind-xml.xml")
            Issue.record("a missing file parsed")
        } catch {
            #expect(error.kind == .io)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-xml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.xml")
        try Data("<a>\n<b>\n".utf8).write(to: bad)
        do {
            _ = try XMLDocument(contentsOfFile: bad.path)
            Issue.record("a truncated file parsed")
        } catch {
            #expect(error.kind == .parse)
            #expect(error.line >= 2)
        }
        // A file's own encoding declaration is honoured.
        let latin1 = dir.appendingPathComponent("latin1.xml")
        try Data("<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\u{E9}</a>".data(using: .isoLatin1)!).write(to: latin1)
        #expect(try XMLDocument(contentsOfFile: latin1.path).root.text == "café")
    }
}

@Suite("RewindXML: RELAX NG validation against libvirt's schemas")
struct XMLSchemaTests {
    static let schema = "/usr/share/libvirt/schemas/domainbackup.rng"

    @Test("a valid backup document passes; a wrong mode, an unknown element and a missing name fail at their lines",
          .enabled(if: FileManager.default.fileExists(atPath: XMLSchemaTests.schema)))
    func validation() throws {
        let schema = try XMLSchema(relaxNGFile: Self.schema)
        #expect(schema.validate(try XMLDocument(parsing: BackupDefinition(mode: .push, disks: [
            .init(name: "vda", target: "/tmp/a b'c.qcow2", driverType: .qcow2)]).xml())).isEmpty)
        #expect(schema.validate(try XMLDocument(parsing: BackupDefinition(mode: .pull, server: .tcp(name: "127.0.0.1", port: 10809),
                                                                          disks: [.init(name: "vda", scratch: "/tmp/s")]).xml())).isEmpty)

        let badMode = schema.validate(try XMLDocument(parsing: "<domainbackup mode='sideways'/>"))
        #expect(!badMode.isEmpty)
        #expect(badMode.allSatisfy { $0.kind == .validation })
        let unknown = schema.validate(try XMLDocument(parsing: "<domainbackup mode='push'>\n<disks>\n<floppy/>\n</disks>\n</domainbackup>"))
        #expect(unknown.contains { $0.message.contains("disks") } && unknown.contains { $0.line == 2 }, "\(unknown)")
        #expect(!schema.validate(try XMLDocument(parsing: "<domainbackup mode='push'><disks><disk backup='yes'/></disks></domainbackup>")).isEmpty,
                "a disk without its name")
    }

    @Test("a missing or malformed schema is an error, not a pass")
    func badSchema() throws {
        #expect(throws: XMLError.self) { try XMLSchema(relaxNGFile: "/nonexistent/schema.rng") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-bad-\(UUID().uuidString.prefix(6)).rng").path
        try "<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start><bogus/></start></grammar>".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: XMLError.self) { try XMLSchema(relaxNGFile: path) }
    }
}
