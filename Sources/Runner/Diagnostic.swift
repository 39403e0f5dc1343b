/// A compiler diagnostic, e.g. `Guides/backup.md:42:9: error: cannot find 'dom' in scope`.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious it is.
    public enum Severity: String, Sendable, Codable {
        /// An error: the build fails.
        case error
        /// A warning.
        case warning
        /// A note attached to an error or warning.
        case note
    }
    /// The file as the compiler printed it: a guide path (thanks to `#sourceLocation`) or a Swift file.
    public var file: String?
    /// The 1-based line, when there is a location.
    public var line: Int?
    /// The 1-based column, when there is a location.
    public var column: Int?
    /// How serious it is.
    public var severity: Severity
    /// The message.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String?, line: Int?, column: Int?, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `Guides/x.md:42` (or `Guides/x.md:42:9` with a column), nil without a location.
    public var location: String? {
        guard let file, let line else { return file }
        return column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
    }

    /// `Guides/x.md:42:9: error: message`
    public var description: String {
        (location.map { "\($0): " } ?? "") + "\(severity.rawValue): \(message)"
    }

    /// Parses the diagnostics in a build log (`file:line:col: severity: message` lines, and located-less
    /// `error: message` lines). Duplicates are dropped; the order is kept.
    public static func parse(_ log: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: Set<Diagnostic> = []
        for raw in log.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            guard let d = parseLine(Substring(raw)) else { continue }
            if seen.insert(d).inserted { out.append(d) }
        }
        return out
    }

    static func parseLine(_ line: Substring) -> Diagnostic? {
        for severity in [Severity.error, .warning, .note] {
            let marker = ": \(severity.rawValue): "
            if line.hasPrefix("\(severity.rawValue): ") && severity == .error {
                return Diagnostic(file: nil, line: nil, column: nil, severity: .error,
                                  message: String(line.dropFirst(severity.rawValue.count + 2)))
            }
            guard let r = line.range(of: marker) else { continue }
            // file:line:col before the marker; the file itself may contain ':'.
            let head = line[..<r.lowerBound]
            let parts = head.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, let l = Int(parts[parts.count - 2]), let c = Int(parts[parts.count - 1]) else { continue }
            let file = parts.dropLast(2).joined(separator: ":")
            guard !file.isEmpty, !file.hasPrefix(" ") else { continue }
            return Diagnostic(file: file, line: l, column: c, severity: severity, message: String(line[r.upperBound...]))
        }
        return nil
    }
}
