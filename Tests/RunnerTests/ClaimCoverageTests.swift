import Foundation
import GuideModel
import Reports
import Testing
@testable import Runner

/// The claims catalog, its join with snippets and verdicts, and where coverage shows up.
@Suite("Claims coverage")
struct ClaimCoverageTests {
    /// A small catalog: one test+qemu claim, one qemu claim with a finding, two agent-only claims, one
    /// claim nobody names.
    static let catalogJSON = #"""
        {
          "description": "test catalog",
          "claims": [
            {"id": "a.both", "section": "S", "api": "A", "claim": "works everywhere",
             "source": [{"doc": "docs/a.rst", "section": null}], "tiers": ["test", "qemu"]},
            {"id": "b.qemu", "section": "S", "api": "B", "claim": "documented one way",
             "source": [{"doc": null, "section": "impl"}], "tiers": ["qemu"], "finding": "works the other way"},
            {"id": "c.agent", "section": "S", "api": "C", "claim": "needs an agent",
             "source": [], "tiers": ["agent"]},
            {"id": "d.agent", "section": "S", "api": "D", "claim": "also needs an agent",
             "source": [], "tiers": ["agent"]},
            {"id": "e.none", "section": "S", "api": "E", "claim": "nobody checks this", "source": [], "tiers": []}
          ]
        }
        """#

    static func catalog() throws -> ClaimCatalog {
        try ClaimCatalog.decode(Data(catalogJSON.utf8), path: "claims.json")
    }

    static func snippet(_ id: String, line: Int, claims: [String] = [], finding: String? = nil,
                        needs: [Capability] = [], tier: SnippetTier? = nil) -> RunnableSnippet {
        RunnableSnippet(id: id, guide: "Guides/g.md", line: line, sourceLines: [], needs: needs, finding: finding,
                        claims: claims, tier: tier)
    }

    static func host(_ uri: String, driver: String, _ verdicts: [String: Verdict]) -> HostResults {
        HostResults(host: HostInfo(uri: uri, driver: driver, libvirtVersion: "9.0.0", hypervisorVersion: "",
                                   virtType: driver.lowercased()),
                    results: verdicts.sorted { $0.key < $1.key }.map {
                        SnippetResult(id: $0.key, guide: "Guides/g.md", line: 1, verdict: $0.value)
                    },
                    runDuration: 0)
    }

    @Test func loadsTheRealCatalog() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let catalog = try ClaimCatalog.load(contentsOf: url.appendingPathComponent("Conformance/claims.json"))
        #expect(catalog.claims.count > 50)
        #expect(catalog.claim(id: "doc.backup-end-missing")?.finding != nil)
        #expect(catalog.claim(id: "chk.quiesce")?.isAgentOnly == true)
        #expect(Set(catalog.claims.map(\.id)).count == catalog.claims.count)
    }

    @Test func rejectsBadCatalogs() throws {
        let duplicate = #"{"claims": [{"id": "x", "section": "", "api": "", "claim": "", "source": [], "tiers": []},"#
            + #"{"id": "x", "section": "", "api": "", "claim": "", "source": [], "tiers": []}]}"#
        #expect(throws: ClaimCatalog.LoadError(path: "c.json", message: "duplicate claim id 'x'")) {
            try ClaimCatalog.decode(Data(duplicate.utf8), path: "c.json")
        }
        let badTier = #"{"claims": [{"id": "x", "section": "", "api": "", "claim": "", "source": [], "tiers": ["kvm"]}]}"#
        do {
            _ = try ClaimCatalog.decode(Data(badTier.utf8), path: "c.json")
            Issue.record("an unknown tier was accepted")
        } catch {
            #expect(error.description.hasPrefix("c.json: "))
            #expect(error.description.contains("tiers"))
        }
        let missingID = #"{"claims": [{"section": "", "api": "", "claim": "", "source": [], "tiers": []}]}"#
        do {
            _ = try ClaimCatalog.decode(Data(missingID.utf8), path: "c.json")
            Issue.record("a claim without id was accepted")
        } catch {
            #expect(error.description == "c.json: missing 'id' at .claims[0]")
        }
        #expect(throws: ClaimCatalog.LoadError.self) {
            try ClaimCatalog.load(contentsOf: URL(fileURLWithPath: "/nonexistent/claims.json"))
        }
    }

    @Test func unknownClaimIDsNameTheFence() throws {
        let catalog = try Self.catalog()
        let problems = catalog.unknownReferences(in: [
            Self.snippet("ok", line: 3, claims: ["a.both"], finding: "b.qemu"),
            Self.snippet("typo", line: 12, claims: ["a.both", "a.bth"]),
            Self.snippet("bad-finding", line: 20, finding: "nope"),
        ])
        #expect(problems == [
            "Guides/g.md:12: unknown claim id 'a.bth' in claims= (not in the claims catalog)",
            "Guides/g.md:20: unknown claim id 'nope' in finding= (not in the claims catalog)",
        ])
    }

    @Test func joinsSnippetsAndVerdictsPerHost() throws {
        let catalog = try Self.catalog()
        let snippets = [
            Self.snippet("both-1", line: 1, claims: ["a.both"]),
            Self.snippet("both-2", line: 2, claims: ["a.both"], needs: [.qemu]),
            Self.snippet("b-finding", line: 3, claims: ["a.both"], finding: "b.qemu", needs: [.qemu]),
            Self.snippet("c-agent", line: 4, claims: ["c.agent"], needs: [.agent]),
            Self.snippet("d-agent", line: 5, claims: ["d.agent"], tier: .agent),
        ]
        let test = Self.host("test:///default", driver: "TEST", [
            "both-1": .pass, "both-2": .unsupported, "b-finding": .unsupported, "c-agent": .unsupported,
            "d-agent": .fail,
        ])
        let qemu = Self.host("qemu:///system", driver: "QEMU", [
            "both-1": .pass, "both-2": .fail, "b-finding": .finding, "c-agent": .pass, "d-agent": .skipped,
        ])
        let c = ClaimCoverage(catalog: catalog, catalogPath: "Conformance/claims.json", snippets: snippets,
                              hosts: [test, qemu])
        #expect(c.total == 5)
        #expect(c.withSnippet == 4)
        #expect(c.withoutSnippet == ["e.none"])
        let status = Dictionary(uniqueKeysWithValues: c.claims.map { ($0.id, $0) })
        #expect(status["a.both"]?.snippets == ["both-1", "both-2", "b-finding"])
        // A failing snippet outweighs passing ones; the finding snippet's claims= still count as checked.
        #expect(status["a.both"]?.hosts == ["test:///default": .pass, "qemu:///system": .fail])
        #expect(status["b.qemu"]?.hosts == ["test:///default": .unsupported, "qemu:///system": .finding])
        #expect(status["e.none"]?.hosts == [:])

        #expect(c.hosts.map(\.tier) == [.test, .qemu])
        #expect(c.hosts.map(\.tierClaims) == [1, 2])
        #expect(c.hosts[0].passing == ["a.both"])
        #expect(c.hosts[0].failing == ["d.agent"])
        #expect(c.hosts[0].unsupported == ["b.qemu", "c.agent"])
        #expect(c.hosts[1].passing == ["c.agent"])
        #expect(c.hosts[1].findings == ["b.qemu"])
        #expect(c.hosts[1].failing == ["a.both"])
        // c.agent has an agent snippet that passed somewhere; d.agent does not.
        #expect(c.waitingForAgent == ["d.agent"])
        #expect(c.hasFailures)
    }

    @Test func agentOnlyClaimsWaitUntilAnAgentSnippetPasses() throws {
        let catalog = try Self.catalog()
        // A qemu snippet that passes does not stand in for an agent guest.
        let snippets = [Self.snippet("c-on-qemu", line: 1, claims: ["c.agent"], needs: [.qemu])]
        let qemu = Self.host("qemu:///system", driver: "QEMU", ["c-on-qemu": .pass])
        let c = ClaimCoverage(catalog: catalog, catalogPath: "c.json", snippets: snippets, hosts: [qemu])
        #expect(c.waitingForAgent == ["c.agent", "d.agent"])
        #expect(c.hosts[0].passing == ["c.agent"])
        #expect(!c.hasFailures)
        #expect(ClaimCoverage.tier(ofDriver: "LXC") == nil)
    }

    @Test func coverageIsInTheJSONAndOldJSONStillDecodes() throws {
        var results = ReportTests.sample(hosts: 2)
        let catalog = try Self.catalog()
        results.coverage = ClaimCoverage(catalog: catalog, catalogPath: "claims.json",
                                         snippets: [Self.snippet("passes", line: 5, claims: ["a.both"])],
                                         hosts: results.hosts)
        results.docDrift = DocDrift.Report(apiFiles: ["/usr/share/libvirt/api/libvirt-api.xml"], references: 3,
                                           distinctNames: 2, nonexistent: ["Guides/f.md: virDomainBackupEnd"])
        let data = try JSONWriter().encode(results)
        let back = try JSONWriter.decode(data)
        #expect(back == results)
        #expect(back.coverage?.hosts.first?.passing == ["a.both"])

        // JSON written before coverage and drift existed has neither key: it must still decode.
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["coverage"] != nil && object["docDrift"] != nil)
        object.removeValue(forKey: "coverage")
        object.removeValue(forKey: "docDrift")
        let old = try JSONWriter.decode(try JSONSerialization.data(withJSONObject: object))
        #expect(old.coverage == nil && old.docDrift == nil)
        #expect(old.hosts == results.hosts)
    }

    @Test func summaryPrintsCoverage() throws {
        var results = ReportTests.sample(hosts: 2)
        let catalog = try Self.catalog()
        let snippets = [
            Self.snippet("passes", line: 5, claims: ["a.both"]),
            Self.snippet("finding", line: 9, finding: "b.qemu"),
        ]
        results.coverage = ClaimCoverage(catalog: catalog, catalogPath: "Conformance/claims.json",
                                         snippets: snippets, hosts: results.hosts)
        results.docDrift = DocDrift.Report(apiFiles: ["/usr/share/libvirt/api/libvirt-api.xml"], references: 3,
                                           distinctNames: 2, nonexistent: ["Guides/f.md: virDomainBackupEnd"])
        let text = SummaryWriter().render(results)
        #expect(text.contains("claims (Conformance/claims.json): 5 in the catalog, 2 with a snippet, 3 without\n"))
        #expect(text.contains("  test:///default (test tier, 1 claim): 1 pass, 1 finding, 0 fail, 0 unsupported\n"))
        #expect(text.contains("  qemu:///system (qemu tier, 2 claims): 1 pass, 1 finding, 0 fail, 0 unsupported\n"))
        #expect(text.contains("  findings observed: b.qemu\n"))
        #expect(text.contains("  waiting for an agent guest: c.agent, d.agent\n"))
        #expect(text.contains("doc drift: 3 libvirt names (2 distinct) checked against libvirt-api.xml; 1 marked nonexistent\n"))
        #expect(!text.contains("without a snippet:"))
        #expect(SummaryWriter(verbose: true).render(results).contains("  without a snippet: c.agent, d.agent, e.none\n"))
    }
}
