import Foundation
import GuideModel
import Libvirt

/// The checks `rewind verify` makes on the guides themselves before compiling anything: every claim id a
/// fence names must be in the claims catalog, every libvirt name a guide writes must exist
/// (``DocDrift``), and no snippet may hold a check that cannot fail (``CheckLint``). Their problems are guide errors: reported with `Guides/x.md:LINE` and failing the run,
/// while the snippets still compile and run.
///
/// ```swift
/// let checks = GuideChecks.run(guides: guides, snippets: snippets, root: root)
/// let outcome = try await verifier.verify(snippets, guideErrors: checks.errors)
/// var results = outcome.results
/// checks.attach(to: &results, snippets: snippets)
/// ```
public struct GuideChecks: Sendable {
    /// The catalog, when one was found and is valid.
    public var catalog: ClaimCatalog?
    /// The catalog's path relative to the root (for reports).
    public var catalogPath: String?
    /// What the doc-drift check found (nil when it could not run).
    public var docDrift: DocDrift.Report?
    /// Every problem, as `Guides/x.md:LINE: message` (or `file: message`).
    public var errors: [String] = []
    /// The libvirt names the guides were checked against (this machine's API XML and the committed catalog).
    public var api: LibvirtAPI?
    /// The binding's Swift constants and the libvirt constants behind them (`synchronousWrites` →
    /// `VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES`), so that a flag newer than a host counts like its C name.
    public var bindingConstants: [String: [String]] = [:]

    /// Reads the binding's constants from `<root>/Sources/Libvirt/*.swift`: each
    /// `static let NAME = TYPE(rawValue: VIR_….rawValue)`, or a `static let` whose doc comment names its
    /// `VIR_…` constant in backquotes. Missing sources give an empty map.
    public static func bindingConstants(root: URL) -> [String: [String]] {
        let folder = root.appendingPathComponent("Sources/Libvirt")
        guard let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) else { return [:] }
        var map: [String: [String]] = [:]
        for file in files where file.pathExtension == "swift" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            var doc = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix("///") { doc += trimmed; continue }
                defer { doc = "" }
                guard trimmed.hasPrefix("public static let ") else { continue }
                let name = String(trimmed.dropFirst("public static let ".count).prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                var cName: String?
                if let range = trimmed.range(of: "rawValue: VIR_") {
                    cName = String(trimmed[trimmed.index(range.lowerBound, offsetBy: "rawValue: ".count)...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" })
                } else if let tick = doc.range(of: "`VIR_") {
                    cName = String(doc[doc.index(after: tick.lowerBound)...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" })
                }
                if let cName, !name.isEmpty, !(map[name] ?? []).contains(cName) { map[name, default: []].append(cName) }
            }
        }
        return map
    }

    /// The newest libvirt name a snippet's own code uses, with the version that added it: a host with an
    /// older libvirt cannot run the snippet as written (`SnippetRunner` reports it unsupported there).
    public func newestName(in snippet: RunnableSnippet) -> (name: String, since: String)? {
        guard let api else { return nil }
        var best: (name: String, since: String)?
        // A snippet that branches on the host's version itself (`lab.libvirt(atLeast:)`) checks what an older
        // host does with a newer flag: its Swift flag names do not make it unsupported.
        let branchesOnVersion = snippet.sourceLines.contains { $0.text.contains("lab.libvirt(atLeast:") }
        for line in snippet.sourceLines where line.isOwn {
            // Code, not comments: a snippet may name a newer constant in a comment while it checks how an
            // older host refuses the call.
            let code = line.text.range(of: "//").map { String(line.text[..<$0.lowerBound]) } ?? line.text
            for reference in DocDrift.references(in: code) where !reference.isPrefix {
                guard let since = api.since[reference.name], let v = Version(parsing: since) else { continue }
                if let b = best, let bv = Version(parsing: b.since), bv >= v { continue }
                best = (reference.name, since)
            }
            // The binding's flags by their Swift names (`.synchronousWrites`): the libvirt constant behind
            // them. A name several types share counts with the oldest of its constants, never a guess.
            for member in Self.memberNames(in: code) where !branchesOnVersion {
                let candidates = (bindingConstants[member] ?? []).compactMap { c in api.since[c].flatMap { s in Version(parsing: s).map { (c, s, $0) } } }
                guard let oldest = candidates.min(by: { $0.2 < $1.2 }) else { continue }
                if let b = best, let bv = Version(parsing: b.since), bv >= oldest.2 { continue }
                best = (oldest.0, oldest.1)
            }
        }
        return best
    }

    /// The names after a `.` in Swift code (`.synchronousWrites`, `dom.blockCopy`), outside string literals.
    static func memberNames(in code: String) -> [String] {
        var names: [String] = []
        var inString = false
        var previous: Character = " "
        var index = code.startIndex
        while index < code.endIndex {
            let c = code[index]
            if c == "\"" && previous != "\\" { inString.toggle() }
            if !inString && c == "." {
                let rest = code[code.index(after: index)...]
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if let first = name.first, first.isLetter { names.append(String(name)) }
            }
            previous = c
            index = code.index(after: index)
        }
        return names
    }

    /// `snippets` with each one's newest libvirt name recorded (`RunnableSnippet.newestName`).
    public func annotate(_ snippets: [RunnableSnippet]) -> [RunnableSnippet] {
        snippets.map { s in
            var s = s
            if let n = newestName(in: s) { s.newestName = .init(name: n.name, since: n.since) }
            return s
        }
    }

    /// The default catalog, relative to the project root.
    public static let defaultCatalog = "Conformance/claims.json"

    /// Runs both checks.
    ///
    /// - Parameters:
    ///   - guides: the guides to check for doc drift (the selected ones).
    ///   - snippets: the snippets whose claim ids to check.
    ///   - root: the project root (guide paths are relative to it; their text is read from there).
    ///   - catalog: the claims catalog; nil for `<root>/Conformance/claims.json`, which may then be absent
    ///     (no coverage). A catalog given explicitly must exist.
    ///   - api: the libvirt API to check names against; nil for the installed one. An API that cannot be
    ///     loaded is an error.
    /// Scripts (`sh script=NAME`) and the snippets that run them: a script no snippet runs is shown unchecked,
    /// and a `lab.runScript("NAME"` with no such script fails at run time; both are guide errors at their line.
    static func scriptProblems(guides: [Guide], snippets: [RunnableSnippet]) -> [String] {
        let scripts = guides.flatMap(\.scripts)
        let known = Set(scripts.map(\.name))
        var run: Set<String> = []
        var problems: [String] = []
        for snippet in snippets {
            for (name, line) in snippet.namesPassed(to: "runScript", ownOnly: true) {
                run.insert(name)
                if !known.contains(name) {
                    problems.append("\(line.file):\(line.line): lab.runScript(\"\(name)\") names no script: add a ```sh script=\(name) block")
                }
            }
        }
        for script in scripts where !run.contains(script.name) {
            problems.append("\(script.location): script '\(script.name)' is run by no snippet (lab.runScript(\"\(script.name)\", …)): a script the page shows is checked, or shown as a plain sh block")
        }
        return problems
    }

    public static func run(guides: [Guide], snippets: [RunnableSnippet], root: URL, catalog: URL? = nil,
                           api: LibvirtAPI? = nil) -> GuideChecks {
        var checks = GuideChecks()
        let catalogURL = catalog ?? root.appendingPathComponent(defaultCatalog)
        if catalog != nil || FileManager.default.fileExists(atPath: catalogURL.path) {
            checks.catalogPath = relative(catalogURL, to: root)
            do {
                let loaded = try ClaimCatalog.load(contentsOf: catalogURL)
                checks.catalog = loaded
                checks.errors += loaded.unknownReferences(in: snippets)
            } catch {
                checks.errors.append(error.description)
            }
        }

        // Checks that cannot fail, or prove less than the fence says (`CheckLint`).
        checks.errors += CheckLint.problems(in: snippets).map(\.description)
        checks.errors += scriptProblems(guides: guides, snippets: snippets)

        let libvirt: LibvirtAPI
        if let api {
            libvirt = api
        } else {
            do { libvirt = try LibvirtAPI.installed() } catch {
                checks.errors.append("doc drift: \(error)")
                return checks
            }
        }
        // Names of a newer libvirt than this machine's, with the version of each (see .ci/generate-api-names).
        var api = libvirt
        let catalogFile = root.appendingPathComponent(LibvirtAPI.catalogPath)
        if FileManager.default.fileExists(atPath: catalogFile.path) {
            do { api = libvirt.merged(with: try LibvirtAPI.loadCatalog(catalogFile)) } catch {
                checks.errors.append("doc drift: \(error)")
            }
        }
        checks.api = api
        checks.bindingConstants = bindingConstants(root: root)
        var sources: [(guide: Guide, source: String)] = []
        for guide in guides {
            let url = root.appendingPathComponent(guide.path)
            do {
                sources.append((guide, String(decoding: try Data(contentsOf: url), as: UTF8.self)))
            } catch {
                checks.errors.append("\(guide.path):1: cannot read the guide for the doc-drift check: \(error.localizedDescription)")
            }
        }
        let report = DocDrift(api: api).check(sources)
        checks.docDrift = report
        checks.errors += report.problems
        return checks
    }

    /// Adds the claims coverage (joined with the run's verdicts) and the doc-drift report to `results`.
    public func attach(to results: inout RunResults, snippets: [RunnableSnippet]) {
        if let catalog, let catalogPath {
            results.coverage = ClaimCoverage(catalog: catalog, catalogPath: catalogPath, snippets: snippets,
                                             hosts: results.hosts)
        }
        results.docDrift = docDrift
    }

    static func relative(_ url: URL, to root: URL) -> String {
        let path = url.standardizedFileURL.path
        let prefix = root.standardizedFileURL.path.hasSuffix("/") ? root.standardizedFileURL.path
            : root.standardizedFileURL.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
