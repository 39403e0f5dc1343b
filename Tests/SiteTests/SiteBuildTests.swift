import Foundation
import Runner
import Testing
@testable import Site

@Suite("Site build")
struct SiteBuildTests {
    @Test("builds one page per guide plus index, conformance and measurements, with assets and search index")
    func pages() throws {
        let sample = try SampleProject.make()
        defer { sample.remove() }
        let report = try SiteBuilder(options: sample.options).build()
        #expect(report.pages == ["index.html", "guides/01-snapshots.html", "guides/02-backup.html", "conformance.html",
                                 "compat.html", "measurements.html"])
        #expect(report.rendered == 6)
        for file in ["assets/style.css", "assets/site.js", "search-index.json", "search-index.js"] {
            #expect(FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("_site/" + file).path), "\(file)")
        }
        let page = try sample.read("guides/01-snapshots.html")
        #expect(page.contains("<h2 id=\"create-a-snapshot\">Create a snapshot<a class=\"permalink\" href=\"#create-a-snapshot\""))
        #expect(page.contains("<a href=\"02-backup.html#pull-mode\">the backup guide</a>"))
        #expect(page.contains("href=\"../../Conformance/claims.json\""), "a link to a repository file is relative to the output folder")
        #expect(page.contains("<link rel=\"next\" href=\"02-backup.html\">"))
        #expect(page.contains("<link rel=\"prev\" href=\"../index.html\">"))
        #expect(page.contains("class=\"edit\" href=\"../../Guides/01-snapshots.md\""))
        #expect(page.contains("<nav class=\"toc\""))
        // A pipe table is a table: alignment from the delimiter row, inline Markdown in cells, `\|` a pipe.
        #expect(page.contains("<table>\n<thead>\n<tr>\n<th align=\"left\">API</th>\n<th align=\"right\">what it keeps</th>"))
        #expect(page.contains("<td align=\"left\"><code>virDomainSnapshotCreateXML</code></td>\n<td align=\"right\">disks | <em>memory</em></td>"))
        #expect(!page.contains("<p>|"))
        print(report.summary)
    }
}

@Suite("Site build: failures, conformance, measurements, cache")
struct SiteBuildDetailTests {
    @Test("a broken internal link or anchor fails the build, naming the page and the link")
    func brokenLinks() throws {
        let guide = """
            # Broken

            See [nowhere](#no-such-heading), [a missing guide](missing.md) and
            [a missing anchor](other.md#no-such-anchor), but [this one works](other.md#real).
            """
        let other = "# Other\n\n## Real\n"
        let sample = try SampleProject.make(guides: ["Guides/broken.md": guide, "Guides/other.md": other])
        defer { sample.remove() }
        let error = #expect(throws: SiteErrors.self) { try SiteBuilder(options: sample.options).build() }
        let messages = error?.errors.map(\.description) ?? []
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains("guides/broken.html (Guides/broken.md): broken link '#no-such-heading' (Guides/broken.md:3: #no-such-heading): no anchor 'no-such-heading' on this page"))
        #expect(messages.contains("guides/broken.html (Guides/broken.md): broken link 'missing.html' (Guides/broken.md:3: missing.md): no page or file guides/missing.html in the site"))
        #expect(messages.contains("guides/broken.html (Guides/broken.md): broken link 'other.html#no-such-anchor' (Guides/broken.md:4: other.md#no-such-anchor): no anchor 'no-such-anchor' in guides/other.html"))
        #expect(!FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("_site/index.html").path),
                "a failed build writes nothing")

        // With --broken-links warn the site is written and the same problems are warnings.
        var options = sample.options
        options.brokenLinks = .warn
        let report = try SiteBuilder(options: options).build()
        #expect(report.warnings.map(\.description).sorted() == messages.sorted())
        #expect(FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("_site/guides/broken.html").path))
    }

    @Test("guide errors, unreadable results and missing templates fail the build with their file")
    func inputErrors() throws {
        let sample = try SampleProject.make(guides: ["Guides/bad.md": "# Bad\n\n```swift id=x neeeds=qemu\nlet a = 1\n```\n"])
        defer { sample.remove() }
        let guideError = #expect(throws: SiteErrors.self) { try SiteBuilder(options: sample.options).build() }
        #expect(guideError?.errors.first?.file == "Guides/bad.md:3", "\(String(describing: guideError))")

        try Data("# Fine\n".utf8).write(to: sample.root.appendingPathComponent("Guides/bad.md"))
        try Data("{\"hosts\": 3}".utf8).write(to: sample.root.appendingPathComponent("results-test.json"))
        let resultsError = #expect(throws: SiteErrors.self) { try SiteBuilder(options: sample.options).build() }
        #expect(resultsError?.errors.first?.file.hasSuffix("results-test.json") == true)
        #expect(resultsError?.errors.first?.message.hasPrefix("not a results file") == true)

        try FileManager.default.removeItem(at: sample.root.appendingPathComponent("site/site.js"))
        var options = sample.options
        options.results = []
        let templateError = #expect(throws: SiteErrors.self) { try SiteBuilder(options: options).build() }
        #expect(templateError?.errors.first?.file.hasSuffix("site/site.js") == true)
    }

    @Test("the conformance page: claims × hosts, links to snippets and to libvirt's sources, coverage, findings")
    func conformance() throws {
        let sample = try SampleProject.make()
        defer { sample.remove() }
        _ = try SiteBuilder(options: sample.options).build()
        let html = try sample.read("conformance.html")
        #expect(html.contains("<tr id=\"claim-snap.create.full-default\" class=\"claim-row\" data-differs=\"false\">"))
        #expect(html.contains("<tr id=\"host-h1\">") && html.contains("<tr id=\"host-h2\">"))
        #expect(html.contains("href=\"https://gitlab.com/libvirt/libvirt/-/blob/v9.0.0/docs/formatsnapshot.rst\""))
        #expect(html.contains("<a href=\"guides/01-snapshots.html#snippet-snapshot-create\"><code>snapshot-create</code></a>"))
        #expect(html.contains("<a class=\"cell-mark v-fail\" href=\"guides/02-backup.html#snippet-backup-pull\""))
        #expect(html.contains("<a class=\"cell-mark v-finding\" href=\"guides/01-snapshots.html#snippet-revert-external\""))
        #expect(html.contains("<strong>5</strong> of <strong>6</strong> claims have a snippet (83 %)"))
        #expect(html.contains("<strong>2</strong> of 6 claims pass on at least one host"))
        #expect(html.contains("Finding:</strong> libvirt 9.0 refuses: &lt;revert to external snapshot not supported yet&gt;"))
        // A snippet's claims link to the matrix.
        let guide = try sample.read("guides/01-snapshots.html")
        #expect(guide.contains("href=\"../conformance.html#claim-snap.create.full-default\""))
        #expect(guide.contains("<span class=\"verdict v-finding\">finding</span>"))
        #expect(guide.contains("needs qemu; connection driver is TEST"))
    }

    @Test("the measurements page has an inline SVG bar chart per measurement name, and no script")
    func measurements() throws {
        let sample = try SampleProject.make()
        defer { sample.remove() }
        _ = try SiteBuilder(options: sample.options).build()
        let html = try sample.read("measurements.html")
        // One unit per kind of quantity: the job duration recorded in s is charted in ms.
        for heading in ["guest pause (ms)", "API latency (ms)", "job duration (ms)"] {
            #expect(html.contains(">\(heading)<a class=\"permalink\""), "\(heading)")
        }
        #expect(!html.contains("(s)<a class=\"permalink\""))
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 3)
        #expect(html.contains("16.2 ms"))
        // Bars are labelled by libvirt version; each chart says which snippet measured it and what it checks.
        #expect(html.contains("snapshot-create · 9.0"))
        #expect(html.contains("Measured by <a href=\"guides/01-snapshots.html#snippet-snapshot-create\"><code>snapshot-create</code></a>, which checks that"))
        // Run times are the lab's, not libvirt's: a table in the appendix, not a chart.
        #expect(html.contains("Appendix: the lab itself"))
        #expect(html.contains("<table class=\"slowest\">"))
        #expect(EscapingTests.scriptTags(html) == 2)
    }

    @Test("--edit-base makes absolute edit links; external images become links; no page loads anything from elsewhere")
    func editBaseAndImages() throws {
        let guide = "# Pics\n\n![diagram](https://example.org/d.png) and ![local](img/l.png)\n"
        let sample = try SampleProject.make(guides: ["Guides/pics.md": guide])
        defer { sample.remove() }
        try FileManager.default.createDirectory(at: sample.root.appendingPathComponent("Guides/img"), withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4e, 0x47]).write(to: sample.root.appendingPathComponent("Guides/img/l.png"))
        var options = sample.options
        options.editBase = "https://gitlab.example/rewind/-/edit/main"
        _ = try SiteBuilder(options: options).build()
        let html = try sample.read("guides/pics.html")
        #expect(html.contains("class=\"edit\" href=\"https://gitlab.example/rewind/-/edit/main/Guides/pics.md\""))
        #expect(html.contains("<a class=\"external image-link\" rel=\"noopener\" href=\"https://example.org/d.png\">diagram</a>"))
        #expect(html.contains("<img src=\"../files/Guides/img/l.png\" alt=\"local\">"))
        #expect(FileManager.default.fileExists(atPath: sample.root.appendingPathComponent("_site/files/Guides/img/l.png").path))
    }

    @Test("a rebuild after one guide changes renders only that page, and is faster; unchanged files are not rewritten")
    func incremental() throws {
        // Twenty guides of realistic size.
        var guides: [String: String] = [:]
        for g in 0..<20 {
            var text = "# Guide \(g)\n\nIntro for guide \(g), see [the next](guide\((g + 1) % 20).md#section-3).\n\n"
            for s in 0..<10 {
                text += "## Section \(s)\n\nSome prose about `virDomainSnapshotCreateXML` and *flags* number \(s).\n\n"
                text += "```swift id=g\(g)-s\(s)\n# let domain = try lab.domain()\nlet snapshot = try domain.createSnapshot(xml: \"<domainsnapshot/>\") // \(s)\nprint(\"\\(snapshot.name)\")\n```\n\n"
            }
            guides["Guides/guide\(g).md"] = text
        }
        let sample = try SampleProject.make(guides: guides)
        defer { sample.remove() }
        var options = sample.options
        options.results = []
        let full = try SiteBuilder(options: options).build()
        #expect(full.rendered == 24 && full.reused == 0)
        print("full build: \(full.summary)")

        let unchanged = try SiteBuilder(options: options).build()
        #expect(unchanged.rendered == 0 && unchanged.reused == 24)
        #expect(unchanged.filesWritten == 0)
        print("no change: \(unchanged.summary)")

        let changed = sample.root.appendingPathComponent("Guides/guide7.md")
        try Data((guides["Guides/guide7.md"]! + "\nOne more paragraph.\n").utf8).write(to: changed)
        let one = try SiteBuilder(options: options).build()
        print("one guide changed: \(one.summary)")
        // Only the changed guide: the index, conformance, compat and measurements pages take nothing from its prose.
        #expect(one.rendered == 1 && one.reused == 23)
        #expect(one.timings.render < full.timings.render)
        #expect(one.filesWritten == 3, "the page and the two search index files")
        #expect(try sample.read("guides/guide7.html").contains("One more paragraph."))

        // A new snippet with a claim changes what the conformance page shows: it is rendered again too.
        try Data((guides["Guides/guide7.md"]! + "\n```swift id=g7-new claims=snap.create.full-default\nlet x = 1\n```\n").utf8).write(to: changed)
        let claim = try SiteBuilder(options: options).build()
        #expect(claim.rendered == 5, "the guide, index, conformance, compat and measurements")
        #expect(try sample.read("conformance.html").contains("#snippet-g7-new"))
    }
}

@Suite("Claims catalog")
struct ClaimsCatalogTests {
    @Test("the repository's catalog loads; sources without a document have no link")
    func repositoryCatalog() throws {
        let catalog = try ClaimCatalog.load(contentsOf: SampleProject.repository.appendingPathComponent("Conformance/claims.json"))
        #expect(catalog.claims.count >= 90)
        #expect(Set(catalog.claims.map(\.id)).count == catalog.claims.count, "claim ids are unique")
        let withDoc = try #require(catalog.claims.flatMap(\.source).first { $0.doc != nil })
        #expect(catalog.sourceURL(withDoc)?.hasPrefix("https://gitlab.com/libvirt/libvirt/-/blob/v9.0.0/") == true)
        let withoutDoc = try #require(catalog.claims.flatMap(\.source).first { $0.doc == nil })
        #expect(catalog.sourceURL(withoutDoc) == nil)
    }
}

/// The project's own guides, as `rewind site` builds them for publishing: every link between guides and
/// to a heading resolves (a renamed heading breaks the links to its old anchor), with no browser needed.
@Suite("Site build: the repository's guides")
struct RepositorySiteTests {
    @Test("the repository's guides build with no broken link", .enabled(if: BrowserTests.repositoryHasGuides))
    func noBrokenLinks() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-site-links-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: output) }
        var options = SiteBuilder.Options(root: SampleProject.repository)
        options.output = output
        options.cache = nil
        options.brokenLinks = .error
        do {
            let report = try SiteBuilder(options: options).build()
            #expect(report.pages.contains("guides/overview.html"))
        } catch {
            Issue.record("rewind site fails on the repository's guides:\n\(error)")
        }
    }
}

@Suite("Site build: tables")
struct SiteTableTests {
    @Test("a paragraph of pipes that is no table fails the build at its line")
    func brokenTableFails() throws {
        let sample = try SampleProject.make()
        defer { sample.remove() }
        let guide = sample.root.appendingPathComponent("Guides/01-snapshots.md")
        var text = try String(contentsOf: guide, encoding: .utf8)
        text += "\n\nSome text.\n\n| a | b |\n| just | text |\n"
        try text.write(to: guide, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "| a | b |" }! + 1
        #expect {
            try SiteBuilder(options: sample.options).build()
        } throws: { error in
            "\(error)".contains("Guides/01-snapshots.md:\(line): a paragraph starts with '|'")
        }
    }
}

@Suite("Site build: edit links")
struct SiteEditLinkTests {
    @Test("--edit-base must be an absolute web address; without it the link says it is the Markdown source")
    func editBase() throws {
        let sample = try SampleProject.make()
        defer { sample.remove() }
        var options = sample.options
        options.editBase = "../Guides"
        let error = #expect(throws: SiteErrors.self) { try SiteBuilder(options: options).build() }
        #expect(error?.errors.first?.file == "--edit-base")
        options.editBase = nil
        _ = try SiteBuilder(options: options).build()
        #expect(try sample.read("guides/01-snapshots.html").contains(">Markdown source <span class=\"muted\">(Guides/01-snapshots.md)"))
        options.editBase = "https://example.org/rewind/-/edit/main/"
        _ = try SiteBuilder(options: options).build()
        #expect(try sample.read("guides/01-snapshots.html").contains("href=\"https://example.org/rewind/-/edit/main/Guides/01-snapshots.md\">Edit this page"))
    }
}
