import Foundation

/// A Debian release whose libvirt + QEMU Rewind can run as a host of its own (`rewind host start
/// --release NAME`), beside the machine's own libvirt (the `system` host).
///
/// Each release has fixed loopback ports, so its URIs are stable across starts:
///
/// | release | suite | libvirt / QEMU (Dec 2026) | TCP | ssh |
/// |---|---|---|---|---|
/// | `trixie` | trixie | 11.3 / 10.0 | 16611 | 16621 |
/// | `sid` | sid | 12.x / 11.x | 16612 | 16622 |
///
/// ```swift
/// let sid = try Release.named("sid")
/// print(sid.tcpURI)   // qemu+tcp://127.0.0.1:16612/system
/// ```
public struct Release: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name used on the command line, e.g. `sid`.
    public var name: String
    /// The Debian suite the root is built from.
    public var suite: String
    /// The loopback TCP port its libvirtd listens on (`qemu+tcp://127.0.0.1:PORT/system`).
    public var tcpPort: UInt16
    /// The loopback port of the sshd inside its root (`qemu+ssh://root@127.0.0.1:PORT/system`).
    public var sshPort: UInt16
    /// Whether the suite's Release file may be expired on the mirror (sid's often is).
    public var ignoreValidUntil: Bool
    /// A suite added on top of `suite` whose packages win where it has them (apt's default release), e.g.
    /// `bookworm-backports`: libvirt and QEMU of a newer release built for the older one.
    public var overlaySuite: String?
    /// Packages of ``packages`` this root goes without, as a host Rewind did not build would (the optional
    /// ones: ``optionalPackages``); such a root also gets no backup TLS certificates.
    public var omitted: [String]

    /// Creates a release description.
    public init(name: String, suite: String, tcpPort: UInt16, sshPort: UInt16, ignoreValidUntil: Bool = false,
                overlaySuite: String? = nil, omitted: [String] = []) {
        self.name = name
        self.suite = suite
        self.tcpPort = tcpPort
        self.sshPort = sshPort
        self.ignoreValidUntil = ignoreValidUntil
        self.overlaySuite = overlaySuite
        self.omitted = omitted
    }

    /// What a hypervisor host may well lack: the backup client, openssl, UEFI firmware.
    public static let optionalPackages = ["virtnbdbackup", "openssl", "ovmf"]

    /// The packages this root is built with: ``packages`` without ``omitted``.
    public var rootPackages: [String] { Self.packages.filter { !omitted.contains($0) } }

    /// The releases Rewind knows.
    public static let known: [Release] = [
        Release(name: "trixie", suite: "trixie", tcpPort: 16611, sshPort: 16621),
        Release(name: "sid", suite: "sid", tcpPort: 16612, sshPort: 16622, ignoreValidUntil: true),
        // The same upstream libvirt and QEMU as a newer release, built for Debian 12: a second build of a
        // version another host runs, so that a table keyed by build can tell them apart.
        Release(name: "bookworm-backports", suite: "bookworm", tcpPort: 16613, sshPort: 16623, overlaySuite: "bookworm-backports"),
        // trixie as a maintainer's host might be: without the optional tools and without Rewind's backup TLS
        // certificates, so that what needs them is seen to be unsupported, with the reason, and never failed.
        Release(name: "trixie-bare", suite: "trixie", tcpPort: 16614, sshPort: 16624, omitted: Release.optionalPackages),
    ]

    /// The packages installed in the root: what a real hypervisor has (the daemon with its QEMU driver and
    /// storage drivers, the clients, QEMU with its block drivers and tools), the subreaper libvirtd runs
    /// under, the remote transport (sshd, with `libvirt-clients`' `virt-ssh-helper`), and the backup client
    /// the guides are cross-checked against on each release (`virtnbdbackup`, run through the host access),
    /// and UEFI firmware (`ovmf`, with its firmware descriptors) for the UEFI guests of the snapshot recipes.
    public static let packages = [
        "libvirt-daemon", "libvirt-daemon-driver-qemu", "libvirt-daemon-driver-storage-disk", "libvirt-clients",
        "qemu-system-x86", "qemu-utils", "qemu-block-extra", "tini", "openssh-server", "virtnbdbackup", "openssl",
        "ovmf",
    ]

    /// The host name its daemons and QEMU see (`rewind-sid`): a UTS namespace of its own, so that libvirt,
    /// which refuses to migrate a guest to the host it runs on, tells release hosts apart.
    public var hostName: String { "rewind-\(name)" }

    /// The host UUID its libvirtd reports (`host_uuid` in its configuration), fixed per release for the same
    /// reason as ``hostName``: by default every host on this machine would read the machine's SMBIOS UUID.
    public var hostUUID: String {
        let port = String(tcpPort, radix: 16)
        return "5265776e-6400-4000-8000-" + String(repeating: "0", count: 12 - port.count) + port
    }

    /// The ports its QEMUs take for incoming migrations and their NBD disk servers (`migration_port_min` /
    /// `_max` in its qemu.conf): a range of its own, because every host on this machine shares one network
    /// and each libvirtd hands out ports from its range unaware of the others (the system host keeps
    /// libvirt's default, 49152–49215).
    public var migrationPorts: ClosedRange<Int> {
        let first = 40_000 + (Int(tcpPort) - 16_600) * 100
        return first...(first + 99)
    }

    /// `qemu+tcp://127.0.0.1:PORT/system`.
    public var tcpURI: String { "qemu+tcp://127.0.0.1:\(tcpPort)/system" }

    /// `qemu+ssh://root@127.0.0.1:PORT/system?keyfile=…&no_verify=1`: the same daemon through the root's sshd,
    /// with the key Rewind made for it.
    public var sshURI: String {
        "qemu+ssh://root@127.0.0.1:\(sshPort)/system?keyfile=\(sshKeyFile)&no_verify=1"
    }

    // MARK: Where things live (on the machine that runs the release host)

    /// Where release roots are cached: `/var/cache/rewind/roots`. `rm -rf` it (with the hosts stopped) to
    /// drop every cached root; `rewind host drop-cache --release NAME` drops one.
    public static let cacheDirectory = "/var/cache/rewind/roots"
    /// Where the state files of running releases live.
    public static let stateDirectory = RewindPaths.stateDirectory + "/hosts"

    /// The cache directory of this release: `root/` (the file system) and `key` (its package versions).
    public var cachePath: String { Self.cacheDirectory + "/" + name }
    /// The root file system.
    public var rootPath: String { cachePath + "/root" }
    /// The package versions the root was built with, one `name=version` a line: the cache key.
    public var keyPath: String { cachePath + "/key" }
    /// The state file of the running host.
    public var stateFile: String { Self.stateDirectory + "/\(name).json" }
    /// Daemon output (libvirtd and virtlogd and sshd start-up), on the machine that runs the host.
    public var logFile: String { Self.stateDirectory + "/\(name).log" }
    /// The private key that `qemu+ssh://` uses for this release (its public half is root's authorized key
    /// inside the root).
    public var sshKeyFile: String { "/var/lib/rewind/keys/\(name)_ed25519" }

    /// `sid (suite sid)`.
    public var description: String { name == suite ? name : "\(name) (suite \(suite))" }
}
