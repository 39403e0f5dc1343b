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
///  "sections":[[0,"external-snapshots","External snapshots","An external snapshot adds …"]],
///  "tokens":{"snapshot":[0,3],"pivot":[2]}}
/// ```
///
/// A section is `[page index, anchor, title, excerpt]` (an empty anchor is the top of the page; the
/// excerpt is the section's first words, shown under a result); a token lists section indices. Results are
/// ranked by ``score(section:words:)``: a word in the page's title counts most, then in the section's title,
/// then in its text. Tokens are lowercase words of at least two characters (letters, digits, `_`),
/// identifiers such as `virDomainBackupBegin` are also split at case changes.
public struct SearchIndex: Sendable, Hashable {
    /// The pages: title and site path.
    public private(set) var pages: [(title: String, path: String)] = []
    /// The sections: page index, anchor, title and excerpt.
    public private(set) var sections: [(page: Int, anchor: String, title: String, excerpt: String)] = []

    /// How long an excerpt may be, in characters.
    static let excerptLength = 140
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
            sections.append((pageIndex, section.anchor, section.title, Self.excerpt(section.text)))
            var seen: Set<String> = []
            for token in Self.tokenize(section.title + " " + section.text) where seen.insert(token).inserted {
                tokens[token, default: []].append(sectionIndex)
            }
        }
    }

    /// The first words of `text`, at most ``excerptLength`` characters, cut at a word.
    static func excerpt(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        var out = ""
        for word in words {
            if out.count + word.count + 1 > excerptLength { return out + " …" }
            out += out.isEmpty ? String(word) : " " + word
        }
        return out
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
        out += sections.map { "[\($0.page),\(Self.quote($0.anchor)),\(Self.quote($0.title)),\(Self.quote($0.excerpt))]" }
            .joined(separator: ",")
        out += "],\"tokens\":{"
        out += tokens.keys.sorted().map { key in
            Self.quote(key) + ":[" + tokens[key]!.map(String.init).joined(separator: ",") + "]"
        }.joined(separator: ",")
        out += "}}"
        return out
    }

    /// A JSON string literal. `<` is escaped too, so the text is safe inside a `<script>` file.
    static func quote(_ s: String) -> String { QuotedString.json(s, htmlSafe: true) }

    /// Finds sections that contain every word of `query` (the last word may be a prefix), best first
    /// (``score(section:words:)``, then document order): the same algorithm the site's JavaScript uses, for
    /// tests and tools.
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
        let scored = (result ?? []).map { ($0, score(section: $0, words: words)) }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { i, _ in
            let s = sections[i]
            return (pages[s.page].path, s.anchor, s.title)
        }
    }

    /// How well a section matches the query's words: per word, 8 when the page's title has it, 4 when the
    /// section's title has it, 2 when the section's text has it (1 for a prefix of the last word); 1 more
    /// for a page's top section. The site's JavaScript computes the same.
    public func score(section index: Int, words: [String]) -> Int {
        let section = sections[index]
        let pageTitle = Set(Self.tokenize(pages[section.page].title))
        let sectionTitle = Set(Self.tokenize(section.title))
        var score = section.anchor.isEmpty ? 1 : 0
        for (n, word) in words.enumerated() {
            if tokens[word]?.contains(index) == true {
                score += 2
            } else if n == words.count - 1 {
                score += 1
            }
            if pageTitle.contains(word) { score += 8 }
            if sectionTitle.contains(word) { score += 4 }
        }
        return score
    }

    /// Two indexes are equal when their JSON is.
    public static func == (a: SearchIndex, b: SearchIndex) -> Bool { a.json() == b.json() }
    /// Hashes the JSON.
    public func hash(into hasher: inout Hasher) { hasher.combine(json()) }
}
