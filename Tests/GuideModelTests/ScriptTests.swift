import GuideModel
import Testing

@Suite("Scripts (sh script=NAME blocks)")
struct ScriptTests {
    @Test("a sh block with script=NAME is a script with its line and exact text; a plain sh block is shown only")
    func parsesScripts() throws {
        let text = markdown(
            "# T",
            "```sh",
            "echo shown only",
            "```",
            "```sh script=move-disk-virsh",
            "virsh -c \"$URI\" domblklist \"$DOMAIN\"",
            "```")
        let guide = try #require(validGuide(text))
        #expect(guide.scripts.map(\.name) == ["move-disk-virsh"])
        #expect(guide.scripts.first?.line == 5)
        #expect(guide.scripts.first?.code == "virsh -c \"$URI\" domblklist \"$DOMAIN\"\n")
        #expect(guide.scripts.first?.location == "Guides/t.md:5")
        #expect(guide.codeBlocks.map(\.role) == [.display, .script(name: "move-disk-virsh")])
    }

    @Test("unknown attributes, a bad name and two names are errors at the fence's line")
    func rejectsBadFences() {
        #expect(errors(in: markdown("# T", "```sh script=Bad_Name", "x", "```"))
            == ["Guides/t.md:2: bad script name 'Bad_Name': use lowercase letters, digits and hyphens, starting with a letter or digit"])
        #expect(errors(in: markdown("# T", "```sh script=a run=yes", "x", "```"))
            == ["Guides/t.md:2: unknown attribute 'run' for a sh block: it takes only script=<name> (a script the snippets run with lab.runScript)"])
        #expect(errors(in: markdown("# T", "```sh script=a script=b", "x", "```"))
            == ["Guides/t.md:2: a sh block names one script"])
    }

    @Test("a script name is unique across the guides")
    func uniqueAcrossGuides() {
        #expect(throws: GuideErrors.self) {
            try GuideSet.parse(sources: [
                "Guides/a.md": markdown("# A", "```sh script=same", "x", "```"),
                "Guides/b.md": markdown("# B", "", "```sh script=same", "y", "```"),
            ])
        }
        do {
            _ = try GuideSet.parse(sources: [
                "Guides/a.md": markdown("# A", "```sh script=same", "x", "```"),
                "Guides/b.md": markdown("# B", "", "```sh script=same", "y", "```"),
            ])
        } catch {
            #expect(error.errors.map(\.description) == ["Guides/b.md:3: duplicate script name 'same': already used at Guides/a.md:2"])
        }
        let set = try? GuideSet.parse(sources: ["Guides/a.md": markdown("# A", "```sh script=one", "x", "```")])
        #expect(set?.script(name: "one")?.code == "x\n")
        #expect(set?.script(name: "two") == nil)
    }
}
