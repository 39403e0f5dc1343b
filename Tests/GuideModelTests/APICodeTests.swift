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
