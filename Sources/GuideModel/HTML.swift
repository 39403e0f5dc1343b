/// Escaping of text for HTML, the only way text from guides and results reaches a page.
///
/// Every string that comes from a guide, a results file or the claims catalog goes through
/// ``escape(_:quotes:)`` (element content) or ``attribute(_:)`` (a double-quoted attribute value) before it is
/// written. Raw HTML in a guide is never passed through.
///
/// ```swift
/// HTML.escape("<script>")          // "&lt;script&gt;"
/// HTML.attribute("a \"b\" & c")   // "a &quot;b&quot; &amp; c"
/// ```
public enum HTML {
    /// Which quote characters an escape replaces besides `&`, `<` and `>`.
    public enum Quotes: Sendable {
        /// None: element content.
        case none
        /// `"` (as cmark does in text and attributes).
        case double
        /// `"` and `'`: any attribute value.
        case both
    }

    /// Escapes `text`: `&`, `<`, `>` and the chosen quotes become entities. The one escape of the project:
    /// the formatter, the site's pages and its plots all use it.
    public static func escape(_ text: String, quotes: Quotes = .none) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { byte in
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || (quotes != .none && byte == UInt8(ascii: "\"")) || (quotes == .both && byte == UInt8(ascii: "'"))
        }) else { return text }
        var out = ""
        out.reserveCapacity(utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes != .none: out += "&quot;"
            case "'" where quotes == .both: out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Escapes `text` for a double- or single-quoted attribute value: `&`, `<`, `>`, `"` and `'`.
    public static func attribute(_ text: String) -> String {
        escape(text, quotes: .both)
    }

    /// Decodes the entities ``attribute(_:)`` and ``escape(_:)`` produce, plus numeric ones (used to read
    /// back attribute values when checking links).
    public static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            guard let semi = after.firstIndex(of: ";"), after.distance(from: amp, to: semi) <= 10 else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let name = after[after.index(after: amp)..<semi]
            var replacement: String?
            switch name {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16),
                   let s = Unicode.Scalar(v) {
                    replacement = String(Character(s))
                } else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let s = Unicode.Scalar(v) {
                    replacement = String(Character(s))
                }
            }
            if let replacement {
                out += replacement
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        out += rest
        return out
    }

    /// `url` escaped for an attribute, or the empty string when its scheme is dangerous.
    ///
    /// The URL check of cmark's safe mode: `javascript:`, `vbscript:`, `file:` and `data:` (but for PNG, GIF,
    /// JPEG and WebP images) give `""`; the rest is percent-encoded as cmark does.
    public static func safeURL(_ url: String) -> String {
        let lowered = url.lowercased()
        let safeImages = ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"]
        let dangerous = ["javascript:", "vbscript:", "file:", "data:"]
        if !safeImages.contains(where: lowered.hasPrefix), dangerous.contains(where: lowered.hasPrefix) {
            return ""
        }
        var escaped = ""
        for byte in url.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += "&amp;"
            case UInt8(ascii: "'"): escaped += "&#x27;"
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                if "!#$%()*+,-./:;=?@_~".utf8.contains(byte) {
                    escaped.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
        }
        return escaped
    }
}

extension String {
    /// The string with zeros put in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
