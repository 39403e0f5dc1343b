import Foundation
import GuideModel
@testable import Runner

/// The fixture guides and the one shared build of their snippet package.
///
/// Building a generated package compiles the Rewind libraries it depends on, so every test that needs a
/// build shares one: `Fixture.shared()` runs, once per test process, (1) a merged build of the fixture
/// guide plus a guide with a compile error (it must fail loudly, once), then (2) a full `Verifier` run of
/// the fixture guide alone on `test:///default` (an incremental build of the same package).
struct Fixture: Sendable {
    /// The Rewind package (this repository).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The work directory: inside this package's `.build`, so that later test runs build incrementally.
    static let workDirectory = packageRoot.appendingPathComponent(".build/rewind-runner-tests/snippets")

    /// The fixture guide. Each snippet shows one verdict path.
    static let guide = #"""
        # Fixture

        A snippet that passes, records evidence and prints what its output block expects.

        ```swift id=passes claims=fixture.pass
        let domains = try lab.connection.listDomains()
        try lab.expect(domains.count == 1, "the test driver has one domain")
        lab.record("domains", Double(domains.count), unit: "count")
        lab.note("looked at \(lab.uri)")
        print("domains: \(domains.count)")
        ```

        ```output
        domains: 1
        ```

        A masked output block.

        ```swift id=masked-output
        # import Foundation
        print("run \(lab.runID) done")
        print("second line")
        ```

        ```output mask
        run {{run id}} done
        second line
        ```

        An expectation that fails: the failure names this line of the Markdown file.

        ```swift id=fails
        let n = 1 + 1
        try lab.expect(n == 3, "arithmetic is broken")
        ```

        A snippet that must not compile.

        ```swift id=rejects-string compile-fail="cannot convert value of type 'String' to specified type 'Int'"
        let x: Int = "text"
        _ = x
        ```

        A snippet that never ends.

        ```swift id=hangs timeout=1
        while true { sleep(3600) }
        ```

        A snippet that crashes.

        ```swift id=crashes
        let boom = "boom"
        fatalError(boom)
        ```

        A snippet whose output is not what its block says.

        ```swift id=wrong-output
        print("first")
        print("actual second")
        ```

        ```output
        first
        expected second
        ```

        Looking up a missing domain ends with the documented error.

        ```swift id=missing-domain expect-error=VIR_ERR_NO_DOMAIN
        _ = try lab.connection.lookupDomain(name: "no-such-domain")
        ```

        The wrong error code is a failure.

        ```swift id=wrong-error expect-error=VIR_ERR_OPERATION_INVALID
        _ = try lab.connection.lookupDomain(name: "no-such-domain")
        ```

        A snippet that needs QEMU.

        ```swift id=needs-qemu needs=qemu
        print("only on QEMU")
        ```

        An unsupported error the fence declares (the probe cannot tell about agents).

        ```swift id=declared-unsupported needs=agent
        _ = try lab.connection.domainCapabilitiesXML()
        ```

        The same error, undeclared, is a failure.

        ```swift id=undeclared-unsupported
        _ = try lab.connection.domainCapabilitiesXML()
        ```

        The agent guest boots only on QEMU: on the test driver the lab says why, as unsupported.

        ```swift id=agent-guest-unsupported needs=agent
        _ = try await lab.makeAgentDomain()
        ```

        The runner tells every snippet where the agent guest's cache is.

        ```swift id=guest-cache-variable
        lab.note(ProcessInfo.processInfo.environment["REWIND_GUEST_CACHE"] ?? "unset")
        ```

        A finding.

        ```swift id=shows-finding finding=fixture.finding
        try lab.expect(true)
        ```

        Context and continuation.

        ```swift context=conn prelude
        let connection = lab.connection
        ```

        ```swift id=first-step context=conn
        let name = try connection.listDomains().first!.name
        ```

        ```swift id=second-step continues=first-step
        try lab.expectEqual(name, "test")
        print(name)
        ```

        ```output
        test
        ```

        ```swift id=only-compiled compile-only
        // compile-only: shows that such a snippet is built and not run
        _ = try lab.connection.listDomains()
        ```

        ```swift ignore
        this is not Swift at all
        ```

        A standalone program.

        ```swift id=standalone-program standalone
        struct Greeting { var text: String }
        print(Greeting(text: "hello").text)
        ```

        ```output
        hello
        ```

        Teardown hooks run in reverse order, also when the snippet fails.

        ```swift id=teardown-order
        lab.onTeardown { print("teardown 1") }
        lab.onTeardown { print("teardown 2") }
        print("body")
        ```

        ```output
        body
        teardown 2
        teardown 1
        ```
        """#

    /// A guide whose snippet does not compile: the merged build must fail and name it.
    static let brokenGuide = #"""
        # Broken

        ```swift id=broken-snippet
        let fine = 1
        let y: Int = "not an int"
        _ = fine + y
        ```
        """#

    /// The 1-based line of the first line of `text` that contains `marker`.
    static func line(of marker: String, in text: String = guide) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains(marker) }! + 1
    }

    /// One folder per test process for the roots below, removed when the process exits.
    static let scratchRoot: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-runner-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "rewind-runner-tests-\(getpid())") }
        return url
    }()

    /// A fresh project root with `Guides/<name>` holding `text` for each file.
    static func makeRoot(_ files: [String: String]) throws -> URL {
        let root = scratchRoot.appendingPathComponent("rewind-runner-\(UUID().uuidString.prefix(8))")
        for (name, text) in files {
            let url = root.appendingPathComponent("Guides").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    /// Loads the guides of a root.
    static func snippets(root: URL) throws -> [RunnableSnippet] {
        let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
        return RunnableSnippet.all(in: set)
    }

    // MARK: The shared build

    var root: URL
    var snippets: [RunnableSnippet]
    /// The merged build with the broken guide.
    var brokenSnippets: [RunnableSnippet]
    var brokenCompile: CompileReport
    var brokenBuildSeconds: Double
    /// The verification of the fixture guide alone.
    var outcome: Verification.Outcome

    func result(_ id: String) -> SnippetResult {
        outcome.results.hosts[0].results.first { $0.id == id }!
    }

    private static let task = Task<Fixture, any Error> { try await build() }

    /// The shared fixture, built on first use.
    static func shared() async throws -> Fixture { try await task.value }

    private static func build() async throws -> Fixture {
        let brokenRoot = try makeRoot(["fixture.md": guide, "broken.md": brokenGuide])
        let brokenSnippets = try snippets(root: brokenRoot)
        let generator = SnippetPackageGenerator(workDirectory: workDirectory, rewindPackage: packageRoot)
        let brokenPackage = try generator.generate(brokenSnippets)
        // Only the merged target matters here: the compile-fail and standalone targets are built by the
        // verification below.
        var mergedOnly = brokenPackage
        mergedOnly.targets = brokenPackage.targets.filter { $0.kind == .merged }
        let start = ContinuousClock.now
        let brokenCompile = await SnippetCompiler().build(mergedOnly, snippets: brokenSnippets)
        let brokenSeconds = SnippetRunner.seconds(since: start)

        let root = try makeRoot(["fixture.md": guide])
        let fixtureSnippets = try snippets(root: root)
        var configuration = Verifier.Configuration(root: root, rewindPackage: packageRoot, workDirectory: workDirectory)
        configuration.jobs = 2
        configuration.killGrace = 1
        // Through the pipeline's one entry point, as `rewind verify` runs it.
        var options = Verification.Options(root: root)
        options.verifier = configuration
        let outcome = try await Verification.run(options)
        return Fixture(root: root, snippets: fixtureSnippets, brokenSnippets: brokenSnippets,
                       brokenCompile: brokenCompile, brokenBuildSeconds: brokenSeconds, outcome: outcome)
    }
}
