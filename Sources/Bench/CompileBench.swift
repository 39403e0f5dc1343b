import Foundation
import Lab
import GuideModel
import Runner

/// Section 1: compiling every guide snippet in one merged build against one build per snippet
/// (`rewind verify --per-snippet`), from clean and after a one-line edit of one snippet.
///
/// It works on a copy of the guides (`BenchContext.guidesCopy()`), with the Runner's own generator,
/// compiler and `Verifier`. "Clean" means every generated source file is touched, so all snippet code
/// is compiled and linked again while the Rewind package stays built in the same scratch folder: both
/// layouts pay for snippet code only.
struct CompileBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    func run() async -> [BenchRow] {
        do {
            return try await measure()
        } catch {
            return [.notAvailable(.compile, "snippet compile", reason: "\(error)")]
        }
    }

    private func measure() async throws -> [BenchRow] {
        let (root, guides) = try context.guidesCopy()
        let edit = try OneLineEdit(root: root, guides: guides)
        defer { edit.restore() }
        let snippets = try edit.load()
        let heavy = min(options.heavyRounds, options.rounds)
        context.progress("\(snippets.count) snippets; one-line edits go to \(edit.snippetID) (\(edit.location))")

        // Merged layout: a first build (it also builds the Rewind package into this scratch folder),
        // then clean rebuilds of the snippet targets.
        let mergedDirectory = try context.folder("merged")
        let merged = SnippetPackageGenerator(workDirectory: mergedDirectory, rewindPackage: options.root)
        context.progress("merged: first build (compiles the Rewind package too)")
        let first = try await build(merged, snippets, layout: .merged)
        guard first.report.succeeded else { throw BenchError("the merged build fails: \(Self.failure(first.report))") }
        var mergedClean = Samples()
        var mergedReport = first.report
        for round in 1...heavy {
            context.progress("merged: clean build \(round)/\(heavy)")
            try Self.touchSources(of: first.package)
            let b = try await build(merged, snippets, layout: .merged)
            try Self.requireSuccess(b, "the merged clean build")
            mergedClean.append(b.seconds)
            mergedReport = b.report
        }
        let noopBuild = try await build(merged, snippets, layout: .merged)
        try Self.requireSuccess(noopBuild, "the no-op rebuild")
        let noop = noopBuild.seconds

        // A one-line edit, then a rebuild of all snippets (what `rewind verify` compiles after an edit).
        var mergedEditBuild = Samples()
        for round in 1...options.rounds {
            context.progress("merged: one-line edit, rebuild all \(round)/\(options.rounds)")
            try edit.change(to: round)
            let b = try await build(merged, try edit.load(), layout: .merged)
            try Self.requireSuccess(b, "the rebuild after an edit")
            mergedEditBuild.append(b.seconds)
        }

        // A one-line edit, then `rewind verify --filter <id>`: edit to verdict.
        let mergedVerdict = try await editToVerdict(edit, directory: mergedDirectory, layout: .merged)

        // Per-snippet layout: time a sample of the per-snippet targets from clean and extrapolate.
        let eligible = snippets.filter { s in
            guard !s.standalone else { return false }
            switch s.mode {
            case .run, .compileOnly: return true
            case .compileFail, .ignore: return false
            }
        }
        guard !eligible.isEmpty else { throw BenchError("no snippet to build per snippet") }
        let sampleCount = min(options.perSnippetSample ?? eligible.count, eligible.count)
        let sample = Self.evenlySpaced(eligible, count: sampleCount)
        let perDirectory = try context.folder("per-snippet")
        let per = SnippetPackageGenerator(workDirectory: perDirectory, rewindPackage: options.root)
        context.progress("per-snippet: first build of \(sampleCount) targets (compiles the Rewind package too)")
        let perFirst = try await build(per, sample, layout: .perSnippet)
        guard perFirst.report.succeeded else { throw BenchError("the per-snippet build fails: \(Self.failure(perFirst.report))") }
        var perTarget = Samples()
        for round in 1...heavy {
            context.progress("per-snippet: clean build of \(sampleCount) targets \(round)/\(heavy)")
            try Self.touchSources(of: perFirst.package)
            let b = try await build(per, sample, layout: .perSnippet)
            try Self.requireSuccess(b, "the per-snippet clean build")
            perTarget.append(b.seconds / Double(sampleCount))
        }
        let perVerdict = try await editToVerdict(edit, directory: perDirectory, layout: .perSnippet)

        // Totals of the whole compile phase. Compile-fail and standalone targets are built one by one in
        // both layouts: their time (from the merged clean builds) is added to both sides.
        let sharedTargets = mergedReport.invocations.filter { $0.kind != .merged }
        let sharedSeconds = sharedTargets.map(\.duration).reduce(0, +)
        let perTotal = Samples(perTarget.values.map { $0 * Double(eligible.count) + sharedSeconds })
        let extrapolated = sampleCount < eligible.count
        let ratio = mergedClean.median / perTotal.median

        var rows: [BenchRow] = []
        rows.append(BenchRow(
            section: .compile, metric: "clean compile, \(snippets.count) snippets",
            rewind: Unit.seconds.format(mergedClean),
            peer: Unit.seconds.format(perTotal) + (extrapolated ? " (extrapolated)" : ""),
            ratio: formatRatio(ratio), target: "≤ 0.1×", verdict: ratio <= 0.1 ? .met : .missed,
            notes: "Rewind: \(eligible.count) runnable snippets in 1 target + \(sharedTargets.count) compile-fail/standalone "
                + "targets (\(Unit.seconds.format(sharedSeconds)), counted on both sides). Peer: `--per-snippet`, "
                + (extrapolated
                    ? "\(sampleCount) of \(eligible.count) targets timed (\(Unit.seconds.format(perTarget)) per target), ×\(eligible.count). "
                    : "all \(eligible.count) targets timed. ")
                + "Clean = every generated source touched, Rewind package prebuilt in both; first build with it \(Unit.seconds.format(first.seconds)); no-op rebuild \(Unit.seconds.format(noop))."))
        rows.append(BenchRow(
            section: .compile, metric: "one-line edit → verdict",
            rewind: Unit.seconds.format(mergedVerdict.seconds), peer: Unit.seconds.format(perVerdict.seconds),
            ratio: formatRatio(mergedVerdict.seconds.median / perVerdict.seconds.median),
            target: "≤ 5 s", verdict: mergedVerdict.seconds.median <= 5 ? .met : .missed,
            notes: "`rewind verify --filter \(edit.snippetID)` on test:///default after changing one line of it: "
                + "discovery + generate + compile + run; Rewind compile \(Unit.seconds.format(mergedVerdict.compile)), "
                + "run \(Unit.seconds.format(mergedVerdict.run)); verdict \(mergedVerdict.verdicts). Peer: same with `--per-snippet`."))
        rows.append(BenchRow(
            section: .compile, metric: "one-line edit → rebuild of all snippets",
            rewind: Unit.seconds.format(mergedEditBuild),
            notes: "what an unfiltered `rewind verify` compiles after the edit (only the edited guide's file recompiles)."))
        return rows
    }

    // MARK: Steps

    struct Build {
        var seconds: Double
        var report: CompileReport
        var package: GeneratedPackage
    }

    /// Generates and compiles the package, timed.
    private func build(_ generator: SnippetPackageGenerator, _ snippets: [RunnableSnippet],
                       layout: SnippetPackageGenerator.Layout) async throws -> Build {
        let start = ContinuousClock.now
        let package = try generator.generate(snippets, layout: layout)
        let report = await SnippetCompiler(configuration: "debug").build(package, snippets: snippets)
        return Build(seconds: seconds(since: start), report: report, package: package)
    }

    struct Verdicts {
        var seconds = Samples()
        var compile = Samples()
        var run = Samples()
        var verdicts = ""
    }

    /// Rounds of: change the edited line, then discovery + `Verifier.verify` filtered to that snippet on
    /// `test:///default`. One untimed round first, so every timed round starts from the previous edit.
    private func editToVerdict(_ edit: OneLineEdit, directory: URL, layout: SnippetPackageGenerator.Layout) async throws -> Verdicts {
        var config = Verifier.Configuration(root: edit.root, rewindPackage: options.root, workDirectory: directory)
        config.targets = [ConnectionTarget(uri: "test:///default")]
        config.jobs = 1
        config.filters = [edit.snippetID]
        config.layout = layout
        let verifier = Verifier(configuration: config)
        var out = Verdicts()
        var seen: [String: Int] = [:]
        for round in 0...options.rounds {
            context.progress("\(layout == .merged ? "merged" : "per-snippet"): one-line edit → verdict \(round)/\(options.rounds)")
            try edit.change(to: 100 + round)
            let start = ContinuousClock.now
            let snippets = try edit.load()
            let discovery = seconds(since: start)
            let outcome = try await verifier.verify(snippets, discoveryTime: discovery)
            let elapsed = seconds(since: start)
            guard round > 0 else { continue }
            out.seconds.append(elapsed)
            out.compile.append(outcome.results.timings.compile)
            out.run.append(outcome.results.timings.run)
            for r in outcome.results.hosts.flatMap(\.results) where r.id == edit.snippetID {
                seen[r.verdict.rawValue, default: 0] += 1
            }
        }
        out.verdicts = seen.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return out
    }

    // MARK: Helpers

    /// Marks every source file of `package`'s targets as modified (their modification date set to now), so
    /// that the next build compiles all snippet code again while the Rewind package stays built. (Deleting
    /// a target's build folder instead breaks SwiftPM's next build: its output file map is only written
    /// when the build plan changes.)
    static func touchSources(of package: GeneratedPackage) throws {
        let fm = FileManager.default
        let now = Date()
        var touched = 0
        for target in package.targets {
            let folder = package.directory.appendingPathComponent("Sources").appendingPathComponent(target.name)
            for name in try fm.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
                try fm.setAttributes([.modificationDate: now], ofItemAtPath: folder.appendingPathComponent(name).path)
                touched += 1
            }
        }
        guard touched > 0 else { throw BenchError("no source file in \(package.directory.path)/Sources") }
    }

    /// `count` elements spread evenly over `items`, first and last included.
    static func evenlySpaced<T>(_ items: [T], count: Int) -> [T] {
        guard count < items.count else { return items }
        guard count > 1 else { return [items[0]] }
        return (0..<count).map { items[$0 * (items.count - 1) / (count - 1)] }
    }

    /// Throws unless every target of the build compiled: a timed build that failed measures nothing.
    static func requireSuccess(_ build: Build, _ what: String) throws {
        guard build.report.succeeded else { throw BenchError("\(what) failed: \(failure(build.report))") }
    }

    static func failure(_ report: CompileReport) -> String {
        let errors = report.snippetErrors.flatMap { id, ds in ds.prefix(1).map { "\(id): \($0)" } }
            + report.unattributedErrors.prefix(2).map { "\($0.diagnostic)" }
        return errors.prefix(3).joined(separator: "; ")
    }
}

/// One line of one snippet in the copied guides that the bench changes: `_ = N // rewind bench edit`,
/// inserted once before the snippet's first line and then rewritten with a new number.
final class OneLineEdit: @unchecked Sendable {
    let root: URL
    let guides: URL
    /// The edited snippet.
    let snippetID: String
    /// Its guide and the inserted line, `Guides/x.md:12`.
    let location: String
    private let file: URL
    private let original: String
    private var lines: [String]
    private let index: Int
    private let indent: String

    /// Picks the first snippet that runs on the test driver without declared needs, and inserts the line.
    init(root: URL, guides: URL) throws {
        self.root = root
        self.guides = guides
        let set: GuideSet
        do { set = try GuideSet.load(directory: guides, root: root) } catch {
            throw BenchError("the guides do not load: \(error.errors.prefix(3).map(\.description).joined(separator: "; "))")
        }
        let candidates = RunnableSnippet.all(in: set).filter {
            $0.mode == .run && !$0.standalone && $0.needs.isEmpty && $0.expectError == nil && $0.finding == nil
        }
        guard let snippet = candidates.first(where: { $0.expectedOutput == nil }) ?? candidates.first,
              let firstLine = snippet.sourceLines.first(where: \.isOwn) else {
            throw BenchError("no snippet runs on the test driver without needs= (nothing to edit)")
        }
        snippetID = snippet.id
        file = root.appendingPathComponent(firstLine.file)
        original = try String(contentsOf: file, encoding: .utf8)
        lines = original.components(separatedBy: "\n")
        index = firstLine.line - 1
        guard lines.indices.contains(index) else { throw BenchError("\(firstLine.file) has no line \(firstLine.line)") }
        indent = String(lines[index].prefix { $0 == " " || $0 == "\t" })
        location = "\(firstLine.file):\(firstLine.line)"
        lines.insert("", at: index)
        try change(to: 0)
    }

    /// Rewrites the inserted line with `value`.
    func change(to value: Int) throws {
        lines[index] = "\(indent)_ = \(value)  // rewind bench: one-line edit"
        try lines.joined(separator: "\n").write(to: file, atomically: false, encoding: .utf8)
    }

    /// Loads the (edited) guides.
    func load() throws -> [RunnableSnippet] {
        do {
            return RunnableSnippet.all(in: try GuideSet.load(directory: guides, root: root))
        } catch {
            throw BenchError("the edited guides do not load: \(error.errors.prefix(3).map(\.description).joined(separator: "; "))")
        }
    }

    /// Puts the guide back as it was.
    func restore() {
        try? original.write(to: file, atomically: false, encoding: .utf8)
    }
}
