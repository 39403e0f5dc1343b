import ArgumentParser
import Bench
import Dispatch
import Foundation
import Runner

/// `rewind bench`: Rewind measured side by side with its peers in one run, printed as a Markdown table.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Rewind against its peers (per-snippet builds, nbdcopy, cmark) and print a Markdown table.",
        discussion: """
            Sections: 1 compile (merged vs per-snippet snippet builds, one-line edit to verdict), 2 verify (whole \
            suite on test:///default and the live host, --jobs 1 and 2), 3 nbd (pull-backup reads: readAll vs \
            nbdcopy, incremental pulls), 4 site (rewind site vs cmark), 5 events (callback to consumer latency), \
            6 pause (spread of guest pause times), 7 client (the guide's pull chain vs virtnbdbackup). The QEMU rows \
            run on the first non-test --connect host (e.g. --connect qemu:///system); further --connect hosts \
            (release hosts) join it in the many-hosts verify row; without one those rows say why they were not \
            measured. Figures are medians with min–max. Build with -c release for \
            meaningful NBD numbers. The guides are copied to a scratch folder; every lab guest and file made is \
            named rewind-bench-… and removed at the end.
            """)

    /// The hosts: the first QEMU one is the live host of the QEMU rows, the others join it in the many-hosts
    /// verify row. The test-driver rows always run (on a private test driver).
    @OptionGroup var hosts: ConnectOptions

    @Option(help: "Rounds of each light measurement (heavy ones — clean builds, whole suites — run at most --heavy-rounds).")
    var rounds = 5

    @Option(name: .customLong("heavy-rounds"), help: "Rounds of clean builds and whole-suite verify runs.")
    var heavyRounds = 3

    @Option(name: .customLong("only"), help: ArgumentHelp("Run only this section: 1-7 or compile, verify, nbd, site, events, pause, client (repeatable).", valueName: "row"))
    var only: [String] = []

    @Option(help: ArgumentHelp("The guides folder (default <root>/Guides); it is copied, never modified.", valueName: "dir"))
    var guides: String?

    @Option(help: ArgumentHelp("The Rewind package root (default: the current folder).", valueName: "dir"))
    var root: String?

    @Option(name: .customLong("per-snippet-sample"), help: ArgumentHelp("Time this many per-snippet builds and extrapolate to all snippets (0: time them all).", valueName: "n"))
    var perSnippetSample = 6

    @Option(help: ArgumentHelp("Also write the report to this Markdown file.", valueName: "file"))
    var markdown: String?

    @Option(name: .customLong("site-rewind"), help: ArgumentHelp("The rewind executable whose `site` command the site row runs (default: this one).", valueName: "path"))
    var siteRewind: String?

    @Flag(name: .customLong("keep-scratch"), help: "Keep the scratch folder (generated packages, builds, site output).")
    var keepScratch = false

    func validate() throws {
        guard rounds >= 1, heavyRounds >= 1 else { throw ValidationError("--rounds and --heavy-rounds must be at least 1") }
        guard perSnippetSample >= 0 else { throw ValidationError("--per-snippet-sample must be 0 or more") }
        for o in only where BenchSection(argument: o) == nil {
            throw ValidationError("--only \(o): expected 1-7 or one of \(BenchSection.allCases.map(\.name).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let rootURL = root.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? cwd
        var options = BenchOptions(root: rootURL, guides: guides.map { URL(fileURLWithPath: $0, relativeTo: cwd) },
                                   rewindExecutable: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                                       ?? CommandLine.arguments[0])
        if let siteRewind { options.rewindExecutable = URL(fileURLWithPath: siteRewind, relativeTo: cwd).path }
        let qemuHosts = hosts.connect.filter { !$0.hasPrefix("test:") }
        options.liveURI = qemuHosts.first
        options.extraURIs = Array(qemuHosts.dropFirst())
        options.rounds = rounds
        options.heavyRounds = heavyRounds
        options.perSnippetSample = perSnippetSample == 0 ? nil : perSnippetSample
        options.keepScratch = keepScratch
        if !only.isEmpty { options.sections = Set(only.compactMap(BenchSection.init(argument:))) }
        installInterruptHandler()

        let command = (["rewind"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let report = await Benchmark(options: options).run(command: command) { line in
            FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
        }
        let text = report.markdown
        FileHandle.standardOutput.write(Data(text.utf8))
        if let markdown {
            let url = URL(fileURLWithPath: markdown, relativeTo: cwd)
            try Data(text.utf8).write(to: url, options: .atomic)
        }
    }

    /// On SIGINT or SIGTERM: stop snippet processes, remove lab guests and scratch files, then exit.
    func installInterruptHandler() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                SnippetRunner.terminateAllChildren()
                for line in Benchmark.emergencyCleanup() {
                    FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
                }
                FileHandle.standardError.write(Data("rewind bench: interrupted\n".utf8))
                Foundation.exit(128 + sig)
            }
            source.resume()
            Console.keep(source)
        }
    }
}
