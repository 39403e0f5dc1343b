import Foundation
import GuideModel
import Lab

/// The one way through the pipeline: load the guides, check them (claim ids, doc drift, can't-fail lint),
/// verify their snippets on every host, and attach claim coverage and drift to the results.
///
/// `rewind verify` and `rewind bench` both call ``run(_:events:)``; they only parse options, print and
/// write reports. A run that cannot start (no guides, a path with no guide) throws; guide errors still
/// produce results (written as reports, so a CI job sees them) and are thrown with them.
///
/// ```swift
/// var options = Verification.Options(root: URL(fileURLWithPath: "."))
/// options.verifier.uris = ["test:///default"]
/// let outcome = try await Verification.run(options)
/// print(outcome.results.failed ? "failed" : "ok")
/// ```
public enum Verification {
    /// What to verify.
    public struct Options: Sendable {
        /// How to build and run the snippets (hosts, jobs, filters, work folder, …). Its `root` is the
        /// project root: guides are the `.md` files under `<root>/Guides`.
        public var verifier: Verifier.Configuration
        /// Guides or folders of guides to verify, relative to `currentDirectory` or to the root; empty: all.
        public var paths: [String] = []
        /// The folder `paths` are relative to.
        public var currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        /// The claims catalog (default: `<root>/Conformance/claims.json`, if present).
        public var claims: URL?
        /// When the run started (the reports' timestamp).
        public var startedAt = Date()

        /// Options for the project at `root`, with the verifier's defaults.
        public init(root: URL) {
            verifier = Verifier.Configuration(root: root)
        }

        /// The project root.
        public var root: URL { verifier.root }
    }

    /// Progress, in order.
    public enum Event: Sendable {
        /// Earlier runs left lab domains or files on a host (`rewind lab clean` removes them).
        case leftovers(uri: String, message: String)
        /// The guides loaded and were checked: how many snippets in how many guides.
        case discovered(snippets: Int, guides: Int)
        /// A verifier step.
        case verifier(Verifier.Event)
    }

    /// What a finished run produced.
    public struct Outcome: Sendable {
        /// Everything the reports need.
        public var results: RunResults
        /// Expected-output blocks rewritten (`Guides/x.md:LINE`) when the verifier's `update` is on.
        public var updatedBlocks: [String]
        /// The signal that interrupted the run, if one did (the results hold the snippets that finished).
        public var interruption: Int32?
    }

    /// Why a run did not produce an outcome.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// `<root>/Guides` is not a folder.
        case noGuides(String)
        /// A path selects no guide.
        case selection(String)
        /// A `--filter` selected no snippet (the message names it and the nearest ids).
        case emptyFilter(String)
        /// The guides do not load: these errors (file:line), and the results that report them.
        case guides([String], RunResults)
        /// Verification could not run (an unreachable host, an unwritable package, …).
        case verify(Verifier.VerifyError)

        /// The message.
        public var description: String {
            switch self {
            case .noGuides(let m), .selection(let m), .emptyFilter(let m): m
            case .guides(let errors, _): errors.joined(separator: "\n")
            case .verify(let e): e.description
            }
        }

        /// The exit status a command ends with: 2 for a host that cannot be reached or a `--filter` that selects
        /// nothing, 1 otherwise.
        public var exitStatus: Int32 {
            if case .verify(.probe) = self { return 2 }
            if case .emptyFilter = self { return 2 }
            return 1
        }
    }

    /// The Levenshtein distance between two ids (insertions, deletions, substitutions), for "nearest ids".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }

    /// Runs the whole pipeline.
    public static func run(_ options: Options,
                           events: @escaping @Sendable (Event) -> Void = { _ in }) async throws(Failure) -> Outcome {
        let root = options.root.standardizedFileURL
        let guides = root.appendingPathComponent("Guides")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: guides.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .noGuides("\(guides.path): no such directory (guides are the .md files under <root>/Guides; see --root)")
        }

        let discoveryStart = ContinuousClock.now
        let set: GuideSet
        do {
            set = try GuideSet.load(directory: guides, root: root)
        } catch {
            let messages = error.errors.map(\.description)
            var results = RunResults(startedAt: options.startedAt, guideErrors: messages)
            results.timings.discovery = SnippetRunner.seconds(since: discoveryStart)
            throw .guides(messages, results)
        }
        let selected = try select(options.paths, in: set, root: root, currentDirectory: options.currentDirectory)
        let discovered = RunnableSnippet.all(in: set).filter { selected.contains($0.guide) }
        // Claim ids must be in the catalog; libvirt names must exist (doc drift).
        let checks = GuideChecks.run(guides: set.guides.filter { selected.contains($0.path) }, snippets: discovered,
                                     root: root, catalog: options.claims)
        let snippets = checks.annotate(discovered)
        let discovery = SnippetRunner.seconds(since: discoveryStart)
        // A --filter that selects nothing is a mistake (a typo, a renamed snippet), never a green run of nothing.
        let unmatched = options.verifier.filters.filter { filter in !snippets.contains { SnippetRunner.matches(filter, $0) } }
        if !unmatched.isEmpty {
            var nearest: [String] = []
            for filter in unmatched {
                let limit = max(2, filter.count / 4)
                var scored: [(id: String, distance: Int)] = []
                for snippet in snippets {
                    let distance = Self.editDistance(snippet.id, filter)
                    if distance <= limit { scored.append((snippet.id, distance)) }
                }
                scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
                nearest += scored.prefix(3).map(\.id)
            }
            let named = unmatched.map { "'\($0)'" }.joined(separator: ", ")
            let near = nearest.isEmpty ? "" : "; nearest ids: " + nearest.joined(separator: ", ")
            throw .emptyFilter("--filter \(named) selects no snippet\(near) (a filter is a snippet id, a guide path such as "
                             + "Guides/x.md, Guides/x.md:LINE, or a pattern with *; `rewind verify -v` lists every snippet)")
        }

        for uri in options.verifier.uris {
            if let message = leftovers(uri: uri) { events(.leftovers(uri: uri, message: message)) }
        }
        events(.discovered(snippets: snippets.count, guides: selected.count))

        let outcome: Verifier.Outcome
        do {
            outcome = try await Verifier(configuration: options.verifier).verify(
                snippets, guideErrors: checks.errors, discoveryTime: discovery, startedAt: options.startedAt,
                scripts: Dictionary(set.scripts.map { ($0.name, $0.code) }, uniquingKeysWith: { first, _ in first })) { event in
                events(.verifier(event))
            }
        } catch {
            throw .verify(error)
        }
        var results = outcome.results
        checks.attach(to: &results, snippets: snippets)
        return Outcome(results: results, updatedBlocks: outcome.updatedBlocks, interruption: SnippetRunner.interruption)
    }

    /// The guide paths `paths` select (all guides when empty). A path is a guide or a folder of guides,
    /// relative to `currentDirectory` (or, failing that, to the root).
    public static func select(_ paths: [String], in set: GuideSet, root: URL,
                              currentDirectory: URL) throws(Failure) -> Set<String> {
        let all = set.guides.map(\.path)
        guard !paths.isEmpty else { return Set(all) }
        var selected: Set<String> = []
        for path in paths {
            let absolute = URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL.path
            let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
            let relative = absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : path
            let matches = all.filter { $0 == relative || $0.hasPrefix(relative.hasSuffix("/") ? relative : relative + "/") }
            guard !matches.isEmpty else {
                throw .selection("\(path): no guide there (guides are the .md files under \(root.path)/Guides)")
            }
            selected.formUnion(matches)
        }
        return selected
    }

    /// What earlier runs left behind on `uri`, as a warning; nil when nothing (or when the URI cannot be
    /// reached: the host probe reports that).
    public static func leftovers(uri: String) -> String? {
        guard let inventory = try? LabInventory.scan(uri: uri) else { return nil }
        // Saved agent guests kept between runs (`agentpool-<key>`, see `AgentGuestPool.prepare`) are a cache,
        // not something a run left behind; a domain of theirs still running is.
        let runs = inventory.runs.filter { !($0.runID.hasPrefix(AgentGuestPool.keptRunPrefix) && $0.domains.isEmpty) }
        guard !runs.isEmpty else { return nil }
        let domains = runs.flatMap(\.domains).map(\.name)
        let files = runs.flatMap { $0.files + $0.hostFiles }.count
        var what: [String] = []
        if !domains.isEmpty { what.append("\(domains.count) domain\(domains.count == 1 ? "" : "s") (\(domains.joined(separator: ", ")))") }
        if files > 0 { what.append("\(files) file\(files == 1 ? "" : "s")") }
        if what.isEmpty {
            what.append("the run record\(runs.count == 1 ? "" : "s") of \(runs.map(\.runID).joined(separator: ", "))")
        }
        return "earlier lab runs left \(what.joined(separator: " and ")) behind on \(uri); "
            + "remove them with `rewind lab clean --connect \(uri)`"
    }
}
