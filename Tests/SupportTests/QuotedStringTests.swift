import Foundation
import Support
import Testing

@Suite("Quoted strings")
struct QuotedStringTests {
    static let nasty = "q\"b\\s\nn\tt\r\u{1}\u{7f}</script>&\u{2028}é"

    @Test("JSON: what JSONSerialization reads back is the original, and the HTML-safe form hides < > & U+2028")
    func json() throws {
        for htmlSafe in [false, true] {
            let literal = QuotedString.json(Self.nasty, htmlSafe: htmlSafe)
            let back = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
            #expect(back == [Self.nasty])
            #expect(literal.contains("</script>") == !htmlSafe)
            #expect(literal.contains("\u{2028}") == !htmlSafe)
        }
        #expect(QuotedString.json("\u{1}") == "\"\\u0001\"")
    }

    @Test("YAML escapes DEL too; Swift uses \\u{…}")
    func yamlAndSwift() {
        #expect(QuotedString.yaml("a\u{7f}\"") == "\"a\\u007f\\\"\"")
        #expect(QuotedString.swift("bell\u{7}\n") == "\"bell\\u{7}\\n\"")
        #expect(QuotedString.swift("é<") == "\"é<\"")
    }
}
