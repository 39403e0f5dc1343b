import Foundation
import Runner

/// Writes results as JSON: everything `RunResults` holds, for tools and for the site.
///
/// That is each host's URI, driver, libvirt and hypervisor versions, virt type and capability answers;
/// every snippet's verdict, message, Markdown location, reason, durations, evidence and diff; the compile
/// report (every `swift build` run with its duration, errors mapped to snippets); the guide errors; and the
/// discovery / compile / run timings. Keys are sorted and dates are ISO 8601, so the output is stable.
///
/// ```swift
/// let data = try JSONWriter().encode(results)
/// let back = try JSONWriter.decode(data)      // RunResults
/// ```
public struct JSONWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// The JSON encoding of `results` (pretty-printed, sorted keys, ISO 8601 dates).
    public func encode(_ results: RunResults) throws -> Data {
        try results.jsonData()
    }

    /// The JSON text of `results`.
    public func render(_ results: RunResults) throws -> String {
        String(decoding: try encode(results), as: UTF8.self) + "\n"
    }

    /// Decodes what `encode` wrote.
    public static func decode(_ data: Data) throws -> RunResults {
        try RunResults(json: data)
    }
}
