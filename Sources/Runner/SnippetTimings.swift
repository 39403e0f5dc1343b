import Foundation

/// How long each snippet took on each host in earlier runs: `<work dir>/timings.json`, kept between runs
/// so that the runner can start the longest snippets first.
///
/// With `jobs` processes, a run ends when its last snippet ends; starting the long ones first keeps a
/// long snippet from starting last, alone, while the other slots sit idle (longest processing time first).
/// Snippets with no recorded time go first of all: they may be long, and they get a time this run.
///
/// ```swift
/// var timings = SnippetTimings.load(from: workDirectory)
/// let order = timings.longestFirst(snippets.map(\.id), uri: "qemu:///system")
/// timings.record(results, uri: "qemu:///system")
/// try timings.save(to: workDirectory)
/// ```
public struct SnippetTimings: Codable, Sendable, Equatable {
    /// Seconds per snippet id, per host URI.
    public var seconds: [String: [String: Double]] = [:]

    /// No timings.
    public init() {}

    /// The file in a work directory.
    public static func file(in workDirectory: URL) -> URL {
        workDirectory.appendingPathComponent("timings.json")
    }

    /// The timings kept in `workDirectory`, or none when there are none or the file is unreadable.
    public static func load(from workDirectory: URL) -> SnippetTimings {
        guard let data = try? Data(contentsOf: file(in: workDirectory)),
              let timings = try? JSONDecoder().decode(SnippetTimings.self, from: data) else { return SnippetTimings() }
        return timings
    }

    /// Writes the timings into `workDirectory`.
    public func save(to workDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: Self.file(in: workDirectory), options: .atomic)
    }

    /// The positions of `ids`, longest recorded time on `uri` first; unknown ones before all known ones,
    /// ties in their given order.
    public func longestFirst(_ ids: [String], uri: String) -> [Int] {
        let known = seconds[uri] ?? [:]
        return ids.indices.sorted { a, b in
            let ta = known[ids[a]] ?? .infinity
            let tb = known[ids[b]] ?? .infinity
            return ta != tb ? ta > tb : a < b
        }
    }

    /// Keeps the durations of the snippets that ran to a verdict on `uri` (skipped ones keep their old time).
    public mutating func record(_ results: [SnippetResult], uri: String) {
        var known = seconds[uri] ?? [:]
        for r in results where r.verdict != .skipped && r.duration > 0 {
            known[r.id] = r.duration
        }
        seconds[uri] = known
    }
}
