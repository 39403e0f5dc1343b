/// A failed expectation in a snippet (`lab.expect`, `lab.expectEqual`, `lab.fail`).
///
/// `file` and `line` are where the expectation was written. Generated snippet code is wrapped in
/// `#sourceLocation`, so inside a guide they name the Markdown file and line, e.g. `Guides/backup.md:42`.
public struct LabFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The file of the failed expectation (`#filePath`).
    public var file: String
    /// The line of the failed expectation.
    public var line: Int
    /// Set when the failure is not the snippet's fault but the host's: the lab has no access to the
    /// host's files and tools (`HostAccess.unavailable`). `SnippetMain` reports such a snippet
    /// *unsupported* (capability `host-access`) with this reason.
    public var unsupportedReason: String?

    /// Creates a failure at a location.
    public init(_ message: String, file: String, line: Int, unsupportedReason: String? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.unsupportedReason = unsupportedReason
    }

    /// `Guides/x.md:42: expected 2, got 3`
    public var description: String { "\(file):\(line): \(message)" }
}

/// Thrown when the host cannot do what a snippet needs (`lab.require("backup")`).
///
/// `rewind verify` reports the snippet *unsupported* only if its fence declares the capability
/// (`needs=backup`); otherwise the guide is wrong and the snippet fails.
public struct Unsupported: Error, Sendable, Hashable, CustomStringConvertible {
    /// The capability that is missing (`qemu`, `backup`, …), when there is one.
    public var capability: String?
    /// Why, in words, e.g. `needs qemu; connection driver is TEST`.
    public var reason: String

    /// Creates an unsupported error.
    public init(capability: String? = nil, reason: String) {
        self.capability = capability
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
