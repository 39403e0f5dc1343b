import Runner

/// A report format: renders a run's results as one file's text.
///
/// The formats are registered once, in ``ReportWriters/perHost`` (written for the whole run and per host)
/// and ``ReportWriters/wholeRun`` (only for the whole run); ``ReportFiles`` writes them.
///
/// ```swift
/// for writer in ReportWriters.perHost { print(writer.fileExtension, try writer.render(results).count) }
/// ```
public protocol ReportWriter: Sendable {
    /// The format's name, e.g. `tap`, `junit`, `json`, `matrix`.
    var name: String { get }
    /// The file name extension of a per-host file, e.g. `tap`, `junit.xml`, `json`.
    var fileExtension: String { get }
    /// The report's text.
    func render(_ results: RunResults) throws -> String
}

extension TAPWriter: ReportWriter {
    public var name: String { "tap" }
    public var fileExtension: String { "tap" }
}

extension JUnitWriter: ReportWriter {
    public var name: String { "junit" }
    public var fileExtension: String { "junit.xml" }
}

extension JSONWriter: ReportWriter {
    public var name: String { "json" }
    public var fileExtension: String { "json" }
}

extension MatrixWriter: ReportWriter {
    public var name: String { "matrix" }
    public var fileExtension: String { "json" }
}

/// The registered report formats, in one place.
public enum ReportWriters {
    /// Written for a whole run and, in a report directory, per host (`<host>.<fileExtension>`).
    public static let perHost: [any ReportWriter] = [TAPWriter(), JUnitWriter(), JSONWriter()]
    /// Written for the whole run only, in a report directory (`<name>.<fileExtension>`): the cross-host matrix.
    public static let wholeRun: [any ReportWriter] = [MatrixWriter()]
}
