import Foundation
import Testing
@testable import GuideModel

@Suite("API code (the site's \"Copy API code\")")
struct APICodeTests {
    /// The package root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("a for/if/do block whose body is only checks goes with its body, header and brace")
    func foldsBlocks() {
        let lines = [
            "let names = try dom.checkpointNames()",
            "for name in names {",
            "    // Each checkpoint has its bitmap.",
            "    try lab.expect(bitmaps.contains(name), \"\\(name) has a bitmap\")",
            "}",
            "if names.isEmpty {",
            "    lab.note(\"no checkpoints\")",
            "} else {",
            "    try dom.deleteCheckpoint(names[0])",
            "}",
        ]
        #expect(Snippet.verificationLines(lines) == [false, true, true, true, true, false, true, false, false, false])
    }

    @Test("a catch clause whose body is only checks is dropped, so the API code never swallows the error")
    func dropsCheckOnlyCatch() {
        let lines = [
            "do {",
            "    try dom.revert(to: snapshot)",
            "    lab.fail(\"the revert should be refused\")",
            "} catch let error as LibvirtError {",
            "    try lab.expectEqual(error.code, .operationInvalid, \"refused\")",
            "}",
            "try dom.resume()",
        ]
        let flags = Snippet.verificationLines(lines)
        #expect(flags == [false, false, true, true, true, false, false])
        let api = zip(lines, flags).filter { !$0.1 }.map(\.0)
        #expect(api == ["do {", "    try dom.revert(to: snapshot)", "}", "try dom.resume()"])
    }

    @Test("a catch clause with API code in its body stays")
    func keepsCatchWithCode() {
        let lines = [
            "do {",
            "    try dom.abortJob()",
            "} catch {",
            "    try dom.destroy()",
            "    lab.note(\"aborted\")",
            "}",
        ]
        #expect(Snippet.verificationLines(lines) == [false, false, false, false, true, false])
    }

    @Test("no snippet of the guides copies as an empty block, an empty catch or a comment left without its check")
    func guidesCopyCleanly() throws {
        let set = try GuideSet.load(directory: Self.root.appendingPathComponent("Guides"), root: Self.root)
        var problems: [String] = []
        for snippet in set.snippets {
            for hidden in [false, true] {
                let lines = snippet.apiCode(includingHidden: hidden).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                for (index, line) in lines.enumerated() where line.hasSuffix("{") {
                    if index + 1 < lines.count, lines[index + 1].hasPrefix("}") {
                        problems.append("\(snippet.guide) \(snippet.id): empty block after '\(line)'")
                    }
                }
                for (index, line) in lines.enumerated() where line.hasPrefix("//") {
                    if index + 1 == lines.count || lines[index + 1].hasPrefix("}") {
                        problems.append("\(snippet.guide) \(snippet.id): comment '\(line)' describes nothing that is copied")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(Array(Set(problems)).sorted().joined(separator: "\n"))")
    }
}

@Suite("API code: how much of it is the lab")
struct APICodeLabShareTests {
    @Test("at most 10 % of the lines Copy API code copies, over all guides, reference the lab")
    func labShare() throws {
        let set = try GuideSet.load(directory: APICodeTests.root.appendingPathComponent("Guides"), root: APICodeTests.root)
        var total = 0
        var lab = 0
        var worst: [(String, Int)] = []
        for snippet in set.snippets where snippet.attributes.recipe == nil {
            let flags = zip(snippet.verificationLines, snippet.fixtureLines).map { $0 || $1 }
            guard flags.contains(true), flags.contains(false) else { continue }   // no Copy API code button
            let lines = snippet.apiCode().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("//") }
            let labLines = lines.filter { $0.contains("lab.") || $0.contains("lab)") }.count
            total += lines.count
            lab += labLines
            if labLines > 0 { worst.append((snippet.id, labLines)) }
            if let id = ProcessInfo.processInfo.environment["REWIND_SHOW_API"], id.split(separator: ",").contains(Substring(snippet.id)) {
                print("=== \(snippet.id)\n\(snippet.apiCode())")
            }
            if ProcessInfo.processInfo.environment["REWIND_LAB_LINES"] != nil {
                for l in lines where l.contains("lab.") || l.contains("lab)") { print("LAB \(snippet.id): \(l)") }
            }
        }
        let share = Double(lab) / Double(max(total, 1))
        print("Copy API code: \(lab) of \(total) lines reference the lab (\(String(format: "%.1f", share * 100)) %)")
        #expect(share <= 0.10, "\(lab) of \(total) copied lines reference the lab; most: \(worst.sorted { $0.1 > $1.1 }.prefix(15))")
    }
}

@Suite("API code: the lab's set-up folded")
struct FixtureLineTests {
    @Test("statements that call the lab are set-up; the copy names what they provide and respells stand-ins")
    func foldsSetUp() throws {
        let text = markdown(
            "# T",
            "```swift id=s",
            "let dom = try lab.makeDomain(disks: 2)",
            "let events = try lab.events(dom, [.blockJob2])",
            "for disk in [\"vda\", \"vdb\"] {",
            "    try lab.write(dom, disk: disk, pattern: 1, offset: 0, length: 4096)",
            "}",
            "try dom.blockCopy(disk: \"vda\", destinationXML: DomainDefinition.Disk(target: \"vda\", source: try lab.path(\"copy-\\(1).qcow2\")).xml())",
            "_ = try await lab.blockJobEvent(events, disk: \"vda\", .ready)",
            "let other = try lab.connection.lookupDomain(name: dom.name)",
            "try lab.expect(try other.isActive())",
            "```")
        let guide = try #require(validGuide(text))
        let snippet = try #require(guide.snippet(id: "s"))
        #expect(snippet.fixtureLines == [true, true, true, true, true, false, true, false, false])
        #expect(snippet.verificationLines == [false, false, false, false, false, false, false, false, true])
        #expect(snippet.fixtureInputs == ["dom"])
        #expect(snippet.apiCode() == """
            // Set up first (the page folds it): dom, connection, imageDirectory
            try dom.blockCopy(disk: "vda", destinationXML: DomainDefinition.Disk(target: "vda", source: "\\(imageDirectory)/copy-\\(1).qcow2").xml())
            let other = try connection.lookupDomain(name: dom.name)
            """)
    }

    @Test("a recipe folds nothing")
    func recipesFoldNothing() throws {
        let guide = try #require(validGuide(markdown("# T", "```swift recipe=r", "import Libvirt", "let lab = 1", "```")))
        #expect(guide.snippets.first?.fixtureLines == [false, false])
    }
}
