import Foundation
import GuideModel
import Runner

/// A file the site copies from the repository (an image a guide shows).
struct SiteAsset: Sendable, Hashable, Codable {
    /// The absolute path of the file in the repository.
    var source: String
    /// Its path in the site.
    var path: String
}

/// What every page renderer needs to know about the whole site: where things are, the page of each
/// guide, the results and the claims catalog.
struct SiteContext: Sendable {
    /// The absolute path of the package root (no trailing slash).
    let root: String
    /// The absolute path of the output folder (no trailing slash).
    let output: String
    /// The site path of each guide's page, by guide path (`Guides/backup.md` → `guides/backup.html`).
    let guidePages: [String: String]
    /// The results shown next to snippets.
    let results: ResultsSet
    /// The claims catalog.
    let catalog: ClaimCatalog
    /// `--edit-base`: the URL guide paths are appended to for "edit this page"; nil for relative links.
    let editBase: String?
    /// The guides folder relative to the root, with a trailing slash (`Guides/`), or empty when the
    /// guides are outside the root.
    let guidesPrefix: String
    /// Links to libvirt's reference (API names, XML elements, the binding's C functions).
    var reference = LibvirtReference()
    /// Each snippet's ``RunnableSnippet/sourceDigest`` as the guides are now, by snippet id.
    var sourceDigests: [String: String] = [:]

    /// Whether a result was reached with the code the page shows: its source digest is the snippet's
    /// current one. A result without a digest (from an older Rewind) cannot be matched, and is stale too.
    func isCurrent(_ result: SnippetResult) -> Bool {
        guard let digest = result.sourceDigest else { return false }
        return sourceDigests[result.id] == digest
    }

    /// The site path of the conformance page.
    static let conformancePage = "conformance.html"
    /// The site path of the measurements page.
    static let measurementsPage = "measurements.html"
    /// The site path of the compatibility page ("which build does what").
    static let compatPage = "compat.html"
    /// The site path of the index.
    static let indexPage = "index.html"

    /// The fragment id of a snippet's figure.
    static func snippetAnchor(_ id: String) -> String { "snippet-" + id }
    /// The fragment id of a claim's row on the conformance page.
    static func claimAnchor(_ id: String) -> String { "claim-" + id }
    /// The fragment id of a host on the conformance page.
    static func hostAnchor(_ id: String) -> String { "host-" + id }

    /// An href from `page` to the snippet `id` (on its guide's page).
    func snippetHref(_ snippet: Snippet, from page: String) -> String {
        let target = guidePages[snippet.guide] ?? ""
        let anchor = "#" + Self.snippetAnchor(snippet.id)
        return target == page ? anchor : Paths.relative(from: page, to: target) + anchor
    }

    /// An href from `page` to the claim's row of the conformance matrix.
    func claimHref(_ id: String, from page: String) -> String {
        let anchor = "#" + Paths.percentEncode(Self.claimAnchor(id))
        return page == Self.conformancePage ? anchor : Paths.relative(from: page, to: Self.conformancePage) + anchor
    }

    /// An href from `page` to a host's description on the conformance page.
    func hostHref(_ id: String, from page: String) -> String {
        let anchor = "#" + Self.hostAnchor(id)
        return page == Self.conformancePage ? anchor : Paths.relative(from: page, to: Self.conformancePage) + anchor
    }

    /// The "edit this page" link for a repository file, from `page`.
    func editHref(repoPath: String, from page: String) -> String {
        if let editBase {
            return editBase.hasSuffix("/") ? editBase + repoPath : editBase + "/" + repoPath
        }
        return repoHref(repoPath: repoPath, from: page)
    }

    /// A relative link from `page` (in the output folder) to a file of the repository.
    func repoHref(repoPath: String, from page: String) -> String {
        let pageDirectory = output + (Paths.directory(of: page).isEmpty ? "" : "/" + Paths.directory(of: page))
        return Paths.percentEncode(Paths.relativeFileSystemPath(fromDirectory: pageDirectory, to: root + "/" + repoPath))
    }

    /// Splits an href into its path and its `#fragment` (kept with the `#`), dropping nothing.
    static func splitFragment(_ href: String) -> (path: String, fragment: String) {
        guard let hash = href.firstIndex(of: "#") else { return (href, "") }
        return (String(href[..<hash]), String(href[hash...]))
    }

    /// Rewrites a Markdown link of a guide for the page: a link to another guide (`backup.md#full`) goes
    /// to its page (`backup.html#full`), a link to another file of the repository becomes a relative link
    /// to that file, and external links and same-page fragments are kept.
    func resolveLink(_ destination: String, fromGuide guidePath: String, page: String) -> String {
        if destination.isEmpty || destination.hasPrefix("#") || Paths.isExternal(destination) { return destination }
        let (pathAndQuery, fragment) = Self.splitFragment(destination)
        let path = pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let base = Paths.directory(of: guidePath)
        let joined = path.hasPrefix("/") ? String(path.dropFirst()) : (base.isEmpty ? path : base + "/" + path)
        guard let parts = Paths.normalize(Paths.percentDecode(joined)) else {
            // It climbs out of the repository: keep it as written (the link check reports it if broken).
            return destination
        }
        let repoPath = parts.joined(separator: "/")
        var target = guidePages[repoPath]
        if target == nil, repoPath.hasSuffix(".md"), !guidesPrefix.isEmpty, repoPath.hasPrefix(guidesPrefix) {
            // A guide that does not exist (yet): link to where its page would be, so the link check names it.
            target = "guides/" + repoPath.dropFirst(guidesPrefix.count).dropLast(3) + ".html"
        }
        if let target {
            return (target == page ? "" : Paths.percentEncode(Paths.relative(from: page, to: target))) + fragment
        }
        return repoHref(repoPath: repoPath, from: page) + fragment
    }

    /// Where a local image of a guide goes in the site (`files/<path in the repository>`), and the href
    /// from `page`.
    func resolveImage(_ source: String, fromGuide guidePath: String, page: String) -> (SiteAsset?, String) {
        let base = Paths.directory(of: guidePath)
        let joined = source.hasPrefix("/") ? String(source.dropFirst()) : (base.isEmpty ? source : base + "/" + source)
        guard let parts = Paths.normalize(Paths.percentDecode(joined)), !parts.isEmpty else { return (nil, source) }
        let repoPath = parts.joined(separator: "/")
        let sitePath = "files/" + repoPath
        return (SiteAsset(source: root + "/" + repoPath, path: sitePath),
                Paths.percentEncode(Paths.relative(from: page, to: sitePath)))
    }
}
