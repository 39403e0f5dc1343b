import Foundation
import Support

/// Section 4: building the site with `rewind site` against the floor, plain `cmark` rendering the same
/// Markdown files to HTML (one process per file), rounds alternating.
///
/// `rewind site` is run as a subprocess of the same `rewind` executable, so this row works whether or
/// not the Site library has landed: when the executable has no `site` command the row says so.
struct SiteBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    func run() async -> [BenchRow] {
        do {
            return try await measure()
        } catch {
            return [.notAvailable(.site, "site build", reason: "\(error)")]
        }
    }

    private func measure() async throws -> [BenchRow] {
        let rewind = options.rewindExecutable
        guard try Self.hasSiteCommand(rewind) else {
            return [.notAvailable(.site, "site build", reason: "site not built (`\(rewind) site` is not a command of this build)")]
        }
        guard let cmark = Executable.find("cmark") else {
            return [.notAvailable(.site, "site build", reason: "`cmark` is not installed (Debian package cmark)")]
        }
        let (root, guides) = try context.guidesCopy()
        // The site reads its templates and the claims catalog from the package root (that of the `rewind`
        // executable, which is this package unless --site-rewind names another build): link them next to
        // the copied guides, so that every guide path is relative to one root as in the real tree.
        let templates = Self.packageRoot(ofExecutable: rewind) ?? options.root
        for name in ["site", "Conformance"] {
            let source = templates.appendingPathComponent(name)
            let link = root.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: source.path), !FileManager.default.fileExists(atPath: link.path) {
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: source)
            }
        }
        let files = Self.markdownFiles(in: guides)
        guard !files.isEmpty else { throw BenchError("no Markdown file in \(guides.path)") }
        let bytes = files.compactMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? NSNumber }
            .map(\.intValue).reduce(0, +)
        let siteOut = try context.folder("site")
        let cmarkOut = try context.folder("cmark")
        let siteArguments = ["site", "--root", root.path, "--out", siteOut.path]

        var site = Samples(), cached = Samples(), floor = Samples()
        var siteCPU = Samples(), floorCPU = Samples()
        var phases = ""
        // One untimed build first: the binary and the guides are then in the page cache for both.
        let warm = try Subprocess.run(rewind, siteArguments + ["--no-cache"], captureOutput: true)
        guard warm.status == 0 else { throw BenchError("`rewind site` failed (status \(warm.status)): \(warm.output.suffix(400))") }
        for round in 1...options.rounds {
            context.progress("site: round \(round)/\(options.rounds)")
            let order = round % 2 == 1 ? [0, 1, 2] : [2, 1, 0]
            for which in order {
                switch which {
                case 0:
                    let r = try await onThread { try Subprocess.run(rewind, siteArguments + ["--no-cache"], captureOutput: true) }
                    guard r.status == 0 else { throw BenchError("`rewind site --no-cache` failed: \(r.output.suffix(400))") }
                    site.append(r.seconds)
                    siteCPU.append(r.cpuSeconds)
                    // The site's own account of its phases, e.g. `… in 404 ms [load 33 ms, render 218 ms, …]`.
                    if let line = r.output.split(separator: "\n").last(where: { $0.contains("[load") }),
                       let open = line.firstIndex(of: "[") {
                        phases = String(line[open...])
                    }
                case 1:
                    let r = try await onThread { try Subprocess.run(rewind, siteArguments, captureOutput: true) }
                    guard r.status == 0 else { throw BenchError("`rewind site` failed: \(r.output.suffix(400))") }
                    cached.append(r.seconds)
                default:
                    let (t, cpu) = try await onThread { () throws -> (Double, Double) in
                        let start = ContinuousClock.now
                        var cpu = 0.0
                        for file in files {
                            let out = cmarkOut.appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".html").path
                            let r = try Subprocess.run(cmark, [file.path], outputFile: out)
                            guard r.status == 0 else { throw BenchError("cmark \(file.path) failed (status \(r.status))") }
                            cpu += r.cpuSeconds
                        }
                        return (seconds(since: start), cpu)
                    }
                    floor.append(t)
                    floorCPU.append(cpu)
                }
            }
        }
        // The fixed cost of starting the `rewind` executable at all (dynamic libraries, Swift runtime).
        var startup = Samples()
        for _ in 1...options.rounds { startup.append(try Subprocess.run(rewind, ["--help"]).seconds) }
        let pages = (try? FileManager.default.subpathsOfDirectory(atPath: siteOut.path))?.filter { $0.hasSuffix(".html") }.count ?? 0
        let ratio = site.median / floor.median
        return [
            BenchRow(section: .site, metric: "build from scratch (`--no-cache`), \(files.count) guides (\(bytes >> 10) KiB)",
                     rewind: Unit.seconds.format(site), peer: Unit.seconds.format(floor),
                     ratio: formatRatio(ratio), target: "≤ 3×", verdict: ratio <= 3 ? .met : .missed,
                     notes: "`rewind site --no-cache` (one process: \(pages) HTML pages, highlighting, search index, link check; "
                         + "its phases in the last round \(phases)) vs `cmark FILE > FILE.html` once per guide (the floor: Markdown → HTML only). "
                         + "CPU time: \(Unit.seconds.format(siteCPU.median)) vs \(Unit.seconds.format(floorCPU.median)) "
                         + "(\(formatRatio(siteCPU.median / floorCPU.median))); starting `rewind` alone (`--help`) takes \(Unit.seconds.format(startup.median))."),
            BenchRow(section: .site, metric: "rebuild with the page cache, nothing changed",
                     rewind: Unit.seconds.format(cached), peer: Unit.seconds.format(floor),
                     ratio: formatRatio(cached.median / floor.median), target: "≤ 3×",
                     verdict: cached.median / floor.median <= 3 ? .met : .missed,
                     notes: "`rewind site` (default: unchanged pages are not rendered again)."),
        ]
    }

    /// Whether `rewind --help` lists a `site` subcommand: a line of the SUBCOMMANDS list indented by two
    /// spaces (wrapped descriptions are indented further).
    static func hasSiteCommand(_ rewind: String) throws -> Bool {
        let help = try Subprocess.run(rewind, ["--help"], captureOutput: true)
        guard let list = help.output.range(of: "SUBCOMMANDS:") else { return false }
        return help.output[list.upperBound...].split(separator: "\n").contains { line in
            line.hasPrefix("  site") && (line.dropFirst(6).first.map { $0 == " " } ?? true)
        }
    }

    /// The package an executable was built in: the nearest folder above it (symbolic links resolved)
    /// that holds a `Package.swift`, e.g. `/src/rewind` for `/src/rewind/.build/release/rewind`.
    static func packageRoot(ofExecutable path: String) -> URL? {
        var folder = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// The `.md` files under `folder`, sorted, hidden ones skipped.
    static func markdownFiles(in folder: URL) -> [URL] {
        let paths = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
        return paths.filter { $0.hasSuffix(".md") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .sorted().map { folder.appendingPathComponent($0) }
    }
}
