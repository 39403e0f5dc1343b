import Foundation
import Runner
import Support

/// The results files given to the site (`--results FILE`, any number), merged into one list of hosts.
///
/// Each host of each file becomes a column of the conformance matrix and a row of every snippet's
/// verdict table. The same URI in two files is two hosts (two runs, possibly different versions).
public struct ResultsSet: Sendable {
    /// One host of one results file.
    public struct Host: Sendable, Identifiable {
        /// A short id unique in the site, `h1`, `h2`, … in the site's host order (``ResultsSet/hosts``).
        public var id: String
        /// What readers call the host: `test` for the test driver, otherwise its libvirt version
        /// (`9.0`, `12.8`), with the QEMU version (`11.3/10.0`) or the run's date where two hosts of the site
        /// would otherwise share a name.
        public internal(set) var versionLabel: String = ""
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

        /// Whether the host is libvirt's test driver.
        public var isTestDriver: Bool { info.driver.uppercased() == "TEST" || info.uri.hasPrefix("test:") }

        /// The libvirt version as numbers (`[12, 8, 0]`), for ordering.
        var libvirtNumbers: [Int] { Self.numbers(info.libvirtVersion) }

        /// `"12.8.0"` → `[12, 8, 0]`; what is not a number counts as 0.
        static func numbers(_ version: String) -> [Int] {
            version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        }

        /// `"12.8.0"` → `"12.8"`.
        static func majorMinor(_ version: String) -> String {
            let parts = version.split(separator: ".")
            return parts.count >= 2 ? "\(parts[0]).\(parts[1])" : version
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

    /// The hosts: the test driver first, then by libvirt version (see ``ordered(_:)``).
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
                hosts.append(Host(id: "", file: file, startedAt: run.startedAt,
                                  results: hostResults, bySnippet: bySnippet))
            }
        }
        self.hosts = Self.ordered(hosts)
        self.digest = digest
    }

    /// The hosts in the order readers compare them: the test driver first, then by libvirt version, QEMU
    /// version and run date (the order files were given breaks ties); ids and version labels assigned in
    /// that order.
    static func ordered(_ given: [Host]) -> [Host] {
        var hosts = given.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.isTestDriver != y.isTestDriver { return x.isTestDriver }
            if x.libvirtNumbers != y.libvirtNumbers { return x.libvirtNumbers.lexicographicallyPrecedes(y.libvirtNumbers) }
            let (qx, qy) = (Host.numbers(x.info.hypervisorVersion), Host.numbers(y.info.hypervisorVersion))
            if qx != qy { return qx.lexicographicallyPrecedes(qy) }
            if x.startedAt != y.startedAt { return x.startedAt < y.startedAt }
            return a.offset < b.offset
        }.map(\.element)
        func label(_ host: Host, _ depth: Int) -> String {
            if host.isTestDriver { return depth == 0 ? "test" : "test \(Host.format(date: host.startedAt))" }
            var label = Host.majorMinor(host.info.libvirtVersion)
            if depth >= 1, !host.info.hypervisorVersion.isEmpty { label += "/" + Host.majorMinor(host.info.hypervisorVersion) }
            if depth >= 2 { label += " " + Host.format(date: host.startedAt) }
            return label
        }
        for index in hosts.indices {
            hosts[index].id = "h\(index + 1)"
            var depth = 0
            while depth < 3 {
                let mine = label(hosts[index], depth)
                if hosts.indices.filter({ $0 != index }).allSatisfy({ label(hosts[$0], depth) != mine }) { break }
                depth += 1
            }
            hosts[index].versionLabel = label(hosts[index], min(depth, 2))
            if depth == 3 { hosts[index].versionLabel += " (\(hosts[index].id))" }
        }
        return hosts
    }

    /// Every host's result for the snippet, in host order (nil where the host has none).
    public func results(snippet id: String) -> [(host: Host, result: SnippetResult?)] {
        hosts.map { ($0, $0.result(snippet: id)) }
    }
}
