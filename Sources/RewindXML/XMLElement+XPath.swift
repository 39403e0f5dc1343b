internal import CLibXML2

extension XMLElement {
    /// Evaluates an XPath 1.0 expression with this element as the context node
    /// (the corresponding C function is `xmlXPathNodeEval`) and hands the result to `body`.
    private func evaluate<T>(_ xpath: String, namespaces: [String: String],
                             _ body: (xmlXPathObjectPtr) -> T) throws(XMLError) -> T {
        LibXML2.initialize()
        guard let ctx = xmlXPathNewContext(document.doc) else {
            throw XMLError(kind: .xpath, message: "cannot create an XPath context")
        }
        defer { xmlXPathFreeContext(ctx) }
        // Keep libxml2 from printing: errors stay in ctx->lastError.
        ctx.pointee.error = { _, _ in }
        for (prefix, uri) in namespaces.sorted(by: { $0.key < $1.key }) {
            if xmlXPathRegisterNs(ctx, prefix, uri) != 0 {
                throw XMLError(kind: .xpath, message: "cannot register namespace prefix '\(prefix)'")
            }
        }
        guard let obj = xmlXPathNodeEval(node, xpath, ctx) else {
            var e = makeError(ctx.pointee.lastError, kind: .xpath)
            e.message += " in XPath expression \(xpath)"
            throw e
        }
        defer { xmlXPathFreeObject(obj) }
        return body(obj)
    }

    /// The nodes of a node-set result, in document order.
    private func nodes(of obj: xmlXPathObjectPtr) -> [xmlNodePtr] {
        guard obj.pointee.type == XPATH_NODESET, let set = obj.pointee.nodesetval else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { set.pointee.nodeTab[$0] }
    }

    /// The elements an XPath 1.0 expression selects, with this element as the context node.
    ///
    /// Nodes that are not elements (attributes, text) are skipped; a result that is not a node-set
    /// (a number, a string) gives an empty array.
    ///
    /// ```swift
    /// let disks = try doc.root.select("devices/disk[@device='disk']")
    /// let lab = try doc.root.select("metadata/r:lab", namespaces: ["r": "https://rewind.invalid/lab/1"])
    /// ```
    ///
    /// - Parameter namespaces: prefix → URI bindings the expression may use (XPath has no default
    ///   namespace: an element in a namespace is matched only through a prefix).
    /// - Throws: `XMLError` of kind `.xpath` for an invalid expression or an unbound prefix.
    public func select(_ xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> [XMLElement] {
        let doc = document
        return try evaluate(xpath, namespaces: namespaces) { obj in
            nodes(of: obj).filter { $0.pointee.type == XML_ELEMENT_NODE }.map { XMLElement(node: $0, document: doc) }
        }
    }

    /// The string value of an XPath 1.0 expression, with this element as the context node.
    ///
    /// For a node-set this is the string value of its first node (an attribute's value, an element's
    /// text), or nil when the set is empty. A string, number or boolean result is returned as text
    /// (numbers in XPath's format, e.g. `3` or `0.5`; booleans as `true`/`false`).
    ///
    /// ```swift
    /// try doc.root.string(at: "devices/disk/target/@dev")   // "vda"
    /// try doc.root.string(at: "count(devices/disk)")        // "2"
    /// ```
    ///
    /// - Throws: `XMLError` of kind `.xpath` for an invalid expression or an unbound prefix.
    public func string(at xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> String? {
        try evaluate(xpath, namespaces: namespaces) { obj -> String? in
            switch obj.pointee.type {
            case XPATH_NODESET:
                return nodes(of: obj).first.map { content(of: $0) }
            case XPATH_STRING:
                return xmlString(obj.pointee.stringval) ?? ""
            case XPATH_BOOLEAN:
                return obj.pointee.boolval != 0 ? "true" : "false"
            case XPATH_NUMBER:
                return formatXPathNumber(obj.pointee.floatval)
            default:
                return nil
            }
        }
    }

    /// The string values of every node an XPath 1.0 expression selects (attribute values, element
    /// text), in document order; empty when the result is not a node-set.
    ///
    /// ```swift
    /// try doc.root.strings(at: "devices/disk/target/@dev")   // ["vda", "vdb"]
    /// ```
    public func strings(at xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> [String] {
        try evaluate(xpath, namespaces: namespaces) { obj in nodes(of: obj).map { content(of: $0) } }
    }
}

/// Formats a number as XPath's `string()` does for the common cases: integers without a fraction,
/// NaN and the infinities by name.
func formatXPathNumber(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}
