internal import CLibvirt

/// An error reported by libvirt, mirroring the C `virError` structure.
///
/// Every throwing API in this module throws `LibvirtError`. The value is captured
/// in the same stack frame as the failing C call (libvirt keeps its last error in
/// thread-local storage, so reading it later, or after an `await`, could observe
/// another call's error).
///
/// ```swift
/// do {
///     _ = try Connection(uri: "test:///default").lookupDomain(name: "nope")
/// } catch {
///     print(error.code.name)   // VIR_ERR_NO_DOMAIN
/// }
/// ```
public struct LibvirtError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A libvirt error number (`virErrorNumber`, the C `code` field).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// The C enumerator name, e.g. `VIR_ERR_NO_SUPPORT`; for a number this build's table does not have (a
        /// newer libvirt's), `VIR_ERR_<number> (unknown to this build)`. Regenerate the table with
        /// `.ci/generate-error-names` from a newer `virterror.h` to name it.
        public var name: String { Self.names[rawValue] ?? "VIR_ERR_\(rawValue) (unknown to this build)" }
        /// Whether this build's table names the code.
        public var isKnown: Bool { Self.names[rawValue] != nil }
        /// The libvirt version that added the code, as `virterror.h` says (`11.2.0` for
        /// `VIR_ERR_AGENT_COMMAND_FAILED`); nil when the header gives none or the code is unknown.
        public var since: String? { Self.sinceVersions[rawValue] }
        public var description: String { name }
        /// Creates a code from its C enumerator name (`VIR_ERR_NO_SUPPORT`), if this build's table has it.
        public init?(name: String) {
            guard let raw = Self.names.first(where: { $0.value == name })?.key else { return nil }
            self.init(rawValue: raw)
        }
    }

    /// The part of libvirt that raised the error (`virErrorDomain`, the C `domain` field).
    public struct ErrorDomain: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// The C enumerator name, e.g. `VIR_FROM_QEMU`; `VIR_FROM_<number> (unknown to this build)` otherwise.
        public var name: String { Self.names[rawValue] ?? "VIR_FROM_\(rawValue) (unknown to this build)" }
        public var description: String { name }
    }

    /// How serious the error is (`virErrorLevel`).
    public enum Level: Int32, Sendable, Hashable {
        case none = 0, warning = 1, error = 2
    }

    public var code: Code
    public var domain: ErrorDomain
    public var message: String
    public var level: Level
    /// Extra strings and number from `virError` (`str1`…`str3`, `int1`), when libvirt set them.
    public var str1: String?
    public var str2: String?
    public var str3: String?
    public var int1: Int32

    public init(code: Code, domain: ErrorDomain = .none, message: String, level: Level = .error,
                str1: String? = nil, str2: String? = nil, str3: String? = nil, int1: Int32 = 0) {
        self.code = code
        self.domain = domain
        self.message = message
        self.level = level
        self.str1 = str1
        self.str2 = str2
        self.str3 = str3
        self.int1 = int1
    }

    /// `VIR_ERR_NO_SUPPORT: this function is not supported by the connection driver: virDomainBackupBegin`
    public var description: String { "\(code.name): \(message)" }

    /// True for the codes that mean "this driver or hypervisor cannot do that" rather than "you did it wrong":
    /// `VIR_ERR_NO_SUPPORT`, `VIR_ERR_OPERATION_UNSUPPORTED`, `VIR_ERR_ARGUMENT_UNSUPPORTED`,
    /// `VIR_ERR_CONFIG_UNSUPPORTED` and `VIR_ERR_AGENT_UNRESPONSIVE`.
    public var meansUnsupported: Bool {
        [.noSupport, .operationUnsupported, .argumentUnsupported, .configUnsupported, .agentUnresponsive].contains(code)
    }
}
