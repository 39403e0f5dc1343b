import ArgumentParser
import Foundation
import GuideModel
import Reports
import Runner

/// `rewind compat RESULTS...` and `rewind compat diff OLD NEW`: what the runs say about each claim per build,
/// and what changed between two runs.
struct CompatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat",
        abstract: "Which claim holds on which libvirt/QEMU build, inferred from results files, against the guides' declared ranges.",
        subcommands: [Table.self, Diff.self], defaultSubcommand: Table.self)

    /// Reads a results file written by `rewind verify --json`, naming the file in any error.
    static func load(_ path: String) throws -> RunResults {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try RunResults(json: data)
        } catch {
            FileHandle.standardError.write(Data("rewind compat: \(path): not a results file of rewind verify --json (\(error))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `rewind compat [--json FILE] RESULTS...`: the table.
    struct Table: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "table",
            abstract: "Prints each claim's verdict per build, the range the runs show and every contradiction with the declared ranges.")
        @OptionGroup var place: RecipeCommand.Place
        @Option(name: .customLong("json"), help: ArgumentHelp("Also write the table as JSON (schema rewind-compat/1) to this file.", valueName: "file"))
        var json: String?
        @Argument(help: ArgumentHelp("Results files of rewind verify --json (any number: hosts, runs, machines).", valueName: "results"))
        var results: [String]

        func validate() throws {
            guard !results.isEmpty else { throw ValidationError("give at least one results file (rewind verify --json FILE)") }
        }

        func run() throws {
            let runs = try results.map { ($0, try CompatCommand.load($0)) }
            var declarations: [String: CompatTable.Declaration] = [:]
            for snippet in try place.guides().snippets {
                let a = snippet.attributes
                declarations[snippet.id] = .init(since: a.since, until: a.until, fixedIn: a.fixedIn,
                                                 notReproducedIn: a.notReproducedIn, isFinding: a.finding != nil)
            }
            let table = CompatTable.build(runs: runs, declarations: declarations)
            print(table.text(), terminator: "")
            if let json {
                try table.json().write(toFile: json, atomically: true, encoding: .utf8)
            }
            if table.rows.contains(where: { !$0.contradictions.isEmpty }) { throw ExitCode(1) }
        }
    }

    /// `rewind compat diff OLD NEW [--tap]`.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What changed between two runs: verdicts, findings, much slower snippets; exit 1 on a regression (pass → fail or finding).")
        @Flag(name: .customLong("tap"), help: "Print TAP (one test per change, not ok for a regression).")
        var tap = false
        @Argument(help: ArgumentHelp("The older results file.", valueName: "old")) var old: String
        @Argument(help: ArgumentHelp("The newer results file.", valueName: "new")) var new: String

        func run() throws {
            let diff = CompatDiff(old: try CompatCommand.load(old), new: try CompatCommand.load(new))
            print(tap ? diff.tap() : diff.text(), terminator: "")
            if diff.hasRegression { throw ExitCode(1) }
        }
    }
}
