/// The validated attributes of a `swift` code fence (see ``FenceAttribute`` for the vocabulary).
public struct SnippetAttributes: Sendable, Hashable, Codable {
    /// `id=`: the snippet's id (absent only on ignored blocks and preludes).
    public let id: String?
    /// `needs=`: the capabilities the snippet needs, in the order written.
    public let needs: [Capability]
    /// `compile-only`.
    public let isCompileOnly: Bool
    /// `compile-fail=`: the text a compiler diagnostic must contain.
    public let compileFailure: String?
    /// `ignore`.
    public let isIgnored: Bool
    /// `expect-error=`: the `VIR_ERR_…` name of the error the snippet must end with.
    public let expectedError: String?
    /// `timeout=`: the run time limit.
    public let timeout: Duration?
    /// `context=`: the context the fence names (a continuing snippet may also inherit one; see
    /// ``Snippet/context``).
    public let context: String?
    /// `prelude`: the block is the prelude of ``context``.
    public let isPrelude: Bool
    /// `continues=`: the id of the earlier snippet this one carries on from.
    public let continues: String?
    /// `standalone`.
    public let isStandalone: Bool
    /// `finding=`: the claim whose documented behaviour this snippet shows libvirt deviating from.
    public let finding: String?
    /// `claims=`: the catalog claims this snippet checks, in the order written.
    public let claims: [String]
    /// `tier=`, when the fence says something `needs=` does not (see ``effectiveTier``).
    public let tier: SnippetTier?

    /// Where the snippet is meant to run: `tier=` when written, otherwise the tier `needs=` implies
    /// (``SnippetTier/implied(by:)``).
    public var effectiveTier: SnippetTier { tier ?? SnippetTier.implied(by: needs) }
    /// `since=`: the first libvirt version (`major.minor.release`) the expectation holds for.
    public let since: String?
    /// `until=`: the first libvirt version the expectation no longer holds for.
    public let until: String?
    /// `fixed-in=`: the libvirt version that fixed the finding's deviation.
    public let fixedIn: String?
    /// `not-reproduced-in=`: the libvirt version from which the finding's deviation no longer reproduces,
    /// with no fix named.
    public let notReproducedIn: String?
    /// `recipe=`: the name of the whole program the block is.
    public let recipe: String?

    /// The executable a recipe is built as (`Recipe_full_backup` for `recipe=full-backup`): the runner's
    /// target and the name `lab.runRecipe` looks for beside the snippet program.
    public static func recipeExecutableName(_ recipe: String) -> String {
        "Recipe_" + String(recipe.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// What the runner does with the snippet: run it, only compile it, expect compilation to fail, or
    /// ignore it.
    public var mode: SnippetMode {
        if isIgnored { return .ignore }
        if let compileFailure { return .compileFail(expectedDiagnostic: compileFailure) }
        if isCompileOnly || recipe != nil { return .compileOnly }
        return .run
    }

    /// Creates attributes (parsing a guide creates them from fences; this initializer exists for tools and
    /// tests that synthesize snippets).
    public init(
        id: String? = nil, needs: [Capability] = [], isCompileOnly: Bool = false, compileFailure: String? = nil,
        isIgnored: Bool = false, expectedError: String? = nil, timeout: Duration? = nil, context: String? = nil,
        isPrelude: Bool = false, continues: String? = nil, isStandalone: Bool = false, finding: String? = nil,
        claims: [String] = [], tier: SnippetTier? = nil, since: String? = nil, until: String? = nil,
        fixedIn: String? = nil, notReproducedIn: String? = nil, recipe: String? = nil
    ) {
        self.notReproducedIn = notReproducedIn
        self.recipe = recipe
        self.since = since
        self.until = until
        self.fixedIn = fixedIn
        self.id = id
        self.needs = needs
        self.isCompileOnly = isCompileOnly
        self.compileFailure = compileFailure
        self.isIgnored = isIgnored
        self.expectedError = expectedError
        self.timeout = timeout
        self.context = context
        self.isPrelude = isPrelude
        self.continues = continues
        self.isStandalone = isStandalone
        self.finding = finding
        self.claims = claims
        self.tier = tier
    }
}
