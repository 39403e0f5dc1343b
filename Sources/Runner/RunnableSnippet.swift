import Foundation
import GuideModel
import Support

/// A snippet as the runner sees it: the guide model's snippet with its context resolved.
///
/// `sourceLines` are the lines that make up the snippet's function, in order: the lines of the
/// context prelude, of the snippets it continues, then its own (hidden ones included), each with the
/// Markdown file and line it came from. The generator wraps each contiguous run of them in one
/// `#sourceLocation` directive, so diagnostics, `#line` and `#filePath` name the Markdown.
public struct RunnableSnippet: Sendable, Hashable {
    /// One line of Swift with the Markdown location it came from.
    public struct SourceLine: Sendable, Hashable {
        /// The guide, relative to the project root, e.g. `Guides/backup.md`.
        public var file: String
        /// The 1-based Markdown line.
        public var line: Int
        /// The Swift text (a hidden line without its hiding prefix).
        public var text: String
        /// Whether the line belongs to this snippet (false for prelude and continued lines).
        public var isOwn: Bool
        /// Creates a source line.
        public init(file: String, line: Int, text: String, isOwn: Bool = true) {
            self.file = file
            self.line = line
            self.text = text
            self.isOwn = isOwn
        }
    }

    /// What the runner does with a snippet: GuideModel's mode (`run`, `compile-only`, `compile-fail=`, `ignore`).
    public typealias Mode = SnippetMode

    /// An expected-output block that follows the snippet.
    public struct ExpectedOutput: Sendable, Hashable, Codable {
        /// The expected text (lines separated by `\n`).
        public var text: String
        /// Whether `{{...}}` in a line matches any text.
        public var masked: Bool
        /// The Markdown line of the output block's opening fence.
        public var line: Int
        /// Creates an expected output.
        public init(text: String, masked: Bool, line: Int) {
            self.text = text
            self.masked = masked
            self.line = line
        }
    }

    /// The snippet id, unique in the guide set.
    public var id: String
    /// The guide, relative to the project root, e.g. `Guides/backup.md`.
    public var guide: String
    /// The Markdown line of the opening fence.
    public var line: Int
    /// The lines of the snippet's function (context, continued, own), in order.
    public var sourceLines: [SourceLine]
    /// The fence's attributes, as GuideModel parsed them: one typed model from the Markdown to the snippet
    /// process (``SnippetInvocation`` hands them to the child unchanged).
    public var attributes: SnippetAttributes
    /// What to do with it.
    public var mode: Mode { attributes.mode }
    /// Compiled in an executable of its own (`standalone`): a complete program.
    public var standalone: Bool { attributes.isStandalone }
    /// The capabilities it needs (`needs=backup,qemu`).
    public var needs: [Capability] { attributes.needs }
    /// The libvirt error code it must end with (`expect-error=VIR_ERR_NO_DOMAIN`).
    public var expectError: String? { attributes.expectedError }
    /// Its timeout in seconds (`timeout=`), nil for the runner's default.
    public var timeout: Double? { attributes.timeout?.inSeconds }
    /// The documented claim this snippet contradicts (`finding=`).
    public var finding: String? { attributes.finding }
    /// The claim ids it checks (`claims=`).
    public var claims: [String] { attributes.claims }
    /// Where it is meant to run (`tier=test|qemu|agent`), if the fence says.
    public var tier: SnippetTier? { attributes.effectiveTier }
    /// The expected output block, if any.
    public var expectedOutput: ExpectedOutput?
    /// The libvirt versions its expectation holds for (`since=`, `until=`) and, for a finding, the version
    /// that fixed the deviation (`fixed-in=`).
    public var versions: VersionRange {
        VersionRange(since: attributes.since, until: attributes.until, fixedIn: attributes.fixedIn,
                     notReproducedIn: attributes.notReproducedIn)
    }
    /// The newest libvirt name its own code uses (`VIR_…`, `vir…`) and the version that added it, when the
    /// guide checks found one (`GuideChecks.annotate`).
    public var newestName: NamedSince?

    /// A libvirt name and the version that added it.
    public struct NamedSince: Sendable, Hashable, Codable {
        /// The name, e.g. `VIR_DOMAIN_BLOCK_COPY_TARGET_ZEROED`.
        public var name: String
        /// The version that added it, e.g. `12.2.0`.
        public var since: String
        /// Creates a value.
        public init(name: String, since: String) { self.name = name; self.since = since }
    }

    /// Creates a runnable snippet from its parts and its fence's attributes.
    public init(id: String, guide: String, line: Int, sourceLines: [SourceLine], attributes: SnippetAttributes,
                expectedOutput: ExpectedOutput? = nil) {
        self.id = id
        self.guide = guide
        self.line = line
        self.sourceLines = sourceLines
        self.attributes = attributes
        self.expectedOutput = expectedOutput
    }

    /// Creates a runnable snippet with the attributes spelled out (tools and tests that synthesize snippets).
    public init(id: String, guide: String, line: Int, sourceLines: [SourceLine], mode: Mode = .run,
                standalone: Bool = false, needs: [Capability] = [], expectError: String? = nil,
                timeout: Double? = nil, finding: String? = nil, claims: [String] = [], tier: SnippetTier? = nil,
                versions: VersionRange = VersionRange(), expectedOutput: ExpectedOutput? = nil) {
        var compileFailure: String?
        if case .compileFail(let diagnostic) = mode { compileFailure = diagnostic }
        let attributes = SnippetAttributes(
            id: id, needs: needs, isCompileOnly: mode == .compileOnly, compileFailure: compileFailure,
            isIgnored: mode == .ignore, expectedError: expectError, timeout: timeout.map { .milliseconds(Int64(($0 * 1000).rounded())) },
            isStandalone: standalone, finding: finding, claims: claims, tier: tier,
            since: versions.since, until: versions.until, fixedIn: versions.fixedIn,
            notReproducedIn: versions.notReproducedIn)
        self.init(id: id, guide: guide, line: line, sourceLines: sourceLines, attributes: attributes,
                  expectedOutput: expectedOutput)
    }

    /// A digest of everything that decides what the snippet does and how it is judged: the text of its
    /// function's lines (context prelude, continued snippets, its own, hidden ones included), its fence
    /// attributes and its expected output. Results carry it (``SnippetResult/sourceDigest``), so a verdict
    /// can be shown only beside the code it was reached with; line numbers are left out, so moving a snippet
    /// in its guide keeps its verdict current.
    public var sourceDigest: String {
        var hasher = SHA256()
        hasher.update(field: "rewind-snippet-digest-1")
        for line in sourceLines { hasher.update(field: line.text) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        hasher.update((try? encoder.encode(attributes)) ?? Data())
        hasher.update(field: expectedOutput.map { "\($0.masked) \($0.text)" } ?? "")
        return hasher.finalizeHex()
    }

    /// `Guides/x.md:12`, the opening fence.
    public var location: String { "\(guide):\(line)" }

    /// Whether a Markdown location is one of this snippet's own lines.
    public func ownsLine(file: String, line: Int) -> Bool {
        sourceLines.contains { $0.isOwn && $0.line == line && $0.file == file }
    }

    /// Whether a Markdown location is one of the lines compiled into this snippet (own or borrowed).
    public func includesLine(file: String, line: Int) -> Bool {
        sourceLines.contains { $0.line == line && $0.file == file }
    }
}

extension RunnableSnippet {
    /// The string literals passed first to `call` in the snippet's lines (`runRecipe` → the recipe names in
    /// `lab.runRecipe("NAME", …)`), with the line each is on; only its own lines when `ownOnly`.
    public func namesPassed(to call: String, ownOnly: Bool = false) -> [(name: String, line: SourceLine)] {
        var found: [(name: String, line: SourceLine)] = []
        for line in sourceLines where line.isOwn || !ownOnly {
            var rest = Substring(line.text)
            while let range = rest.range(of: call + "(\"") {
                found.append((String(rest[range.upperBound...].prefix { $0 != "\"" }), line))
                rest = rest[range.upperBound...]
            }
        }
        return found
    }
}
