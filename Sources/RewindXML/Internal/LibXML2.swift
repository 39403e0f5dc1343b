internal import CLibXML2

// Internal glue between Swift and libxml2. Nothing here is public.

/// libxml2's one-time global initialisation, done before the first parse or tree operation.
enum LibXML2 {
    private static let initialized: Void = { xmlInitParser() }()

    /// Makes sure `xmlInitParser` ran (it must run once before libxml2 is used from several threads).
    static func initialize() { _ = initialized }
}

/// Parse options: no network access, blank text nodes dropped, CDATA merged into text, and no
/// error printing (errors are collected instead). Entities are not substituted and no DTD is loaded.
let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOCDATA.rawValue
    | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

/// Reads a libxml2 string (UTF-8) into a Swift string.
func xmlString(_ p: UnsafePointer<xmlChar>?) -> String? {
    guard let p else { return nil }
    return String(cString: p)
}

/// The text content of a node (an element's or attribute's descendant text), read through an
/// `xmlBuffer` so that no libxml2-allocated string has to be freed with `xmlFree`.
func content(of node: xmlNodePtr) -> String {
    guard let buf = xmlBufferCreate() else { return "" }
    defer { xmlBufferFree(buf) }
    _ = xmlNodeBufGetContent(buf, node)
    return bufferString(buf)
}

/// The bytes of an `xmlBuffer` as a string.
func bufferString(_ buf: xmlBufferPtr) -> String {
    let n = Int(xmlBufferLength(buf))
    guard n > 0, let p = xmlBufferContent(buf) else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
}

/// Converts libxml2's error record into an `XMLError`.
func makeError(_ e: xmlError, kind: XMLError.Kind) -> XMLError {
    var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error"
    while message.last?.isWhitespace == true { message.removeLast() }
    return XMLError(kind: kind, message: message, line: Int(e.line), column: Int(e.int2), code: Int(e.code))
}

/// Collects the errors libxml2 reports while parsing one document. It is reached from the
/// (non-capturing) structured error callback through the parser context's `_private` field.
final class ErrorCollector {
    var errors: [XMLError] = []
    var warnings: [XMLError] = []
}

/// Is `name` a valid XML name without a colon (an NCName)?
func isValidNCName(_ name: String) -> Bool {
    !name.isEmpty && xmlValidateNCName(name, 0) == 0
}
