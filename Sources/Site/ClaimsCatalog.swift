import Foundation

/// The conformance claims catalog (`Conformance/claims.json`): what libvirt's documentation promises,
/// with the source of each promise.
///
/// Snippets point at claims with the fence attributes `claims=<id>,…` and `finding=<id>`; the site's
/// conformance matrix joins the two.
public struct ClaimsCatalog: Sendable, Hashable, Codable {
    /// Where a claim is written in libvirt's source tree.
    public struct Source: Sendable, Hashable, Codable {
        /// The path in the libvirt repository, e.g. `docs/formatsnapshot.rst`; nil when the claim comes
        /// from the implementation or from observation rather than a document (``section`` says which).
        public var doc: String?
        /// The section (or function) within it, or where the claim comes from when there is no document.
        public var section: String?

        /// Creates a source reference.
        public init(doc: String?, section: String? = nil) {
            self.doc = doc
            self.section = section
        }
    }

    /// One testable claim.
    public struct Claim: Sendable, Hashable, Codable {
        /// A stable id, e.g. `snap.create.full-default`.
        public var id: String
        /// The catalog section that groups it (an API family).
        public var section: String
        /// The API (and flags) the claim is about.
        public var api: String
        /// The claim, in one or two sentences.
        public var claim: String
        /// Where the documentation says it.
        public var source: [Source]
        /// Where it can be checked: `test`, `qemu`, `agent`.
        public var tiers: [String]
        /// When libvirt is known to deviate from the claim: what it does instead.
        public var finding: String?

        /// Creates a claim.
        public init(id: String, section: String, api: String, claim: String, source: [Source] = [],
                    tiers: [String] = [], finding: String? = nil) {
            self.id = id
            self.section = section
            self.api = api
            self.claim = claim
            self.source = source
            self.tiers = tiers
            self.finding = finding
        }
    }

    /// What the catalog is about.
    public var description: String?
    /// The libvirt version the claims were checked against, e.g. `9.0.0`.
    public var libvirt: String?
    /// The QEMU version the claims were checked against.
    public var qemu: String?
    /// The claims, in catalog order.
    public var claims: [Claim]

    /// Creates a catalog.
    public init(description: String? = nil, libvirt: String? = nil, qemu: String? = nil, claims: [Claim] = []) {
        self.description = description
        self.libvirt = libvirt
        self.qemu = qemu
        self.claims = claims
    }

    /// Reads a catalog from a JSON file.
    public static func load(from url: URL) throws(SiteError) -> ClaimsCatalog {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SiteError(file: url.path, message: "cannot read the claims catalog: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(ClaimsCatalog.self, from: data)
        } catch {
            throw SiteError(file: url.path, message: "not a claims catalog: \(SiteError.describe(decodingError: error))")
        }
    }

    /// The claim with the given id.
    public func claim(id: String) -> Claim? {
        claims.first { $0.id == id }
    }

    /// The URL of a libvirt source file at the catalog's version, on libvirt's GitLab (nil when the
    /// source names no document).
    public func sourceURL(_ source: Source) -> String? {
        guard let doc = source.doc, !doc.isEmpty else { return nil }
        let version = libvirt.map { "v" + $0 } ?? "master"
        let encoded = doc.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? doc
        return "https://gitlab.com/libvirt/libvirt/-/blob/\(version)/\(encoded)"
    }
}
