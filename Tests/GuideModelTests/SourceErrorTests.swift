import GuideModel
import Testing

@Suite("Source errors")
struct SourceErrorTests {
    private let unterminated = "unterminated code fence: no closing ``` before the end of the document or of its list item or block quote"

    @Test("a fence left open at the end of the document is an error")
    func unterminatedAtEnd() {
        #expect(errors(in: markdown("# T", "", "```swift id=a", "x()")) == ["Guides/t.md:3: \(unterminated)"])
        #expect(errors(in: markdown("# T", "```xml", "<a/>")) == ["Guides/t.md:2: \(unterminated)"])
        #expect(errors(in: "# T\n```swift id=a") == ["Guides/t.md:2: \(unterminated)"])
        // A closing fence must use the same character and be at least as long.
        #expect(errors(in: markdown("# T", "````swift id=a", "x()", "```")) == [
            "Guides/t.md:2: unterminated code fence: no closing ```` before the end of the document or of its list item or block quote",
        ])
        #expect(errors(in: markdown("# T", "~~~swift id=a", "x()", "```")) == [
            "Guides/t.md:2: unterminated code fence: no closing ~~~ before the end of the document or of its list item or block quote",
        ])
        // A closing fence with an info string is content.
        #expect(errors(in: markdown("# T", "```swift id=a", "``` swift")) == ["Guides/t.md:2: \(unterminated)"])
    }

    @Test("a fence left open when its list item or block quote ends is an error")
    func unterminatedInContainers() {
        #expect(errors(in: markdown("# T", "- item", "", "  ```swift id=a", "  x()", "Not in the item.")) == [
            "Guides/t.md:4: \(unterminated)",
        ])
        #expect(errors(in: markdown("# T", "> ```swift id=a", "> x()", "", "After the quote.")) == [
            "Guides/t.md:2: \(unterminated)",
        ])
        #expect(errors(in: markdown("# T", "> ```swift id=a", "> x()", "```")) == [
            "Guides/t.md:2: \(unterminated)",
            "Guides/t.md:4: \(unterminated)",
        ])
        // Indented too deep to close the fence: it is content, and the fence stays open.
        #expect(errors(in: markdown("# T", "- a", "", "  ```swift id=a", "  x()", "      ```")) == [
            "Guides/t.md:4: \(unterminated)",
        ])
    }

    @Test("closed fences are fine, with or without a final newline")
    func closedFences() {
        #expect(errors(in: "# T\n```swift id=a\nx()\n```") == [])
        #expect(errors(in: "# T\n```swift id=a\n```   \n") == [])
        #expect(errors(in: markdown("# T", "> ```swift id=a", "> x()", ">    ```")) == [])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```")) == ["Guides/t.md:4: \(unterminated)"])
    }

    @Test("a file that is not UTF-8 is reported at the line of the first bad byte")
    func invalidUTF8() {
        func utf8Errors(_ bytes: [UInt8]) -> [String] {
            let (guide, errors) = Guide.parse(bytes: bytes, path: testPath)
            #expect(guide == nil)
            return errors.map(\.description)
        }
        let prefix = Array("# T\n\nok\n".utf8)
        #expect(utf8Errors(prefix + [0xFF, 0x0A]) == ["Guides/t.md:4: the file is not valid UTF-8 (byte 0xFF at offset 8)"])
        #expect(utf8Errors(prefix + Array("fine é\r\n".utf8) + [0xC0, 0xAF]) == ["Guides/t.md:5: the file is not valid UTF-8 (byte 0xC0 at offset 17)"])
        #expect(utf8Errors(prefix + [0xED, 0xA0, 0x80]) == ["Guides/t.md:4: the file is not valid UTF-8 (byte 0xED at offset 8)"])
        #expect(utf8Errors(prefix + [0x61, 0xE2, 0x82]) == ["Guides/t.md:4: the file is not valid UTF-8 (byte 0xE2 at offset 9)"])
        #expect(utf8Errors([0x0D, 0x0D, 0xF4, 0x90, 0x80, 0x80]) == ["Guides/t.md:3: the file is not valid UTF-8 (byte 0xF4 at offset 2)"])
        // Valid multi-byte text of every length is accepted.
        #expect(Guide.parse(bytes: Array("# Ünïcødé €  𝄞\n".utf8), path: testPath).errors.isEmpty)
    }

    @Test("a guide needs a level-1 title")
    func missingTitle() {
        let message = "Guides/t.md:1: the guide has no title: it needs a level-1 heading (# Title)"
        #expect(errors(in: markdown("## Only a section", "", "Text.")) == [message])
        #expect(errors(in: "") == [message])
        #expect(errors(in: markdown("- # In a list")) == [])
    }

    @Test("absurdly deep nesting is an error, not a crash")
    func deepNesting() {
        let text = "# T\n" + String(repeating: ">", count: 150) + " deep\n"
        #expect(errors(in: text) == ["Guides/t.md:2: the Markdown is nested more than 100 levels deep"])
        let fine = "# T\n" + String(repeating: ">", count: 40) + " deep\n"
        #expect(errors(in: fine) == [])
    }

    @Test("all errors of a guide are reported, sorted by line")
    func allErrorsSorted() {
        let text = markdown(
            "## No title",                    // 1
            "```swift id=a neeeds=qemu",      // 2
            "```",                            // 3
            "```swift",                       // 4
            "```",                            // 5
            "```swift id=a timeout=soon",     // 6
            "```",                            // 7
            "```output for=zzz",              // 8
            "```",                            // 9
            "```swift id=b",                  // 10
        )
        #expect(errors(in: text) == [
            "Guides/t.md:1: the guide has no title: it needs a level-1 heading (# Title)",
            "Guides/t.md:2: unknown fence attribute 'neeeds'; did you mean 'needs'?",
            "Guides/t.md:4: swift snippet has no id: add id=<slug>, or mark it ignore to show it without compiling it",
            "Guides/t.md:6: bad value for 'timeout': 'soon' is not a positive number of seconds (at most 86400)",
            "Guides/t.md:6: duplicate snippet id 'a' (first used at Guides/t.md:2)",
            "Guides/t.md:8: output block for unknown snippet 'zzz' (no snippet of this guide has that id)",
            "Guides/t.md:10: unterminated code fence: no closing ``` before the end of the document or of its list item or block quote",
        ])
        #expect(Guide.parse(source: text, path: testPath).guide == nil)
    }

    @Test("GuideError renders as file:line: message and sorts by file, then line")
    func errorRendering() {
        let errors = GuideErrors([
            GuideError(file: "Guides/b.md", line: 1, message: "z"),
            GuideError(file: "Guides/a.md", line: 10, message: "y"),
            GuideError(file: "Guides/a.md", line: 2, message: "x"),
            GuideError(file: "Guides/a.md", line: 0, message: "clamped"),
        ])
        #expect(errors.description == "Guides/a.md:1: clamped\nGuides/a.md:2: x\nGuides/a.md:10: y\nGuides/b.md:1: z")
    }
}
