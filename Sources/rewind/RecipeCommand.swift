import ArgumentParser
import Foundation
import GuideModel
import Runner
import Support

/// `rewind recipe list|export|check`: the guides' recipes as programs to take away.
struct RecipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipe",
        abstract: "Lists, exports and builds the guides' recipes (whole programs, ```swift recipe=NAME blocks).",
        subcommands: [List.self, Export.self, Check.self])

    /// The options every subcommand shares: where the guides are.
    struct Place: ParsableArguments {
        @Option(name: .customLong("root"), help: ArgumentHelp("The package root (default: the current folder).", valueName: "dir"))
        var root: String = "."

        /// The root as an absolute URL.
        var rootURL: URL { URL(fileURLWithPath: root).standardizedFileURL }

        /// The guides under the root; a guide error ends the command with its file and line.
        func guides() throws -> GuideSet {
            do {
                return try GuideSet.load(directory: rootURL.appendingPathComponent("Guides"), root: rootURL)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// `rewind recipe list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the recipes: name, guide and line, what each does.")
        @OptionGroup var place: Place

        func run() throws {
            for recipe in RecipeExport.recipes(in: try place.guides()) {
                print("\(recipe.name)\t\(recipe.snippet.location)\t\(recipe.summary ?? "")")
            }
        }
    }

    /// `rewind recipe export NAME DIR`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Writes one recipe as a Swift package: Package.swift (Rewind's Libvirt and NBD libraries, by path), Sources/NAME/main.swift (the recipe exactly as the guide shows it), README.md.")
        @OptionGroup var place: Place
        @Argument(help: "The recipe's name (rewind recipe list).") var name: String
        @Argument(help: "The folder to write the package into (created if missing).") var directory: String

        func run() throws {
            do {
                let files = try RecipeExport.export(name: name, from: try place.guides(),
                                                    to: URL(fileURLWithPath: directory).standardizedFileURL, rewind: place.rootURL)
                for file in files { print("wrote \(file.path)") }
                print("build it: cd \(directory) && swift build")
            } catch let error as RecipeExport.ExportError {
                FileHandle.standardError.write(Data("rewind recipe export: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// `rewind recipe check`: every recipe exported into a temporary folder and built there, as a reader would.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exports every recipe into a temporary folder outside the repository and builds it with swift build.")
        @OptionGroup var place: Place
        @Option(name: .customLong("keep"), help: ArgumentHelp("Export into this folder and keep it (default: a temporary one, removed after).", valueName: "dir"))
        var keep: String?

        func run() throws {
            let set = try place.guides()
            let base = keep.map { URL(fileURLWithPath: $0).standardizedFileURL }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("rewind-recipes-\(getpid())")
            defer { if keep == nil { try? FileManager.default.removeItem(at: base) } }
            var failed: [String] = []
            let recipes = RecipeExport.recipes(in: set)
            for recipe in recipes {
                let folder = base.appendingPathComponent(recipe.name)
                do {
                    try RecipeExport.export(name: recipe.name, from: set, to: folder, rewind: place.rootURL)
                } catch {
                    print("not ok - \(recipe.name): \(error)")
                    failed.append(recipe.name)
                    continue
                }
                let swift = Executable.find("swift") ?? "swift"
                let start = ContinuousClock.now
                var spec = ProcessSpec(swift, ["build", "--package-path", folder.path])
                spec.output = .capture
                spec.errorOutput = .sameAsOutput
                let result = try Subprocess.run(spec, timeout: .seconds(900))
                let took = (ContinuousClock.now - start).inSeconds
                if result.status == 0 {
                    print("ok - \(recipe.name) builds outside the repository (\(String(format: "%.1f", took)) s, \(folder.path))")
                } else {
                    print("not ok - \(recipe.name): swift build exited \(result.status)\n" + result.output.split(separator: "\n").suffix(30).joined(separator: "\n"))
                    failed.append(recipe.name)
                }
            }
            print("\(recipes.count - failed.count) passed, \(failed.count) failed")
            if !failed.isEmpty { throw ExitCode(1) }
        }
    }
}
