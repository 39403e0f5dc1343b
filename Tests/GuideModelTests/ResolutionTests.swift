import GuideModel
import Testing

@Suite("Contexts, continuations and outputs")
struct ResolutionTests {
    @Test("snippets of a context share its prelude; continuing snippets inherit the context")
    func contextsAndContinuations() throws {
        let text = markdown(
            "# T",                                   // 1
            "",                                      // 2
            "```swift id=first context=lab",         // 3
            "let domain = lab.domain()",             // 4
            "```",                                   // 5
            "",                                      // 6
            "```swift id=second continues=first",    // 7
            "try domain.start()",                    // 8
            "```",                                   // 9
            "",                                      // 10
            "```swift id=third continues=second context=lab", // 11
            "try domain.destroy()",                  // 12
            "```",                                   // 13
            "",                                      // 14
            "```swift context=lab prelude",          // 15
            "import Libvirt",                        // 16
            "# let lab = try Lab()",                 // 17
            "```",                                   // 18
            "",                                      // 19
            "```swift id=alone",                     // 20
            "```",                                   // 21
        )
        let guide = try #require(validGuide(text))
        let prelude = try #require(guide.prelude(context: "lab"))
        #expect(prelude.line == 15)
        #expect(prelude.codeLine == 16)
        #expect(prelude.lines.map(\.markdownLine) == [16, 17])
        #expect(prelude.sourceCode == "import Libvirt\nlet lab = try Lab()\n")
        #expect(prelude.guide == testPath)
        #expect(guide.preludes == [prelude])

        for id in ["first", "second", "third"] {
            let snippet = try #require(guide.snippet(id: id))
            #expect(snippet.context == "lab", "\(id)")
            #expect(snippet.prelude == prelude, "\(id)")
        }
        #expect(guide.snippet(id: "second")?.attributes.context == nil)
        #expect(guide.snippet(id: "alone")?.context == nil)
        #expect(guide.snippet(id: "alone")?.prelude == nil)

        let set = try GuideSet(guides: [guide])
        #expect(set.continuationChain(of: "third").map(\.id) == ["first", "second", "third"])
        #expect(set.continuationChain(of: "first").map(\.id) == ["first"])
        #expect(set.continuationChain(of: "missing").isEmpty)
    }

    @Test("an output block belongs to the snippet before it, or to the one it names")
    func outputs() throws {
        let text = markdown(
            "# T",                            // 1
            "```swift id=one",                // 2
            "print(\"hello\")",               // 3
            "```",                            // 4
            "",                               // 5
            "It prints:",                     // 6
            "",                               // 7
            "```output",                      // 8
            "hello",                          // 9
            "```",                            // 10
            "```swift id=two",                // 11
            "print(uuid)",                    // 12
            "```",                            // 13
            "```xml",                         // 14
            "<x/>",                           // 15
            "```",                            // 16
            "- ```output for=two masked",     // 17
            "  id {{uuid}} at {{time}}",      // 18
            "  ```",                          // 19
            "```swift id=three",              // 20
            "```",                            // 21
        )
        let guide = try #require(validGuide(text))
        let one = try #require(guide.snippet(id: "one")?.expectedOutput)
        #expect(one == ExpectedOutput(text: "hello\n", isMasked: false, line: 8))
        #expect(one.textLine == 9)
        let two = try #require(guide.snippet(id: "two")?.expectedOutput)
        #expect(two.text == "id {{uuid}} at {{time}}\n")
        #expect(two.isMasked)
        #expect(two.line == 17)
        #expect(guide.snippet(id: "three")?.expectedOutput == nil)
        #expect(guide.codeBlock(atLine: 8)?.role == .expectedOutput(snippetID: "one"))
        #expect(guide.codeBlock(atLine: 17)?.role == .expectedOutput(snippetID: "two"))
        #expect(guide.codeBlocks.map(\.line) == [2, 8, 11, 14, 17, 20])
    }

    @Test("context errors: no prelude, two preludes, an unused prelude")
    func contextErrors() {
        #expect(errors(in: markdown("# T", "```swift id=a context=lab", "```")) == [
            "Guides/t.md:2: context 'lab' has no prelude in this guide (add a ```swift context=lab prelude block)",
        ])
        #expect(errors(in: markdown(
            "# T", "```swift context=lab prelude", "```", "```swift id=a context=lab", "```",
            "```swift context=lab prelude", "```")) == [
            "Guides/t.md:6: context 'lab' already has a prelude at line 2",
        ])
        #expect(errors(in: markdown("# T", "```swift context=unused prelude", "```")) == [
            "Guides/t.md:2: the prelude of context 'unused' is not used by any snippet",
        ])
    }

    @Test("continuation errors")
    func continuationErrors() {
        #expect(errors(in: markdown("# T", "```swift id=a continues=nobody", "```")) == [
            "Guides/t.md:2: continues unknown snippet 'nobody'",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a continues=b", "```", "```swift id=b", "```")) == [
            "Guides/t.md:2: continues 'b', which comes later (line 4); a snippet can only continue an earlier one",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a continues=a", "```")) == [
            "Guides/t.md:2: a snippet cannot continue itself ('a')",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a ignore", "```", "```swift id=b continues=a", "```")) == [
            "Guides/t.md:4: continues 'a', which is ignored (neither compiled nor run)",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a compile-fail=x", "```", "```swift id=b continues=a", "```")) == [
            "Guides/t.md:4: continues 'a', which must fail to compile",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a compile-only", "```", "```swift id=b continues=a", "```")) == [
            "Guides/t.md:4: continues 'a', which is compile-only and never runs (make this snippet compile-only too, or run 'a')",
        ])
        // A compile-only snippet may build on another compile-only one.
        #expect(errors(in: markdown("# T", "```swift id=a compile-only", "```", "```swift id=b continues=a compile-only", "```")) == [])
        #expect(errors(in: markdown("# T", "```swift id=a expect-error=VIR_ERR_NO_DOMAIN", "```", "```swift id=b continues=a", "```")) == [
            "Guides/t.md:4: continues 'a', which is expected to end by throwing VIR_ERR_NO_DOMAIN",
        ])
        #expect(errors(in: markdown(
            "# T", "```swift context=x prelude", "```", "```swift context=y prelude", "```",
            "```swift id=a context=x", "```", "```swift id=b continues=a context=y", "```")) == [
            "Guides/t.md:8: context 'y' differs from the context of 'a', which it continues (context 'x'); a continuing snippet takes the context of the snippet it continues",
        ])
        #expect(errors(in: markdown(
            "# T", "```swift context=y prelude", "```", "```swift id=a", "```",
            "```swift id=b continues=a context=y", "```")) == [
            "Guides/t.md:6: context 'y' differs from the context of 'a', which it continues (no context); a continuing snippet takes the context of the snippet it continues",
        ])
    }

    @Test("output errors")
    func outputErrors() {
        #expect(errors(in: markdown("# T", "```output", "x", "```")) == [
            "Guides/t.md:2: output block has no preceding snippet: put it right after a ```swift block with an id, or name one with for=<id>",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```sh", "```", "```output", "```")) == [
            "Guides/t.md:6: output block has no preceding snippet: put it right after a ```swift block with an id, or name one with for=<id>",
        ])
        #expect(errors(in: markdown("# T", "```swift ignore", "```", "```output", "```")) == [
            "Guides/t.md:4: output block has no preceding snippet: put it right after a ```swift block with an id, or name one with for=<id>",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```output for=b", "```")) == [
            "Guides/t.md:4: output block for unknown snippet 'b' (no snippet of this guide has that id)",
        ])
        #expect(errors(in: markdown("# T", "```output for=a", "```", "```swift id=a", "```")) == [
            "Guides/t.md:2: output block for 'a' comes before the snippet (line 4)",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a compile-only", "```", "```output", "```")) == [
            "Guides/t.md:4: output block for 'a', which is not run (compile-only)",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```output", "```", "```output for=a", "```")) == [
            "Guides/t.md:6: snippet 'a' already has an expected output at line 4",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```output maks", "```")) == [
            "Guides/t.md:4: unknown output fence attribute 'maks'; did you mean 'mask'?",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```output mask masked for", "```")) == [
            "Guides/t.md:4: duplicate fence attribute 'masked'",
            "Guides/t.md:4: fence attribute 'for' needs a value (for=<id>)",
        ])
    }
}
