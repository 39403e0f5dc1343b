import Foundation
import GuideModel

/// What a snippet process is told: the one contract between the runner, which writes it, and
/// ``SnippetMain``, which reads it, in one place, encoded one way.
///
/// ```swift
/// var run = SnippetInvocation(mode: .run)
/// run.id = "backup-push"; run.connect = "qemu:///system"; run.runID = "ab12-0-3"
/// run.labDir = "/tmp/labs/ab12-0-3"; run.resultPath = "/tmp/runs/ab12-0-3/result.json"
/// let argv = run.arguments            // ["run", "--id", "backup-push", …]
/// try SnippetInvocation(parsing: argv) == run   // true
/// ```
public struct SnippetInvocation: Sendable, Hashable {
    /// What the process does.
    public enum Mode: String, Sendable, Hashable {
        /// Run one snippet and write its result file.
        case run
        /// Remove what a run left behind (`LabCleanup`).
        case cleanup
        /// Print the snippet ids the executable holds.
        case list
    }

    /// Bad arguments (exit status 64).
    public struct BadArguments: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public var mode: Mode
    /// The snippet id (`--id`).
    public var id: String?
    /// The libvirt URI (`--connect`).
    public var connect: String?
    /// The lab directory on this machine (`--lab-dir`).
    public var labDir: String?
    /// The run id, the prefix of everything the lab creates (`--run-id`).
    public var runID: String?
    /// Where to write the `SnippetReport` (`--result`).
    public var resultPath: String?
    /// The snippet's fence attributes, as GuideModel parsed them (`--attributes JSON`): the child sees every
    /// attribute, so a new one reaches it without touching this type or the runner.
    public var attributes = SnippetAttributes()
    /// How to reach the host's files and tools, as the runner resolved it (`--host-access JSON`); nil makes
    /// the child resolve it from the URI.
    public var hostAccess: HostAccess?
    /// The FIFO to signal when the body has ended, before the teardown (`--body-done PATH`, ``BodyDoneSignal``).
    public var bodyDone: String?
    /// The run's other live QEMU hosts (`--peer URI`, repeated), for `Lab.peer()`.
    public var peers: [String] = []
    /// Capabilities the host probe found missing, with the reason (`--missing CAP=REASON`, repeated).
    public var missing: [String: String] = [:]
    /// The saved agent guests to restore from (environment `REWIND_AGENT_POOL`, read by `AgentGuestPool`).
    public var agentPool: String?
    /// The agent guest's cache folder (environment `REWIND_GUEST_CACHE`, read by `Lab.makeAgentDomain`).
    public var guestCache: String?

    public init(mode: Mode) {
        self.mode = mode
    }

    /// The process arguments (without argv[0]).
    public var arguments: [String] {
        var out = [mode.rawValue]
        for (flag, value) in [("--id", id), ("--connect", connect), ("--lab-dir", labDir), ("--run-id", runID),
                              ("--result", resultPath)] {
            if let value { out += [flag, value] }
        }
        if attributes != SnippetAttributes() { out += ["--attributes", Self.encode(attributes)] }
        for peer in peers { out += ["--peer", peer] }
        if let hostAccess { out += ["--host-access", Self.encode(hostAccess)] }
        if let bodyDone { out += ["--body-done", bodyDone] }
        for (capability, reason) in missing.sorted(by: { $0.key < $1.key }) { out += ["--missing", "\(capability)=\(reason)"] }
        return out
    }

    /// The environment variables the process gets besides its arguments (read deep inside the lab).
    public var environment: [String: String] {
        var out: [String: String] = [:]
        if let agentPool { out[AgentGuestPool.variable] = agentPool }
        if let guestCache { out[Lab.guestCacheVariable] = guestCache }
        return out
    }

    /// Reads the arguments `arguments` wrote; `environment` supplies the two variables.
    public init(parsing args: [String],
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(BadArguments) {
        guard let first = args.first, let mode = Mode(rawValue: first) else {
            throw BadArguments(description: "expected a mode: run, cleanup or list")
        }
        self.mode = mode
        var i = 1
        func value(_ name: String) throws(BadArguments) -> String {
            i += 1
            guard i < args.count else { throw BadArguments(description: "\(name) needs a value") }
            return args[i]
        }
        func decoded<T: Decodable>(_ type: T.Type, _ name: String, what: String) throws(BadArguments) -> T {
            let v = try value(name)
            do {
                return try JSONDecoder().decode(type, from: Data(v.utf8))
            } catch {
                throw BadArguments(description: "\(name) is not \(what): \(error)")
            }
        }
        while i < args.count {
            let arg = args[i]
            switch arg {
            case "--id": id = try value(arg)
            case "--connect": connect = try value(arg)
            case "--lab-dir": labDir = try value(arg)
            case "--run-id": runID = try value(arg)
            case "--result": resultPath = try value(arg)
            case "--attributes": attributes = try decoded(SnippetAttributes.self, arg, what: "a fence's attributes")
            case "--peer": peers.append(try value(arg))
            case "--body-done": bodyDone = try value(arg)
            case "--host-access": hostAccess = try decoded(HostAccess.self, arg, what: "a host access")
            case "--missing":
                let v = try value(arg)
                guard let eq = v.firstIndex(of: "=") else {
                    throw BadArguments(description: "--missing wants CAPABILITY=REASON, got \(v)")
                }
                missing[String(v[..<eq])] = String(v[v.index(after: eq)...])
            default: throw BadArguments(description: "unknown argument \(arg)")
            }
            i += 1
        }
        agentPool = environment[AgentGuestPool.variable].flatMap { $0.isEmpty ? nil : $0 }
        guestCache = environment[Lab.guestCacheVariable].flatMap { $0.isEmpty ? nil : $0 }
        let required: [(String, String?)]
        switch mode {
        case .run: required = [("--id", id), ("--connect", connect), ("--lab-dir", labDir),
                               ("--run-id", runID), ("--result", resultPath)]
        case .cleanup: required = [("--connect", connect), ("--run-id", runID)]
        case .list: required = []
        }
        for (name, v) in required where v == nil {
            throw BadArguments(description: "\(mode.rawValue) needs \(name)")
        }
    }
}

extension SnippetInvocation {
    /// A value as one line of JSON, keys sorted (the same value gives the same argument).
    static func encode<T: Encodable>(_ attributes: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a value of plain strings, numbers and arrays cannot fail.
        return String(decoding: (try? encoder.encode(attributes)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
