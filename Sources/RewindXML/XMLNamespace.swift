/// An XML namespace: a URI and the prefix that stands for it, e.g.
/// `XMLNamespace(prefix: "rewind", uri: "https://rewind.invalid/lab/1")` for
/// `xmlns:rewind="https://rewind.invalid/lab/1"`.
public struct XMLNamespace: Sendable, Hashable {
    /// The prefix, or nil for a default namespace (`xmlns="…"`).
    public var prefix: String?
    /// The namespace URI (it identifies the namespace; the prefix is only a local abbreviation).
    public var uri: String

    /// Creates a namespace. A non-nil `prefix` must be a valid XML name without a colon.
    public init(prefix: String?, uri: String) {
        self.prefix = prefix
        self.uri = uri
    }
}
