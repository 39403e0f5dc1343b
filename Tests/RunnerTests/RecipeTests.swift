import Foundation
import GuideModel
import Testing
@testable import Runner

/// Recipes: whole programs in the guides, built against the public libraries alone and exported as packages.
@Suite("Recipes")
struct RecipeTests {
    static let guide = #"""
        # Recipes

        ```swift recipe=full-backup
        // full-backup: a full backup.
        //   full-backup --connect URI --domain NAME
        import Foundation
        import Libvirt
        print(CommandLine.arguments)
        ```

        ```swift id=run-it needs=qemu
        let run = try await lab.runRecipe("full-backup", ["--connect", lab.uri])
        try lab.expectEqual(run.status, 0)
        ```
        """#

    static func set() throws -> GuideSet { try GuideSet.parse(sources: ["Guides/r.md": guide]) }

    @Test("a recipe fence: named by its recipe, compiled, not run on its own; only id, since and until beside it")
    func fence() throws {
        let recipe = try #require(try Self.set().snippet(id: "recipe-full-backup"))
        #expect(recipe.attributes.recipe == "full-backup")
        #expect(recipe.mode == .compileOnly)
        #expect(SnippetAttributes.recipeExecutableName("full-backup") == "Recipe_full_backup")
        let (_, errors) = Guide.parse(source: "# T\n\n```swift recipe=x needs=qemu context=c\nprint(1)\n```\n", path: "Guides/t.md")
        #expect(errors.map(\.description).contains { $0.contains("fence attribute 'needs' is not allowed on a recipe") })
        #expect(errors.map(\.description).contains { $0.contains("fence attribute 'context' is not allowed on a recipe") })
        #expect(Guide.parse(source: "# T\n\n```swift recipe=Bad_Name\nprint(1)\n```\n", path: "Guides/t.md").errors
            .contains { $0.description.contains("bad recipe name") })
    }

    @Test("the generated package builds a recipe against Libvirt and NBD only, its own lines, no lab import")
    func generated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-recipe-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let package = try SnippetPackageGenerator(workDirectory: dir, rewindPackage: URL(fileURLWithPath: "/src/rewind"))
            .generate(RunnableSnippet.all(in: try Self.set()))
        let target = try #require(package.targets.first { $0.kind == .recipe })
        #expect(target.name == "Recipe_full_backup")
        let manifest = try String(contentsOf: dir.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#".executableTarget(name: "Recipe_full_backup", dependencies: library,"#))
        let library = try #require(manifest.components(separatedBy: "let library: [Target.Dependency] = [").dropFirst().first?
            .components(separatedBy: "]").first)
        #expect(!library.contains("RewindLab"), "a recipe cannot reach the lab: \(library)")
        let main = try String(contentsOf: dir.appendingPathComponent("Sources/Recipe_full_backup/main.swift"), encoding: .utf8)
        #expect(!main.contains("import Lab"))
        #expect(main.contains("import Libvirt\nprint(CommandLine.arguments)\n"))
        #expect(main.contains(#"#sourceLocation(file: "Guides/r.md", line: 4)"#))
    }

    @Test("export writes the recipe exactly, a manifest on Rewind's libraries and a README; never over a foreign package")
    func export() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-export-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = try Self.set()
        let files = try RecipeExport.export(name: "full-backup", from: set, to: dir, rewind: URL(fileURLWithPath: "/src/rewind"))
        #expect(files.map(\.lastPathComponent) == ["Package.swift", "main.swift", "README.md"])
        let main = try String(contentsOf: dir.appendingPathComponent("Sources/full-backup/main.swift"), encoding: .utf8)
        let recipe = try #require(set.snippet(id: "recipe-full-backup"))
        #expect(main == recipe.lines.map(\.text).joined(separator: "\n") + "\n")
        let manifest = try String(contentsOf: dir.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#".package(name: "Rewind", path: "/src/rewind")"#))
        #expect(manifest.contains(#".product(name: "Libvirt", package: "Rewind")"#) && !manifest.contains("RewindLab"))
        #expect(try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
            .contains("swift run full-backup --connect URI --domain NAME"))
        // Exporting again replaces its own files; a package it did not write is left alone.
        try RecipeExport.export(name: "full-backup", from: set, to: dir, rewind: URL(fileURLWithPath: "/src/rewind"))
        try Data("// someone's package\n".utf8).write(to: dir.appendingPathComponent("Package.swift"))
        #expect(throws: RecipeExport.ExportError.self) {
            try RecipeExport.export(name: "full-backup", from: set, to: dir, rewind: URL(fileURLWithPath: "/src/rewind"))
        }
        #expect(throws: RecipeExport.ExportError.self) {
            try RecipeExport.export(name: "nope", from: set, to: dir, rewind: URL(fileURLWithPath: "/src/rewind"))
        }
    }

    @Test("the repository's recipes: each is run by a snippet of the guides")
    func everyRecipeIsRun() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
        let recipes = RecipeExport.recipes(in: set)
        #expect(!recipes.isEmpty)
        for recipe in recipes {
            let runners = set.snippets.filter { s in s.lines.contains { $0.text.contains("lab.runRecipe(\"\(recipe.name)\"") } }
            #expect(!runners.isEmpty, "no snippet runs recipe \(recipe.name)")
        }
    }
}
