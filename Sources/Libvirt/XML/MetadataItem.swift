import RewindXML

/// One application element inside a domain's `<metadata>` (formatdomain, "General metadata").
///
/// libvirt keeps such elements as they are, provided each is in its own XML namespace. Rewind tags
/// the domains it creates with `MetadataItem.rewindLab(run:)`:
///
/// ```xml
/// <metadata>
///   <rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="RUNID"/>
/// </metadata>
/// ```
///
/// The element is built and read through libxml2, so attribute values and text may hold any
/// characters. libvirt may pick its own prefix when it prints the element back; match on
/// `namespaceURI` and `name`, not on `prefix`.
public struct MetadataItem: Sendable, Hashable {
    /// The namespace URI (required by libvirt for metadata elements).
    public var namespaceURI: String
    /// The namespace prefix used when writing the element, e.g. `rewind` (empty for a default namespace).
    public var prefix: String
    /// The element's local name, e.g. `lab`.
    public var name: String
    /// Attributes in no namespace.
    public var attributes: [String: String]
    /// The element's text, when it has no child elements (nil for none).
    public var text: String?
    /// Child elements, each with its own namespace (usually the parent's).
    public var children: [MetadataItem]

    /// Creates a metadata element.
    public init(namespaceURI: String, prefix: String, name: String, attributes: [String: String] = [:],
                text: String? = nil, children: [MetadataItem] = []) {
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The namespace of Rewind's own metadata, `https://rewind.invalid/lab/1`.
    public static let rewindNamespace = "https://rewind.invalid/lab/1"

    /// Rewind's lab tag, `<rewind:lab xmlns:rewind="https://rewind.invalid/lab/1" run="…" snippet="…"/>`:
    /// the domain belongs to the lab run `run` (of the guide snippet `snippet`, when given) and may be
    /// removed by Rewind's clean-up.
    public static func rewindLab(run: String, snippet: String? = nil) -> MetadataItem {
        var attributes = ["run": run]
        if let snippet { attributes["snippet"] = snippet }
        return MetadataItem(namespaceURI: rewindNamespace, prefix: "rewind", name: "lab", attributes: attributes)
    }

    /// Whether this is Rewind's lab tag (namespace `rewindNamespace`, name `lab`).
    public var isRewindLab: Bool { namespaceURI == Self.rewindNamespace && name == "lab" }

    /// Reads one metadata element from XML text. Elements in no namespace are given `defaultNamespace`:
    /// `virDomainGetMetadata` prints the element it finds without its namespace.
    init(xml: String, defaultNamespace: String?) throws(LibvirtError) {
        let doc: XMLDocument
        do {
            doc = try XMLDocument(parsing: xml)
        } catch {
            throw .invalidXML("not well-formed metadata XML: \(error)")
        }
        guard let item = MetadataItem(element: doc.root, defaultNamespace: defaultNamespace) else {
            throw .invalidXML("the metadata element <\(doc.root.qualifiedName)> is in no namespace")
        }
        self = item
    }

    /// Writes this item as a child of `parent`.
    func write(into parent: XMLElement) {
        let ns = XMLNamespace(prefix: prefix.isEmpty ? nil : prefix, uri: namespaceURI)
        let e = parent.addChild(name: name, namespace: ns)
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { e.setAttribute(key, to: value) }
        if let text { e.addText(text) }
        for child in children { child.write(into: e) }
    }

    /// Reads an element in a namespace (nil for an element in no namespace, which libvirt would refuse),
    /// or in `defaultNamespace` when it has none.
    init?(element e: XMLElement, defaultNamespace: String? = nil) {
        guard let uri = e.namespaceURI ?? defaultNamespace else { return nil }
        let kids = e.children.compactMap { MetadataItem(element: $0, defaultNamespace: defaultNamespace) }
        var attrs: [String: String] = [:]
        for (key, value) in e.attributes where !key.contains(":") { attrs[key] = value }
        self.init(namespaceURI: uri, prefix: e.prefix ?? "", name: e.name, attributes: attrs,
                  text: e.children.isEmpty && !e.text.isEmpty ? e.text : nil, children: kids)
    }
}
