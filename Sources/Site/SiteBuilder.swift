import Foundation
import Support
import GuideModel
import Runner

/// Builds the static site: one page per guide, an index, the conformance matrix and the measurements,
/// with the shared templates, stylesheet and script of `<root>/site/`, and a static search index.
///
/// The build reads the guides through ``GuideModel`` (never its own Markdown parser) and the results
/// files through ``Runner``'s `RunResults`. It fails (and writes nothing) when a guide has an error, a
/// results file cannot be read, or an internal link or anchor is broken. Rendered pages are cached by a
/// hash of everything they are made from, so a rebuild after one guide changes renders only that page.
///
/// ```swift
/// var options = SiteBuilder.Options(root: URL(fileURLWithPath: "."))
/// options.results = [URL(fileURLWithPath: "results.json")]
/// let report = try SiteBuilder(options: options).build()
/// print("\(report.pages.count) pages in \(report.duration) s")
/// ```
public struct SiteBuilder: Sendable {
    /// What to build from and where to.
    public struct Options: Sendable {
        /// The package root (guide paths and repository links are relative to it).
        public var root: URL
        /// The folder of the guides (default `<root>/Guides`).
        public var guides: URL
        /// The output folder (default `<root>/_site`).
        public var output: URL
        /// The folder with `page.html`, `style.css` and `site.js` (default `<root>/site`).
        public var templates: URL
        /// Results files (RunResults JSON), shown next to each snippet and in the matrix.
        public var results: [URL] = []
        /// The claims catalog (default `<root>/Conformance/claims.json`; a missing default file means an
        /// empty catalog).
        public var claims: URL
        /// The base URL for "edit this page" links; nil links to the Markdown file relatively.
        public var editBase: String?
        /// The folder of the page cache (default `<root>/.rewind/site-cache`); nil disables caching.
        public var cache: URL?
        /// The site's title.
        public var title = "Rewind"
        /// API reference sites to link from the index and sidebar, as (title, site path of their start page).
        public var apiLinks: [APILink] = []
        /// What a broken internal link or anchor does: fail the build (the default) or only be reported in
        /// ``SiteBuildReport/warnings`` (for previews of unfinished guides).
        public var brokenLinks: BrokenLinkPolicy = .error

        /// Options with every default for the package at `root`.
        public init(root: URL) {
            let root = root.standardizedFileURL
            self.root = root
            self.guides = root.appendingPathComponent("Guides")
            self.output = root.appendingPathComponent("_site")
            self.templates = root.appendingPathComponent("site")
            self.claims = root.appendingPathComponent("Conformance/claims.json")
            self.cache = root.appendingPathComponent(".rewind/site-cache")
        }
    }

    /// What a broken internal link or anchor does.
    public enum BrokenLinkPolicy: String, Sendable, Hashable, CaseIterable {
        /// The build fails and writes nothing.
        case error
        /// The build goes on; the problems are listed in ``SiteBuildReport/warnings``.
        case warn
    }

    /// A link to an API reference built into the site (by DocC).
    public struct APILink: Sendable, Hashable {
        /// The link text, e.g. `Libvirt API`.
        public var title: String
        /// The site path of its start page, e.g. `api/Libvirt/documentation/libvirt/index.html`.
        public var path: String
        /// Creates a link.
        public init(title: String, path: String) {
            self.title = title
            self.path = path
        }
    }

    /// The options.
    public let options: Options

    /// A version of the renderer, part of every cache key: bump it when the HTML a page gets changes.
    static let rendererVersion = "rewind-site-2"

    /// The running program's size and modification time: a rebuilt `rewind` (its renderer may have changed)
    /// renders every page again instead of reusing pages an older build cached.
    static let executableStamp: String = {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
              let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "" }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)-\(modified)"
    }()

    /// Creates a builder.
    public init(options: Options) {
        self.options = options
    }

    /// Builds the site.
    ///
    /// - Throws: every problem found (guide errors, unreadable inputs, broken links), each naming its file
    ///   or page.
    public func build() throws(SiteErrors) -> SiteBuildReport {
        let clock = ContinuousClock()
        let start = clock.now
        var phase = start
        var timings = SiteBuildReport.Timings()
        func lap() -> Double {
            let now = clock.now
            defer { phase = now }
            return (now - phase).seconds
        }

        let rootPath = options.root.standardizedFileURL.resolvingSymlinksInPath().path
        let outputPath = options.output.standardizedFileURL.path

        // An edit link is published with the site: it must be an absolute web address.
        if let base = options.editBase, !(base.hasPrefix("https://") || base.hasPrefix("http://")) || base.contains(" ") {
            throw SiteErrors([SiteError(file: "--edit-base", message: "'\(base)' is not an absolute http(s) URL (e.g. https://example.org/project/-/edit/main/)")])
        }
        // Inputs.
        let templates = try Self.loadTemplates(options.templates)
        let (guideSet, guideBytes) = try loadGuides(rootPath: rootPath)
        let results = try ResultsSet.load(files: options.results)
        let catalog: ClaimCatalog
        if FileManager.default.fileExists(atPath: options.claims.path) {
            do throws(ClaimCatalog.LoadError) { catalog = try ClaimCatalog.load(contentsOf: options.claims) } catch {
                throw SiteErrors([SiteError(file: error.path, message: error.message)])
            }
        } else {
            catalog = ClaimCatalog()
        }
        timings.load = lap()

        // The pages, in reading order: home, guides, conformance, measurements.
        let guidesDirectory = options.guides.standardizedFileURL.resolvingSymlinksInPath().path
        var guidePages: [String: String] = [:]
        var entries: [PageEntry] = [PageEntry(kind: .index, path: SiteContext.indexPage, title: options.title, source: nil)]
        for guide in Self.readingOrder(guideSet.guides) {
            let page = Self.pagePath(for: guide.path, rootPath: rootPath, guidesDirectory: guidesDirectory)
            guidePages[guide.path] = page
            entries.append(PageEntry(kind: .guide(path: guide.path), path: page, title: guide.title, source: guide.path))
        }
        let claimsSource = options.claims.standardizedFileURL.path.hasPrefix(rootPath + "/") && !catalog.claims.isEmpty
            ? String(options.claims.standardizedFileURL.path.dropFirst(rootPath.count + 1)) : nil
        entries.append(PageEntry(kind: .conformance, path: SiteContext.conformancePage, title: "Conformance", source: claimsSource))
        entries.append(PageEntry(kind: .compat, path: SiteContext.compatPage, title: "Which build does what", source: nil))
        entries.append(PageEntry(kind: .measurements, path: SiteContext.measurementsPage, title: "Measurements", source: nil))

        let guidesPrefix = guidesDirectory.hasPrefix(rootPath + "/") ? String(guidesDirectory.dropFirst(rootPath.count + 1)) + "/" : ""
        var site = SiteContext(root: rootPath, output: outputPath, guidePages: guidePages, results: results,
                               catalog: catalog, editBase: options.editBase, guidesPrefix: guidesPrefix)
        site.reference = LibvirtReference(root: options.root)
        site.sourceDigests = Dictionary(RunnableSnippet.all(in: guideSet).map { ($0.id, $0.sourceDigest) },
                                        uniquingKeysWith: { first, _ in first })
        let apiLinks = options.apiLinks.map { (title: $0.title, path: $0.path) }
        let layout = PageLayout(template: templates.page, siteTitle: options.title, pages: entries, site: site,
                                extraLinks: apiLinks)

        // What every page depends on besides its own source.
        var common = SHA256()
        for field in [Self.rendererVersion, Self.executableStamp, templates.page.name, templates.pageText, options.title, options.editBase ?? "",
                      rootPath, outputPath, results.digest, SHA256.hex((try? String(contentsOf: options.claims, encoding: .utf8)) ?? "")] {
            common.update(field: field)
        }
        for entry in entries { common.update(field: entry.path); common.update(field: entry.title); common.update(field: entry.source ?? "") }
        for link in apiLinks { common.update(field: link.title); common.update(field: link.path) }
        // The links to libvirt's reference.
        for (name, functions) in site.reference.cFunctions.sorted(by: { $0.key < $1.key }) {
            common.update(field: name + "=" + functions.joined(separator: ","))
        }
        common.update(field: String(site.reference.api.headers.count))
        let commonDigest = common.finalizeHex()
        // What the index, conformance and measurements pages take from the guides: titles, summaries and
        // the snippets' ids, modes, claims and findings (not the prose or the code), so that editing a
        // guide's text re-renders that guide's page only.
        var structure = SHA256()
        structure.update(field: commonDigest)
        for guide in guideSet.guides {
            structure.update(field: guide.path)
            structure.update(field: guide.title)
            structure.update(field: IndexPage.summary(of: guide) ?? "")
            for snippet in guide.snippets {
                structure.update(field: snippet.id)
                structure.update(field: "\(snippet.mode)")
                structure.update(field: snippet.attributes.claims.joined(separator: ","))
                structure.update(field: snippet.attributes.finding ?? "")
                // Which results are current (the measurements show only those) follows the code.
                structure.update(field: site.sourceDigests[snippet.id] ?? "")
            }
        }
        let structureDigest = structure.finalizeHex()

        // Render (or reuse) every page.
        let cache = options.cache.map { PageCache(directory: $0.appendingPathComponent("pages")) }
        var rendered: [(entry: PageEntry, html: String, content: CachedPage)] = []
        var renderedCount = 0
        var errors: [SiteError] = []
        for (index, entry) in entries.enumerated() {
            var key = SHA256()
            key.update(field: commonDigest)
            key.update(field: entry.path)
            switch entry.kind {
            case .guide(let path):
                key.update(field: path)
                key.update(guideBytes[path] ?? [])
            default:
                key.update(field: structureDigest)
            }
            let digest = key.finalizeHex()
            if let hit = cache?.load(key: digest) {
                rendered.append((entry, hit.html, hit))
                continue
            }
            let content: PageContent
            switch entry.kind {
            case .index:
                content = IndexPage(guides: guideSet, site: site, siteTitle: options.title,
                                    guidePages: entries.filter { if case .guide = $0.kind { true } else { false } },
                                    apiLinks: apiLinks).render()
            case .guide(let path):
                var renderer = GuideRenderer(guide: guideSet.guide(path: path)!, page: entry.path, site: site)
                renderer.render()
                errors += renderer.problems
                content = PageContent(html: renderer.html, toc: renderer.toc, sections: renderer.sections, assets: renderer.assets,
                                      linkOrigins: renderer.linkOrigins)
            case .conformance:
                content = ConformancePage(guides: guideSet, site: site).render()
            case .measurements:
                content = MeasurementsPage(guides: guideSet, site: site).render()
            case .compat:
                content = CompatPage(guides: guideSet, site: site).render()
            }
            let html: String
            do throws(SiteError) {
                html = try layout.render(entry, index: index, content: content)
            } catch {
                errors.append(SiteError(file: options.templates.appendingPathComponent("page.html").path, message: error.message))
                continue
            }
            let page = CachedPage(key: digest, html: html, sections: content.sections, assets: content.assets,
                                  linkOrigins: content.linkOrigins)
            cache?.store(page)
            rendered.append((entry, html, page))
            renderedCount += 1
        }
        guard errors.isEmpty else { throw SiteErrors(errors) }
        timings.render = lap()

        // The search index and the other files.
        var index = SearchIndex()
        for page in rendered {
            index.add(title: page.entry.title, path: page.entry.path, sections: page.content.sections)
        }
        let headingErrors = HeadingCheck.check(rendered.compactMap { page in
            guard case .guide(let path) = page.entry.kind, let guide = guideSet.guide(path: path) else { return nil }
            return HeadingCheck.Page(guide: guide, path: page.entry.path, html: page.html)
        }, index: index)
        guard headingErrors.isEmpty else { throw SiteErrors(headingErrors) }
        let indexJSON = index.json()
        timings.index = lap()
        var files: [String: Data] = [
            "assets/style.css": Data(templates.css.utf8),
            "assets/site.js": Data(templates.js.utf8),
            "search-index.json": Data(indexJSON.utf8),
            "search-index.js": Data("window.rewindSearchIndex = \(indexJSON);\n".utf8),
        ]
        var copies: [SiteAsset] = []
        for page in rendered { copies += page.content.assets }
        for asset in Set(copies) {
            guard let data = FileManager.default.contents(atPath: asset.source) else {
                errors.append(SiteError(file: asset.source, message: "the image a page shows does not exist (site path \(asset.path))"))
                continue
            }
            files[asset.path] = data
        }
        guard errors.isEmpty else { throw SiteErrors(errors) }

        // Links.
        let checker = LinkChecker(
            pages: rendered.map {
                LinkChecker.Page(path: $0.entry.path, html: $0.html, source: $0.entry.source, linkOrigins: $0.content.linkOrigins)
            },
            files: Set(files.keys), output: outputPath)
        let linkErrors = checker.check()
        var warnings: [SiteError] = []
        switch options.brokenLinks {
        case .error: guard linkErrors.isEmpty else { throw SiteErrors(linkErrors) }
        case .warn: warnings = linkErrors
        }
        timings.check = lap()

        // Write what changed; remove what an earlier build wrote and this one does not.
        var writer = SiteWriter(output: options.output, manifestDirectory: options.cache)
        for page in rendered { writer.add(path: page.entry.path, digest: page.content.key, contents: { Data(page.html.utf8) }) }
        for (path, data) in files { writer.add(path: path, digest: nil, contents: { data }) }
        let written: Int
        do { written = try writer.commit() } catch {
            throw SiteErrors([SiteError(file: outputPath, message: "cannot write the site: \(error.localizedDescription)")])
        }
        cache?.prune(keeping: Set(rendered.map(\.content.key)))
        timings.write = lap()

        return SiteBuildReport(
            output: outputPath, pages: rendered.map(\.entry.path), rendered: renderedCount,
            reused: rendered.count - renderedCount, filesWritten: written,
            searchIndexBytes: indexJSON.utf8.count, duration: (clock.now - start).seconds, timings: timings,
            warnings: warnings)
    }

    /// The site path of a guide's page: `Guides/a/b.md` → `guides/a/b.html`.
    static func pagePath(for guidePath: String, rootPath: String, guidesDirectory: String) -> String {
        let prefix = guidesDirectory.hasPrefix(rootPath + "/") ? String(guidesDirectory.dropFirst(rootPath.count + 1)) + "/" : ""
        var relative = guidePath.hasPrefix(prefix) ? String(guidePath.dropFirst(prefix.count)) : guidePath
        if relative.hasSuffix(".md") { relative.removeLast(3) }
        return "guides/" + relative + ".html"
    }

    /// The three files of `<root>/site/`.
    struct Templates {
        var page: Template
        var pageText: String
        var css: String
        var js: String
    }

    static func loadTemplates(_ directory: URL) throws(SiteErrors) -> Templates {
        var errors: [SiteError] = []
        func read(_ name: String) -> String {
            let url = directory.appendingPathComponent(name)
            do { return try String(contentsOf: url, encoding: .utf8) } catch {
                errors.append(SiteError(file: url.path, message: "cannot read the site template: \(error.localizedDescription)"))
                return ""
            }
        }
        let page = read("page.html")
        let css = read("style.css")
        let js = read("site.js")
        guard errors.isEmpty else { throw SiteErrors(errors) }
        return Templates(page: Template(text: page, name: "page.html"), pageText: page, css: css, js: js)
    }

    /// Reads every `*.md` under the guides folder and parses them together.
    private func loadGuides(rootPath: String) throws(SiteErrors) -> (GuideSet, [String: [UInt8]]) {
        let directory = options.guides.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SiteErrors([SiteError(file: directory.path, message: "no such guides folder")])
        }
        var bytes: [String: [UInt8]] = [:]
        var errors: [SiteError] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "md" else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            let relative = path.hasPrefix(rootPath + "/") ? String(path.dropFirst(rootPath.count + 1)) : path
            guard let data = FileManager.default.contents(atPath: path) else {
                errors.append(SiteError(file: relative, message: "cannot read the guide"))
                continue
            }
            bytes[relative] = Array(data)
        }
        guard errors.isEmpty else { throw SiteErrors(errors) }
        var sources: [String: String] = [:]
        for (path, b) in bytes {
            guard let text = String(validating: b, as: UTF8.self) else {
                errors.append(SiteError(file: path, message: "the file is not valid UTF-8"))
                continue
            }
            sources[path] = text
        }
        guard errors.isEmpty else { throw SiteErrors(errors) }
        do throws(GuideErrors) {
            return (try GuideSet.parse(sources: sources), bytes)
        } catch {
            throw SiteErrors(error.errors.map { SiteError(file: "\($0.file):\($0.line)", message: $0.message) })
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

extension SiteBuilder {
    /// The guides in reading order: a guide named `index.md` comes first, then the guides it links to, in
    /// the order of their first link, then every other guide by path.
    static func readingOrder(_ guides: [Guide]) -> [Guide] {
        guard let index = guides.first(where: { ($0.path as NSString).lastPathComponent == "index.md" }) else {
            return guides
        }
        let directory = (index.path as NSString).deletingLastPathComponent
        var linked: [String] = []
        func walk(_ node: Node) {
            if case .link(let destination, _) = node.kind, !destination.contains(":") {
                let file = String(destination.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                if !file.isEmpty {
                    let path = ((directory as NSString).appendingPathComponent(file) as NSString).standardizingPath
                    if !linked.contains(path) { linked.append(path) }
                }
            }
            node.children.forEach(walk)
        }
        walk(index.document)
        let rank = Dictionary(linked.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return guides.sorted { a, b in
            let ra = a.path == index.path ? -1 : rank[a.path] ?? Int.max
            let rb = b.path == index.path ? -1 : rank[b.path] ?? Int.max
            return ra != rb ? ra < rb : a.path < b.path
        }
    }
}
