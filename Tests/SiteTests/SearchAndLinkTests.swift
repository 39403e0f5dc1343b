import Foundation
import Support
import Testing
@testable import Site

@Suite("Search index and link checker")
struct SearchAndLinkTests {
    @Test("tokens are lowercased words, identifiers split at case changes and underscores, stop words left out")
    func tokenize() {
        #expect(SearchIndex.tokenize("The virDomainBackupBegin call") == ["virdomainbackupbegin", "vir", "domain", "backup", "begin", "call"])
        #expect(SearchIndex.tokenize("VIR_ERR_NO_DOMAIN x") == ["vir_err_no_domain", "vir", "err", "no", "domain"].filter { $0 != "no" })
    }

    @Test("the index finds sections by every word, the last one as a prefix, and its JSON is script-safe")
    func index() {
        var index = SearchIndex()
        index.add(title: "Backups", path: "guides/backup.html", sections: [
            SearchSection(anchor: "", title: "Backups", text: "intro"),
            SearchSection(anchor: "pull-mode", title: "Pull mode", text: "virDomainBackupBegin exports over NBD </script>"),
        ])
        index.add(title: "Snapshots", path: "guides/snap.html", sections: [
            SearchSection(anchor: "revert", title: "Revert", text: "revert to a snapshot, backup nothing"),
        ])
        #expect(index.search("backup begin").map(\.anchor) == ["pull-mode"])
        #expect(index.search("nbd").map(\.page) == ["guides/backup.html"])
        #expect(index.search("snaps").map(\.page) == ["guides/snap.html"])
        #expect(Set(index.search("backup").map(\.page)) == ["guides/backup.html", "guides/snap.html"])
        #expect(index.search("nothingmatches").isEmpty)
        let json = index.json()
        #expect(!json.contains("</script"))
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((decoded?["pages"] as? [[String]])?.first == ["Backups", "guides/backup.html"])
    }

    @Test("broken anchors, missing pages, duplicate ids and external resources are reported with page and link")
    func linkChecker() {
        let pages = [
            LinkChecker.Page(path: "index.html", html: """
                <a href="guides/a.html#there">ok</a> <a href="guides/a.html#nowhere">bad anchor</a>
                <a href="guides/missing.html">missing</a> <a href="#top">self</a> <h1 id="top">T</h1>
                <a href="https://example.org/x">outbound is fine</a> <img src="https://example.org/i.png">
                <link rel="stylesheet" href="assets/style.css"><script src="//cdn.example/x.js"></script>
                <script>var s = '<a href="#not-a-link">';</script><!-- <a href="#commented"> -->
                """, source: nil),
            LinkChecker.Page(path: "guides/a.html", html: """
                <h2 id="there">x</h2><h2 id="there">dup</h2><a href="../index.html#top">up</a><a href="../">root</a>
                <a href="b%20c.html">encoded</a>
                """, source: "Guides/a.md"),
            LinkChecker.Page(path: "guides/b c.html", html: "", source: "Guides/b c.md"),
        ]
        let errors = LinkChecker(pages: pages, files: ["assets/style.css"], output: "/nonexistent").check().map(\.description)
        #expect(errors.count == 5, "\(errors)")
        #expect(errors.contains("guides/a.html (Guides/a.md): duplicate id 'there'"))
        #expect(errors.contains("index.html: broken link 'guides/a.html#nowhere': no anchor 'nowhere' in guides/a.html"))
        #expect(errors.contains("index.html: broken link 'guides/missing.html': no page or file guides/missing.html in the site"))
        #expect(errors.contains("index.html: loads 'https://example.org/i.png' from elsewhere (the site must make no external request)"))
        #expect(errors.contains("index.html: loads '//cdn.example/x.js' from elsewhere (the site must make no external request)"))
    }

    @Test("templates fill placeholders and reject unknown ones")
    func template() throws {
        let template = Template(text: "<title>{{title}}</title>{{ not }}{{body}}", name: "t.html")
        #expect(template.placeholders == ["title", "body"])
        #expect(try template.render(["title": "T", "body": "B"]) == "<title>T</title>{{ not }}B")
        #expect(throws: SiteError.self) { try template.render(["title": "T"]) }
    }

    @Test("bar charts: one bar per value, labels escaped, round ticks, no script")
    func barChart() {
        let chart = BarChart(title: "pause <ms>", unit: "ms", bars: [
            .init(label: "a <b>", value: 16.2, href: "guides/a.html#snippet-a", series: 0),
            .init(label: "b", value: 3, series: 1),
        ])
        let svg = chart.svg(id: "pause")
        #expect(svg.components(separatedBy: "<rect").count - 1 == 2)
        #expect(svg.contains("a &lt;b&gt;"))
        #expect(svg.contains("16.2 ms"))
        #expect(svg.contains("<a href=\"guides/a.html#snippet-a\">"))
        #expect(!svg.contains("<script"))
        #expect(BarChart.ticks(low: 0, high: 16.2) == [0, 5, 10, 15, 20])
        let small = BarChart.ticks(low: 0, high: 0.31)
        #expect(small.count == 5 && abs(small[4] - 0.4) < 1e-9, "\(small)")
    }

    @Test("SHA-256 matches known digests")
    func sha256() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        var split = SHA256()
        split.update(Array("ab".utf8))
        split.update(Array(String(repeating: "c", count: 130).utf8))
        #expect(split.finalizeHex() == SHA256.hex("ab" + String(repeating: "c", count: 130)))
    }
}

@Suite("Paths")
struct PathsTests {
    @Test("relative hrefs between site paths keep a folder's trailing slash")
    func relative() {
        #expect(Paths.relative(from: "guides/a.html", to: "guides/b.html") == "b.html")
        #expect(Paths.relative(from: "guides/a.html", to: "conformance.html") == "../conformance.html")
        #expect(Paths.relative(from: "index.html", to: "guides/x/y.html") == "guides/x/y.html")
        #expect(Paths.relative(from: "guides/a.html", to: "api/Libvirt/documentation/libvirt/") == "../api/Libvirt/documentation/libvirt/")
        #expect(Paths.rootPrefix(of: "guides/x/y.html") == "../../")
        #expect(Paths.relativeFileSystemPath(fromDirectory: "/r/_site/guides", to: "/r/Guides/a.md") == "../../Guides/a.md")
    }
}
