import Foundation

/// All guides of a package, checked together.
///
/// Loading parses every guide, checks every snippet and the references between them, and either returns
/// the whole set or throws every error found (never just the first):
///
/// ```swift
/// let guides = try GuideSet.load(directory: root.appending(path: "Guides"), root: root)
/// for snippet in guides.snippets where snippet.mode.isRun { … }
/// ```
public struct GuideSet: Sendable, Hashable {
    /// The guides, sorted by path.
    public let guides: [Guide]

    /// Every snippet of every guide, by guide path and then in document order.
    public let snippets: [Snippet]

    /// The index of each snippet in ``snippets``, by id.
    private let snippetIndex: [String: Int]

    /// The scripts, by name.
    private let scriptIndex: [String: Script]

    /// Checks `guides` together: ids must be unique across all of them.
    ///
    /// Guides returned by ``Guide/parse(source:path:)`` are valid on their own; this adds the checks that
    /// span guides.
    public init(guides: [Guide]) throws(GuideErrors) {
        let sorted = guides.sorted { $0.path < $1.path }
        var errors: [GuideError] = []
        var index: [String: Int] = [:]
        var snippets: [Snippet] = []
        for guide in sorted {
            for snippet in guide.snippets {
                if let first = index[snippet.id] {
                    errors.append(Self.duplicate(snippet.id, at: SnippetSite(file: snippet.guide, line: snippet.line),
                                                 first: SnippetSite(file: snippets[first].guide, line: snippets[first].line)))
                } else {
                    index[snippet.id] = snippets.count
                }
                snippets.append(snippet)
            }
        }
        var scripts: [String: Script] = [:]
        for guide in sorted {
            for script in guide.scripts {
                if let first = scripts[script.name] {
                    errors.append(GuideError(file: script.guide, line: script.line,
                                             message: "duplicate script name '\(script.name)': already used at \(first.location)"))
                } else {
                    scripts[script.name] = script
                }
            }
        }
        guard errors.isEmpty else { throw GuideErrors(errors) }
        self.guides = sorted
        self.snippets = snippets
        self.snippetIndex = index
        self.scriptIndex = scripts
    }

    /// Every script of every guide (`sh script=NAME` blocks), by guide path and then in document order.
    public var scripts: [Script] { guides.flatMap(\.scripts) }

    /// The script with the given name.
    public func script(name: String) -> Script? { scriptIndex[name] }

    /// Parses and checks guides given as text, by path (relative to the package root).
    public static func parse(sources: [String: String]) throws(GuideErrors) -> GuideSet {
        try parse(files: sources.mapValues { Array($0.utf8) })
    }

    /// Loads every `*.md` file under `directory`, recursively, in path order, and checks them together.
    /// Hidden files and folders (names starting with `.`) are skipped.
    ///
    /// - Parameters:
    ///   - directory: the folder of the guides (usually `<root>/Guides`).
    ///   - root: the package root; guide paths are relative to it (`Guides/snapshots.md`).
    /// - Throws: every error of every guide, sorted by file and line; a folder or file that cannot be
    ///   read is reported as an error too.
    public static func load(directory: URL, root: URL) throws(GuideErrors) -> GuideSet {
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        let directoryURL = directory.standardizedFileURL.resolvingSymlinksInPath()
        func relative(_ url: URL) -> String {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            let prefix = rootPath.hasSuffix("/") ? rootPath : rootPath + "/"
            return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        }

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directoryURL.path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw GuideErrors([GuideError(file: relative(directoryURL), line: 1, message: "no such directory")])
        }
        var files: [String: [UInt8]] = [:]
        var errors: [GuideError] = []
        let enumerator = FileManager.default.enumerator(
            at: directoryURL, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "md",
                  (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            do {
                files[relative(url)] = Array(try Data(contentsOf: url))
            } catch {
                errors.append(GuideError(file: relative(url), line: 1, message: "cannot read the file: \(error.localizedDescription)"))
            }
        }
        let set: GuideSet
        do throws(GuideErrors) {
            set = try parse(files: files)
        } catch {
            throw GuideErrors(error.errors + errors)
        }
        guard errors.isEmpty else { throw GuideErrors(errors) }
        return set
    }

    /// Parses and checks guides given as bytes, by path.
    static func parse(files: [String: [UInt8]]) throws(GuideErrors) -> GuideSet {
        let drafts = files.keys.sorted().map { GuideDraft(path: $0, bytes: files[$0]!) }

        // Every id, with its first definition across all guides (in path order).
        var errors: [GuideError] = []
        var sites: [String: SnippetSite] = [:]
        for draft in drafts {
            for (id, line) in draft.definedIDs {
                let site = SnippetSite(file: draft.path, line: line)
                if let first = sites[id] {
                    errors.append(duplicate(id, at: site, first: first))
                } else {
                    sites[id] = site
                }
            }
        }

        var guides: [Guide] = []
        for draft in drafts {
            let own = Set(draft.definedIDs.map(\.id))
            let foreign = sites.filter { !own.contains($0.key) }
            let (guide, guideErrors) = draft.finish(foreign: foreign)
            errors += guideErrors
            if let guide { guides.append(guide) }
        }
        guard errors.isEmpty else { throw GuideErrors(errors) }
        return try GuideSet(guides: guides)
    }

    private static func duplicate(_ id: String, at site: SnippetSite, first: SnippetSite) -> GuideError {
        GuideError(file: site.file, line: site.line,
                   message: "duplicate snippet id '\(id)': already used at \(first.file):\(first.line)")
    }

    /// The snippet with the given id.
    public func snippet(id: String) -> Snippet? {
        snippetIndex[id].map { snippets[$0] }
    }

    /// The guide at `path` (relative to the package root).
    public func guide(path: String) -> Guide? {
        guides.first { $0.path == path }
    }

    /// The snippets to run, in order, to run the snippet `id`: the snippets it continues (following
    /// `continues=` back to the first), then the snippet itself. Empty when there is no such snippet.
    public func continuationChain(of id: String) -> [Snippet] {
        var chain: [Snippet] = []
        var seen: Set<String> = []
        var next = snippet(id: id)
        while let current = next, seen.insert(current.id).inserted {
            chain.append(current)
            next = current.attributes.continues.flatMap { snippet(id: $0) }
        }
        return chain.reversed()
    }
}
