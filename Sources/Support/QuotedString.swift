/// A string written as a double-quoted literal of another language: the one escaping routine behind the
/// JSON of the search index, the YAML of TAP diagnostics and the Swift of generated snippet packages.
///
/// ```swift
/// QuotedString.json("a\"b</script>", htmlSafe: true)   // "a\"b\u003c/script\u003e"
/// QuotedString.yaml("tab\there")                        // "tab\there"
/// QuotedString.swift("bell\u{7}")                       // "bell\u{7}"
/// ```
public enum QuotedString {
    /// How a language writes a scalar that has no short escape.
    private enum Form {
        /// `\u00XX` (JSON, YAML).
        case fourHex
        /// `\u{X}` (Swift).
        case braces
    }

    /// A JSON string literal; with `htmlSafe`, `<`, `>`, `&`, U+2028 and U+2029 are escaped too, so the text
    /// is safe inside a `<script>` element or a JavaScript file.
    public static func json(_ s: String, htmlSafe: Bool = false) -> String {
        quoted(s, form: .fourHex, alsoEscape: htmlSafe ? { "<>&\u{2028}\u{2029}".unicodeScalars.contains($0) } : { _ in false })
    }

    /// A double-quoted YAML scalar (the JSON escapes are YAML's too); DEL is escaped as well.
    public static func yaml(_ s: String) -> String {
        quoted(s, form: .fourHex, alsoEscape: { $0.value == 0x7f })
    }

    /// A Swift string literal.
    public static func swift(_ s: String) -> String {
        quoted(s, form: .braces, alsoEscape: { _ in false })
    }

    private static func quoted(_ s: String, form: Form, alsoEscape: (Unicode.Scalar) -> Bool) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                guard scalar.value < 0x20 || alsoEscape(scalar) else {
                    out.unicodeScalars.append(scalar)
                    continue
                }
                let hex = String(scalar.value, radix: 16)
                switch form {
                case .fourHex: out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                case .braces: out += "\\u{\(hex)}"
                }
            }
        }
        return out + "\""
    }
}
