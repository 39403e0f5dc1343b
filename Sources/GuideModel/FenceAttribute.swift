/// The attributes a `swift` code fence may carry: the vocabulary of executable guide snippets.
///
/// A snippet's info string is the word `swift` followed by space-separated attributes, each either a bare
/// `key` or `key=value`. A value may be double-quoted to hold spaces; inside quotes, `\"` stands for a
/// quote and `\\` for a backslash:
///
/// ````markdown
/// ```swift id=revert-external needs=qemu,snapshot-external expect-error=VIR_ERR_OPERATION_UNSUPPORTED
/// try domain.revert(to: snapshot)
/// ```
/// ````
///
/// Anything outside this vocabulary is an error, never silently skipped: a misspelled attribute is
/// reported with the closest known one. Attributes also may not contradict each other (a snippet that is
/// not run cannot expect a runtime error, for example).
public enum FenceAttribute: String, CaseIterable, Sendable, Hashable {
    /// `id=<slug>`: the snippet's name, unique across all guides. Required on every snippet that is
    /// compiled or run. A slug is lowercase ASCII letters, digits and hyphens, starting with a letter or
    /// digit (`snapshot-create-basic`). Results, reports and `continues=` refer to snippets by id.
    case id

    /// `needs=<capability>[,<capability>…]`: what the connection must provide for the snippet to run
    /// (see ``Capability``). Where a capability is missing, the runner reports the snippet as
    /// *unsupported*, with the reason, instead of failing it.
    case needs

    /// `compile-only`: the snippet is compiled (so it cannot rot) but never run. Use it for code that would
    /// need an environment the runner cannot provide.
    case compileOnly = "compile-only"

    /// `compile-fail="<diagnostic>"`: the snippet must fail to compile, and one of the compiler's
    /// diagnostics must contain the given text. Use it to show what the API rejects at compile time.
    case compileFail = "compile-fail"

    /// `ignore`: the snippet is shown to readers only; it is neither compiled nor run. It needs no id.
    case ignore

    /// `expect-error=VIR_ERR_<NAME>`: the snippet must end by throwing a `LibvirtError` with that code
    /// (for example `VIR_ERR_OPERATION_INVALID`). Any other outcome, including success, fails it.
    case expectError = "expect-error"

    /// `timeout=<seconds>`: how long the snippet may run (a positive number, fractions allowed, at most
    /// one day). Without it the runner's default applies.
    case timeout

    /// `context=<name>`: the snippet runs after the prelude of the named context of its guide (see
    /// ``prelude``). Snippets of the same context share the same hidden setup code.
    case context

    /// `prelude`: marks the block as the prelude of a context (`swift context=<name> prelude`). Its code is
    /// prepended, hidden, to every snippet of that context; the prelude has no id and is never run on
    /// its own. Each context used in a guide has exactly one prelude.
    case prelude

    /// `continues=<id>`: the snippet carries on from an earlier snippet of the same guide. The runner runs
    /// that snippet's code first, in the same process and lab, so declarations and state carry over.
    /// A continuing snippet takes the context of the snippet it continues.
    case continues

    /// `standalone`: the snippet is compiled in its own build rather than merged with the other snippets
    /// (for code that declares conflicting top-level names or needs its own `main`).
    case standalone

    /// `finding=<claim-id>`: the snippet shows where libvirt deviates from its documentation; the claim id
    /// (such as `snap.revert.external`) names the catalog entry that describes the deviation.
    case finding

    /// `claims=<claim-id>[,<claim-id>…]`: the catalog claims this snippet checks.
    case claims

    /// `tier=test|qemu|agent`: where the snippet is meant to run (the test driver, a live QEMU host, a guest
    /// with an agent), when that differs from what ``needs`` implies (``SnippetTier/implied(by:)``); a tier
    /// equal to the implied one is an error. Informative: ``needs`` decides what is required.
    case tier

    /// `since=<libvirt version>`: the snippet checks behaviour libvirt has from this version on (the host's
    /// daemon version, read from the connection). On an older host it is *unsupported*, saying both versions.
    case since

    /// `until=<libvirt version>`: the snippet checks behaviour libvirt had before this version. On a host of
    /// that version or newer it is *unsupported*, saying both versions.
    case until

    /// `fixed-in=<libvirt version>` (with `finding=`): libvirt fixed the deviation in this version. On an older
    /// host the snippet is a finding "fixed in X"; on a newer one the deviation must no longer reproduce: the
    /// snippet passes when its check fails (`lab.expect`, `lab.fail`), and fails when it still reproduces.
    case fixedIn = "fixed-in"

    /// `not-reproduced-in=<libvirt version>` (with `finding=`): the deviation was not reproduced on this
    /// version, but no libvirt commit or release note names a fix. Judged like `fixed-in` (on this version or
    /// newer the snippet passes when its check fails to reproduce the deviation, and fails when it
    /// reproduces), and reported as "not reproduced", never as "fixed".
    case notReproducedIn = "not-reproduced-in"

    /// `recipe=<name>`: the block is a whole program a reader copies (`import Libvirt`, its own arguments,
    /// event waits, error handling and clean-up). It is compiled on its own against Rewind's public library
    /// products only (`Libvirt`, `NBD`), never the lab, and a snippet runs it as its own process
    /// (`lab.runRecipe`) and checks the outcome. Its id is `recipe-<name>` unless `id=` says otherwise.
    case recipe

    /// Whether the attribute is written `key=value` (`true`) or as a bare flag (`false`).
    public var takesValue: Bool {
        switch self {
        case .id, .needs, .compileFail, .expectError, .timeout, .context, .continues, .finding, .claims,
             .tier, .since, .until, .fixedIn, .notReproducedIn, .recipe:
            return true
        case .compileOnly, .ignore, .prelude, .standalone:
            return false
        }
    }

    /// How the attribute is written, for messages and documentation (for example `needs=<cap>[,<cap>…]`).
    public var syntax: String {
        switch self {
        case .id: "id=<slug>"
        case .needs: "needs=<capability>[,<capability>...]"
        case .compileOnly: "compile-only"
        case .compileFail: "compile-fail=\"<expected diagnostic>\""
        case .ignore: "ignore"
        case .expectError: "expect-error=VIR_ERR_<NAME>"
        case .timeout: "timeout=<seconds>"
        case .context: "context=<name>"
        case .prelude: "prelude"
        case .continues: "continues=<id>"
        case .standalone: "standalone"
        case .finding: "finding=<claim-id>"
        case .claims: "claims=<claim-id>[,<claim-id>...]"
        case .tier: "tier=test|qemu|agent"
        case .since: "since=<libvirt version>"
        case .until: "until=<libvirt version>"
        case .fixedIn: "fixed-in=<libvirt version>"
        case .notReproducedIn: "not-reproduced-in=<libvirt version>"
        case .recipe: "recipe=<name>"
        }
    }

    /// A one-line description for readers.
    public var summary: String {
        switch self {
        case .id: "names the snippet; required when it is compiled or run, unique across all guides"
        case .needs: "capabilities the connection must have; otherwise the snippet is reported unsupported"
        case .compileOnly: "compiled but not run"
        case .compileFail: "must fail to compile with a diagnostic containing the text"
        case .ignore: "shown only: neither compiled nor run"
        case .expectError: "must end by throwing a LibvirtError with this code"
        case .timeout: "run time limit in seconds"
        case .context: "runs after the named context's prelude"
        case .prelude: "hidden setup code of a context, prepended to its snippets"
        case .continues: "runs after an earlier snippet of the same guide, in the same process"
        case .standalone: "compiled in its own build"
        case .finding: "shows where libvirt deviates from its documentation (a claim id)"
        case .claims: "catalog claims the snippet checks"
        case .tier: "where the snippet is meant to run, when it differs from what needs= implies (informative)"
        case .since: "the expectation holds from this libvirt version on; unsupported on older hosts"
        case .until: "the expectation holds before this libvirt version; unsupported on newer hosts"
        case .fixedIn: "the finding's deviation was fixed in this libvirt version (a commit or release note the guide names); checked as fixed on newer hosts"
        case .notReproducedIn: "the finding's deviation was not reproduced on this libvirt version, with no fix named; checked on newer hosts, reported as not reproduced"
        case .recipe: "a complete program, compiled against the Libvirt and NBD libraries only and run by a snippet as its own process"
        }
    }
}
