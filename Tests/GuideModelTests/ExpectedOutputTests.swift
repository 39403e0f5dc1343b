import GuideModel
import Testing

@Suite("Expected output")
struct ExpectedOutputTests {
    @Test("unmasked output must match exactly")
    func exact() {
        let expected = ExpectedOutput(text: "one\ntwo\n", isMasked: false, line: 10)
        #expect(expected.matches("one\ntwo\n"))
        #expect(!expected.matches("one\ntwo"))
        #expect(!expected.matches("one\ntwo\nthree\n"))
        #expect(!expected.matches("one\n{{x}}\n"))
        #expect(expected.firstMismatch(in: "one\nTWO\n") == .init(markdownLine: 12, expected: "two", actual: "TWO"))
        #expect(expected.firstMismatch(in: "one\n") == .init(markdownLine: 12, expected: "two", actual: nil))
        #expect(expected.firstMismatch(in: "one\ntwo\nthree\n") == .init(markdownLine: 13, expected: nil, actual: "three"))
        #expect(expected.firstMismatch(in: "one\ntwo") == .init(markdownLine: 12, expected: "two", actual: "two"))
        #expect(ExpectedOutput(text: "", isMasked: false, line: 1).matches(""))
        #expect(!ExpectedOutput(text: "", isMasked: false, line: 1).matches("x\n"))
    }

    @Test("masked output: {{…}} matches any text within one line")
    func masked() {
        let expected = ExpectedOutput(text: "created {{uuid}} at {{time}}\n{{anything}}\nend{{}}\n", isMasked: true, line: 1)
        #expect(expected.matches("created 1b4e-28ba at 12:00\nwhatever it is\nend\n"))
        #expect(expected.matches("created  at \n\nend and more\n"))
        #expect(!expected.matches("created x at y\nline\n"))
        #expect(!expected.matches("made x at y\nline\nend\n"))
        #expect(!expected.matches("created x\nat y\nline\nend\n"))
        let suffix = ExpectedOutput(text: "{{a}}-{{b}}-end\n", isMasked: true, line: 1)
        #expect(suffix.matches("x-y-z-end\n"))
        #expect(suffix.matches("--end\n"))
        #expect(!suffix.matches("-end\n"))
        let literalBraces = ExpectedOutput(text: "a {{ b\n", isMasked: true, line: 1)
        #expect(literalBraces.matches("a {{ b\n"))
        #expect(!literalBraces.matches("a  b\n"))
    }
}
