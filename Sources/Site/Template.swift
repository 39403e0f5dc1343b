import GuideModel
/// A page template: text with `{{name}}` placeholders filled with ready-made HTML.
///
/// The site's templates live in `<root>/site/` and are read at build time. Values are inserted as they
/// are: the builder escapes every text it puts into a value. A template that uses a placeholder the
/// builder does not provide is an error, so a typo never renders as an empty string.
///
/// ```swift
/// let template = try Template(text: "<title>{{title}}</title>", name: "page.html")
/// let html = try template.render(["title": HTML.escape(guide.title)])
/// ```
public struct Template: Sendable, Hashable {
    private enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    /// The template's name, for error messages.
    public let name: String
    private let parts: [Part]

    /// The placeholder names the template uses, in order of first use.
    public var placeholders: [String] {
        var seen: Set<String> = []
        return parts.compactMap {
            if case .placeholder(let n) = $0, seen.insert(n).inserted { return n }
            return nil
        }
    }

    /// Parses `text`. A placeholder name is lowercase letters, digits and `_`; `{{` followed by anything
    /// else is kept as text.
    public init(text: String, name: String) {
        self.name = name
        var parts: [Part] = []
        var rest = Substring(text)
        var literal = ""
        while let open = rest.firstRange(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            if let close = afterOpen.firstRange(of: "}}") {
                let candidate = afterOpen[..<close.lowerBound]
                if !candidate.isEmpty, candidate.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) {
                    literal += rest[..<open.lowerBound]
                    if !literal.isEmpty { parts.append(.text(literal)) }
                    literal = ""
                    parts.append(.placeholder(String(candidate)))
                    rest = afterOpen[close.upperBound...]
                    continue
                }
            }
            literal += rest[..<open.upperBound]
            rest = afterOpen
        }
        literal += rest
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
    }

    /// Fills the placeholders. Throws when the template uses a name `values` does not have.
    public func render(_ values: [String: String]) throws(SiteError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .placeholder(let name):
                guard let value = values[name] else {
                    throw SiteError(file: name, message: "unknown placeholder {{\(name)}} (known: \(values.keys.sorted().joined(separator: ", ")))")
                }
                out += value
            }
        }
        return out
    }
}
