internal import CLibXML2

/// A reference to one element of an `XMLDocument` (an `xmlNodePtr`); it keeps the document alive.
///
/// Values set through this API (`text`, `addText`, `addChild(name:text:)`, attributes) are stored
/// as text by libxml2 and escaped when the document is serialised: a value such as `x'/><evil/>`
/// stays one attribute value or one text node.
///
/// Element and attribute names must be valid XML names without a colon; a namespace is given as an
/// `XMLNamespace` instead of a `prefix:` in the name. An invalid name is a programming error (it traps).
///
/// Two `XMLElement` values are equal when they refer to the same node.
public struct XMLElement: Hashable, CustomStringConvertible {
    let node: xmlNodePtr
    /// The document this element belongs to (kept alive by this reference).
    public let document: XMLDocument

    init(node: xmlNodePtr, document: XMLDocument) {
        self.node = node
        self.document = document
    }

    /// Whether two values refer to the same node.
    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool { lhs.node == rhs.node }

    /// Hashes the node's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(node) }

    /// The element serialised compactly, for debugging.
    public var description: String { serialized(pretty: false) }

    // MARK: Names

    /// The local name, e.g. `lab` for `<rewind:lab>`.
    public var name: String { xmlString(node.pointee.name) ?? "" }

    /// The namespace prefix, e.g. `rewind` for `<rewind:lab>`, or nil.
    public var prefix: String? { node.pointee.ns.flatMap { xmlString($0.pointee.prefix) } }

    /// The namespace URI, or nil when the element is in no namespace.
    public var namespaceURI: String? { node.pointee.ns.flatMap { xmlString($0.pointee.href) } }

    /// The name as written: `prefix:name`, or `name` without a prefix.
    public var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }

    // MARK: Attributes

    /// The attribute node with this local name and namespace URI (nil: no namespace).
    private func attributeNode(_ name: String, namespaceURI: String?) -> xmlAttrPtr? {
        var p = node.pointee.properties
        while let a = p {
            let ns = a.pointee.ns.flatMap { xmlString($0.pointee.href) }
            if ns == namespaceURI, xmlString(a.pointee.name) == name { return a }
            p = a.pointee.next
        }
        return nil
    }

    /// The value of an attribute in no namespace; setting nil removes it.
    ///
    /// ```swift
    /// disk["type"] = "file"
    /// let dev = target["dev"]     // "vda"
    /// ```
    public subscript(name: String) -> String? {
        get { attribute(name) }
        nonmutating set {
            if let newValue { setAttribute(name, to: newValue) } else { removeAttribute(name) }
        }
    }

    /// The value of an attribute, or nil if the element has none of that name.
    ///
    /// - Parameters:
    ///   - name: the attribute's local name.
    ///   - namespaceURI: the attribute's namespace URI, or nil for an attribute in no namespace.
    public func attribute(_ name: String, namespaceURI: String? = nil) -> String? {
        guard let a = attributeNode(name, namespaceURI: namespaceURI) else { return nil }
        return content(of: UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self))
    }

    /// Sets an attribute, replacing any previous value (the corresponding C function is `xmlSetNsProp`).
    /// libxml2 stores the value as text and escapes it on output.
    ///
    /// - Parameters:
    ///   - name: the attribute's local name (a valid XML name without a colon).
    ///   - value: the value; any string is allowed.
    ///   - namespace: the attribute's namespace; it is declared on this element if it is not in scope.
    public func setAttribute(_ name: String, to value: String, namespace: XMLNamespace? = nil) {
        precondition(isValidNCName(name), "invalid XML attribute name: \(name)")
        let ns = namespace.map { declare($0, use: false) }
        _ = xmlSetNsProp(node, ns, name, value)
    }

    /// Removes an attribute if present (the corresponding C function is `xmlRemoveProp`).
    public func removeAttribute(_ name: String, namespaceURI: String? = nil) {
        if let a = attributeNode(name, namespaceURI: namespaceURI) { _ = xmlRemoveProp(a) }
    }

    /// All attributes, keyed by qualified name (`prefix:name` for an attribute in a namespace).
    /// Namespace declarations (`xmlns:…`) are not attributes and are not listed.
    public var attributes: [String: String] {
        var out: [String: String] = [:]
        var p = node.pointee.properties
        while let a = p {
            let local = xmlString(a.pointee.name) ?? ""
            let key = a.pointee.ns.flatMap { xmlString($0.pointee.prefix) }.map { "\($0):\(local)" } ?? local
            out[key] = content(of: UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self))
            p = a.pointee.next
        }
        return out
    }

    // MARK: Text

    /// The text content: the concatenated text of all descendants (the corresponding C function is
    /// `xmlNodeBufGetContent`). Setting it replaces every child (elements included) by one text node.
    public var text: String {
        get { content(of: node) }
        nonmutating set {
            removeAllChildren()
            addText(newValue)
        }
    }

    /// Appends text after the current last child (the corresponding C functions are `xmlNewDocTextLen`
    /// and `xmlAddChild`). The text is stored as is and escaped on output.
    public func addText(_ text: String) {
        guard !text.isEmpty else { return }
        var utf8 = Array(text.utf8)
        let t = utf8.withUnsafeMutableBufferPointer { buf in
            xmlNewDocTextLen(document.doc, buf.baseAddress, Int32(buf.count))
        }
        if let t, xmlAddChild(node, t) == nil { xmlFreeNode(t) }
    }

    // MARK: Tree

    /// The parent element, or nil for the root element (or a removed element).
    public var parent: XMLElement? {
        guard let p = node.pointee.parent, p.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(node: p, document: document)
    }

    /// The child elements, in document order (text and comments are skipped).
    public var children: [XMLElement] {
        var out: [XMLElement] = []
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE { out.append(XMLElement(node: n, document: document)) }
            c = n.pointee.next
        }
        return out
    }

    /// The child elements with a local name (and, if given, a namespace URI), in document order.
    public func children(named name: String, namespaceURI: String? = nil) -> [XMLElement] {
        children.filter { $0.name == name && (namespaceURI == nil || $0.namespaceURI == namespaceURI) }
    }

    /// The first child element with a local name (and, if given, a namespace URI), or nil.
    public func firstChild(named name: String, namespaceURI: String? = nil) -> XMLElement? {
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE {
                let e = XMLElement(node: n, document: document)
                if e.name == name && (namespaceURI == nil || e.namespaceURI == namespaceURI) { return e }
            }
            c = n.pointee.next
        }
        return nil
    }

    /// Appends a new child element and returns it (the corresponding C function is `xmlNewTextChild`).
    ///
    /// - Parameters:
    ///   - name: the local name (a valid XML name without a colon).
    ///   - text: text content for the new element; libxml2 escapes it on output.
    ///   - namespace: the new element's namespace; declared on the new element unless a declaration
    ///     with the same URI (and prefix) is already in scope. With nil, the child takes its parent's
    ///     namespace (none for a parent in no namespace).
    @discardableResult
    public func addChild(name: String, text: String? = nil, namespace: XMLNamespace? = nil) -> XMLElement {
        precondition(isValidNCName(name), "invalid XML element name: \(name)")
        let child = xmlNewTextChild(node, node.pointee.ns, name, text)!
        let element = XMLElement(node: child, document: document)
        if let namespace { element.declare(namespace, use: true) }
        return element
    }

    /// Removes this element (and its subtree) from its parent (the corresponding C function is
    /// `xmlUnlinkNode`). The node is freed with the document, so this value (and others referring
    /// into the subtree) stay valid but detached. Removing the root element does nothing.
    public func remove() {
        guard node.pointee.parent != nil, node != xmlDocGetRootElement(document.doc) else { return }
        xmlUnlinkNode(node)
        document.detached.append(node)
    }

    /// Removes every child node: elements, text, comments.
    private func removeAllChildren() {
        while let c = node.pointee.children {
            xmlUnlinkNode(c)
            document.detached.append(c)
        }
    }

    // MARK: Namespaces

    /// Finds a declaration of `namespace` in scope, or declares it on this element
    /// (the corresponding C functions are `xmlSearchNsByHref` and `xmlNewNs`), and optionally puts
    /// this element in it (`xmlSetNs`).
    @discardableResult
    func declare(_ namespace: XMLNamespace, use: Bool) -> xmlNsPtr {
        if let p = namespace.prefix { precondition(isValidNCName(p), "invalid XML namespace prefix: \(p)") }
        var ns: xmlNsPtr? = xmlSearchNsByHref(document.doc, node, namespace.uri)
        if let found = ns, xmlString(found.pointee.prefix) != namespace.prefix { ns = nil }
        if ns == nil {
            ns = xmlNewNs(node, namespace.uri, namespace.prefix)
            if ns == nil {
                // The prefix is already declared on this element for another URI: reuse the in-scope
                // declaration of this URI under any prefix, or fail loudly.
                ns = xmlSearchNsByHref(document.doc, node, namespace.uri)
            }
        }
        guard let ns else { preconditionFailure("cannot declare namespace \(namespace) on <\(qualifiedName)>") }
        if use { xmlSetNs(node, ns) }
        return ns
    }

    // MARK: Output

    /// This element and its subtree as text (the corresponding C functions are `xmlSaveToBuffer` and
    /// `xmlSaveTree`), without an XML declaration.
    public func serialized(pretty: Bool = true) -> String {
        var options: Int32 = Int32(XML_SAVE_NO_DECL.rawValue)
        if pretty { options |= Int32(XML_SAVE_FORMAT.rawValue) }
        guard let buf = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buf) }
        guard let save = xmlSaveToBuffer(buf, "UTF-8", options) else { return "" }
        _ = xmlSaveTree(save, node)
        _ = xmlSaveClose(save)
        return bufferString(buf)
    }
}
