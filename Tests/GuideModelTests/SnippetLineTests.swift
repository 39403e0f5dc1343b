import GuideModel
import Testing

@Suite("Snippet lines")
struct SnippetLineTests {
    @Test("hidden lines are recognized and every line maps to its Markdown line")
    func hiddenLinesAndMapping() throws {
        let text = markdown(
            "# Title",                        // 1
            "",                               // 2
            "Some prose.",                    // 3
            "",                               // 4
            "```swift id=first",              // 5
            "# import Libvirt",               // 6
            "#",                              // 7
            "let x = 1",                      // 8
            "    # let hidden = x",           // 9
            "#if DEBUG",                      // 10
            "print(x)",                       // 11
            "#endif",                         // 12
            "#sourceLocation()",              // 13
            "#warning(\"w\")",                // 14
            "#  two spaces",                  // 15
            "```",                            // 16
        )
        let guide = try #require(validGuide(text))
        let snippet = try #require(guide.snippet(id: "first"))
        #expect(snippet.line == 5)
        #expect(snippet.codeLine == 6)
        #expect(snippet.guide == testPath)
        #expect(snippet.location == "Guides/t.md:5")
        #expect(snippet.lines.map(\.markdownLine) == Array(6...15))
        #expect(snippet.lines.map(\.isHidden) == [true, true, false, true, false, false, false, false, false, true])
        #expect(snippet.lines.map(\.text) == [
            "import Libvirt", "", "let x = 1", "    let hidden = x", "#if DEBUG", "print(x)", "#endif",
            "#sourceLocation()", "#warning(\"w\")", " two spaces",
        ])
        #expect(snippet.code == """
            # import Libvirt
            #
            let x = 1
                # let hidden = x
            #if DEBUG
            print(x)
            #endif
            #sourceLocation()
            #warning("w")
            #  two spaces

            """)
        #expect(snippet.visibleCode == "let x = 1\n#if DEBUG\nprint(x)\n#endif\n#sourceLocation()\n#warning(\"w\")\n")
        #expect(snippet.sourceCode == """
            import Libvirt

            let x = 1
                let hidden = x
            #if DEBUG
            print(x)
            #endif
            #sourceLocation()
            #warning("w")
             two spaces

            """)
    }

    @Test("an empty snippet has no lines and empty code")
    func emptySnippet() throws {
        let guide = try #require(validGuide(markdown("# T", "```swift id=empty", "```")))
        let snippet = try #require(guide.snippet(id: "empty"))
        #expect(snippet.lines.isEmpty)
        #expect(snippet.code == "")
        #expect(snippet.visibleCode == "")
        #expect(snippet.codeLine == 3)
    }

    @Test("blank lines inside a snippet keep the mapping exact")
    func blankLines() throws {
        let guide = try #require(validGuide(markdown("# T", "", "```swift id=b", "a()", "", "", "b()", "```")))
        let snippet = try #require(guide.snippet(id: "b"))
        #expect(snippet.lines.map(\.markdownLine) == [4, 5, 6, 7])
        #expect(snippet.lines.map(\.text) == ["a()", "", "", "b()"])
    }

    @Test("CRLF and CR line endings count as one line each")
    func lineEndings() throws {
        let text = "# T\r\n\r\n```swift id=crlf\r\nx()\r\ny()\r\n```\r\n\r```swift id=cr\rz()\r```\r"
        let guide = try #require(validGuide(text))
        let crlf = try #require(guide.snippet(id: "crlf"))
        #expect(crlf.line == 3)
        #expect(crlf.lines.map(\.markdownLine) == [4, 5])
        #expect(crlf.code == "x()\ny()\n")
        let cr = try #require(guide.snippet(id: "cr"))
        #expect(cr.line == 8)
        #expect(cr.lines.map(\.markdownLine) == [9])
    }

    @Test("a byte order mark does not shift lines")
    func byteOrderMark() throws {
        let (guide, errors) = Guide.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(markdown("# T", "```swift id=bom", "x()", "```").utf8), path: testPath)
        #expect(errors.isEmpty)
        let snippet = try #require(guide?.snippet(id: "bom"))
        #expect(snippet.line == 2)
        #expect(snippet.lines.first?.markdownLine == 3)
    }

    @Test("SnippetLine.lines splits a literal without a final newline")
    func splitWithoutFinalNewline() {
        let lines = SnippetLine.lines(of: "a\n# b", firstLine: 10)
        #expect(lines == [
            SnippetLine(text: "a", isHidden: false, markdownLine: 10),
            SnippetLine(text: "b", isHidden: true, markdownLine: 11),
        ])
    }
}
