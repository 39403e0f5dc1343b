/// A problem found in a guide, located at a line of its Markdown file.
///
/// Its description is the location followed by the message, the way compilers report errors, so that
/// editors and terminals can jump to it:
///
/// ```text
/// Guides/snapshots.md:42: unknown fence attribute 'neeeds'; did you mean 'needs'?
/// ```
public struct GuideError: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The guide's path relative to the package root (for example `Guides/snapshots.md`).
    public let file: String

    /// The 1-based line the problem is reported at.
    public let line: Int

    /// What is wrong, in one sentence.
    public let message: String

    /// Creates an error. Lines below 1 are reported as line 1.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = max(line, 1)
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }

    /// Orders errors by file, then line, then message.
    public static func < (lhs: GuideError, rhs: GuideError) -> Bool {
        (lhs.file, lhs.line, lhs.message) < (rhs.file, rhs.line, rhs.message)
    }
}
