/// How much of the claims catalog a run checked: the catalog joined with the snippets' `claims=` and
/// `finding=` attributes and their verdicts on every host.
///
/// A claim is *covered* when some snippet names it. On one host its status is the most telling verdict
/// of those snippets: `fail` before `finding` before `pass` before `unsupported` before `skipped`. A
/// `claims=` snippet that passes (or that passes as a finding of another claim) counts as a pass for
/// its claims; a `finding=` snippet that reproduces its deviation counts as the finding observed.
///
/// ```swift
/// let coverage = ClaimCoverage(catalog: catalog, catalogPath: "Conformance/claims.json",
///                              snippets: snippets, hosts: results.hosts)
/// print(coverage.total, coverage.withSnippet, coverage.hosts.map(\.passing.count))
/// ```
public struct ClaimCoverage: Sendable, Hashable, Codable {
    /// A claim's status on one host.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// A snippet that checks it failed.
        case fail
        /// A `finding=` snippet reproduced the deviation.
        case finding
        /// A snippet that checks it passed.
        case pass
        /// Its snippets need something the host lacks.
        case unsupported
        /// Its snippets did not run (filtered out, compile-only, ignored, or the build failed).
        case skipped

        /// Lower is more telling (the status shown when snippets disagree).
        var rank: Int { Status.allCases.firstIndex(of: self) ?? 0 }
    }

    /// One claim and what the run found about it.
    public struct ClaimStatus: Sendable, Hashable, Codable {
        /// The claim id.
        public var id: String
        /// Where it can be checked.
        public var tiers: [ClaimCatalog.Tier]
        /// The snippets that name it (`claims=` or `finding=`), in guide order.
        public var snippets: [String]
        /// Its status on each host that ran one of them, by URI.
        public var hosts: [String: Status]

        /// Creates a claim status.
        public init(id: String, tiers: [ClaimCatalog.Tier], snippets: [String], hosts: [String: Status]) {
            self.id = id
            self.tiers = tiers
            self.snippets = snippets
            self.hosts = hosts
        }
    }

    /// The claims on one host.
    public struct HostCoverage: Sendable, Hashable, Codable {
        /// The URI.
        public var uri: String
        /// The tier the host is (`test` for the test driver, `qemu` for QEMU), nil for other drivers.
        public var tier: ClaimCatalog.Tier?
        /// How many catalog claims that tier can check.
        public var tierClaims: Int
        /// Claims with a passing snippet (and no failing one).
        public var passing: [String]
        /// Claims whose deviation a `finding=` snippet reproduced.
        public var findings: [String]
        /// Claims with a failing snippet.
        public var failing: [String]
        /// Claims whose snippets were all unsupported here.
        public var unsupported: [String]

        /// Creates host coverage.
        public init(uri: String, tier: ClaimCatalog.Tier?, tierClaims: Int, passing: [String] = [],
                    findings: [String] = [], failing: [String] = [], unsupported: [String] = []) {
            self.uri = uri
            self.tier = tier
            self.tierClaims = tierClaims
            self.passing = passing
            self.findings = findings
            self.failing = failing
            self.unsupported = unsupported
        }
    }

    /// The catalog file, relative to the project root.
    public var catalog: String
    /// Claims in the catalog.
    public var total: Int
    /// Claims named by at least one snippet.
    public var withSnippet: Int
    /// Claims no snippet names, in catalog order.
    public var withoutSnippet: [String]
    /// The claims on each host, in `--connect` order.
    public var hosts: [HostCoverage]
    /// Claims only a guest agent can check that no agent snippet passed on any host.
    public var waitingForAgent: [String]
    /// Every claim, in catalog order.
    public var claims: [ClaimStatus]

    /// Joins `catalog` with `snippets` (their `claims=` / `finding=`) and their verdicts in `hosts`.
    ///
    /// - Parameters:
    ///   - catalogPath: the catalog file as shown to readers (`Conformance/claims.json`).
    ///   - snippets: the snippets the run considered (claims they name count as covered).
    ///   - hosts: the results per host.
    public init(catalog: ClaimCatalog, catalogPath: String, snippets: [RunnableSnippet], hosts: [HostResults]) {
        var naming: [String: [RunnableSnippet]] = [:]
        for snippet in snippets {
            for id in Set(snippet.claims + (snippet.finding.map { [$0] } ?? [])) {
                naming[id, default: []].append(snippet)
            }
        }
        let byHost: [[String: SnippetResult]] = hosts.map { host in
            Dictionary(host.results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }

        var statuses: [ClaimStatus] = []
        var waiting: [String] = []
        for claim in catalog.claims {
            let named = naming[claim.id] ?? []
            var perHost: [String: Status] = [:]
            for (index, host) in hosts.enumerated() {
                var best: Status?
                for snippet in named {
                    guard let result = byHost[index][snippet.id] else { continue }
                    let status = Self.status(of: result, for: claim.id, finding: snippet.finding)
                    if best.map({ status.rank < $0.rank }) ?? true { best = status }
                }
                if let best { perHost[host.host.uri] = best }
            }
            statuses.append(ClaimStatus(id: claim.id, tiers: claim.tiers, snippets: named.map(\.id), hosts: perHost))

            if claim.isAgentOnly {
                let agentPassed = named.contains { snippet in
                    let isAgentSnippet = snippet.needs.contains(.agent) || snippet.tier == .agent
                    return isAgentSnippet && byHost.contains { $0[snippet.id]?.verdict == .pass }
                }
                if !agentPassed { waiting.append(claim.id) }
            }
        }

        self.catalog = catalogPath
        self.total = catalog.claims.count
        self.withSnippet = statuses.filter { !$0.snippets.isEmpty }.count
        self.withoutSnippet = statuses.filter { $0.snippets.isEmpty }.map(\.id)
        self.waitingForAgent = waiting
        self.claims = statuses
        self.hosts = hosts.map { host in
            let tier = Self.tier(ofDriver: host.host.driver)
            func ids(_ status: Status) -> [String] {
                statuses.filter { $0.hosts[host.host.uri] == status }.map(\.id)
            }
            return HostCoverage(
                uri: host.host.uri, tier: tier,
                tierClaims: tier.map { t in catalog.claims.filter { $0.tiers.contains(t) }.count } ?? 0,
                passing: ids(.pass), findings: ids(.finding), failing: ids(.fail), unsupported: ids(.unsupported))
        }
    }

    /// The tier a host of this driver is: `TEST` → test, `QEMU` → qemu.
    public static func tier(ofDriver driver: String) -> ClaimCatalog.Tier? {
        switch driver {
        case "TEST": .test
        case "QEMU": .qemu
        default: nil
        }
    }

    /// What one snippet's result says about one claim it names.
    static func status(of result: SnippetResult, for claim: String, finding: String?) -> Status {
        switch result.verdict {
        case .fail: .fail
        case .unsupported: .unsupported
        case .skipped: .skipped
        case .pass: .pass
        case .finding: finding == claim ? .finding : .pass
        }
    }

    /// Whether any claim failed on any host.
    public var hasFailures: Bool { hosts.contains { !$0.failing.isEmpty } }
}
