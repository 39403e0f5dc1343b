import Foundation
import Libvirt

/// How Rewind recognises what it made: a domain is Rewind's only when its name starts with
/// `rewind-<run>-` **and** its `<metadata>` carries Rewind's lab tag (`MetadataItem.rewindLab(run:)`)
/// naming that same run. A name alone proves nothing (anyone can call a domain `rewind-…`), so clean-up
/// code never modifies, stops or deletes a domain without checking both.
public enum LabOwnership {
    /// What a domain is, as far as Rewind's clean-up is concerned.
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        /// Named `rewind-<run>-…` and tagged with that run: Rewind's own.
        case owned(run: String)
        /// Tagged with `run`, but its name does not start with `rewind-<run>-`.
        case tagNameMismatch(run: String)
        /// No Rewind lab tag in its metadata.
        case untagged
        /// The domain does not exist (any more).
        case gone
        /// Its metadata could not be read, so ownership cannot be proven.
        case unknown(LibvirtError)

        /// A short explanation, e.g. `it carries no Rewind lab tag`.
        public var description: String {
            switch self {
            case .owned(let run): "it carries the lab tag of run \(run)"
            case .tagNameMismatch(let run): "it carries the lab tag of run \(run) but is not named rewind-\(run)-…"
            case .untagged: "it carries no Rewind lab tag"
            case .gone: "it no longer exists"
            case .unknown(let error): "its metadata cannot be read (\(error.code.name): \(error.message))"
            }
        }
    }

    /// The prefix of everything a lab run creates, `rewind-<run>-`.
    public static func prefix(run: String) -> String { "rewind-\(run)-" }

    /// The run id in the domain's Rewind lab tag, read with `Domain.metadata(namespaceURI:)`
    /// (`virDomainGetMetadata`), or nil when it has none.
    public static func taggedRun(of domain: Domain) throws(LibvirtError) -> String? {
        guard let tag = try domain.metadata(namespaceURI: MetadataItem.rewindNamespace), tag.isRewindLab else {
            return nil
        }
        return tag.attributes["run"]
    }

    /// Whether `domain` is Rewind's, and of which run.
    public static func status(of domain: Domain) -> Status {
        let run: String?
        do {
            run = try taggedRun(of: domain)
        } catch {
            return error.code == .noDomain ? .gone : .unknown(error)
        }
        guard let run else { return .untagged }
        return domain.name.hasPrefix(prefix(run: run)) ? .owned(run: run) : .tagNameMismatch(run: run)
    }

    /// Whether `domain` is Rewind's: named with the prefix of `run` and tagged with it (any run when nil).
    public static func isOwned(_ domain: Domain, run: String? = nil) -> Bool {
        guard case .owned(let r) = status(of: domain) else { return false }
        return run == nil || r == run
    }
}
