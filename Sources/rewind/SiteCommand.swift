import ArgumentParser
import Foundation
import Site

/// `rewind site`: builds the static HTML site from the guides, with the verdicts of the given results.
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Build the static HTML site: one page per guide, an index, the conformance matrix and measurements.",
        discussion: """
            Pages are rendered from the guide model with the templates, stylesheet and script in <root>/site/. \
            Each snippet shows its verdict on every host of the --results files. Broken internal links or \
            anchors fail the build. Rendered pages are cached in <root>/.rewind/site-cache.
            """)

    @Option(name: .customLong("results"), help: ArgumentHelp("A results file (RunResults JSON); repeat for several hosts or runs.", valueName: "file"))
    var results: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("The output folder (default <root>/_site).", valueName: "dir"))
    var output: String?

    @Option(name: .customLong("root"), help: ArgumentHelp("The package root (default: the current folder).", valueName: "dir"))
    var root: String = "."

    @Option(name: .customLong("guides"), help: ArgumentHelp("The guides folder (default <root>/Guides).", valueName: "dir"))
    var guides: String?

    @Option(name: .customLong("claims"), help: ArgumentHelp("The claims catalog (default <root>/Conformance/claims.json).", valueName: "file"))
    var claims: String?

    @Option(name: .customLong("edit-base"), help: ArgumentHelp("Base URL for \"edit this page\" links (the guide's path is appended); default: a relative link to the Markdown file.", valueName: "url"))
    var editBase: String?

    @Flag(name: .customLong("api"), help: "Also build the API reference of Libvirt and NBD with DocC into <out>/api (slow: it compiles the modules).")
    var api = false

    @Option(name: .customLong("base-path"), help: ArgumentHelp("The site's path on the web server, for DocC's static hosting (default /).", valueName: "path"))
    var basePath: String = "/"

    @Flag(name: .customLong("no-cache"), help: "Render every page, ignoring and not updating the page cache.")
    var noCache = false

    @Option(name: .customLong("broken-links"), help: ArgumentHelp("What a broken internal link or anchor does: error (fail the build) or warn (report it and write the site anyway).", valueName: "error|warn"))
    var brokenLinks: SiteBuilder.BrokenLinkPolicy = .error

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        func url(_ path: String) -> URL {
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : cwd.appendingPathComponent(path)
        }
        var options = SiteBuilder.Options(root: url(root))
        if let output { options.output = url(output) }
        if let guides { options.guides = url(guides) }
        if let claims { options.claims = url(claims) }
        options.results = results.map(url)
        options.editBase = editBase
        if noCache { options.cache = nil }
        options.brokenLinks = brokenLinks

        let apiTargets = ["Libvirt", "NBD"]
        if api {
            let clock = ContinuousClock()
            let start = clock.now
            do {
                options.apiLinks = try APIReference.build(targets: apiTargets, root: options.root, output: options.output,
                                                          basePath: basePath) { line in print(line) }
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
            let elapsed = clock.now - start
            print("API reference (\(apiTargets.joined(separator: ", "))) built in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        } else {
            options.apiLinks = APIReference.existingLinks(targets: apiTargets, output: options.output)
        }

        do {
            let report = try SiteBuilder(options: options).build()
            for warning in report.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            print("site: \(report.summary)")
            print("site: \(report.output)/index.html")
        } catch {
            for problem in error.errors {
                FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
            }
            FileHandle.standardError.write(Data("site: build failed with \(error.errors.count) error\(error.errors.count == 1 ? "" : "s")\n".utf8))
            throw ExitCode.failure
        }
    }
}

extension SiteBuilder.BrokenLinkPolicy: ExpressibleByArgument {}
