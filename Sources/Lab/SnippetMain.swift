import Foundation
import Support
import Libvirt

/// The entry point of a generated snippet executable: the child side of `rewind verify`.
///
/// `rewind verify` compiles the guides' snippets into one executable whose `main.swift` is
///
/// ```swift
/// await SnippetMain.run(registry: ["lookup-missing": __snippet_lookup_missing, …])
/// ```
///
/// and starts it once per snippet, each in its own process:
///
/// ```text
/// RewindSnippets run --id ID --connect URI --lab-dir DIR --run-id R --result FILE
///                    [--attributes JSON] [--peer URI]... [--host-access JSON] [--body-done FIFO] [--missing CAP=REASON]...
/// RewindSnippets cleanup --connect URI --run-id R --lab-dir DIR
/// RewindSnippets list
/// ```
///
/// `run` opens the connection, makes a `Lab`, runs the snippet, runs the lab's teardown hooks and
/// writes a `SnippetReport` (JSON) to `FILE`: the raw outcome, the evidence and the timings. The
/// verdict is the parent's business. `cleanup` removes what a lab with that run id left behind (used
/// after a timeout or a crash): domains named with the lab's prefix and tagged with its run, its sockets and
/// images, and the lab directory. `list`
/// prints the registered ids.
public enum SnippetMain {
    /// A snippet body.
    public typealias Body = @Sendable (Lab) async throws -> Void

    /// Parses the process arguments, does what they say, and exits.
    ///
    /// Exit status: 0 when the result file was written (whatever the snippet's outcome), 64 for bad
    /// arguments, 70 when the result file cannot be written.
    ///
    /// `scripts` are the guides' `sh script=NAME` blocks, by name, for ``Lab/runScript(_:environment:timeout:file:line:)``.
    public static func run(registry: [String: Body], scripts: [String: String] = [:]) async -> Never {
        Lab.guideScripts.withLock { $0 = scripts }
        let args = Array(CommandLine.arguments.dropFirst())
        do {
            let invocation = try SnippetInvocation(parsing: args)
            switch invocation.mode {
            case .list:
                for id in registry.keys.sorted() { print(id) }
                exit(0)
            case .cleanup:
                let removed = LabCleanup.run(uri: invocation.connect!, runID: invocation.runID!,
                                             labDirectory: invocation.labDir)
                for line in removed { print(line) }
                exit(0)
            case .run:
                let report = await runSnippet(invocation, registry: registry)
                fflush(nil)
                do {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try encoder.encode(report).write(to: URL(fileURLWithPath: invocation.resultPath!), options: .atomic)
                } catch {
                    FileHandle.standardError.write(Data("cannot write the result file: \(error)\n".utf8))
                    exit(70)
                }
                exit(0)
            }
        } catch {
            FileHandle.standardError.write(Data("\(error)\n\(usage)\n".utf8))
            exit(64)
        }
    }

    static let usage = """
        usage: <snippets> run --id ID --connect URI --lab-dir DIR --run-id R --result FILE \
        [--attributes JSON] [--peer URI]... [--missing CAP=REASON]...
               <snippets> cleanup --connect URI --run-id R --lab-dir DIR
               <snippets> list
        """

    // MARK: run

    static func runSnippet(_ inv: SnippetInvocation, registry: [String: Body]) async -> SnippetReport {
        let id = inv.id!
        let runID = inv.runID!
        let uri = inv.connect!
        guard let body = registry[id] else {
            return SnippetReport(snippetID: id, runID: runID, uri: uri, outcome: .init(
                kind: .setupFailed, message: "no snippet with id '\(id)' in this executable"))
        }
        var timings = SnippetReport.Timings()
        let localDir = URL(fileURLWithPath: inv.labDir!, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: localDir, withIntermediateDirectories: true)
        } catch {
            return SnippetReport(snippetID: id, runID: runID, uri: uri, outcome: .init(
                kind: .setupFailed, message: "cannot create the lab directory \(localDir.path): \(error)"))
        }
        // The lab directory on the host: the local one when the host is this machine, otherwise a directory
        // made on the host through its access (removed by the lab's teardown and by `LabCleanup`).
        let access = inv.hostAccess ?? HostAccess.resolve(uri: uri)
        let dir = access.isLocal ? localDir
            : URL(fileURLWithPath: HostAccess.remoteLabDirectory(runID: runID), isDirectory: true)
        let connectStart = ContinuousClock.now
        let connection: Connection
        do {
            connection = try Connection(uri: uri)
        } catch {
            return SnippetReport(snippetID: id, runID: runID, uri: uri, outcome: .init(
                kind: .setupFailed, message: "cannot connect to \(uri): \(error.message)", code: error.code.name,
                meansUnsupported: error.meansUnsupported))
        }
        timings.connect = seconds(since: connectStart)
        let lab = Lab(connection: connection, directory: dir, localDirectory: localDir, host: access,
                      runID: runID, snippetID: id, declaredNeeds: Set(inv.attributes.needs.map(\.rawValue)), missingCapabilities: inv.missing,
                      peers: inv.peers, attributes: inv.attributes)
        if !access.isLocal {
            if case .unavailable = access {
                // Nothing to create; a helper that needs the host's files reports the snippet unsupported.
            } else {
                do {
                    try lab.makeHostDirectory(dir.path)
                    lab.onTeardown { try lab.removeFile(dir.path) }
                } catch {
                    return SnippetReport(snippetID: id, runID: runID, uri: uri, outcome: .init(
                        kind: .setupFailed, message: "cannot create the lab directory \(dir.path) on the host (\(access)): \(error.message)"))
                }
            }
        }

        let bodyStart = ContinuousClock.now
        let outcome: SnippetReport.Outcome
        do {
            try await body(lab)
            outcome = .init(kind: .ok)
        } catch let error as LibvirtError {
            outcome = .init(kind: .libvirtError, message: error.message, code: error.code.name,
                            meansUnsupported: error.meansUnsupported)
        } catch let error as LabFailure {
            if let reason = error.unsupportedReason {
                outcome = .init(kind: .unsupported, message: reason, capability: HostAccess.capability)
            } else {
                outcome = .init(kind: .labFailure, message: error.message, file: error.file, line: error.line)
            }
        } catch let error as Unsupported {
            outcome = .init(kind: .unsupported, message: error.reason, capability: error.capability)
        } catch {
            outcome = .init(kind: .error, message: String(describing: error),
                            errorType: String(reflecting: type(of: error)))
        }
        timings.body = seconds(since: bodyStart)
        // Only the teardown is left: the runner may start the next snippet meanwhile.
        if let path = inv.bodyDone { BodyDoneSignal.signal(path) }

        let teardownStart = ContinuousClock.now
        let teardownErrors = await lab.runTeardown()
        timings.teardown = seconds(since: teardownStart)
        return SnippetReport(snippetID: id, runID: runID, uri: uri, outcome: outcome,
                             teardownErrors: teardownErrors, evidence: lab.evidence, timings: timings)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double { start.secondsElapsed }
}
