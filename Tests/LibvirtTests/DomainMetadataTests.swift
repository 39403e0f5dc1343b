import Foundation
import Libvirt
import Testing

/// `Domain.metadata(namespaceURI:)` and `MetadataItem(xml:)` on a private test-driver state.
@Suite("Domain metadata")
struct DomainMetadataTests {
    @Test("The lab tag written in the definition is read back by namespace, with its attributes")
    func readsTag() throws {
        let node = try TestDriverNode("meta")
        let conn = node.connection
        let hostile = "run-'1'&<2>"
        let def = DomainDefinition(name: "meta-tagged", type: .test, arch: "i686", machine: nil,
                                   metadata: [.rewindLab(run: hostile, snippet: "snip-1")])
        let dom = try conn.defineDomain(xml: def.xml())
        let tag = try #require(try dom.metadata(namespaceURI: MetadataItem.rewindNamespace))
        #expect(tag.isRewindLab)
        #expect(tag.namespaceURI == MetadataItem.rewindNamespace)
        #expect(tag.attributes == ["run": hostile, "snippet": "snip-1"])
        #expect(try dom.metadata(namespaceURI: MetadataItem.rewindNamespace, .config) == tag)
        // Not running: the live definition cannot be asked.
        #expect(throws: LibvirtError.self) { try dom.metadata(namespaceURI: MetadataItem.rewindNamespace, .live) }
        try dom.undefine()
    }

    @Test("Child elements and text come back in the namespace asked for; other namespaces stay apart")
    func childrenAndOtherNamespaces() throws {
        let node = try TestDriverNode("meta")
        let conn = node.connection
        let other = "https://example.invalid/other"
        let nested = MetadataItem(namespaceURI: other, prefix: "o", name: "info", attributes: ["k": "v"], children: [
            MetadataItem(namespaceURI: other, prefix: "o", name: "note", text: "a & b"),
        ])
        let def = DomainDefinition(name: "meta-nested", type: .test, arch: "i686", machine: nil,
                                   metadata: [.rewindLab(run: "r1"), nested])
        let dom = try conn.defineDomain(xml: def.xml())
        let got = try #require(try dom.metadata(namespaceURI: other))
        #expect(got.name == "info")
        #expect(got.attributes == ["k": "v"])
        #expect(got.children.map(\.name) == ["note"])
        #expect(got.children.first?.namespaceURI == other)
        #expect(got.children.first?.text == "a & b")
        #expect(!got.isRewindLab)
        #expect(try dom.metadata(namespaceURI: MetadataItem.rewindNamespace)?.attributes == ["run": "r1"])
        try dom.undefine()
    }

    @Test("A namespace the domain has no element in gives nil, not an error")
    func absentNamespace() throws {
        let node = try TestDriverNode("meta")
        let conn = node.connection
        let dom = try conn.defineDomain(xml: DomainDefinition(name: "meta-plain", type: .test, arch: "i686",
                                                              machine: nil).xml())
        #expect(try dom.metadata(namespaceURI: MetadataItem.rewindNamespace) == nil)
        #expect(try dom.metadata(namespaceURI: "https://example.invalid/other") == nil)
        try dom.undefine()
        // A domain that is gone is an error, not an absent element.
        let error = #expect(throws: LibvirtError.self) { try dom.metadata(namespaceURI: MetadataItem.rewindNamespace) }
        #expect(error?.code == .noDomain)
    }
}
