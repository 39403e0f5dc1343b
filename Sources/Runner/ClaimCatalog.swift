import Foundation

/// The catalog of testable claims about libvirt's state capture APIs (`Conformance/claims.json`).
///
/// Each claim has an id (`snap.revert.external`), the API it is about, what the documentation promises,
/// where it says so, and the tiers that can check it. Snippets point at claims with the fence attributes
/// `claims=<id,…>` (the snippet checks the claim) and `finding=<id>` (the snippet shows libvirt deviating
/// from it); ``ClaimCoverage`` joins the two after a run.
///
/// ```swift
/// let catalog = try ClaimCatalog.load(contentsOf: root.appendingPathComponent("Conformance/claims.json"))
/// for problem in catalog.unknownReferences(in: snippets) { print(problem) }  // Guides/x.md:12: unknown claim id …
/// ```
public struct ClaimCatalog: Sendable, Hashable, Codable {
    /// Where a claim can be checked.
    public enum Tier: String, Sendable, Hashable, Codable, CaseIterable {
        /// libvirt's test driver (`test:///default`).
        case test
        /// A live QEMU host (a guest with no OS is enough).
        case qemu
        /// A guest running a guest agent.
        case agent
    }

    /// A place in the documentation that makes a claim.
    public struct Source: Sendable, Hashable, Codable {
        /// The document, relative to the libvirt repository (`docs/formatbackup.rst`); nil when the
        /// claim comes from the implementation or from observation (``section`` then says which).
        public var doc: String?
        /// The section or function it is in, if known.
        public var section: String?

        /// Creates a source.
        public init(doc: String?, section: String? = nil) {
            self.doc = doc
            self.section = section
        }
    }

    /// One testable claim.
    public struct Claim: Sendable, Hashable, Codable {
        /// The id fences use (`backup.pull.end`).
        public var id: String
        /// The catalog section it belongs to (`virDomainBackupBegin / GetXMLDesc`).
        public var section: String
        /// The API or flag it is about.
        public var api: String
        /// What the documentation promises.
        public var claim: String
        /// Where the documentation says so.
        public var source: [Source]
        /// Where it can be checked (empty: only by reasoning).
        public var tiers: [Tier]
        /// How libvirt 9.0 / QEMU 7.2 actually deviates, for claims known not to hold.
        public var finding: String?
        /// The libvirt version from which the claim holds (an API or flag added later, a fixed deviation).
        public var since: String?
        /// The libvirt version that fixed the claim's finding, when one did.
        public var fixedIn: String?
        /// What was observed on which version, in words (e.g. "9.0: refused; 11.3 and 12.8: reverted").
        public var versions: String?

        /// Creates a claim.
        public init(id: String, section: String, api: String, claim: String, source: [Source] = [],
                    tiers: [Tier], finding: String? = nil) {
            self.id = id
            self.section = section
            self.api = api
            self.claim = claim
            self.source = source
            self.tiers = tiers
            self.finding = finding
        }

        /// Whether only a guest with an agent can check it.
        public var isAgentOnly: Bool { tiers == [.agent] }
    }

    /// Why a catalog could not be loaded.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What is wrong.
        public var message: String
        /// `Conformance/claims.json: duplicate claim id 'x'`
        public var description: String { "\(path): \(message)" }
    }

    /// The claims, in catalog order.
    public var claims: [Claim]
    /// What the catalog is about.
    public var description: String?
    /// The libvirt version the claims were checked against, e.g. `9.0.0`.
    public var libvirt: String?
    /// The QEMU version the claims were checked against.
    public var qemu: String?

    /// Creates a catalog from claims (ids must be unique; ``load(contentsOf:)`` checks that).
    public init(claims: [Claim] = [], description: String? = nil, libvirt: String? = nil, qemu: String? = nil) {
        self.claims = claims
        self.description = description
        self.libvirt = libvirt
        self.qemu = qemu
    }

    private enum CodingKeys: String, CodingKey {
        case claims, description, libvirt, qemu
    }

    /// Reads and checks `claims.json`: it must decode, and ids must be non-empty and unique.
    public static func load(contentsOf url: URL) throws(LoadError) -> ClaimCatalog {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoadError(path: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try decode(data, path: url.path)
    }

    /// Decodes and checks a catalog; `path` is used in error messages.
    public static func decode(_ data: Data, path: String) throws(LoadError) -> ClaimCatalog {
        let catalog: ClaimCatalog
        do {
            catalog = try JSONDecoder().decode(ClaimCatalog.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw LoadError(path: path, message: "not a claims catalog: \(Self.describe(context))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw LoadError(path: path, message: "missing '\(key.stringValue)' at \(Self.codingPath(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw LoadError(path: path, message: "wrong type: \(Self.describe(context))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw LoadError(path: path, message: "missing value: \(Self.describe(context))")
        } catch {
            throw LoadError(path: path, message: "not a claims catalog: \(error)")
        }
        var seen: Set<String> = []
        for claim in catalog.claims {
            if claim.id.isEmpty { throw LoadError(path: path, message: "a claim has an empty id") }
            if !seen.insert(claim.id).inserted {
                throw LoadError(path: path, message: "duplicate claim id '\(claim.id)'")
            }
        }
        return catalog
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let at = codingPath(context.codingPath)
        return at.isEmpty ? context.debugDescription : "\(context.debugDescription) (at \(at))"
    }

    private static func codingPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// The claim with this id.
    public func claim(id: String) -> Claim? {
        claims.first { $0.id == id }
    }

    /// Every `claims=` or `finding=` id of `snippets` that is not in the catalog, as
    /// `Guides/x.md:LINE: unknown claim id 'x' in claims=` (LINE is the snippet's opening fence).
    public func unknownReferences(in snippets: [RunnableSnippet]) -> [String] {
        let known = Set(claims.map(\.id))
        var problems: [String] = []
        for snippet in snippets {
            for id in snippet.claims where !known.contains(id) {
                problems.append("\(snippet.location): unknown claim id '\(id)' in claims= (not in the claims catalog)")
            }
            if let id = snippet.finding, !known.contains(id) {
                problems.append("\(snippet.location): unknown claim id '\(id)' in finding= (not in the claims catalog)")
            }
        }
        return problems
    }
}
