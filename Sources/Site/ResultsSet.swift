import Foundation
import Runner

/// The results files given to the site (`--results FILE`, any number), merged into one list of hosts.
///
/// Each host of each file becomes a column of the conformance matrix and a row of every snippet's
/// verdict table. The same URI in two files is two hosts (two runs, possibly different versions).
public struct ResultsSet: Sendable {
    /// One host of one results file.
    public struct Host: Sendable, Identifiable {
        /// A short id unique in the site, `h1`, `h2`, … in the order the files and hosts were given.
        public var id: String
        /// The results file it came from (as given).
        public var file: String
        /// When the run started.
        public var startedAt: Date
        /// The host's results.
        public var results: HostResults
        /// The results by snippet id.
        let bySnippet: [String: SnippetResult]

        /// What the probe learnt about the host.
        public var info: HostInfo { results.host }

        /// A one-line description: `qemu:///system · QEMU 7.2.0 · libvirt 9.0.0 · kvm · 2025-11-27 15:53 UTC`.
        public var label: String {
            var parts = [info.uri]
            parts.append(info.hypervisorVersion.isEmpty ? info.driver : "\(info.driver) \(info.hypervisorVersion)")
            parts.append("libvirt \(info.libvirtVersion)")
            if !info.virtType.isEmpty { parts.append(info.virtType) }
            parts.append(Self.format(date: info.probedAt))
            return parts.joined(separator: " · ")
        }

        /// A short name for column headers: the driver and virt type, e.g. `QEMU/kvm` or `TEST`.
        public var shortName: String {
            let virt = info.virtType.lowercased()
            return virt.isEmpty || virt == info.driver.lowercased() ? info.driver : "\(info.driver)/\(virt)"
        }

        /// The result of the snippet with the given id on this host.
        public func result(snippet id: String) -> SnippetResult? { bySnippet[id] }

        /// `2025-11-27 15:53 UTC`.
        static func format(date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
            return formatter.string(from: date)
        }
    }

    /// The hosts, in the order given.
    public var hosts: [Host]

    /// The raw bytes of every file, for cache keys.
    let digest: String

    /// An empty set (no results given: pages show no verdicts).
    public init() {
        hosts = []
        digest = "none"
    }

    /// Loads results files (RunResults JSON, as `rewind verify --json` writes them). Dates may be ISO 8601
    /// strings (with or without fractional seconds) or numbers (seconds since 2001, Foundation's default).
    public static func load(files: [URL]) throws(SiteErrors) -> ResultsSet {
        var errors: [SiteError] = []
        var runs: [(String, RunResults)] = []
        var hasher = SHA256()
        for url in files {
            do {
                let data = try Data(contentsOf: url)
                hasher.update(field: url.path)
                hasher.update(data)
                runs.append((url.path, try decode(data)))
            } catch let error as DecodingError {
                errors.append(SiteError(file: url.path, message: "not a results file: \(SiteError.describe(decodingError: error))"))
            } catch {
                errors.append(SiteError(file: url.path, message: "cannot read the results file: \(error.localizedDescription)"))
            }
        }
        guard errors.isEmpty else { throw SiteErrors(errors) }
        return ResultsSet(runs: runs, digest: hasher.finalizeHex())
    }

    /// Decodes one results file.
    public static func decode(_ data: Data) throws -> RunResults {
        try RunResults(json: data)
    }

    /// Merges runs already decoded (the file name is used in labels).
    public init(runs: [(file: String, results: RunResults)]) {
        var hasher = SHA256()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for (file, run) in runs {
            hasher.update(field: file)
            hasher.update((try? encoder.encode(run)) ?? Data())
        }
        self.init(runs: runs.map { ($0.file, $0.results) }, digest: hasher.finalizeHex())
    }

    private init(runs: [(String, RunResults)], digest: String) {
        var hosts: [Host] = []
        for (file, run) in runs {
            for hostResults in run.hosts {
                var bySnippet: [String: SnippetResult] = [:]
                for r in hostResults.results where bySnippet[r.id] == nil { bySnippet[r.id] = r }
                hosts.append(Host(id: "h\(hosts.count + 1)", file: file, startedAt: run.startedAt,
                                  results: hostResults, bySnippet: bySnippet))
            }
        }
        self.hosts = hosts
        self.digest = digest
    }

    /// Every host's result for the snippet, in host order (nil where the host has none).
    public func results(snippet id: String) -> [(host: Host, result: SnippetResult?)] {
        hosts.map { ($0, $0.result(snippet: id)) }
    }
}
