import Foundation

/// The result file a snippet process writes (`--result FILE`): the raw outcome, the evidence and timings.
///
/// The child only says what happened; `rewind verify` decides the verdict (pass, fail, unsupported,
/// finding) from it and from the fence's attributes.
public struct SnippetReport: Codable, Sendable, Hashable {
    /// What ended the snippet's body.
    public struct Outcome: Codable, Sendable, Hashable {
        /// The kind of outcome.
        public enum Kind: String, Codable, Sendable {
            /// The body returned normally.
            case ok
            /// The body threw a `LibvirtError` (`code`, `message`, `meansUnsupported`).
            case libvirtError
            /// An expectation failed (`message`, `file`, `line`).
            case labFailure
            /// The body threw `Unsupported` (`capability`, `message`).
            case unsupported
            /// The body threw another error (`errorType`, `message`).
            case error
            /// The child could not set up: no such snippet id, or the connection failed.
            case setupFailed
        }
        /// The kind of outcome.
        public var kind: Kind
        /// A message: the error's text, the failed expectation, or the reason.
        public var message: String?
        /// The libvirt error code name (`VIR_ERR_NO_DOMAIN`), for `libvirtError` (and `setupFailed` when connecting failed).
        public var code: String?
        /// Whether the libvirt error means "not supported by this driver or hypervisor".
        public var meansUnsupported: Bool?
        /// The file of a failed expectation (in a guide: the Markdown file).
        public var file: String?
        /// The line of a failed expectation.
        public var line: Int?
        /// The capability named by `Unsupported`.
        public var capability: String?
        /// The Swift type of another error.
        public var errorType: String?

        /// Creates an outcome.
        public init(kind: Kind, message: String? = nil, code: String? = nil, meansUnsupported: Bool? = nil,
                    file: String? = nil, line: Int? = nil, capability: String? = nil, errorType: String? = nil) {
            self.kind = kind
            self.message = message
            self.code = code
            self.meansUnsupported = meansUnsupported
            self.file = file
            self.line = line
            self.capability = capability
            self.errorType = errorType
        }
    }

    /// How long each phase took, in seconds.
    public struct Timings: Codable, Sendable, Hashable {
        /// Opening the connection.
        public var connect: Double = 0
        /// The snippet's body.
        public var body: Double = 0
        /// The teardown hooks.
        public var teardown: Double = 0
        /// Creates timings.
        public init(connect: Double = 0, body: Double = 0, teardown: Double = 0) {
            self.connect = connect
            self.body = body
            self.teardown = teardown
        }
    }

    /// The snippet id.
    public var snippetID: String
    /// The run id (`--run-id`).
    public var runID: String
    /// The connection URI.
    public var uri: String
    /// What ended the body.
    public var outcome: Outcome
    /// Errors thrown by teardown hooks (the snippet fails if there are any).
    public var teardownErrors: [String]
    /// What the lab recorded.
    public var evidence: Evidence
    /// How long each phase took.
    public var timings: Timings

    /// Creates a report.
    public init(snippetID: String, runID: String, uri: String, outcome: Outcome,
                teardownErrors: [String] = [], evidence: Evidence = Evidence(), timings: Timings = Timings()) {
        self.snippetID = snippetID
        self.runID = runID
        self.uri = uri
        self.outcome = outcome
        self.teardownErrors = teardownErrors
        self.evidence = evidence
        self.timings = timings
    }
}
