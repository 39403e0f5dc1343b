import Foundation
import RewindXML

// Internal helpers shared by the libvirt XML document types. Documents are built and read with
// RewindXML (libxml2); values are never concatenated into XML text.

extension LibvirtError {
    /// An XML document that Rewind could not read as the expected libvirt format
    /// (`VIR_ERR_XML_ERROR`, from `VIR_FROM_XML`), raised by Rewind itself.
    static func invalidXML(_ message: String) -> LibvirtError {
        LibvirtError(code: .xmlError, domain: .xml, message: message)
    }
}

/// Parses `xml` and checks the root element's name.
func parseDocument(_ xml: String, root expected: String, format page: String) throws(LibvirtError) -> XMLDocument {
    let doc: XMLDocument
    do {
        doc = try XMLDocument(parsing: xml)
    } catch {
        throw .invalidXML("not well-formed XML (\(page)): \(error)")
    }
    guard doc.root.name == expected, doc.root.namespaceURI == nil else {
        throw .invalidXML("expected a <\(expected)> document (\(page)), found <\(doc.root.qualifiedName)>")
    }
    return doc
}

extension XMLElement {
    /// The trimmed text of the first child element with this name, or nil if there is none.
    func childText(_ name: String) -> String? {
        firstChild(named: name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The first child element with this name, or an error naming what is missing.
    func requiredChild(_ name: String, in context: String) throws(LibvirtError) -> XMLElement {
        guard let c = firstChild(named: name) else { throw .invalidXML("<\(context)> has no <\(name)> element") }
        return c
    }

    /// An attribute that must be present.
    func requiredAttribute(_ name: String) throws(LibvirtError) -> String {
        guard let v = self[name] else { throw .invalidXML("<\(self.name)> has no '\(name)' attribute") }
        return v
    }

    /// An integer attribute (nil if absent; an error if present but not an integer).
    func intAttribute(_ name: String) throws(LibvirtError) -> Int? {
        guard let v = self[name] else { return nil }
        guard let n = Int(v.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidXML("<\(self.name) \(name)='\(v)'> is not an integer")
        }
        return n
    }

    /// A `yes`/`no` (or `on`/`off`) attribute as a Bool (nil if absent).
    func boolAttribute(_ name: String) -> Bool? {
        switch self[name] {
        case "yes", "on": true
        case "no", "off": false
        default: nil
        }
    }

    /// Adds `<name>text</name>` when `text` is not nil.
    func addOptionalChild(_ name: String, _ text: String?) {
        if let text { addChild(name: name, text: text) }
    }
}

/// Parses an integer element text.
func parseInt(_ text: String, what: String) throws(LibvirtError) -> Int {
    guard let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw .invalidXML("\(what) '\(text)' is not an integer")
    }
    return n
}

/// Parses a `<creationTime>` (seconds since the epoch).
func parseCreationTime(_ element: XMLElement) throws(LibvirtError) -> Date? {
    guard let text = element.childText("creationTime") else { return nil }
    guard let seconds = Int64(text) else { throw .invalidXML("creationTime '\(text)' is not a number of seconds") }
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

/// The number of bytes in one `unit` as libvirt spells units (formatdomain, "Memory Allocation"):
/// `b`/`bytes`, `KB`, `k`/`KiB`, `MB`, `M`/`MiB`, `GB`, `G`/`GiB`, `TB`, `T`/`TiB`.
func bytesPerUnit(_ unit: String) -> UInt64? {
    switch unit {
    case "b", "bytes": 1
    case "KB": 1_000
    case "k", "K", "KiB": 1 << 10
    case "MB": 1_000_000
    case "m", "M", "MiB": 1 << 20
    case "GB": 1_000_000_000
    case "g", "G", "GiB": 1 << 30
    case "TB": 1_000_000_000_000
    case "t", "T", "TiB": 1 << 40
    default: nil
    }
}
