/// What the runner does with a snippet, decided by its fence attributes.
public enum SnippetMode: Sendable, Hashable {
    /// Compiled and run (the default).
    case run
    /// Compiled but not run (`compile-only`).
    case compileOnly
    /// Must fail to compile with a diagnostic that contains `expectedDiagnostic` (`compile-fail=`).
    case compileFail(expectedDiagnostic: String)
    /// Neither compiled nor run (`ignore`).
    case ignore

    /// Whether the snippet is compiled at all (everything but ``ignore``).
    public var isCompiled: Bool { self != .ignore }

    /// Whether the snippet is run (only ``run``).
    public var isRun: Bool { self == .run }
}
