import Foundation
import GuideModel
import Lab
import Libvirt
import RewindXML

/// Finds out, in the parent process, what a `--connect` URI can do, before any snippet runs.
///
/// It records the URI, the driver (`QEMU`, `TEST`), the libvirt and hypervisor versions, the virt type
/// (`kvm`, `qemu` for TCG, `test`) and, for each capability a fence can declare in `needs=`, whether the
/// host has it:
///
/// | need | answer |
/// |---|---|
/// | `qemu`, `monitor`, `blockjob` | the driver is QEMU |
/// | `backup` | QEMU and the domain capabilities say `<backup supported='yes'/>` |
/// | `checkpoint`, `save`, `events` | QEMU or TEST |
/// | `snapshot-external` | QEMU (the test driver keeps external snapshots as metadata only) |
/// | `agent` | unknown: only a running guest can tell, so the snippet runs and its error decides |
/// | `uefi` | QEMU and the domain capabilities offer the `efi` firmware (OVMF installed on the host) |
/// | `backup-tls` | on QEMU, decided by the snippet: the certificates are files on the host |
///
/// ```swift
/// let host = try HostProbe.probe(uri: "test:///default")
/// print(host.driver, host.missingReason("qemu") ?? "-")   // TEST connection driver is TEST
/// ```
public enum HostProbe {
    /// The capability names a fence can declare (`needs=`): GuideModel's ``Capability``, the one list.
    public static let knownCapabilities = Capability.allCases.map(\.rawValue)

    /// The URI could not be opened or queried.
    public struct ProbeError: Error, Sendable, CustomStringConvertible {
        /// The URI.
        public var uri: String
        /// The libvirt error.
        public var error: LibvirtError
        /// `cannot connect to qemu+tcp://h/system: VIR_ERR_SYSTEM_ERROR: …`
        public var description: String { "cannot connect to \(uri): \(error.code.name): \(error.message)" }
    }

    /// Opens `uri` and answers the questions above. The connection is closed again.
    public static func probe(uri: String) throws(ProbeError) -> HostInfo {
        try probe(ConnectionTarget(uri: uri))
    }

    /// Probes a target; the result keeps the target's host access (``HostInfo/access``), which the snippet
    /// processes then use as they are, instead of working it out again.
    public static func probe(_ target: ConnectionTarget) throws(ProbeError) -> HostInfo {
        let uri = target.uri
        let connection: Connection
        do { connection = try Connection(uri: uri) } catch { throw ProbeError(uri: uri, error: error) }
        defer { connection.close() }
        let driver: String
        let libvirtVersion: String
        do {
            driver = try connection.hypervisorType
            libvirtVersion = try connection.libraryVersion.description
        } catch { throw ProbeError(uri: uri, error: error) }
        let hypervisorVersion = (try? connection.hypervisorVersion.description) ?? ""
        let hostname = try? connection.hostname

        var virtType = driver.lowercased()
        var backup = HostInfo.Capability(available: false, reason: "connection driver is \(driver)")
        var uefi = HostInfo.Capability(available: false, reason: "connection driver is \(driver)")
        if driver == "QEMU" {
            // The virt type lab guests get (the one accelerator decision, from the host's capabilities and
            // KVM module), and whether backups are supported (the domain capabilities).
            do {
                let accelerator = Lab.chooseAccelerator(capabilitiesXML: try connection.capabilitiesXML(),
                                                        kvm: target.access.kvmModule)
                virtType = accelerator.accelerator.domainType ?? "qemu"
                let doc = try XMLDocument(parsing: try connection.domainCapabilitiesXML())
                let supported = try? doc.string(at: "/domainCapabilities/features/backup/@supported")
                backup = supported == "yes"
                    ? .init(available: true, reason: "domain capabilities: <backup supported='yes'/>")
                    : .init(available: false, reason: "domain capabilities: backup supported='\(supported ?? "absent")'")
                let efi = (try? doc.string(at: "/domainCapabilities/os/enum[@name='firmware']/value[.='efi']")) ?? ""
                let code = (try? doc.string(at: "/domainCapabilities/os/loader/value[1]")) ?? ""
                uefi = efi == "efi"
                    ? .init(available: true, reason: "domain capabilities: efi firmware \(code)")
                    : .init(available: false, reason: "domain capabilities offer no efi firmware: install UEFI firmware on the host (Debian package ovmf)")
            } catch let error as LibvirtError {
                backup = .init(available: false, reason: "domain capabilities unavailable: \(error)")
                virtType = "qemu"
            } catch {
                backup = .init(available: false, reason: "domain capabilities unreadable: \(error)")
                virtType = "qemu"
            }
        }
        let isQEMU = driver == "QEMU"
        let isTest = driver == "TEST"
        func answer(_ yes: Bool) -> HostInfo.Capability {
            .init(available: yes, reason: "connection driver is \(driver)")
        }
        var caps: [String: HostInfo.Capability] = [:]
        // One answer per case: a new `Capability` does not compile until the probe answers it.
        for capability in Capability.allCases {
            caps[capability.rawValue] = switch capability {
            case .qemu, .monitor, .blockjob: answer(isQEMU)
            case .backup: backup
            case .checkpoint, .save, .events: answer(isQEMU || isTest)
            case .snapshotExternal: isTest
                ? .init(available: false, reason: "connection driver is TEST (external snapshots are metadata only)")
                : answer(isQEMU)
            case .agent: .init(available: nil, reason: "a guest agent cannot be probed; the snippet's error decides")
            case .peerHost: .init(available: nil, reason: "decided by the run: another live QEMU host among its --connect")
            case .uefi: uefi
            case .backupTLS: isQEMU
                ? .init(available: nil, reason: "decided by the snippet: the certificates are files on the host")
                : answer(false)
            }
        }
        return HostInfo(uri: uri, driver: driver, libvirtVersion: libvirtVersion,
                        hypervisorVersion: hypervisorVersion, virtType: virtType, hostname: hostname,
                        probedAt: Date(), capabilities: caps, access: target.access)
    }

    /// The hosts with their `peer-host` answer decided: each live QEMU host's peers are the run's other live
    /// QEMU hosts whose host name differs (libvirt refuses to migrate a guest to the host it runs on, and two
    /// URIs of one daemon are one host).
    public static func pairingPeers(_ hosts: [HostInfo]) -> [HostInfo] {
        hosts.map { host in
            var h = host
            guard host.driver == "QEMU" else {
                h.capabilities[Capability.peerHost.rawValue] = .init(available: false, reason: "connection driver is \(host.driver)")
                return h
            }
            h.peers = hosts.filter { $0.driver == "QEMU" && $0.uri != host.uri && ($0.hostname == nil || $0.hostname != host.hostname) }
                .map(\.uri)
            h.capabilities[Capability.peerHost.rawValue] = h.peers.isEmpty
                ? .init(available: false, reason: "no other live QEMU host with a host name of its own in this run "
                        + "(give a second --connect, e.g. two release hosts: rewind host start --release trixie|sid)")
                : .init(available: true, reason: "peers: " + h.peers.joined(separator: ", "))
            return h
        }
    }
}
