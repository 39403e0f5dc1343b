import Support

/// The little YAML that TAP diagnostic blocks need: scalars as double-quoted strings (JSON-style
/// escapes, which YAML accepts), numbers, and nested mappings and sequences, indented by two spaces.
enum YAML {
    /// A YAML value.
    indirect enum Value {
        case string(String)
        case number(Double)
        case integer(Int)
        case bool(Bool)
        case mapping([(String, Value)])
        case sequence([Value])
    }

    /// The lines of `value` as the body of a block mapping, each prefixed with `indent`.
    static func lines(_ pairs: [(String, Value)], indent: String) -> [String] {
        var out: [String] = []
        for (key, value) in pairs {
            out += entry(key: key, value: value, indent: indent)
        }
        return out
    }

    static func entry(key: String, value: Value, indent: String) -> [String] {
        let k = plainKey(key) ? key : quoted(key)
        switch value {
        case .mapping(let pairs):
            if pairs.isEmpty { return ["\(indent)\(k): {}"] }
            return ["\(indent)\(k):"] + lines(pairs, indent: indent + "  ")
        case .sequence(let items):
            if items.isEmpty { return ["\(indent)\(k): []"] }
            return ["\(indent)\(k):"] + items.flatMap { item(of: $0, indent: indent + "  ") }
        case .string(let s) where s.contains("\n"):
            // A literal block keeps multi-line text (a diff, a log) readable.
            let body = s.split(separator: "\n", omittingEmptySubsequences: false)
            let keep = s.hasSuffix("\n") ? "+" : "-"
            let lines = (s.hasSuffix("\n") ? body.dropLast() : body[...]).map { "\(indent)  \($0)" }
            let needsIndicator = body.first?.first == " "
            return ["\(indent)\(k): |\(needsIndicator ? "2" : "")\(keep)"] + lines
        default:
            return ["\(indent)\(k): \(scalar(value))"]
        }
    }

    static func item(of value: Value, indent: String) -> [String] {
        switch value {
        case .mapping(let pairs):
            var lines = lines(pairs, indent: indent + "  ")
            if !lines.isEmpty {
                lines[0] = indent + "- " + lines[0].dropFirst(indent.count + 2)
            } else {
                lines = ["\(indent)- {}"]
            }
            return lines
        case .sequence(let items):
            return ["\(indent)-"] + items.flatMap { item(of: $0, indent: indent + "  ") }
        default:
            return ["\(indent)- \(scalar(value))"]
        }
    }

    static func scalar(_ value: Value) -> String {
        switch value {
        case .string(let s): return quoted(s)
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .number(let d):
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .mapping, .sequence: return ""
        }
    }

    static func plainKey(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// A double-quoted YAML scalar.
    static func quoted(_ s: String) -> String { QuotedString.yaml(s) }
}
