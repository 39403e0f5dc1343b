import Foundation
import Support

/// Builds a generated snippet package with `swift build` and maps every error to its snippet.
///
/// The merged target is built exactly once. If it fails, each error is reported against the snippet
/// whose Markdown lines it names (`snippet 'x' does not compile: Guides/x.md:12:5: error: …`); there is
/// no silent fallback to per-snippet builds. Compile-fail and standalone targets are built one by one
/// (`swift build --product`), as is every target of the per-snippet layout.
public struct SnippetCompiler: Sendable {
    /// The `swift` executable (`swift` is looked up in `PATH`).
    public var swift: String
    /// The build configuration (`-c debug` or `-c release`).
    public var configuration: String
    /// The scratch path (`--scratch-path`), inside the work directory by default.
    public var scratchPath: URL?

    /// Creates a compiler.
    public init(swift: String = ProcessInfo.processInfo.environment["REWIND_SWIFT"] ?? "swift",
                configuration: String = "debug", scratchPath: URL? = nil) {
        self.swift = swift
        self.configuration = configuration
        self.scratchPath = scratchPath
    }

    /// Builds every target of `package` and returns what happened.
    ///
    /// - Parameters:
    ///   - snippets: the snippets the package was generated from (for mapping diagnostics).
    ///   - progress: called with a short status before each build.
    public func build(_ package: GeneratedPackage, snippets: [RunnableSnippet],
                      progress: @Sendable (String) -> Void = { _ in }) async -> CompileReport {
        let scratch = scratchPath ?? package.directory.appendingPathComponent(".build")
        let logs = package.directory.appendingPathComponent("logs")
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let byID = Dictionary(snippets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        var report = CompileReport(layout: package.layout)
        let start = ContinuousClock.now
        for (index, target) in package.targets.enumerated() {
            progress("compiling \(target.name) (\(index + 1)/\(package.targets.count))")
            let arguments = ["build", "--package-path", package.directory.path, "--scratch-path", scratch.path,
                             "--manifest-cache", "local", "-c", configuration, "--product", target.name,
                             "-Xswiftc", "-diagnostic-style", "-Xswiftc", "llvm"]
            let invocationStart = ContinuousClock.now
            var invocation = BuildInvocation(product: target.name, kind: target.kind,
                                             command: ([swift] + arguments).joined(separator: " "))
            let termination: ChildProcess.Termination
            let log: String
            do {
                let (t, out, err) = try await ChildProcess.run(swift, arguments, scratch: logs, name: "build-\(target.name)")
                termination = t
                log = out + err
            } catch {
                termination = .exited(-1)
                log = "error: \(error)"
            }
            invocation.duration = seconds(since: invocationStart)
            invocation.succeeded = termination == .exited(0)
            invocation.termination = termination.description
            let diagnostics = Diagnostic.parse(log)
            invocation.errorCount = diagnostics.filter { $0.severity == .error }.count
            if !invocation.succeeded { invocation.logTail = Self.tail(log, lines: 60) }
            report.invocations.append(invocation)

            let members = target.snippetIDs.compactMap { byID[$0] }
            for d in diagnostics where d.severity == .warning {
                if let file = d.file, let line = d.line, members.contains(where: { $0.includesLine(file: file, line: line) }) {
                    report.warnings.append(d)
                }
            }
            if target.kind == .compileFail {
                if let snippet = members.first, case .compileFail(let expected) = snippet.mode {
                    report.compileFail[snippet.id] = Self.judgeCompileFail(snippet, expected: expected,
                                                                          succeeded: invocation.succeeded,
                                                                          diagnostics: diagnostics)
                }
                continue
            }
            if invocation.succeeded {
                let exe = scratch.appendingPathComponent(configuration).appendingPathComponent(target.name).path
                for id in target.snippetIDs { report.executables[id] = exe }
                continue
            }
            // A failed build: attribute every error to the snippets whose lines it names.
            var attributed = false
            for (snippet, reason) in Self.compilerCrashes(in: log, members: members) {
                attributed = true
                report.snippetErrors[snippet.id, default: []].append(Diagnostic(
                    file: snippet.guide, line: snippet.line, column: nil, severity: .error,
                    message: "the Swift compiler crashed while compiling this snippet (\(reason)); "
                        + "rewrite the construct it names, e.g. a do/catch with `where` on a typed error"))
            }
            for d in diagnostics where d.severity == .error {
                let owners = d.file.flatMap { file in d.line.map { line in
                    members.filter { $0.includesLine(file: file, line: line) }
                } } ?? []
                if owners.isEmpty {
                    report.unattributedErrors.append(UnattributedError(product: target.name, diagnostic: d))
                } else {
                    attributed = true
                    for o in owners { report.snippetErrors[o.id, default: []].append(d) }
                }
            }
            if !attributed && diagnostics.allSatisfy({ $0.severity != .error }) {
                // The build failed without a parsable error (a crash of the compiler, a link failure…).
                report.unattributedErrors.append(UnattributedError(
                    product: target.name,
                    diagnostic: Diagnostic(file: nil, line: nil, column: nil, severity: .error,
                                           message: "swift build \(termination): \(Self.tail(log, lines: 20))")))
            }
            report.failedTargets.append(target.name)
        }
        report.duration = seconds(since: start)
        return report
    }

    /// The snippets a compiler crash names (its SIL or stack dump mentions the snippet's function, mangled
    /// or not), each with the crash's first explanatory line.
    static func compilerCrashes(in log: String, members: [RunnableSnippet]) -> [(RunnableSnippet, String)] {
        guard log.contains("compile command failed due to signal") || log.contains("Stack dump:") else { return [] }
        let lines = log.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let reason = lines.first { l in
            l.hasPrefix("Found ") || l.hasPrefix("Assertion failed") || l.contains("fatal error")
        }?.trimmingCharacters(in: .whitespaces) ?? "compile command failed due to a signal"
        return members.compactMap { snippet in
            let name = "__snippet_" + SnippetPackageGenerator.identifier(from: snippet.id)
            let mangled = "\(name.utf8.count)\(name)"
            let named = log.contains(mangled) || log.contains(name + "(") || log.contains("'\(name)'")
            return named ? (snippet, reason) : nil
        }
    }

    /// A compile-fail snippet passes only if its build failed and an error at one of its own lines
    /// contains the expected text.
    static func judgeCompileFail(_ snippet: RunnableSnippet, expected: String, succeeded: Bool,
                                 diagnostics: [Diagnostic]) -> CompileFailOutcome {
        if succeeded {
            return CompileFailOutcome(passed: false, message: "compiled, but compile-fail expects an error containing \"\(expected)\"",
                                      location: snippet.location)
        }
        let own = diagnostics.filter { d in
            d.severity == .error && d.file.map { f in d.line.map { snippet.ownsLine(file: f, line: $0) } ?? false } ?? false
        }
        if let match = own.first(where: { $0.message.contains(expected) }) {
            return CompileFailOutcome(passed: true, message: "\(match.severity.rawValue): \(match.message)",
                                      location: match.location)
        }
        let seen = own.isEmpty ? diagnostics.filter { $0.severity == .error } : own
        let listing = seen.prefix(5).map { "  \($0)" }.joined(separator: "\n")
        return CompileFailOutcome(
            passed: false,
            message: "failed to compile, but no error at its lines contains \"\(expected)\"; errors:\n" + listing,
            location: own.first?.location ?? snippet.location)
    }

    static func tail(_ text: String, lines: Int) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        return all.suffix(lines).joined(separator: "\n")
    }

    func seconds(since start: ContinuousClock.Instant) -> Double {
        start.secondsElapsed
    }
}

/// What `SnippetCompiler.build` did and found.
public struct CompileReport: Sendable, Codable, Hashable {
    /// The layout of the package that was built.
    public var layout: SnippetPackageGenerator.Layout
    /// Every `swift build` run, in order. The merged target appears once: it is never retried per snippet.
    public var invocations: [BuildInvocation] = []
    /// Total compile wall time in seconds.
    public var duration: Double = 0
    /// The built executable for each snippet that can run.
    public var executables: [String: String] = [:]
    /// The errors of each snippet that does not compile (by snippet id).
    public var snippetErrors: [String: [Diagnostic]] = [:]
    /// Errors in a failed build that name no snippet line (generated code, the Rewind package, the linker).
    public var unattributedErrors: [UnattributedError] = []
    /// Warnings at snippet lines.
    public var warnings: [Diagnostic] = []
    /// The verdict of each compile-fail snippet.
    public var compileFail: [String: CompileFailOutcome] = [:]
    /// Targets whose build failed (compile-fail targets are not listed: failing is their job).
    public var failedTargets: [String] = []

    /// Creates an empty report.
    public init(layout: SnippetPackageGenerator.Layout) {
        self.layout = layout
    }

    /// Whether every build that had to succeed did.
    public var succeeded: Bool { failedTargets.isEmpty }
}

/// One `swift build` run.
public struct BuildInvocation: Sendable, Codable, Hashable {
    /// The product built (`--product`).
    public var product: String
    /// What the product is for.
    public var kind: GeneratedPackage.Target.Kind
    /// The command line.
    public var command: String
    /// Wall time in seconds.
    public var duration: Double = 0
    /// Whether it exited with status 0.
    public var succeeded: Bool = false
    /// How it ended, e.g. `exited with status 1`.
    public var termination: String = ""
    /// The number of distinct errors it printed.
    public var errorCount: Int = 0
    /// The end of its output, when it failed.
    public var logTail: String?
}

/// An error of a failed build that names no snippet line.
public struct UnattributedError: Sendable, Codable, Hashable {
    /// The product whose build printed it.
    public var product: String
    /// The error.
    public var diagnostic: Diagnostic
}

/// The verdict on a compile-fail snippet.
public struct CompileFailOutcome: Sendable, Codable, Hashable {
    /// Whether the snippet failed to compile with the expected error.
    public var passed: Bool
    /// The matching error, or why it did not pass.
    public var message: String
    /// Where: the matching error's location, or the snippet's.
    public var location: String?
}
