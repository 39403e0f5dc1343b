import Testing
@testable import Site

@Suite("Swift highlighter")
struct SwiftHighlighterTests {
    /// The tokens of `source` that are not plain, as (kind, text).
    func classified(_ source: String) -> [(SwiftToken.Kind, String)] {
        SwiftHighlighter.tokens(in: source).filter { $0.kind != .plain }.map { ($0.kind, $0.text) }
    }

    func expectTokens(_ source: String, _ expected: [(SwiftToken.Kind, String)], sourceLocation: SourceLocation = #_sourceLocation) {
        let got = classified(source)
        #expect(got.map(\.0) == expected.map(\.0), "\(got)", sourceLocation: sourceLocation)
        #expect(got.map(\.1) == expected.map(\.1), "\(got)", sourceLocation: sourceLocation)
    }

    @Test("the tokens give back the source exactly", arguments: [
        "let x = 1\n", "\"unterminated\nnext", "/* open", "#\"raw \\(not) \\#(yes)\"#", "a\u{1F600}b // emoji ✓",
        "\"\"\"\nmulti \\(x)\n\"\"\"", "", "`default`(1)", "0x1F_FF.8p2 1e-3 1_000",
    ])
    func roundTrip(source: String) {
        #expect(SwiftHighlighter.tokens(in: source).map(\.text).joined() == source)
    }

    @Test("keywords, types, function calls and numbers")
    func basics() {
        expectTokens("let domain = try Connection(uri: uri).lookup(name: \"a\", id: 0x1F)", [
            (.keyword, "let"), (.keyword, "try"), (.type, "Connection"), (.function, "lookup"), (.string, "\"a\""),
            (.number, "0x1F"),
        ])
        expectTokens("func revert() async throws -> Snapshot?", [
            (.keyword, "func"), (.function, "revert"), (.keyword, "async"), (.keyword, "throws"), (.type, "Snapshot"),
        ])
        expectTokens("x.default + .init(1.5e3)", [(.function, "init"), (.number, "1.5e3")])
    }

    @Test("string interpolation is lexed as code, nested strings and parentheses included")
    func interpolation() {
        expectTokens(#"print("a \(f(x, "b")) c")"#, [
            (.function, "print"), (.string, "\"a "), (.interpolation, "\\("), (.function, "f"), (.string, "\"b\""),
            (.interpolation, ")"), (.string, " c\""),
        ])
        expectTokens(#""escaped \" quote" + 1"#, [(.string, #""escaped \" quote""#), (.number, "1")])
    }

    @Test("multi-line and raw strings")
    func multiLineAndRaw() {
        let source = "let s = \"\"\"\n  line \"quoted\"\n  \\(n) more\n  \"\"\"\nlet t = 2"
        expectTokens(source, [
            (.keyword, "let"), (.string, "\"\"\"\n  line \"quoted\"\n  "), (.interpolation, "\\("), (.interpolation, ")"),
            (.string, " more\n  \"\"\""), (.keyword, "let"), (.number, "2"),
        ])
        expectTokens(##"#"raw \(x) "still" \#(y)"#"##, [
            (.string, ##"#"raw \(x) "still" "##), (.interpolation, ##"\#("##), (.interpolation, ")"), (.string, ##""#"##),
        ])
    }

    @Test("comments, nested block comments, attributes and directives")
    func commentsAttributesDirectives() {
        expectTokens("/* a /* nested */ still */ let x // end\n@MainActor #if os(Linux) #expect(x)\n#endif", [
            (.comment, "/* a /* nested */ still */"), (.keyword, "let"), (.comment, "// end"), (.attribute, "@MainActor"),
            (.directive, "#if"), (.function, "os"), (.type, "Linux"), (.directive, "#expect"), (.directive, "#endif"),
        ])
        expectTokens("\"// not a comment\" /* \"not a string\" */", [
            (.string, "\"// not a comment\""), (.comment, "/* \"not a string\" */"),
        ])
    }

    @Test("HTML lines are balanced, escaped, and a multi-line token is reopened on each line")
    func htmlLines() {
        let lines = SwiftHighlighter.htmlLines("let a = \"<b>\" /* x\ny */ 1\n")
        #expect(lines == [
            "<span class=\"hk\">let</span> a = <span class=\"hs\">&quot;&lt;b&gt;&quot;</span> <span class=\"hc\">/* x</span>",
            "<span class=\"hc\">y */</span> <span class=\"hn\">1</span>",
        ] || lines == [
            "<span class=\"hk\">let</span> a = <span class=\"hs\">\"&lt;b&gt;\"</span> <span class=\"hc\">/* x</span>",
            "<span class=\"hc\">y */</span> <span class=\"hn\">1</span>",
        ])
    }
}
