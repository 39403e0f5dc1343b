import Foundation
import GuideModel
import Testing
@testable import Runner

/// Scripts (`sh script=NAME`): compiled into the snippet program, checked against the snippets that run them.
@Suite("Scripts run by snippets")
struct ScriptRunTests {
    static let guide = #"""
        # Scripts

        ```sh script=list-virsh
        virsh -c "$URI" list --all
        ```

        ```swift id=runs-it needs=qemu
        let run = try await lab.runScript("list-virsh", environment: ["URI": lab.uri])
        try lab.expectEqual(run.status, 0)
        ```

        ```swift recipe=shown
        import Libvirt
        print(1)
        ```

        ```swift id=runs-recipe needs=qemu
        let run = try await lab.runRecipe("shown", [])
        try lab.expectEqual(run.status, 0)
        ```
        """#

    @Test("every script is run by a snippet, every runScript names a script; both are errors at their line")
    func lint() throws {
        let set = try GuideSet.parse(sources: ["Guides/s.md": Self.guide])
        #expect(GuideChecks.scriptProblems(guides: set.guides, snippets: RunnableSnippet.all(in: set)).isEmpty)

        let orphan = try GuideSet.parse(sources: ["Guides/s.md": Self.guide + "\n```sh script=nobody\necho\n```\n"])
        #expect(GuideChecks.scriptProblems(guides: orphan.guides, snippets: RunnableSnippet.all(in: orphan))
            == ["Guides/s.md:21: script 'nobody' is run by no snippet (lab.runScript(\"nobody\", …)): a script the page shows is checked, or shown as a plain sh block"])

        let typo = try GuideSet.parse(sources: ["Guides/s.md": Self.guide.replacingOccurrences(of: "runScript(\"list-virsh\"", with: "runScript(\"list-virh\"")])
        let problems = GuideChecks.scriptProblems(guides: typo.guides, snippets: RunnableSnippet.all(in: typo))
        #expect(problems.contains("Guides/s.md:8: lab.runScript(\"list-virh\") names no script: add a ```sh script=list-virh block"))
        #expect(problems.contains { $0.hasPrefix("Guides/s.md:3: script 'list-virsh' is run by no snippet") })
    }

    @Test("the generated snippet program carries the scripts, exactly, for lab.runScript")
    func generated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-script-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = try GuideSet.parse(sources: ["Guides/s.md": Self.guide])
        _ = try SnippetPackageGenerator(workDirectory: dir, rewindPackage: URL(fileURLWithPath: "/src/rewind"))
            .generate(RunnableSnippet.all(in: set), scripts: Dictionary(uniqueKeysWithValues: set.scripts.map { ($0.name, $0.code) }))
        let main = try String(contentsOf: dir.appendingPathComponent("Sources/RewindSnippets/main.swift"), encoding: .utf8)
        #expect(main.contains(#""list-virsh": "virsh -c \"$URI\" list --all\n","#))
        #expect(main.contains("await SnippetMain.run(registry: registry, scripts: scripts)"))
    }

    @Test("a filtered run builds the recipes its snippets run, selected or not")
    func recipesFollowTheirRunners() throws {
        let set = try GuideSet.parse(sources: ["Guides/s.md": Self.guide])
        let runner = try #require(RunnableSnippet.all(in: set).first { $0.id == "runs-recipe" })
        #expect(Verifier.recipesRun(by: runner) == ["shown"])
    }
}
