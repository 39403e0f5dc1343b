/// Every problem found while loading guides, sorted by file and line.
///
/// Loading never stops at the first problem: all guides are parsed and checked, and all errors are
/// reported together. The description lists one error per line.
public struct GuideErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, sorted by file, line and message, without duplicates.
    public let errors: [GuideError]

    /// Creates the collection from errors in any order.
    public init(_ errors: [GuideError]) {
        self.errors = Array(Set(errors)).sorted()
    }

    /// One `file:line: message` per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
