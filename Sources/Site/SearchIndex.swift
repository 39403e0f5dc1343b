import Support
import Foundation

/// The static search index: every word of the site mapped to the page sections that contain it.
///
/// It is built at build time and written as `search-index.json` (and as `search-index.js`, which sets
/// `window.rewindSearchIndex` so that the search also works from `file://`, where browsers refuse to
/// fetch JSON). The format is compact:
///
/// ```json
/// {"pages":[["Snapshots","guides/snapshots.html"]],
///  "sections":[[0,"external-snapshots","External snapshots"]],
///  "tokens":{"snapshot":[0,3],"pivot":[2]}}
/// ```
///
/// A section is `[page index, anchor, title]` (an empty anchor is the top of the page); a token lists
/// section indices. Tokens are lowercase words of at least two characters (letters, digits, `_`),
/// identifiers such as `virDomainBackupBegin` are also split at case changes.
public struct SearchIndex: Sendable, Hashable {
    /// The pages: title and site path.
    public private(set) var pages: [(title: String, path: String)] = []
    /// The sections: page index, anchor and title.
    public private(set) var sections: [(page: Int, anchor: String, title: String)] = []
    /// Token → section indices (ascending, no duplicates).
    public private(set) var tokens: [String: [Int]] = [:]

    /// Words too common to be worth indexing.
    static let stopWords: Set<String> = [
        "the", "and", "of", "to", "in", "is", "it", "a", "an", "that", "for", "on", "with", "as", "be", "by",
        "this", "are", "or", "at", "from", "its", "was", "can", "if", "not", "but", "so", "do", "no",
    ]

    /// Creates an empty index.
    public init() {}

    /// Adds a page and its sections.
    mutating func add(title: String, path: String, sections pageSections: [SearchSection]) {
        let pageIndex = pages.count
        pages.append((title, path))
        for section in pageSections {
            let sectionIndex = sections.count
            sections.append((pageIndex, section.anchor, section.title))
            var seen: Set<String> = []
            for token in Self.tokenize(section.title + " " + section.text) where seen.insert(token).inserted {
                tokens[token, default: []].append(sectionIndex)
            }
        }
    }

    /// The words of `text`, lowercased, as the index stores them (identifiers also split into their
    /// camel-case parts).
    public static func tokenize(_ text: String) -> [String] {
        var out: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            defer { word = String.UnicodeScalarView() }
            guard word.count >= 2 else { return }
            let original = String(word)
            let lower = original.lowercased()
            if !stopWords.contains(lower) { out.append(lower) }
            let parts = camelParts(original)
            if parts.count > 1 {
                for p in parts where p.unicodeScalars.count >= 2 {
                    let lp = p.lowercased()
                    if !stopWords.contains(lp) { out.append(lp) }
                }
            }
        }
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                flush()
            }
        }
        flush()
        return out
    }

    /// Letters, digits and `_` (the JavaScript search uses the same classes: `[\p{L}\p{N}_]`).
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57) || v == 95
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// `virDomainBackupBegin` → `vir`, `Domain`, `Backup`, `Begin`; `VIR_ERR_NO_DOMAIN` → `VIR`, `ERR`, ….
    static func camelParts(_ word: String) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for s in word.unicodeScalars {
            if s == "_" {
                if !current.isEmpty { parts.append(String(current)) }
                current = String.UnicodeScalarView()
                previous = s
                continue
            }
            if let p = previous, s.properties.isUppercase, p.properties.isLowercase || p.properties.numericType != nil,
               !current.isEmpty {
                parts.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(s)
            previous = s
        }
        if !current.isEmpty { parts.append(String(current)) }
        return parts
    }

    /// The index as compact JSON.
    public func json() -> String {
        var out = "{\"pages\":["
        out += pages.map { "[\(Self.quote($0.title)),\(Self.quote($0.path))]" }.joined(separator: ",")
        out += "],\"sections\":["
        out += sections.map { "[\($0.page),\(Self.quote($0.anchor)),\(Self.quote($0.title))]" }.joined(separator: ",")
        out += "],\"tokens\":{"
        out += tokens.keys.sorted().map { key in
            Self.quote(key) + ":[" + tokens[key]!.map(String.init).joined(separator: ",") + "]"
        }.joined(separator: ",")
        out += "}}"
        return out
    }

    /// A JSON string literal. `<` is escaped too, so the text is safe inside a `<script>` file.
    static func quote(_ s: String) -> String { QuotedString.json(s, htmlSafe: true) }

    /// Finds sections that contain every word of `query` (the last word may be a prefix), best first:
    /// the same algorithm the site's JavaScript uses, for tests and tools.
    public func search(_ query: String) -> [(page: String, anchor: String, title: String)] {
        let words = Self.tokenize(query)
        guard !words.isEmpty else { return [] }
        var result: Set<Int>?
        for (n, word) in words.enumerated() {
            var hits = Set(tokens[word] ?? [])
            if n == words.count - 1 {
                for (key, value) in tokens where key.hasPrefix(word) { hits.formUnion(value) }
            }
            result = result.map { $0.intersection(hits) } ?? hits
        }
        return (result ?? []).sorted().map { i in
            let s = sections[i]
            return (pages[s.page].path, s.anchor, s.title)
        }
    }

    /// Two indexes are equal when their JSON is.
    public static func == (a: SearchIndex, b: SearchIndex) -> Bool { a.json() == b.json() }
    /// Hashes the JSON.
    public func hash(into hasher: inout Hasher) { hasher.combine(json()) }
}
