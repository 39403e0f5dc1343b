internal import CLibXML2

/// An XML document held by libxml2 (`xmlDocPtr`), freed in `deinit`.
///
/// Parse one with `init(parsing:)` (or `init(contentsOfFile:)`), or build one from a root element
/// with `init(rootName:namespace:)`; then read and change it through `root`, an `XMLElement`.
///
/// ```swift
/// let doc = XMLDocument(rootName: "domain")
/// doc.root["type"] = "kvm"
/// doc.root.addChild(name: "name", text: "a'b\"c&d<e>f é")   // libxml2 escapes it
/// print(doc.serialized())
/// ```
///
/// Parsing never accesses the network (`XML_PARSE_NONET`), substitutes no entities and loads no DTD.
/// Blank text nodes between elements are dropped (`XML_PARSE_NOBLANKS`), so `serialized(pretty: true)`
/// re-indents a parsed document cleanly.
///
/// A document is not thread-safe: use it (and its elements) from one task at a time.
public final class XMLDocument {
    let doc: xmlDocPtr
    /// Nodes unlinked by `XMLElement.remove()`. They are freed with the document, so an
    /// `XMLElement` that still refers to one stays valid.
    var detached: [xmlNodePtr] = []

    /// Parses a document from a string (the corresponding C function is `xmlParseDocument`, on a
    /// memory parser context). The string is parsed as UTF-8 whatever its XML declaration says.
    ///
    /// - Throws: `XMLError` of kind `.parse` with the first error libxml2 reported and its line.
    public convenience init(parsing text: String) throws(XMLError) {
        var utf8 = Array(text.utf8)
        self.init(owning: try utf8.withUnsafeMutableBufferPointer { (buf) throws(XMLError) in
            try XMLDocument.parse(buf.baseAddress, count: buf.count, forceUTF8: true)
        })
    }

    /// Takes ownership of a document libxml2 built.
    init(owning doc: xmlDocPtr) {
        self.doc = doc
    }

    /// Parses a document held in memory.
    ///
    /// - Parameter forceUTF8: treat the bytes as UTF-8 whatever an encoding declaration claims
    ///   (right for the bytes of a Swift string; wrong for a file's bytes).
    static func parse(_ bytes: UnsafeMutablePointer<UInt8>?, count: Int, forceUTF8: Bool) throws(XMLError) -> xmlDocPtr {
        LibXML2.initialize()
        guard let bytes, count > 0 else { throw XMLError(kind: .parse, message: "Document is empty", line: 1) }
        guard count < Int(Int32.max) else { throw XMLError(kind: .parse, message: "Document is larger than 2 GiB") }
        let ctxt = bytes.withMemoryRebound(to: CChar.self, capacity: count) {
            xmlCreateMemoryParserCtxt($0, Int32(count))
        }
        guard let ctxt else { throw XMLError(kind: .parse, message: "cannot create a parser context") }
        if forceUTF8 { _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8) }
        return try parse(ctxt)
    }

    /// Parses with a prepared parser context, collecting the errors libxml2 reports through the
    /// context's structured error callback, and frees the context.
    static func parse(_ ctxt: xmlParserCtxtPtr) throws(XMLError) -> xmlDocPtr {
        defer { xmlFreeParserCtxt(ctxt) }
        _ = xmlCtxtUseOptions(ctxt, parseOptions)
        let collector = ErrorCollector()
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }
        ctxt.pointee._private = context.toOpaque()
        // libxml2 passes `ctxt->userData` to the callback, which is the parser context itself when
        // building a tree; the collector is reached through its `_private` field (non-capturing closure).
        ctxt.pointee.sax.pointee.serror = { userData, error in
            guard let userData, let error else { return }
            let ctxt = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let priv = ctxt.pointee._private else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(priv).takeUnretainedValue()
            let value = makeError(error.pointee, kind: .parse)
            if error.pointee.level == XML_ERR_WARNING {
                collector.warnings.append(value)
            } else {
                collector.errors.append(value)
            }
        }
        let rc = xmlParseDocument(ctxt)
        let result = ctxt.pointee.myDoc
        ctxt.pointee.myDoc = nil
        ctxt.pointee._private = nil
        guard rc == 0, ctxt.pointee.wellFormed != 0, let result, xmlDocGetRootElement(result) != nil else {
            if let result { xmlFreeDoc(result) }
            if let first = collector.errors.first { throw first }
            throw makeError(ctxt.pointee.lastError, kind: .parse)
        }
        return result
    }

    /// Creates a document holding one empty root element (the corresponding C functions are
    /// `xmlNewDoc` and `xmlDocSetRootElement`).
    ///
    /// - Parameters:
    ///   - rootName: the root element's local name; it must be a valid XML name without a colon.
    ///   - namespace: a namespace to declare on the root element and put it in.
    public convenience init(rootName: String, namespace: XMLNamespace? = nil) {
        LibXML2.initialize()
        precondition(isValidNCName(rootName), "invalid XML element name: \(rootName)")
        let doc = xmlNewDoc("1.0")!
        let node = xmlNewDocNode(doc, nil, rootName, nil)!
        xmlDocSetRootElement(doc, node)
        self.init(owning: doc)
        if let namespace { XMLElement(node: node, document: self).declare(namespace, use: true) }
    }

    deinit {
        for node in detached { xmlFreeNode(node) }
        xmlFreeDoc(doc)
    }

    /// The root element (the corresponding C function is `xmlDocGetRootElement`).
    public var root: XMLElement {
        XMLElement(node: xmlDocGetRootElement(doc), document: self)
    }

    /// The document as text (the corresponding C functions are `xmlSaveToBuffer` and `xmlSaveDoc`).
    ///
    /// - Parameters:
    ///   - pretty: indent nested elements by two spaces, one element per line.
    ///   - declaration: start with `<?xml version="1.0" encoding="UTF-8"?>`.
    /// - Returns: UTF-8 text; non-ASCII characters are written as themselves, not as character references.
    public func serialized(pretty: Bool = true, declaration: Bool = false) -> String {
        var options: Int32 = 0
        if pretty { options |= Int32(XML_SAVE_FORMAT.rawValue) }
        if !declaration { options |= Int32(XML_SAVE_NO_DECL.rawValue) }
        guard let buf = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buf) }
        guard let save = xmlSaveToBuffer(buf, "UTF-8", options) else { return "" }
        _ = xmlSaveDoc(save, doc)
        _ = xmlSaveClose(save)
        return bufferString(buf)
    }

    /// The elements an XPath expression selects, evaluated with the root element as context node
    /// (see `XMLElement.select(_:namespaces:)`).
    public func select(_ xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> [XMLElement] {
        try root.select(xpath, namespaces: namespaces)
    }

    /// The string value of an XPath expression, evaluated with the root element as context node
    /// (see `XMLElement.string(at:namespaces:)`).
    public func string(at xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> String? {
        try root.string(at: xpath, namespaces: namespaces)
    }

    /// The string values of every node an XPath expression selects, evaluated with the root element as
    /// context node (see `XMLElement.strings(at:namespaces:)`).
    public func strings(at xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> [String] {
        try root.strings(at: xpath, namespaces: namespaces)
    }
}
