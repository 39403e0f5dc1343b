import ArgumentParser
import Dispatch
import Foundation
import Reports
import Runner
import Synchronization

/// `rewind verify`: compile every guide snippet in one build, run each in its own process against one or
/// more libvirt hosts, and report (summary, TAP 14, JUnit XML, JSON).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compile and run the guides' Swift snippets against libvirt, and report per-snippet verdicts.",
        discussion: """
            All snippets are compiled together in one SwiftPM build (a compile error names the snippet and its \
            Markdown line; there is no per-snippet fallback), then each runs in its own process. Every \
            --connect URI gets its own results from the same build. Unsupported snippets (a declared need the \
            host lacks) do not fail the run; failures, guide errors and build errors do (exit status 1). An \
            unreachable URI exits with status 2. Guide errors include claim ids missing from the claims catalog \
            and libvirt names missing from libvirt-api.xml (doc drift; a guide marks a name that does not exist \
            on purpose with a "> Nonexistent: `name`" note). The summary ends with the claims coverage: claims \
            with a snippet, passing and findings per host, and agent-only claims still waiting for an agent guest.
            """)

    @OptionGroup var hosts: ConnectOptions

    @Option(name: .shortAndLong, help: "Snippets running their bodies at once per host (a snippet's teardown overlaps the next one).")
    var jobs: Int = 2

    @Flag(name: .customLong("no-overlap-teardown"), help: "Start the next snippet only when a snippet's process has ended, teardown included.")
    var noOverlapTeardown = false

    @Option(name: .customLong("filter"), help: ArgumentHelp("Run only these snippets: an id, a guide path, or a pattern with * (repeatable).", valueName: "id"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("Write TAP version 14 results to this file (- for standard output).", valueName: "file"))
    var tap: String?

    @Option(help: ArgumentHelp("Write JUnit XML results to this file.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write JSON results to this file.", valueName: "file"))
    var json: String?

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Write TAP, JUnit and JSON per host (<host>.tap, <host>.junit.xml, <host>.json) and matrix.json (claims and snippets × hosts) into this directory.", valueName: "dir"))
    var reportDir: String?

    @Flag(help: "Rewrite expected-output blocks that differ from what the snippets printed.")
    var update = false

    @Flag(name: .customLong("no-agent-pool"),
          help: "Boot the agent guest in every agent snippet instead of restoring it from a state saved once per host.")
    var noAgentPool = false

    @Flag(name: .customLong("per-snippet"), help: "Build one executable per snippet (slow; for comparison with the merged build).")
    var perSnippet = false

    @Option(name: .customLong("work-dir"), help: ArgumentHelp("Where the generated package and its build live (default: <root>/.rewind/snippets).", valueName: "dir"))
    var workDir: String?

    @Option(help: ArgumentHelp("The project root: guide paths are relative to it (default: the current directory).", valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("The claims catalog fences refer to with claims= and finding= (default: <root>/Conformance/claims.json, if present).", valueName: "file"))
    var claims: String?

    @Option(name: .customLong("package-path"), help: ArgumentHelp("The Rewind package the snippets link against (default: the root).", valueName: "dir"))
    var packagePath: String?

    @Option(help: ArgumentHelp("The default snippet timeout in seconds.", valueName: "seconds"))
    var timeout: Double = 60

    @Option(help: "The build configuration (debug or release).")
    var configuration: String = "debug"

    @Option(name: .customLong("session-id"), help: .hidden)
    var sessionID: String?

    @Flag(name: .shortAndLong, help: "List passing and skipped snippets too.")
    var verbose = false

    @Argument(help: ArgumentHelp("Guides or folders of guides to verify (default: Guides).", valueName: "path"))
    var paths: [String] = []

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if let sessionID {
            // Run ids are `<session>-<host>-<index>`; domains are named `rewind-<run id>-…`.
            guard (1...16).contains(sessionID.count),
                  sessionID.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }) else {
                throw ValidationError("--session-id must be 1 to 16 lower-case letters and digits")
            }
        }
        guard ["debug", "release"].contains(configuration) else {
            throw ValidationError("--configuration must be debug or release")
        }
    }

    func run() async throws {
        let console = Console()
        installInterruptHandler()
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var options = Verification.Options(root: URL(fileURLWithPath: root ?? cwd.path).standardizedFileURL)
        options.paths = paths
        options.claims = claims.map { URL(fileURLWithPath: $0) }
        options.verifier = Verifier.Configuration(root: options.root, rewindPackage: packagePath.map { URL(fileURLWithPath: $0) },
                                                  workDirectory: workDir.map { URL(fileURLWithPath: $0) })
        options.verifier.targets = hosts.targets
        options.verifier.jobs = jobs
        options.verifier.overlapTeardown = !noOverlapTeardown
        options.verifier.defaultTimeout = timeout
        options.verifier.filters = filters
        options.verifier.layout = perSnippet ? .perSnippet : .merged
        options.verifier.update = update
        options.verifier.agentPool = !noAgentPool
        options.verifier.buildConfiguration = configuration
        if let sessionID { options.verifier.sessionID = sessionID }
        let reports = ReportFiles(tap: tap, junit: junit, json: json, directory: reportDir)

        let outcome: Verification.Outcome
        do {
            outcome = try await Verification.run(options) { event in console.progress(event) }
        } catch {
            console.clearStatus()
            switch error {
            case .noGuides(let message), .selection(let message):
                throw ValidationError(message)
            case .emptyFilter(let message):
                // A filter that selects nothing: said once, exit 2 (not a usage error: the command line parsed).
                console.error("rewind verify: " + message)
            case .guides(let messages, let results):
                for m in messages { console.error(m) }
                try reports.write(results)
                console.error("\(messages.count) guide error\(messages.count == 1 ? "" : "s"); nothing was compiled or run")
            case .verify:
                console.error("rewind verify: \(error)")
            }
            throw ExitCode(error.exitStatus)
        }
        console.clearStatus()

        let results = outcome.results
        try reports.write(results)
        if !reports.tapOnStandardOutput {
            console.out(SummaryWriter(verbose: verbose, color: console.isTerminal(1)).render(results, updatedBlocks: outcome.updatedBlocks))
        }
        if let signal = outcome.interruption {
            console.error("rewind verify: interrupted by \(SnippetRunner.signalName(signal)); reports hold the snippets that finished")
            throw ExitCode(128 + signal)
        }
        if results.failed { throw ExitCode(1) }
    }

    /// On SIGINT or SIGTERM: kill every snippet process with everything it started (they do not get the
    /// terminal's signal), let the runner clean up the interrupted snippets' labs and return the results so
    /// far, which `run` writes before exiting with 128 + the signal number. The clean-up is bounded: if the
    /// process has not exited `Self.interruptGrace` seconds later, or on a second signal, it exits at once.
    func installInterruptHandler() {
        let count = Mutex(0)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let n = count.withLock { c in c += 1; return c }
                SnippetRunner.interrupt(signal: sig)
                if n > 1 {
                    FileHandle.standardError.write(Data("\nrewind verify: interrupted again; exiting without clean-up\n".utf8))
                    Foundation.exit(128 + sig)
                }
                FileHandle.standardError.write(Data("\nrewind verify: interrupted by \(SnippetRunner.signalName(sig)); ending snippets and cleaning up their labs\n".utf8))
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.interruptGrace) {
                    FileHandle.standardError.write(Data("rewind verify: clean-up did not finish within \(Int(Self.interruptGrace)) s; exiting\n".utf8))
                    Foundation.exit(128 + sig)
                }
            }
            source.resume()
            Console.keep(source)
        }
    }

    /// Seconds an interrupted run has to clean up and write its reports.
    static let interruptGrace: Double = 30
}

/// Terminal output: the summary on standard output, errors and a one-line progress status on standard error
/// (the status only when standard error is a terminal).
final class Console: Sendable {
    private let state = Mutex(State())
    private struct State {
        var statusShown = false
    }
    /// Keeps a signal source alive for the life of the process (it is never cancelled).
    static func keep(_ source: any DispatchSourceSignal) {
        _ = Unmanaged.passRetained(source as AnyObject)
    }

    let statusEnabled = isatty(STDERR_FILENO) == 1

    func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    func out(_ text: String) {
        clearStatus()
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func error(_ text: String) {
        clearStatus()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func status(_ text: String) {
        guard statusEnabled else { return }
        state.withLock { s in
            let line = text.count > 100 ? String(text.prefix(99)) + "…" : text
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            s.statusShown = true
        }
    }

    func clearStatus() {
        guard statusEnabled else { return }
        state.withLock { s in
            if s.statusShown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            s.statusShown = false
        }
    }

    func progress(_ event: Verification.Event) {
        switch event {
        case .leftovers(_, let message):
            error("rewind verify: warning: \(message)")
        case .discovered(let snippets, let guides):
            status("\(snippets) snippets in \(guides) guide\(guides == 1 ? "" : "s")")
        case .verifier(let event):
            progress(event)
        }
    }

    func progress(_ event: Verifier.Event) {
        switch event {
        case .probed(let host):
            status("\(host.uri): \(host.driver), libvirt \(host.libvirtVersion), virt type \(host.virtType)")
            if let note = VersionFloor.note(for: host) { error("warning: " + note) }
        case .generated(let package):
            status("generated \(package.targets.count) target\(package.targets.count == 1 ? "" : "s") in \(package.directory.path)")
        case .compiling(let what):
            status(what)
        case .compiled(let report):
            if !report.succeeded { status("build failed: \(report.failedTargets.joined(separator: ", "))") }
        case .ran(let p):
            status("[\(p.completed)/\(p.total)] \(p.uri) \(p.result.id): \(p.result.verdict.rawValue)")
        }
    }
}
