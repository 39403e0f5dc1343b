import Foundation
import Testing
@testable import Runner

@Suite("Expected output")
struct OutputTests {
    @Test("exact after trimming trailing whitespace; trailing empty lines ignored")
    func exact() {
        #expect(OutputComparison(expected: "a\nb\n", actual: "a  \nb\n\n", masked: false).matches)
        #expect(!OutputComparison(expected: "a\nb", actual: "a\n b", masked: false).matches)
        #expect(!OutputComparison(expected: "a", actual: "a\nb", masked: false).matches)
        #expect(!OutputComparison(expected: "a {{x}}", actual: "a 1", masked: false).matches)
    }

    @Test("masks match any text within one line")
    func masks() {
        #expect(OutputComparison.maskedMatch("created {{name}} at {{time}}", "created s1 at 12:00"))
        #expect(OutputComparison.maskedMatch("{{anything}}", ""))
        #expect(OutputComparison.maskedMatch("x{{a}}y{{b}}z", "xyz"))
        #expect(!OutputComparison.maskedMatch("x{{a}}y", "xz"))
        #expect(!OutputComparison.maskedMatch("ab{{a}}ba", "aba"))   // prefix and suffix may not overlap
        #expect(OutputComparison(expected: "id {{uuid}}\nend", actual: "id 1234\nend", masked: true).matches)
        #expect(!OutputComparison(expected: "id {{uuid}}\nend", actual: "id 12\n34\nend", masked: true).matches)
    }

    @Test("the diff is unified-style, removals before additions, with context")
    func diff() throws {
        let c = OutputComparison(expected: "1\n2\n3\n4\n5\n6\n7", actual: "1\n2\n3\nfour\n5\n6\n7\n8", masked: false)
        let diff = try #require(c.diff)
        #expect(diff == """
            --- expected
            +++ actual
            @@ -2,6 +2,7 @@
             2
             3
            -4
            +four
             5
             6
             7
            +8
            """)
        #expect(OutputComparison(expected: "a", actual: "a", masked: false).diff == nil)
    }

    @Test("an updated masked block keeps the masks of lines that still match")
    func updatedText() {
        let c = OutputComparison(expected: "run {{id}} done\nold", actual: "run 42 done\nnew\nmore", masked: true)
        #expect(c.updatedText == "run {{id}} done\nnew\nmore")
        #expect(OutputComparison(expected: "x", actual: "y\n", masked: false).updatedText == "y")
    }

    func file(_ text: String) throws -> (URL, String) {
        let root = Fixture.scratchRoot.appendingPathComponent("rewind-out-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Guides"), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: root.appendingPathComponent("Guides/x.md"))
        return (root, "Guides/x.md")
    }

    @Test("--update rewrites only the block's lines, keeping CRLF endings, indentation and other bytes")
    func updater() throws {
        let text = "# T\r\n\r\n```swift id=a\r\nprint(1)\r\n```\r\n\r\n  ~~~~output\r\n  old\r\n  ~~~~\r\ntail ```\r\n```output\r\nx\r\n```"
        let (root, guide) = try file(text)
        let changed = try OutputBlockUpdater.apply([
            .init(guide: guide, line: 7, text: "new 1\nnew 2"),
            .init(guide: guide, line: 11, text: "y"),
        ], root: root)
        #expect(changed == ["Guides/x.md:11", "Guides/x.md:7"])
        let after = try String(contentsOf: root.appendingPathComponent(guide), encoding: .utf8)
        #expect(after == "# T\r\n\r\n```swift id=a\r\nprint(1)\r\n```\r\n\r\n  ~~~~output\r\n  new 1\r\n  new 2\r\n  ~~~~\r\ntail ```\r\n```output\r\ny\r\n```")
        // Nothing to do the second time.
        #expect(try OutputBlockUpdater.apply([.init(guide: guide, line: 7, text: "new 1\nnew 2")], root: root).isEmpty)
    }

    @Test("--update refuses a line that opens no fence")
    func updaterRefuses() throws {
        let (root, guide) = try file("# T\n\ntext\n")
        #expect(throws: OutputBlockUpdater.UpdateError.self) {
            try OutputBlockUpdater.apply([.init(guide: guide, line: 3, text: "y")], root: root)
        }
    }
}

@Suite("Diagnostics")
struct DiagnosticTests {
    @Test("parses located and unlocated diagnostics, dropping duplicates and source excerpts")
    func parse() {
        let log = """
            Building for debugging...
            Guides/x.md:12:9: error: cannot find 'dom' in scope
            let y = dom
                    ^~~
            Guides/x.md:12:9: error: cannot find 'dom' in scope
            /abs/path/Sources/RewindSnippets/main.swift:3:1: warning: unused
            C:/odd:path/file.md:4:2: note: see here
              |   `- error: not a diagnostic line
            error: fatalError
            """
        let d = Diagnostic.parse(log)
        #expect(d.count == 4)
        #expect(d[0] == Diagnostic(file: "Guides/x.md", line: 12, column: 9, severity: .error, message: "cannot find 'dom' in scope"))
        #expect(d[0].location == "Guides/x.md:12:9")
        #expect(d[1].severity == .warning)
        #expect(d[2].file == "C:/odd:path/file.md" && d[2].line == 4)
        #expect(d[3] == Diagnostic(file: nil, line: nil, column: nil, severity: .error, message: "fatalError"))
        #expect(d[3].description == "error: fatalError")
    }

    @Test("a compiler crash is charged to the snippet whose function it names, at the snippet's fence")
    func compilerCrash() {
        let a = RunnableSnippet(id: "cook-validate-checkpoint", guide: "Guides/c.md", line: 40, sourceLines: [], mode: .run)
        let b = RunnableSnippet(id: "cook-validate", guide: "Guides/c.md", line: 20, sourceLines: [], mode: .run)
        let log = """
            error: compile command failed due to signal 6 (use -v to see invocation)
            Begin Error in Function: '$s14RewindSnippets34__snippet_cook_validate_checkpointyy3LabACCYaKF'
            Found outside of lifetime use?!
            """
        let crashes = SnippetCompiler.compilerCrashes(in: log, members: [a, b])
        #expect(crashes.map(\.0.id) == ["cook-validate-checkpoint"])
        #expect(crashes.first?.1 == "Found outside of lifetime use?!")
        #expect(SnippetCompiler.compilerCrashes(in: "error: cannot find 'x' in scope", members: [a, b]).isEmpty)
    }

    @Test("compile-fail: passes only on a failed build with the text at one of the snippet's own lines")
    func compileFail() {
        let s = RunnableSnippet(id: "cf", guide: "Guides/x.md", line: 10, sourceLines: [
            .init(file: "Guides/x.md", line: 3, text: "let p = 1", isOwn: false),
            .init(file: "Guides/x.md", line: 11, text: "let x: Int = \"s\""),
        ], mode: .compileFail(expectedDiagnostic: "cannot convert"))
        let own = Diagnostic(file: "Guides/x.md", line: 11, column: 14, severity: .error, message: "cannot convert value")
        let prelude = Diagnostic(file: "Guides/x.md", line: 3, column: 1, severity: .error, message: "cannot convert value")
        #expect(SnippetCompiler.judgeCompileFail(s, expected: "cannot convert", succeeded: false, diagnostics: [own]).passed)
        #expect(!SnippetCompiler.judgeCompileFail(s, expected: "cannot convert", succeeded: false, diagnostics: [prelude]).passed)
        #expect(!SnippetCompiler.judgeCompileFail(s, expected: "cannot convert", succeeded: true, diagnostics: []).passed)
        let other = SnippetCompiler.judgeCompileFail(s, expected: "no such module", succeeded: false, diagnostics: [own])
        #expect(!other.passed)
        #expect(other.message.contains("no error at its lines contains \"no such module\""))
        #expect(other.location == "Guides/x.md:11:14")
    }
}
