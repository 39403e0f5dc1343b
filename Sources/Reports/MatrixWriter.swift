import Foundation
import Runner

/// The verdicts of one run across its hosts, as one JSON matrix: hosts (with versions and counts), every
/// claim's verdict per host, and every snippet's verdict per host. It is what a reader compares when the
/// same suite ran on several libvirt versions, and what the site's conformance page can draw.
///
/// A claim's verdict on a host combines the snippets that name it (`claims=` or `finding=`) with
/// `Verdict.combined`: fail, else finding, else pass, else unsupported, else skipped.
///
/// ```swift
/// let text = try MatrixWriter().render(results)   // {"claims": {"backup.pull.end": {"qemu:///system": "pass", …}}, …}
/// ```
public struct MatrixWriter: Sendable {
    /// One host's row.
    public struct Host: Codable, Sendable, Hashable {
        public var uri: String
        public var driver: String
        public var libvirt: String
        public var hypervisor: String
        public var virtType: String
        public var totals: Totals
    }

    /// One snippet's verdict on one host.
    public struct Cell: Codable, Sendable, Hashable {
        public var verdict: Verdict
        /// The reason (unsupported, skipped) or the failure message.
        public var detail: String?
        /// The libvirt error code, when the snippet ended with one.
        public var errorCode: String?
    }

    /// One snippet across the hosts.
    public struct SnippetRow: Codable, Sendable, Hashable {
        public var id: String
        public var location: String
        public var claims: [String]
        public var finding: String?
        /// host URI → verdict.
        public var hosts: [String: Cell]
    }

    /// The matrix.
    public struct Matrix: Codable, Sendable, Hashable {
        public var startedAt: Date
        public var hosts: [Host]
        /// claim id → host URI → verdict.
        public var claims: [String: [String: Verdict]]
        public var snippets: [SnippetRow]
        /// Snippet ids whose verdict differs across hosts of the same driver.of the same driver.
        public var differing: [String]
    }

    /// Creates a writer.
    public init() {}

    /// Builds the matrix of `results`.
    public func matrix(_ results: RunResults) -> Matrix {
        let hosts = results.hosts.map {
            Host(uri: $0.host.uri, driver: $0.host.driver, libvirt: $0.host.libvirtVersion,
                 hypervisor: $0.host.hypervisorVersion, virtType: $0.host.virtType, totals: $0.totals)
        }
        var rows: [String: SnippetRow] = [:]
        var order: [String] = []
        var perClaim: [String: [String: [Verdict]]] = [:]
        for h in results.hosts {
            for r in h.results {
                if rows[r.id] == nil {
                    rows[r.id] = SnippetRow(id: r.id, location: r.fenceLocation, claims: r.claims, finding: r.finding, hosts: [:])
                    order.append(r.id)
                }
                let detail = r.verdict == .fail ? r.message : (r.reason ?? r.message)
                rows[r.id]!.hosts[h.host.uri] = Cell(verdict: r.verdict, detail: detail, errorCode: r.errorCode)
                for claim in Set(r.claims + (r.finding.map { [$0] } ?? [])) {
                    perClaim[claim, default: [:]][h.host.uri, default: []].append(r.verdict)
                }
            }
        }
        var claims: [String: [String: Verdict]] = [:]
        for (claim, byHost) in perClaim {
            claims[claim] = byHost.mapValues { Verdict.combined($0) ?? .skipped }
        }
        let snippets = order.compactMap { rows[$0] }
        // Differences that say something about libvirt: among hosts of the same driver (the test driver's
        // "unsupported" next to QEMU's "pass" is expected, not a difference between versions).
        let driverOf = Dictionary(results.hosts.map { ($0.host.uri, $0.host.driver) }, uniquingKeysWith: { a, _ in a })
        let differing = snippets.filter { row in
            Dictionary(grouping: row.hosts, by: { driverOf[$0.key] ?? "" }).values.contains { cells in
                Set(cells.map(\.value.verdict)).count > 1
            }
        }.map(\.id)
        return Matrix(startedAt: results.startedAt, hosts: hosts, claims: claims, snippets: snippets, differing: differing)
    }

    /// The matrix as pretty, key-sorted JSON.
    public func render(_ results: RunResults) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(matrix(results)), as: UTF8.self) + "\n"
    }
}
