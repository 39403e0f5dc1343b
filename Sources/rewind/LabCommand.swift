import ArgumentParser
import Foundation
import Glibc
import Lab
import Libvirt

/// `rewind lab clean`: what crashed or killed lab runs left behind.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Manages what lab runs leave behind.",
        subcommands: [Clean.self])

    /// `rewind lab clean`.
    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Removes the domains, images, sockets and lock files of earlier lab runs that crashed.",
            discussion: """
                Only what Rewind can prove is its own is touched: a domain must be named rewind-<run>-… AND \
                carry Rewind's lab tag of that run in its <metadata>; a rewind-… domain without the tag is \
                listed and left alone. Files: the run's image directory under \(LabInventory.Locations().imageRoot), \
                its sockets \(LabInventory.Locations().socketDirectory)/<run>-*, its lab directory under \
                <work dir>/labs and its lock file in \(RunLock.defaultDirectory). Runs in progress (their lock is \
                held by a rewind verify or a lab) are left alone. Exit status: 0 when everything found was \
                removed, 1 when something could not be, 2 when a URI cannot be opened. Several --connect clean each host in turn.
                """)

        @OptionGroup var hosts: ConnectOptions

        @Flag(name: .customLong("dry-run"), help: "Only list what would be removed.")
        var dryRun = false

        @Option(name: .customLong("run"), help: ArgumentHelp("Only runs whose id matches this pattern (with * and ?; repeatable).", valueName: "pattern"))
        var runs: [String] = []

        @Option(name: .customLong("work-dir"), help: ArgumentHelp("A rewind verify work directory whose labs/ to clean too (default: ./.rewind/snippets).", valueName: "dir"))
        var workDir: String?

        /// Whether `run` matches one of the `--run` patterns.
        static func matches(_ run: String, _ patterns: [String]) -> Bool {
            patterns.contains { fnmatch($0, run, 0) == 0 }
        }

        func run() throws {
            var status: Int32 = 0
            for uri in hosts.uris {
                status = max(status, clean(uri))
            }
            if status != 0 { throw ExitCode(status) }
        }

        /// Cleans one host; the exit status it asks for.
        func clean(_ connect: String) -> Int32 {
            var locations = LabInventory.Locations()
            let work = workDir ?? FileManager.default.currentDirectoryPath + "/.rewind/snippets"
            locations.labRoots = [URL(fileURLWithPath: work).standardizedFileURL.path + "/labs"]
            var selecting: (@Sendable (String) -> Bool)?
            if !runs.isEmpty {
                let patterns = runs
                selecting = { run in Self.matches(run, patterns) }
            }
            let inventory: LabInventory
            do {
                inventory = try LabInventory.scan(uri: connect, locations: locations, selecting: selecting)
            } catch {
                FileHandle.standardError.write(Data("rewind lab clean: cannot inventory \(connect): \(error.code.name): \(error.message)\n".utf8))
                return 2
            }
            for name in inventory.notOwned {
                print("left alone \(name): named rewind-… but not tagged as a lab domain of that run")
            }
            for (run, domains) in inventory.inProgress.sorted(by: { $0.key < $1.key }) {
                print("left alone run \(run): in progress (\(domains.joined(separator: ", ")))")
            }
            if inventory.isEmpty {
                print("nothing left behind on \(connect)")
                return 0
            }
            let lines = inventory.clean(dryRun: dryRun)
            for line in lines { print(line) }
            return lines.contains(where: { $0.hasPrefix("cannot ") }) ? 1 : 0
        }
    }
}
