internal import CLibXML2
import Foundation

extension XMLDocument {
    /// Parses a document from a file (the corresponding C function is `xmlParseDocument`, on a memory
    /// parser context holding the file's bytes). Unlike `init(parsing:)`, the file's XML declaration
    /// decides its encoding.
    ///
    /// This is how large files such as libvirt's `libvirt-api.xml` (about 1.5 MB) are best read.
    ///
    /// - Throws: `XMLError` of kind `.io` if the file cannot be read, `.parse` if it is not well-formed.
    public convenience init(contentsOfFile path: String) throws(XMLError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw XMLError(kind: .io, message: "cannot read \(path): \(error.localizedDescription)")
        }
        var bytes = [UInt8](data)
        self.init(owning: try bytes.withUnsafeMutableBufferPointer { (buf) throws(XMLError) in
            try XMLDocument.parse(buf.baseAddress, count: buf.count, forceUTF8: false)
        })
    }
}
