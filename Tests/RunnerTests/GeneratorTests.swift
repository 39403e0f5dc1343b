import Foundation
import GuideModel
import Testing
@testable import Runner

/// The package generator, without building.
@Suite("Snippet package generator")
struct GeneratorTests {
    static let guide = #"""
        # G

        ```swift context=c prelude
        let conn = lab.connection
        ```

        ```swift id=one context=c
        import Foundation
        # import NBD
        let a = 1
        # let hidden = 2

        print(a, hidden)
        ```

        ```swift id=two continues=one
        print(a + 1)
        ```

        ```swift id=bad compile-fail="cannot find"
        undefinedThing()
        ```

        ```swift id=alone standalone
        print("standalone")
        ```

        ```swift ignore
        not compiled
        ```
        """#

    func workDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rewind-gen-\(UUID().uuidString.prefix(8))")
    }

    func snippets() throws -> [RunnableSnippet] {
        RunnableSnippet.all(in: try GuideSet.parse(sources: ["Guides/g.md": Self.guide]))
    }

    @Test("one #sourceLocation per contiguous run: prelude, continued, own lines")
    func sourceLocations() throws {
        let s = try snippets()
        let two = try #require(s.first { $0.id == "two" })
        #expect(two.sourceLines.map(\.line) == [4, 8, 9, 10, 11, 12, 13, 17])
        #expect(two.sourceLines.map(\.isOwn) == [false, false, false, false, false, false, false, true])
        let text = SnippetPackageGenerator.wrapped(two.sourceLines)
        let directives = text.split(separator: "\n").filter { $0.hasPrefix("#sourceLocation") }
        #expect(directives == [
            #"#sourceLocation(file: "Guides/g.md", line: 4)"#,
            #"#sourceLocation(file: "Guides/g.md", line: 8)"#,
            #"#sourceLocation(file: "Guides/g.md", line: 17)"#,
            "#sourceLocation()",
        ])
    }

    @Test("imports are hoisted and replaced by empty lines, keeping the numbering")
    func hoisting() throws {
        let one = try #require(try snippets().first { $0.id == "one" })
        let (lines, imports) = SnippetPackageGenerator.hoistImports(one.sourceLines)
        #expect(imports == ["import Foundation", "import NBD"])
        #expect(lines.count == one.sourceLines.count)
        #expect(lines.map(\.line) == one.sourceLines.map(\.line))
        #expect(lines.first { $0.line == 8 }?.text == "")
        #expect(lines.first { $0.line == 9 }?.text == "")
        #expect(lines.first { $0.line == 11 }?.text == "let hidden = 2")
        #expect(SnippetPackageGenerator.importStatement("@testable import Lab // why") == "@testable import Lab")
        #expect(SnippetPackageGenerator.importStatement("import struct Libvirt.Domain") == "import struct Libvirt.Domain")
        #expect(SnippetPackageGenerator.importStatement("let important = 1") == nil)
        #expect(SnippetPackageGenerator.importStatement("print(\"import x\")") == nil)
    }

    @Test("targets: merged, compile-fail, standalone; ignored snippets get none; per-snippet layout")
    func targets() throws {
        let dir = workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let generator = SnippetPackageGenerator(workDirectory: dir, rewindPackage: URL(fileURLWithPath: "/src/rewind"))
        let package = try generator.generate(try snippets())
        #expect(package.targets.map(\.name) == ["RewindSnippets", "CompileFail_bad", "Standalone_alone"])
        #expect(package.targets[0].snippetIDs == ["one", "two"])
        let manifest = try String(contentsOf: dir.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#".package(name: "Rewind", path: "/src/rewind")"#))
        #expect(manifest.contains(#".product(name: "RewindLab", package: "Rewind")"#))
        let guideFile = try String(contentsOf: dir.appendingPathComponent("Sources/RewindSnippets/Guides_g.swift"), encoding: .utf8)
        #expect(guideFile.contains("func __snippet_one(_ lab: Lab) async throws {"))
        #expect(guideFile.contains("import NBD\n"))
        #expect(!guideFile.contains("not compiled"))
        let main = try String(contentsOf: dir.appendingPathComponent("Sources/RewindSnippets/main.swift"), encoding: .utf8)
        #expect(main.contains(#""one": __snippet_one,"#))
        #expect(main.contains("await SnippetMain.run(registry: registry)"))
        let standalone = try String(contentsOf: dir.appendingPathComponent("Sources/Standalone_alone/main.swift"), encoding: .utf8)
        #expect(standalone.contains("#sourceLocation(file: \"Guides/g.md\", line: 25)\nprint(\"standalone\")"))

        let perSnippet = try generator.generate(try snippets(), layout: .perSnippet)
        #expect(perSnippet.targets.map(\.name) == ["Snippet_one", "Snippet_two", "CompileFail_bad", "Standalone_alone"])
        #expect(perSnippet.removed.contains("Sources/RewindSnippets/Guides_g.swift"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Sources/RewindSnippets").path))
    }

    @Test("files are written only when their content changes (mtimes of unchanged guides are kept)")
    func writeIfChanged() throws {
        let dir = workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let generator = SnippetPackageGenerator(workDirectory: dir, rewindPackage: URL(fileURLWithPath: "/src/rewind"))
        let other = "# H\n\n```swift id=h1\nprint(1)\n```\n"
        let first = try generator.generate(RunnableSnippet.all(in: GuideSet.parse(sources: ["Guides/g.md": Self.guide, "Guides/h.md": other])))
        #expect(first.written.contains("Sources/RewindSnippets/Guides_h.swift"))
        let again = try generator.generate(RunnableSnippet.all(in: GuideSet.parse(sources: ["Guides/g.md": Self.guide, "Guides/h.md": other])))
        #expect(again.written.isEmpty)
        let edited = try generator.generate(RunnableSnippet.all(in: GuideSet.parse(sources: [
            "Guides/g.md": Self.guide, "Guides/h.md": other.replacingOccurrences(of: "print(1)", with: "print(2)")])))
        #expect(edited.written == ["Sources/RewindSnippets/Guides_h.swift"])
        #expect(edited.unchanged.contains("Sources/RewindSnippets/Guides_g.swift"))
    }

    @Test("refuses to write into a directory it did not make")
    func refusesForeignDirectory() throws {
        let dir = workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let generator = SnippetPackageGenerator(workDirectory: dir, rewindPackage: URL(fileURLWithPath: "/src/rewind"))
        #expect(throws: SnippetPackageGenerator.GenerationError.self) { try generator.generate(try snippets()) }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("notes.txt").path))
    }

    @Test("identifiers and literals are safe")
    func names() {
        #expect(SnippetPackageGenerator.identifier(from: "Guides/backup-push") == "Guides_backup_push")
        #expect(SnippetPackageGenerator.identifier(from: "9lives") == "_9lives")
        #expect(SnippetPackageGenerator.swiftLiteral("a\"b\\c\n") == #""a\"b\\c\n""#)
        var used: Set<String> = ["x"]
        #expect(SnippetPackageGenerator.uniqueIdentifier("x", avoiding: &used) == "x_2")
    }
}
