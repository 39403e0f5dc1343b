import Foundation
import GuideModel

/// The guides' recipes (```` ```swift recipe=NAME ```` blocks) as programs a reader takes away: each one
/// written out as a Swift package of its own, `Package.swift` depending on Rewind's `Libvirt` and `NBD`
/// library products and `Sources/NAME/main.swift` holding the recipe exactly as the guide shows it (the
/// site's Copy button copies the same text).
///
/// ```swift
/// let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
/// for recipe in RecipeExport.recipes(in: set) { print(recipe.name, recipe.snippet.location) }
/// try RecipeExport.export(name: "full-backup", from: set, to: URL(fileURLWithPath: "/tmp/full-backup"), rewind: root)
/// ```
public enum RecipeExport {
    /// One recipe of the guides.
    public struct Recipe: Sendable {
        /// Its name (`recipe=NAME`).
        public var name: String
        /// Its block.
        public var snippet: Snippet
        /// The first line of its leading comment, if it has one (what it does).
        public var summary: String? {
            snippet.lines.first.map(\.text).flatMap { $0.hasPrefix("//") ? String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) : nil }
        }
    }

    /// Why a recipe could not be exported.
    public struct ExportError: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The recipes of `set`, in guide order.
    public static func recipes(in set: GuideSet) -> [Recipe] {
        set.snippets.compactMap { s in s.attributes.recipe.map { Recipe(name: $0, snippet: s) } }
    }

    /// The program a recipe is: its lines, exactly, with a final newline.
    public static func mainSwift(_ recipe: Recipe) -> String {
        recipe.snippet.lines.map(\.text).joined(separator: "\n") + "\n"
    }

    /// The manifest of an exported recipe, depending on the Rewind package at `rewind` by path.
    public static func manifest(_ recipe: Recipe, rewind: URL) -> String {
        let name = recipe.name
        return """
            // swift-tools-version: 6.1
            // Written by `rewind recipe export \(name)` from \(recipe.snippet.location). The recipe depends on
            // Rewind's Libvirt and NBD libraries by path: on another machine, point `path:` at your copy of Rewind.
            import PackageDescription

            let package = Package(
                name: \(quoted(name)),
                platforms: [.macOS(.v14)],
                dependencies: [
                    .package(name: "Rewind", path: \(quoted(rewind.standardizedFileURL.path))),
                ],
                targets: [
                    .executableTarget(name: \(quoted(name)), dependencies: [
                        .product(name: "Libvirt", package: "Rewind"),
                        .product(name: "NBD", package: "Rewind"),
                    ], path: \(quoted("Sources/" + name))),
                ],
                swiftLanguageModes: [.v6]
            )

            """
    }

    /// Writes the recipe `name` as a package into `directory` (created if missing; an existing
    /// `Package.swift` there is replaced only if an earlier export wrote it) and returns the files written.
    @discardableResult
    public static func export(name: String, from set: GuideSet, to directory: URL, rewind: URL) throws(ExportError) -> [URL] {
        guard let recipe = recipes(in: set).first(where: { $0.name == name }) else {
            let known = recipes(in: set).map(\.name)
            throw ExportError(description: "no recipe named '\(name)' in the guides"
                              + (known.isEmpty ? "" : " (there are: \(known.joined(separator: ", ")))"))
        }
        let fm = FileManager.default
        let manifestURL = directory.appendingPathComponent("Package.swift")
        if let existing = try? String(contentsOf: manifestURL, encoding: .utf8), !existing.contains("Written by `rewind recipe export") {
            throw ExportError(description: "\(manifestURL.path) exists and was not written by rewind recipe export: not replaced")
        }
        let source = directory.appendingPathComponent("Sources").appendingPathComponent(name)
        let readme = directory.appendingPathComponent("README.md")
        let main = source.appendingPathComponent("main.swift")
        do {
            try fm.createDirectory(at: source, withIntermediateDirectories: true)
            try Data(manifest(recipe, rewind: rewind).utf8).write(to: manifestURL)
            try Data(mainSwift(recipe).utf8).write(to: main)
            try Data(readmeText(recipe).utf8).write(to: readme)
        } catch {
            throw ExportError(description: "cannot write \(directory.path): \(error.localizedDescription)")
        }
        return [manifestURL, main, readme]
    }

    /// The exported package's README: what the recipe does, where it comes from, how to build and run it.
    static func readmeText(_ recipe: Recipe) -> String {
        let usage = recipe.snippet.lines.dropFirst().first.map(\.text).flatMap { $0.hasPrefix("//") ? String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) : nil }
        var text = "# \(recipe.name)\n\n"
        if let summary = recipe.summary { text += summary + "\n\n" }
        text += "From \(recipe.snippet.location) of Rewind's guides, where a snippet runs it against every host of a `rewind verify` run.\n\n"
        text += "```sh\nswift build\n"
        text += "swift run \(recipe.name)" + (usage.map { " " + ($0.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? "") } ?? "") + "\n```\n\n"
        text += "It needs libvirt's development files (`libvirt-dev`, `libnbd-dev`, `libxml2-dev` on Debian) and a libvirt host to connect to.\n"
        return text
    }

    private static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
