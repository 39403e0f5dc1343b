import Foundation
import RewindXML

extension Lab {
    /// Where libvirt installs its RELAX NG schemas (Debian: package `libvirt0`, the library this process
    /// links), so that a document can be checked against the format libvirt itself documents.
    public static let schemaDirectories = ["/usr/share/libvirt/schemas", "/usr/local/share/libvirt/schemas"]

    /// Fails the snippet unless `xml` is valid against libvirt's schema `name` (`domainbackup`,
    /// `domaincheckpoint`, `domainsnapshot`, `domain`, …), naming each violation with its line.
    ///
    /// The schema is the one installed with this machine's libvirt library, so a check like this holds the
    /// XML a program builds to the format libvirt documents without needing a host to accept it.
    ///
    /// ```swift
    /// try lab.expectValid(BackupDefinition(mode: .push).xml(), schema: "domainbackup")
    /// ```
    public func expectValid(_ xml: String, schema name: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        guard let path = Self.schemaDirectories.map({ $0 + "/\(name).rng" })
            .first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw LabFailure("libvirt's schema \(name).rng is not installed (looked in "
                             + Self.schemaDirectories.joined(separator: ", ") + "; Debian package libvirt0)",
                             file: file, line: line)
        }
        let problems: [XMLError]
        do {
            problems = try XMLSchema(relaxNGFile: path).validate(try XMLDocument(parsing: xml))
        } catch {
            throw LabFailure("cannot check the XML against \(path): \(error)", file: file, line: line)
        }
        guard problems.isEmpty else {
            throw LabFailure("the XML does not match \(path): "
                             + problems.prefix(5).map(\.description).joined(separator: "; "), file: file, line: line)
        }
        note("valid against \(path)")
    }
}
