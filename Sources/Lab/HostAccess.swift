import Foundation
import Glibc
import HostRecords

/// How a lab reaches the files and tools of the host behind its connection — the machine libvirtd and QEMU
/// run on, which is not necessarily the one the snippet runs on.
///
/// A lab never looks at host state (images, QEMU logs, sockets) through its own file system. It runs host
/// tools (`qemu-img`, `qemu-io`, `openssl`/`sha256sum`, `stat`, `cat`, …) and reads host files through this value:
///
/// | URI | access |
/// |---|---|
/// | `qemu:///system`, `qemu:///session`, `test:///…`, `qemu+tcp://127.0.0.1/system` | `local`: this machine |
/// | `qemu+tcp://127.0.0.1:PORT/system` of a release host Rewind started | `namespace`: `nsenter -t PID -m -u -r` into its root |
/// | `qemu+ssh://[user@]host[:port]/system[?keyfile=K]` | `ssh`: the same user, host, port and key the URI names |
/// | any other remote URI | `unavailable`: a check that needs the host's files is *unsupported* there, with the reason |
///
/// ```swift
/// let access = HostAccess.resolve(uri: "qemu+ssh://root@10.0.0.5/system?keyfile=/root/.ssh/lab")
/// print(access)   // ssh root@10.0.0.5 (key /root/.ssh/lab)
/// ```
public enum HostAccess: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The host is this machine.
    case local
    /// A release host on this machine: run inside the mount namespace and root of process `pid` (its libvirtd).
    case namespace(pid: Int32, release: String)
    /// A host reached with `ssh`.
    case ssh(destination: String, port: String?, keyfile: String?)
    /// No way to the host's files; the reason says why.
    case unavailable(reason: String)

    /// Works out the access for a connection URI (see the table above).
    public static func resolve(uri: String) -> HostAccess {
        guard let components = URLComponents(string: uri), let scheme = components.scheme else {
            return .unavailable(reason: "cannot parse the URI \(uri)")
        }
        let host = components.host ?? ""
        let transport = scheme.split(separator: "+").dropFirst().first.map(String.init)
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        switch transport {
        case nil, "unix":
            if host.isEmpty || loopback { return .local }
            return .unavailable(reason: "\(uri) names a host but no transport")
        case "ssh":
            var destination = host
            if let user = components.user { destination = user + "@" + host }
            let keyfile = components.queryItems?.first { $0.name == "keyfile" }?.value
            return .ssh(destination: destination, port: components.port.map(String.init), keyfile: keyfile)
        case "tcp", "tls":
            guard loopback else {
                return .unavailable(reason: "\(uri) reaches libvirtd over \(transport!) only; give a qemu+ssh:// URI for the same host "
                                    + "so that Rewind can reach its files and tools")
            }
            if let port = components.port, let p = UInt16(exactly: port),
               let pid = ReleaseHost.namespaceTarget(tcpPort: p) {
                let name = Release.known.first { $0.tcpPort == p }?.name ?? "release"
                return .namespace(pid: pid, release: name)
            }
            if components.port == nil || components.port == Int(RewindPaths.systemTCPPort) { return .local }
            return .unavailable(reason: "no host Rewind started listens on \(uri); give a qemu+ssh:// URI for that libvirtd")
        default:
            return .unavailable(reason: "transport \(transport!) of \(uri) gives no access to the host's files")
        }
    }

    /// An access given by hand (`rewind verify --host-access`), for a URI whose transport gives none (a
    /// `qemu+tcp://` or `qemu+tls://` host Rewind did not start): `ssh://[user@]host[:port][?keyfile=PATH]`,
    /// `local` (the host is this machine) or `none`. Nil for anything else.
    ///
    /// ```swift
    /// HostAccess.parse(access: "ssh://root@10.0.0.5:22?keyfile=/root/.ssh/lab")   // ssh root@10.0.0.5:22 (key …)
    /// ```
    public static func parse(access: String) -> HostAccess? {
        switch access {
        case "local": return .local
        case "none": return .unavailable(reason: "--host-access none")
        default: break
        }
        guard let components = URLComponents(string: access), components.scheme == "ssh",
              let host = components.host, !host.isEmpty, components.path.isEmpty || components.path == "/" else { return nil }
        let destination = components.user.map { $0 + "@" + host } ?? host
        let keyfile = components.queryItems?.first { $0.name == "keyfile" }?.value
        return .ssh(destination: destination, port: components.port.map(String.init), keyfile: keyfile)
    }

    /// The capability a snippet is reported unsupported for when the lab cannot reach the host's files.
    public static let capability = "host-access"

    /// The lab directory of run `runID` on a host that is not this machine.
    public static func remoteLabDirectory(runID: String) -> String { RewindPaths.imageDirectory + "/" + runID }

    /// Whether the host's files are this machine's files.
    public var isLocal: Bool { if case .local = self { true } else { false } }

    /// `local`, `release sid (nsenter -t 1234 -m -u -r)`, `ssh root@h:22 (key K)`, `unavailable: …`.
    public var description: String {
        switch self {
        case .local: "local"
        case .namespace(let pid, let release): "release \(release) (nsenter -t \(pid) -m -u -r)"
        case .ssh(let destination, let port, let keyfile):
            "ssh \(destination)" + (port.map { ":\($0)" } ?? "") + (keyfile.map { " (key \($0))" } ?? "")
        case .unavailable(let reason): "unavailable: \(reason)"
        }
    }

    /// The command line that runs `argv` on the host, or nil when there is no access.
    func commandLine(_ argv: [String]) -> [String]? {
        switch self {
        case .local:
            return argv
        case .namespace(var pid, let release):
            // The pid may have ended (a daemon restart): enter by whichever process holds the namespace now.
            if kill(pid, 0) != 0, let now = ReleaseHost.namespaceTarget(release: release) { pid = now }
            // `-w` (no value): the working directory of libvirtd, inside its root; `--wd=/` would name the
            // machine's `/`, outside the root after nsenter's chroot.
            return ["nsenter", "-t", String(pid), "-m", "-u", "-r", "-w", "--"] + argv
        case .ssh(let destination, let port, let keyfile):
            // One connection per host for the whole run when the runner shares them (SSHMultiplexing).
            var ssh = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                       "-o", "LogLevel=ERROR"] + SSHMultiplexing.sshOptions
            if let port { ssh += ["-p", port] }
            if let keyfile { ssh += ["-i", keyfile] }
            // ssh hands the remote shell one string: quote every argument.
            return ssh + [destination, "--", argv.map(Self.shellQuoted).joined(separator: " ")]
        case .unavailable:
            return nil
        }
    }

    /// The host's KVM module (`/sys/module/kvm_intel`, `kvm_amd`, `kvm_pvm`), looked at through this access;
    /// `.unknown` when the host's files cannot be reached. An input of the one accelerator decision
    /// (``Accelerator/choose(offersKVM:offersQEMU:kvm:)``).
    public var kvmModule: Accelerator.KVMModule {
        if isLocal { return .local }
        guard let argv = commandLine(["sh", "-c", "for m in kvm_intel kvm_amd kvm_pvm; do test -e /sys/module/$m && echo $m; done; true"])
        else { return .unknown }
        let present = Set(Self.runQuietly(argv))
        return .detect { present.contains($0) }
    }

    /// Runs a host command line (from `commandLine`) with a bounded wait and returns its output lines (or one
    /// line saying why it failed). For clean-up paths, which report rather than throw.
    static func runQuietly(_ argv: [String], timeout: Duration = .seconds(60)) -> [String] {
        do {
            let r = try Tool(name: argv[0]).run(Array(argv.dropFirst()), on: .local, timeout: timeout, file: #filePath, line: #line)
            let lines = r.stdout.split(separator: "\n").map(String.init)
            return r.status == 0 ? lines : lines + ["\(r.commandLine) exited with status \(r.status): "
                                                   + r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)]
        } catch {
            return [error.message]
        }
    }

    /// An argument quoted for a POSIX shell.
    static func shellQuoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
