import Libvirt
import RewindXML

// Block jobs from a snippet: the destination document `virDomainBlockCopy` wants, built with libxml2.

extension Lab {
    /// A `<disk type='file'>` element naming the image at `path`: the destination document of
    /// `Domain.blockCopy(disk:destinationXML:parameters:flags:)`.
    ///
    /// ```swift
    /// let copy = try lab.path("copy.qcow2")
    /// try dom.blockCopy(disk: "vda", destinationXML: lab.diskXML(file: copy), flags: .transientJob)
    /// // <disk type="file"><source file="…/copy.qcow2"/><driver type="qcow2"/></disk>
    /// ```
    ///
    /// The element is built with libxml2, so a path with quotes or ampersands is escaped, never spliced into
    /// the markup.
    ///
    /// - Parameters:
    ///   - path: the destination image. Unless the copy is started with `.reuseExternal`, libvirt creates it
    ///     (and refuses a file that already exists).
    ///   - format: the destination's format (`<driver type=…>`); it may differ from the source's.
    public func diskXML(file path: String, format: DiskFormat = .qcow2) -> String {
        let doc = XMLDocument(rootName: "disk")
        let disk = doc.root
        disk["type"] = "file"
        disk.addChild(name: "source")["file"] = path
        disk.addChild(name: "driver")["type"] = format.rawValue
        return doc.serialized(pretty: false)
    }
}
