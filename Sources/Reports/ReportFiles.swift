import Foundation
import Runner

/// Where a run's reports go, and writing them: TAP 14, JUnit XML and JSON for the whole run, and per host
/// (`<host>.tap`, `<host>.junit.xml`, `<host>.json`) with `matrix.json` (claims and snippets × hosts) in a
/// report directory.
///
/// ```swift
/// var files = ReportFiles()
/// files.junit = "reports/rewind.junit.xml"
/// try files.write(results)
/// ```
public struct ReportFiles: Sendable {
    /// TAP version 14 for the whole run; `-` for standard output.
    public var tap: String?
    /// JUnit XML for the whole run.
    public var junit: String?
    /// JSON for the whole run.
    public var json: String?
    /// A folder for per-host reports and the matrix.
    public var directory: String?

    /// No reports.
    public init(tap: String? = nil, junit: String? = nil, json: String? = nil, directory: String? = nil) {
        self.tap = tap
        self.junit = junit
        self.json = json
        self.directory = directory
    }

    /// Whether TAP goes to standard output (then the summary does not).
    public var tapOnStandardOutput: Bool { tap == "-" }

    /// Writes every report asked for. Files are replaced atomically; folders are created.
    public func write(_ results: RunResults) throws {
        if let tap {
            let text = TAPWriter().render(results)
            if tap == "-" { FileHandle.standardOutput.write(Data(text.utf8)) } else { try Self.write(text, to: tap) }
        }
        if let junit { try Self.write(JUnitWriter().render(results), to: junit) }
        if let json { try Self.write(try JSONWriter().render(results), to: json) }
        if let directory {
            for host in results.hosts {
                var one = results
                one.hosts = [host]
                let name = Self.fileName(for: host.host.uri)
                for writer in ReportWriters.perHost {
                    try Self.write(try writer.render(one), to: directory + "/\(name).\(writer.fileExtension)")
                }
            }
            for writer in ReportWriters.wholeRun {
                try Self.write(try writer.render(results), to: directory + "/\(writer.name).\(writer.fileExtension)")
            }
        }
    }

    /// A file name for a host URI: `qemu+tcp://127.0.0.1:16612/system` → `qemu+tcp-127.0.0.1-16612-system`.
    public static func fileName(for uri: String) -> String {
        let withoutQuery = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        var out = ""
        for ch in withoutQuery {
            out.append(ch.isLetter || ch.isNumber || ch == "." || ch == "+" || ch == "_" ? ch : "-")
        }
        while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "-") }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
