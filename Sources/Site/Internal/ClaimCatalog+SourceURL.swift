import Foundation
import Runner

extension ClaimCatalog {
    /// The URL of a libvirt source file at the catalog's version, on libvirt's GitLab (nil when the
    /// source names no document).
    func sourceURL(_ source: Source) -> String? {
        guard let doc = source.doc, !doc.isEmpty else { return nil }
        let version = libvirt.map { "v" + $0 } ?? "master"
        let encoded = doc.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? doc
        return "https://gitlab.com/libvirt/libvirt/-/blob/\(version)/\(encoded)"
    }
}
