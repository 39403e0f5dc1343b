import Foundation
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
                                 "measurements.html"])
        #expect(report.rendered == 5)
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
        print(report.summary)
    }
}
