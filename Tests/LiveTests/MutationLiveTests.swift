import Foundation
import Testing
@testable import LiveHost

/// Mutation: changing one expected value in a guide makes that snippet fail at its Markdown line, on every
/// host the run reaches (the test driver, qemu:///system, and each release host that runs). A check that
/// cannot fail would survive the mutation.
@Suite("Guide mutations fail on every host (REWIND_LIVE=1)",
       .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
struct MutationLiveTests {
    @Test("a changed expected value and a changed expect-error fail at their lines, on every host")
    func mutatedGuide() throws {
        let repo = RemoteVerifyLiveTests.packageRoot
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-mutation-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }
        try fm.copyItem(at: repo.appendingPathComponent("Guides"), to: scratch.appendingPathComponent("Guides"))
        try fm.copyItem(at: repo.appendingPathComponent("Conformance"), to: scratch.appendingPathComponent("Conformance"))

        // Two mutations of Guides/reading.md, each on a line whose number the failure must name.
        let guide = scratch.appendingPathComponent("Guides/reading.md")
        var lines = try String(contentsOf: guide, encoding: .utf8).components(separatedBy: "\n")
        let valueLine = try #require(lines.firstIndex { $0.contains(#"dom.name.hasPrefix("rewind-")"#) })
        lines[valueLine] = lines[valueLine].replacingOccurrences(of: #"hasPrefix("rewind-")"#, with: #"hasPrefix("rewound-")"#)
        let fenceLine = try #require(lines.firstIndex { $0.contains("id=reading-missing-domain expect-error=VIR_ERR_NO_DOMAIN") })
        lines[fenceLine] = lines[fenceLine].replacingOccurrences(of: "VIR_ERR_NO_DOMAIN", with: "VIR_ERR_NO_NETWORK")
        try Data(lines.joined(separator: "\n").utf8).write(to: guide)

        var hosts = ["test:///default"]
        if LiveHost.system.status().running { hosts.append(LiveHost.system.uri) }
        hosts += ReleaseHost.running().map(\.tcpURI)
        let json = scratch.appendingPathComponent("results.json")
        var arguments = ["verify", "--root", scratch.path, "--package-path", repo.path,
                         "--work-dir", repo.appendingPathComponent(".build/rewind-live-tests/mutation").path,
                         "--filter", "reading-hidden-lines", "--filter", "reading-missing-domain", "--json", json.path]
        for uri in hosts { arguments += ["--connect", uri] }
        let (status, output) = try RemoteVerifyLiveTests.run(try RemoteVerifyLiveTests.rewindExecutable(), arguments,
                                                             log: scratch.appendingPathComponent("output"))
        #expect(status == 1, "the mutated guide must fail the run:\n\(output)")

        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let results = try #require(root["hosts"] as? [[String: Any]])
        #expect(results.count == hosts.count)
        for host in results {
            let uri = (host["host"] as? [String: Any])?["uri"] as? String ?? "?"
            let byID = Dictionary((host["results"] as? [[String: Any]] ?? []).compactMap { r in
                (r["id"] as? String).map { ($0, r) }
            }, uniquingKeysWith: { a, _ in a })
            #expect(byID["reading-hidden-lines"]?["verdict"] as? String == "fail", "\(uri): \(output)")
            #expect(byID["reading-hidden-lines"]?["location"] as? String == "Guides/reading.md:\(valueLine + 1)", "\(uri)")
            #expect(byID["reading-missing-domain"]?["verdict"] as? String == "fail", "\(uri)")
            #expect((byID["reading-missing-domain"]?["message"] as? String)?.contains("expected VIR_ERR_NO_NETWORK, got VIR_ERR_NO_DOMAIN") == true,
                    "\(uri)")
            #expect(byID["reading-missing-domain"]?["location"] as? String == "Guides/reading.md:\(fenceLine + 1)", "\(uri)")
        }
    }
}
