/// The versions reported by `virsh version --daemon`.
///
/// ```
/// Compiled against library: libvirt 9.0.0
/// Using library: libvirt 9.0.0
/// Using API: QEMU 9.0.0
/// Running hypervisor: QEMU 7.2.22
/// Running against daemon: 9.0.0
/// ```
public struct VirshVersion: Sendable, Hashable, Codable {
    /// The libvirt client library in use (`Using library:`), e.g. `9.0.0`.
    public var library: String?
    /// The libvirt daemon's version (`Running against daemon:`), when virsh talked to one.
    public var daemon: String?
    /// The hypervisor's name (`Running hypervisor:`), e.g. `QEMU`.
    public var hypervisor: String?
    /// The hypervisor's version, e.g. `7.2.22`.
    public var hypervisorVersion: String?

    /// Creates a value from its parts.
    public init(library: String? = nil, daemon: String? = nil, hypervisor: String? = nil, hypervisorVersion: String? = nil) {
        self.library = library
        self.daemon = daemon
        self.hypervisor = hypervisor
        self.hypervisorVersion = hypervisorVersion
    }

    /// Parses virsh's output; lines it does not know are ignored, missing ones stay nil.
    public init(parsing output: String) {
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = line[..<colon].trimmingCharacters(in: .whitespaces)
            let words = line[line.index(after: colon)...].split(separator: " ").map(String.init)
            switch label {
            case "Using library":
                library = words.last
            case "Running against daemon":
                daemon = words.last
            case "Running hypervisor":
                if words.count >= 2 {
                    hypervisor = words.dropLast().joined(separator: " ")
                    hypervisorVersion = words.last
                }
            default:
                continue
            }
        }
    }
}
