import GuideModel
import Foundation

/// Checks every link of the built site: internal links must lead to a page or file that exists and to
/// an anchor that exists on it; nothing may be loaded from elsewhere.
///
/// It reads the generated HTML (so links from templates are checked too): `href` and `src` attributes,
/// and every `id`. A problem names the page (and its source) and the link:
///
/// ```text
/// guides/backup.html (Guides/backup.md): broken link 'snapshots.html#nope': no anchor 'nope' in guides/snapshots.html
/// ```
public struct LinkChecker: Sendable {
    /// A page to check.
    public struct Page: Sendable {
        /// Its site path.
        public var path: String
        /// Its HTML.
        public var html: String
        /// Where it comes from (`Guides/backup.md`), for messages.
        public var source: String?
        /// Where links were written, by href (`Guides/backup.md:12: overview.md`), for messages.
        public var linkOrigins: [String: String]

        /// Creates a page.
        public init(path: String, html: String, source: String? = nil, linkOrigins: [String: String] = [:]) {
            self.path = path
            self.html = html
            self.source = source
            self.linkOrigins = linkOrigins
        }
    }

    /// The links and ids found in one page.
    struct Scan {
        var ids: [String] = []
        /// (tag, attribute, value).
        var links: [(tag: String, attribute: String, value: String)] = []
    }

    /// The site's pages.
    public var pages: [Page]
    /// Other files the site has (CSS, scripts, images, the search index), by site path.
    public var files: Set<String>
    /// The absolute path of the output folder: a link that leaves it is checked on disk.
    public var output: String

    /// Creates a checker.
    public init(pages: [Page], files: Set<String>, output: String) {
        self.pages = pages
        self.files = files
        self.output = output
    }

    /// Every problem found, in page order.
    public func check() -> [SiteError] {
        var scans: [String: Scan] = [:]
        var errors: [SiteError] = []
        for page in pages {
            scans[page.path] = Self.scan(page.html)
        }
        var idSets: [String: Set<String>] = [:]
        for page in pages {
            var seen: Set<String> = []
            for id in scans[page.path]!.ids where !seen.insert(id).inserted {
                errors.append(error(page, "duplicate id '\(id)'"))
            }
            idSets[page.path] = seen
        }
        var diskCache: [String: Bool] = [:]
        var reported: Set<SiteError> = []
        func report(_ e: SiteError) {
            if reported.insert(e).inserted { errors.append(e) }
        }
        for page in pages {
            for link in scans[page.path]!.links {
                let value = link.value
                let isResource = link.attribute == "src" || (link.tag == "link" && link.attribute == "href")
                if value.hasPrefix("data:") { continue }
                if Paths.isExternal(value) {
                    if isResource {
                        report(error(page, "loads '\(value)' from elsewhere (the site must make no external request)"))
                    }
                    continue
                }
                if value.hasPrefix("javascript:") {
                    report(error(page, "javascript: link '\(value)'"))
                    continue
                }
                let shown = page.linkOrigins[value].map { "'\(value)' (\($0))" } ?? "'\(value)'"
                let (pathPart, fragmentPart) = SiteContext.splitFragment(value)
                let path = pathPart.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                let fragment = Paths.percentDecode(String(fragmentPart.dropFirst()))
                if path.isEmpty {
                    if !fragment.isEmpty, !(idSets[page.path]?.contains(fragment) ?? false) {
                        report(error(page, "broken link \(shown): no anchor '\(fragment)' on this page"))
                    }
                    continue
                }
                let directory = Paths.directory(of: page.path)
                let joined = directory.isEmpty ? path : directory + "/" + path
                let decoded = Paths.percentDecode(joined)
                if let parts = Paths.normalize(decoded) {
                    var target = parts.joined(separator: "/")
                    if path.hasSuffix("/") || target.isEmpty { target += target.isEmpty ? "index.html" : "/index.html" }
                    if let ids = idSets[target] {
                        if !fragment.isEmpty, !ids.contains(fragment) {
                            report(error(page, "broken link \(shown): no anchor '\(fragment)' in \(target)"))
                        }
                        continue
                    }
                    if files.contains(target) { continue }
                    let onDisk = output + "/" + target
                    if diskCache[onDisk] ?? Self.exists(onDisk, cache: &diskCache) { continue }
                    report(error(page, "broken link \(shown): no page or file \(target) in the site"))
                } else {
                    // The link leaves the output folder (a file of the repository): check it on disk.
                    let absolute = URL(fileURLWithPath: output + "/" + directory).appendingPathComponent(Paths.percentDecode(path))
                        .standardizedFileURL.path
                    if diskCache[absolute] ?? Self.exists(absolute, cache: &diskCache) { continue }
                    report(error(page, "broken link \(shown): no file \(absolute)"))
                }
            }
        }
        return errors
    }

    private func error(_ page: Page, _ message: String) -> SiteError {
        SiteError(file: page.source.map { "\(page.path) (\($0))" } ?? page.path, message: message)
    }

    private static func exists(_ path: String, cache: inout [String: Bool]) -> Bool {
        let result = FileManager.default.fileExists(atPath: path)
        cache[path] = result
        return result
    }

    /// Reads tags and their `id`, `href` and `src` attributes, skipping comments and the content of
    /// `<script>` and `<style>`.
    static func scan(_ html: String) -> Scan {
        var scan = Scan()
        let bytes = Array(html.utf8)
        var i = 0
        let n = bytes.count
        func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45 || b == 58 || b == 95
        }
        func startsWith(_ u: [UInt8], at j: Int) -> Bool {
            guard j + u.count <= n else { return false }
            for k in 0..<u.count where lower(bytes[j + k]) != u[k] { return false }
            return true
        }
        let commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)
        let scriptClose = Array("</script".utf8), styleClose = Array("</style".utf8)
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            if startsWith(commentOpen, at: i) {
                var j = i + 4
                while j < n && !startsWith(commentClose, at: j) { j += 1 }
                i = j + 3
                continue
            }
            var j = i + 1
            guard j < n, (bytes[j] >= 97 && bytes[j] <= 122) || (bytes[j] >= 65 && bytes[j] <= 90) else { i += 1; continue }
            let nameStart = j
            while j < n, isNameByte(bytes[j]) { j += 1 }
            let tag = String(decoding: bytes[nameStart..<j].map(lower), as: UTF8.self)
            // Attributes.
            while j < n, bytes[j] != UInt8(ascii: ">") {
                while j < n, bytes[j] == 32 || bytes[j] == 10 || bytes[j] == 9 || bytes[j] == 13 || bytes[j] == UInt8(ascii: "/") { j += 1 }
                let attrStart = j
                while j < n, isNameByte(bytes[j]) { j += 1 }
                if attrStart == j {
                    if j < n, bytes[j] != UInt8(ascii: ">") { j += 1 }
                    continue
                }
                let attribute = String(decoding: bytes[attrStart..<j].map(lower), as: UTF8.self)
                guard j < n, bytes[j] == UInt8(ascii: "=") else { continue }
                j += 1
                var value = ""
                if j < n, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") {
                    let quote = bytes[j]
                    let vStart = j + 1
                    j = vStart
                    while j < n, bytes[j] != quote { j += 1 }
                    value = String(decoding: bytes[vStart..<min(j, n)], as: UTF8.self)
                    j += 1
                } else {
                    let vStart = j
                    while j < n, bytes[j] != 32, bytes[j] != UInt8(ascii: ">") { j += 1 }
                    value = String(decoding: bytes[vStart..<j], as: UTF8.self)
                }
                let decoded = HTML.unescape(value)
                switch attribute {
                case "id": scan.ids.append(decoded)
                case "href", "src": scan.links.append((tag, attribute, decoded))
                default: break
                }
            }
            i = j + 1
            if tag == "script" || tag == "style" {
                let close = tag == "script" ? scriptClose : styleClose
                while i < n && !startsWith(close, at: i) { i += 1 }
            }
        }
        return scan
    }
}
