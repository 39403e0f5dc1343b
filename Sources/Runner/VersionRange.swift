import Libvirt

/// The libvirt versions a snippet's expectation holds for, from its fence (`since=`, `until=`, `fixed-in=`),
/// and how a host's version (the daemon's, read from the connection) relates to them.
///
/// ```swift
/// let r = VersionRange(since: "9.9.0")
/// r.applies(to: "9.0.0")    // .notYet("libvirt 9.0.0 is older than 9.9.0 (since=9.9.0)")
/// r.applies(to: "12.8.0")   // .applies
/// VersionRange(fixedIn: "9.9.0").applies(to: "12.8.0")   // .fixed("9.9.0")
/// ```
public struct VersionRange: Sendable, Hashable, Codable {
    /// The first version the expectation holds for.
    public var since: String?
    /// The first version it no longer holds for.
    public var until: String?
    /// The version that fixed a finding's deviation.
    public var fixedIn: String?
    /// The version from which a finding's deviation was not reproduced (no fix named).
    public var notReproducedIn: String?

    /// Creates a range; all nil means every version.
    public init(since: String? = nil, until: String? = nil, fixedIn: String? = nil, notReproducedIn: String? = nil) {
        self.since = since
        self.until = until
        self.fixedIn = fixedIn
        self.notReproducedIn = notReproducedIn
    }

    /// Whether the fence says anything about versions.
    public var isEmpty: Bool { since == nil && until == nil && fixedIn == nil && notReproducedIn == nil }

    /// How a host version relates to the range.
    public enum Applicability: Sendable, Hashable {
        /// Run and judge the snippet as written.
        case applies
        /// The host is older than `since`, or not older than `until`: the expectation does not hold there.
        case outside(reason: String)
        /// A finding on a host whose libvirt fixed it: the deviation must no longer reproduce.
        case fixed(in: String)
        /// A finding on a host from the version on which it was not reproduced (no fix named): judged like
        /// ``fixed(in:)``, reported as "not reproduced".
        case notReproduced(in: String)
        /// The host's version cannot be read: judge as written, saying so.
        case unknownVersion
    }

    /// Where `hostVersion` (e.g. `12.8.0`) falls.
    public func applies(to hostVersion: String) -> Applicability {
        guard !isEmpty else { return .applies }
        guard let host = Version(parsing: hostVersion) else { return .unknownVersion }
        if let since, let s = Version(parsing: since), host < s {
            return .outside(reason: "the expectation holds from libvirt \(since) on (since=\(since)); this host has \(hostVersion)")
        }
        if let until, let u = Version(parsing: until), host >= u {
            return .outside(reason: "the expectation holds before libvirt \(until) (until=\(until)); this host has \(hostVersion)")
        }
        if let fixedIn, let f = Version(parsing: fixedIn), host >= f {
            return .fixed(in: fixedIn)
        }
        if let notReproducedIn, let n = Version(parsing: notReproducedIn), host >= n {
            return .notReproduced(in: notReproducedIn)
        }
        return .applies
    }
}
