import Foundation

/// Path arithmetic for site-relative (`guides/backup.html`) and file-system paths.
enum Paths {
    /// The components of a `/`-separated path, with `.` removed and `..` applied.
    static func normalize(_ path: String) -> [String]? {
        var out: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                guard !out.isEmpty else { return nil }
                out.removeLast()
                continue
            }
            out.append(String(part))
        }
        return out
    }

    /// The directory part of a relative path (`guides/a.html` → `guides`), empty at the top.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// A relative href from the page at site path `from` to the site path `to`
    /// (`guides/a.html` → `conformance.html` gives `../conformance.html`).
    static func relative(from: String, to: String) -> String {
        let fromDir = directory(of: from).split(separator: "/").map(String.init)
        let toParts = to.split(separator: "/").map(String.init)
        var common = 0
        while common < fromDir.count, common < toParts.count - 1, fromDir[common] == toParts[common] { common += 1 }
        let ups = Array(repeating: "..", count: fromDir.count - common)
        let rest = toParts[common...]
        let joined = (ups + rest).joined(separator: "/")
        if joined.isEmpty { return "./" }
        return to.hasSuffix("/") ? joined + "/" : joined
    }

    /// The prefix that leads from the page at `path` to the site's top (`""` or `"../"`, …).
    static func rootPrefix(of path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count - 1)
    }

    /// A relative path between two absolute file-system paths (`from` is a directory).
    static func relativeFileSystemPath(fromDirectory from: String, to: String) -> String {
        let a = from.split(separator: "/").map(String.init)
        let b = to.split(separator: "/").map(String.init)
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: a.count - common) + b[common...]).joined(separator: "/")
    }

    /// Decodes `%XX` escapes in a URL path or fragment.
    static func percentDecode(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    /// Encodes a site path or fragment for an href (keeps `/`, `#`, `.`, `-`, `_`, `~`, letters and digits;
    /// escapes the rest).
    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Whether an href has a scheme (`https:`, `mailto:`) or is protocol-relative (`//host`).
    static func isExternal(_ href: String) -> Bool {
        if href.hasPrefix("//") { return true }
        guard let colon = href.firstIndex(of: ":") else { return false }
        let scheme = href[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }
}
