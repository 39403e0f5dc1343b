import GuideModel
import Testing

@Suite("Document structure")
struct StructureTests {
    @Test("fences inside list items and block quotes keep exact line numbers")
    func nestedFences() throws {
        let text = markdown(
            "# Title",                          // 1
            "",                                 // 2
            "1. First step",                    // 3
            "",                                 // 4
            "   ```swift id=in-list",           // 5
            "   let a = 1",                     // 6
            "   # hidden()",                    // 7
            "   ```",                           // 8
            "",                                 // 9
            "   - nested",                      // 10
            "",                                 // 11
            "     ~~~swift id=in-nested-list",  // 12
            "     let b = 2",                   // 13
            "     ~~~",                         // 14
            "2. Second step",                   // 15
            "",                                 // 16
            "> Quoted:",                        // 17
            ">",                                // 18
            "> ```swift id=in-quote",           // 19
            "> let c = 3",                      // 20
            ">   let d = 4",                    // 21
            "> ```",                            // 22
            "",                                 // 23
            "> > - deep",                       // 24
            "> >",                              // 25
            "> >   ```swift id=deep",           // 26
            "> >   deep()",                     // 27
            "> >   ```",                        // 28
            "",                                 // 29
            "- ```swift id=on-marker-line",     // 30
            "  marker()",                       // 31
            "  ```",                            // 32
        )
        let guide = try #require(validGuide(text))
        #expect(guide.snippets.map(\.id) == ["in-list", "in-nested-list", "in-quote", "deep", "on-marker-line"])
        let expected: [(String, Int, [Int], [String])] = [
            ("in-list", 5, [6, 7], ["let a = 1", "hidden()"]),
            ("in-nested-list", 12, [13], ["let b = 2"]),
            ("in-quote", 19, [20, 21], ["let c = 3", "  let d = 4"]),
            ("deep", 26, [27], ["deep()"]),
            ("on-marker-line", 30, [31], ["marker()"]),
        ]
        for (id, line, lines, texts) in expected {
            let snippet = try #require(guide.snippet(id: id))
            #expect(snippet.line == line, "\(id)")
            #expect(snippet.codeLine == line + 1, "\(id)")
            #expect(snippet.lines.map(\.markdownLine) == lines, "\(id)")
            #expect(snippet.lines.map(\.text) == texts, "\(id)")
        }
        #expect(guide.codeBlock(atLine: 12)?.endLine == 14)
        #expect(guide.codeBlock(atLine: 26)?.endLine == 28)
    }

    @Test("an indented code block is not a snippet, even when it looks like a fence")
    func indentedCodeIsNotASnippet() throws {
        let text = markdown(
            "# Title",               // 1
            "",                      // 2
            "    ```swift id=fake",  // 3
            "    let x = 1",         // 4
            "",                      // 5
            "Prose.",                // 6
            "",                      // 7
            "    ```",               // 8
        )
        let guide = try #require(validGuide(text))
        #expect(guide.snippets.isEmpty)
        #expect(guide.codeBlocks.count == 2)
        let block = try #require(guide.codeBlock(atLine: 3))
        #expect(!block.isFenced)
        #expect(block.role == .display)
        #expect(block.language == nil)
        #expect(block.literal == "```swift id=fake\nlet x = 1\n")
        let single = try #require(guide.codeBlock(atLine: 8))
        #expect(!single.isFenced)
        #expect(single.literal == "```\n")
    }

    @Test("tilde fences and longer fences are snippets; a shorter inner fence is content")
    func tildeAndLongFences() throws {
        let text = markdown(
            "# Title",               // 1
            "~~~~swift id=tilde",    // 2
            "~~~",                   // 3
            "```",                   // 4
            "~~~~",                  // 5
            "",                      // 6
            "`````swift id=long",    // 7
            "````",                  // 8
            "``````",                // 9
        )
        let guide = try #require(validGuide(text))
        let tilde = try #require(guide.snippet(id: "tilde"))
        #expect(tilde.code == "~~~\n```\n")
        #expect(tilde.lines.map(\.markdownLine) == [3, 4])
        let long = try #require(guide.snippet(id: "long"))
        #expect(long.code == "````\n")
        #expect(guide.codeBlock(atLine: 7)?.endLine == 9)
    }

    @Test("headings get GitHub-style anchors, deduplicated in document order")
    func headingAnchors() throws {
        let text = markdown(
            "# Rewind: snapshots & backups!",   // 1
            "## Setup",                         // 2
            "## Setup",                         // 3
            "### Setup",                        // 4
            "## Setup-1",                       // 5
            "## `virDomainSnapshotCreateXML` flags", // 6
            "## Über die Größe — café",         // 7
            "## C++ / Swift_interop (2024)",    // 8
            "## ???",                           // 9
            "## *Emphasis* and [a link](x)",    // 10
            "Setext heading",                   // 11
            "--------------",                   // 12
            "- ## In a list",                   // 13
            "## 中文标题",                       // 14
            "## A  B",                          // 15
        )
        let guide = try #require(validGuide(text))
        #expect(guide.title == "Rewind: snapshots & backups!")
        #expect(guide.headings.map(\.anchor) == [
            "rewind-snapshots--backups",
            "setup",
            "setup-1",
            "setup-2",
            "setup-1-1",
            "virdomainsnapshotcreatexml-flags",
            "über-die-größe--café",
            "c--swift_interop-2024",
            "section",
            "emphasis-and-a-link",
            "setext-heading",
            "in-a-list",
            "中文标题",
            "a--b",
        ])
        #expect(guide.headings.map(\.level) == [1, 2, 2, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
        #expect(guide.headings.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15])
        #expect(guide.headings[5].text == "virDomainSnapshotCreateXML flags")
        #expect(guide.heading(atLine: 11)?.text == "Setext heading")
    }

    @Test("the title is the first level-1 heading, even after other content")
    func titleIsFirstLevelOneHeading() throws {
        let guide = try #require(validGuide(markdown("Intro.", "", "## Sub", "", "# The Title", "", "# Second")))
        #expect(guide.title == "The Title")
    }

    @Test("top-level blocks keep their kind and line range")
    func blocks() throws {
        let text = markdown(
            "# Title",            // 1
            "",                   // 2
            "A paragraph",        // 3
            "over two lines.",    // 4
            "",                   // 5
            "- a",                // 6
            "- b",                // 7
            "",                   // 8
            "> quote",            // 9
            "",                   // 10
            "---",                // 11
            "",                   // 12
            "<div>raw</div>",     // 13
            "",                   // 14
            "```xml",             // 15
            "<domain/>",          // 16
            "```",                // 17
        )
        let guide = try #require(validGuide(text))
        #expect(guide.blocks.map(\.kind) == [
            .heading(level: 1), .paragraph, .list, .blockQuote, .thematicBreak, .htmlBlock, .codeBlock,
        ])
        #expect(guide.blocks.map(\.lines) == [1...1, 3...4, 6...7, 9...9, 11...11, 13...13, 15...17])
        #expect(guide.codeBlock(atLine: 15)?.role == .display)
        #expect(guide.codeBlock(atLine: 15)?.language == "xml")
        #expect(guide.document.kind == .document)
    }

    @Test("the node tree keeps inline structure, raw HTML as text, and start lines")
    func nodeTree() throws {
        let text = markdown(
            "# Title",                                 // 1
            "",                                        // 2
            "Some *em* and **strong** `code`",         // 3
            "[link](https://libvirt.org \"T\") <b>x</b>", // 4
            "![alt](img.png)",                          // 5
        )
        let guide = try #require(validGuide(text))
        let paragraph = guide.document.children[1]
        #expect(paragraph.kind == .paragraph)
        #expect(paragraph.lines == 3...5)
        let kinds = paragraph.children.map(\.kind)
        #expect(kinds == [
            .text("Some "), .emphasis, .text(" and "), .strong, .text(" "), .code("code"), .softBreak,
            .link(destination: "https://libvirt.org", title: "T"), .text(" "), .htmlInline("<b>"), .text("x"),
            .htmlInline("</b>"), .softBreak, .image(source: "img.png", title: ""),
        ])
        #expect(paragraph.children.map(\.line) == [3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5])
        #expect(paragraph.children[1].children == [Node(kind: .text("em"), line: 3)])
    }

    @Test("display fences in other languages are kept with their info string")
    func displayFences() throws {
        let text = markdown("# T", "```sh", "virsh list", "```", "", "```json id=whatever", "{}", "```")
        let guide = try #require(validGuide(text))
        #expect(guide.snippets.isEmpty)
        #expect(guide.codeBlocks.map(\.language) == ["sh", "json"])
        #expect(guide.codeBlocks.map(\.info) == ["sh", "json id=whatever"])
        #expect(guide.codeBlocks.allSatisfy { $0.role == .display && $0.isFenced })
    }

    @Test("a swift ignore block without id is shown only")
    func ignoredWithoutID() throws {
        let guide = try #require(validGuide(markdown("# T", "```swift ignore", "not(valid swift", "```")))
        #expect(guide.snippets.isEmpty)
        #expect(guide.codeBlock(atLine: 2)?.role == .display)
    }
}
