import Foundation
import Testing
@testable import Site

/// The site in real headless Chromium (`site/browser-test.py`, a CDP client written with Python's standard
/// library). Runs only with `REWIND_BROWSER=1` (the CI script sets it); needs `chromium` and `python3`.
@Suite("Browser", .serialized, .enabled(if: ProcessInfo.processInfo.environment["REWIND_BROWSER"] == "1"))
struct BrowserTests {
    /// Screenshots go to the repository's git-ignored `.rewind/screenshots/`.
    static let screenshots = SampleProject.repository.appendingPathComponent(".rewind/screenshots")

    static func runBrowserTest(site: URL, screenshots: URL, search: String, expect: String,
                               requireHidden: Bool, requireAPICopy: Bool = false,
                               extra: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", SampleProject.repository.appendingPathComponent("site/browser-test.py").path,
                             "--site", site.path, "--screenshots", screenshots.path, "--search", search, "--expect", expect] + (requireHidden ? ["--require-hidden"] : [])
                             + (requireAPICopy ? ["--require-api-copy"] : []) + extra
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("every page loads in headless Chromium without errors, light and dark; search, hidden lines, copy, keys, no-JS")
    func sampleSite() throws {
        let sample = try SampleProject.make()
        defer { sample.remove() }
        let report = try SiteBuilder(options: sample.options).build()
        print("site: \(report.summary)")
        let shots = Self.screenshots.appendingPathComponent("sample")
        try? FileManager.default.removeItem(at: shots)
        let (status, output) = try Self.runBrowserTest(site: URL(fileURLWithPath: report.output), screenshots: shots,
                                                       search: "extents", expect: "guides/02-backup.html",
                                                       requireHidden: true)
        print(output)
        #expect(status == 0, "browser test failed:\n\(output)")
        #expect(output.contains("the search finds 'extents'"))
        let files = (try? FileManager.default.contentsOfDirectory(atPath: shots.path)) ?? []
        for page in report.pages {
            let name = String(page.replacingOccurrences(of: "/", with: "_").dropLast(5))
            #expect(files.contains(name + "-light.png"), "no light screenshot of \(page)")
            #expect(files.contains(name + "-dark.png"), "no dark screenshot of \(page)")
        }
    }

    /// Whether the repository has guides yet (`Guides/*.md`).
    static var repositoryHasGuides: Bool {
        let guides = SampleProject.repository.appendingPathComponent("Guides")
        return ((try? FileManager.default.contentsOfDirectory(atPath: guides.path)) ?? []).contains { $0.hasSuffix(".md") }
    }

    @Test("the repository's own guides pass the same browser test", .enabled(if: repositoryHasGuides))
    func repositoryGuides() throws {
        let root = SampleProject.repository
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-site-guides-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var options = SiteBuilder.Options(root: root)
        options.output = output
        options.cache = nil
        // The guides may link to guides not written yet: `rewind site` fails on that (SiteBuildTests check
        // it); here the pages themselves are under test, so broken links are only printed.
        options.brokenLinks = .warn
        let report = try SiteBuilder(options: options).build()
        for warning in report.warnings { print("warning: \(warning)") }
        // A term every guide set has: the title of its first guide.
        let first = report.pages.first { $0.hasPrefix("guides/") }!
        let title = try String(contentsOf: output.appendingPathComponent(first), encoding: .utf8)
            .components(separatedBy: "<h1").dropFirst().first?.components(separatedBy: ">").dropFirst().first?
            .components(separatedBy: "<").first ?? ""
        let term = SearchIndex.tokenize(title).max { $0.count < $1.count } ?? "guide"
        let shots = Self.screenshots.appendingPathComponent("guides")
        try? FileManager.default.removeItem(at: shots)
        // Where the repository's guides have them: the overview's comparison table and the Block copy guide
        // first in a search for its API.
        var extra: [String] = []
        if report.pages.contains("guides/overview.html") { extra += ["--table-cell", "guides/overview.html=virDomainBlockCopy"] }
        if report.pages.contains("guides/block-copy.html") { extra += ["--rank", "virDomainBlockCopy=guides/block-copy.html"] }
        let (status, text) = try Self.runBrowserTest(site: output, screenshots: shots, search: term, expect: first,
                                                 requireHidden: false, requireAPICopy: true, extra: extra)
        print(text)
        #expect(status == 0, "browser test failed:\n\(text)")
    }
}

extension BrowserTests {
    @Test("a site full of <script> in guide text and libvirt error messages runs none of it in the browser")
    func hostileSite() throws {
        let (sample, options) = try SampleProject.makeHostile()
        defer { sample.remove() }
        let report = try SiteBuilder(options: options).build()
        let shots = Self.screenshots.appendingPathComponent("hostile")
        try? FileManager.default.removeItem(at: shots)
        let (status, output) = try Self.runBrowserTest(site: URL(fileURLWithPath: report.output), screenshots: shots,
                                                       search: "evil", expect: "guides/evil.html", requireHidden: true)
        print(output)
        #expect(status == 0, "browser test failed:\n\(output)")
        #expect(!output.contains("dialog"), "a script from the guide or the results ran")
    }
}
