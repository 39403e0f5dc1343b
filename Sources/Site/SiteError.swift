/// A problem that stops the site from being built: a guide error, an unreadable results file, a missing
/// template, or a broken internal link.
///
/// Its description names the file (or page) first, the way compilers do:
///
/// ```text
/// guides/backup.html (Guides/backup.md): broken link 'snapshots.html#nope': no anchor 'nope' in guides/snapshots.html
/// ```
public struct SiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or page the problem is in.
    public var file: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }

    /// A one-line description of a `DecodingError` (the path to the bad value and what is wrong).
    static func describe(decodingError error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "" : " at \(p)"
        }
        switch error {
        case .typeMismatch(_, let c): return c.debugDescription + path(c)
        case .valueNotFound(_, let c): return c.debugDescription + path(c)
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)'" + path(c)
        case .dataCorrupted(let c): return c.debugDescription + path(c)
        @unknown default: return "\(error)"
        }
    }
}

/// Every problem that stopped a build, in the order found (one per line in the description).
public struct SiteErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems.
    public var errors: [SiteError]

    /// Creates the collection.
    public init(_ errors: [SiteError]) {
        self.errors = errors
    }

    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
