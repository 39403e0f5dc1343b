import Foundation
import Glibc
import HostRecords

// Starting, stopping and restarting release hosts (the records they leave are in HostRecords).
extension ReleaseHost {
    // MARK: Start

    /// Builds or reuses the release's root, configures it and starts its daemons, unless it runs already.
    ///
    /// - Parameters:
    ///   - refresh: check the suite for newer packages (see `ReleaseRoot.ensure`).
    ///   - ssh: also start sshd in the root, for `qemu+ssh://` and host access over ssh.
    public static func start(_ release: Release, timeout: TimeInterval = 120, refresh: Bool = true, ssh: Bool = true,
                             progress: (String) -> Void = { _ in }) throws(LiveHostError) -> ReleaseStatus {
        guard geteuid() == 0 else { throw LiveHostError(.notRoot, "starting a release host needs root") }
        try LiveHost.makeDirectories([Release.stateDirectory])
        let lock = try HostLock(path: Release.stateDirectory + "/\(release.name).lock")
        defer { withExtendedLifetime(lock) {} }
        if state(release) != nil {
            var s = status(release)
            s.notes.append("already running; nothing changed")
            return s
        }
        try? FileManager.default.removeItem(atPath: release.stateFile)
        for port in [release.tcpPort] + (ssh ? [release.sshPort] : [])
        where SocketProbe.acceptsTCP(address: LibvirtdConf.listenAddress, port: port) {
            throw LiveHostError(.conflict, "127.0.0.1:\(port) is in use by another process; the \(release.name) host needs it")
        }
        for tool in ["unshare", "chroot", "mount"] where Command.find(tool) == nil {
            throw LiveHostError(.missingProgram, "\(tool) is not installed (package util-linux / coreutils)")
        }
        let root = try ReleaseRoot.ensure(release, refresh: refresh, progress: progress)
        try configure(release, ssh: ssh)

        let deadline = Date().addingTimeInterval(timeout)
        LiveHost.appendMarker(to: release.logFile)
        let script = namespaceScript(release, ssh: ssh)
        progress("starting virtlogd\(ssh ? ", sshd" : "") and libvirtd in the \(release.name) root")
        let pid = try Spawner.spawnDetached(executable: Command.find("unshare")!,
                                            arguments: ["-m", "-u", "--propagation", "private", "--", "/bin/sh", "-c", script],
                                            logFile: release.logFile)
        let supervisor = try LiveHost.identify(pid: pid, expecting: "tini", log: release.logFile)
        guard let ns = namespace(of: pid), ns != namespace(of: getpid()) else {
            supervisor.terminate(grace: 5)
            throw LiveHostError(.daemonExited, "the \(release.name) host did not get a mount namespace of its own\n"
                                + LiveHost.logTail(release.logFile))
        }
        let state = State(release: release, supervisor: supervisor, namespace: ns, startedAt: Date(), versions: root.versions)
        try state.save(release.stateFile)

        progress("waiting for \(release.tcpURI) to answer")
        var answered = false
        while Date() < deadline {
            if !supervisor.isAlive { break }
            if SocketProbe.acceptsTCP(address: LibvirtdConf.listenAddress, port: release.tcpPort),
               LiveHost.probeVersion(uri: release.tcpURI, timeout: max(1, deadline.timeIntervalSinceNow)) != nil {
                answered = true
                break
            }
            usleep(100_000)
        }
        guard answered else {
            let exited = !supervisor.isAlive
            _ = try? stop(release, grace: 5)
            throw LiveHostError(exited ? .daemonExited : .timedOut,
                                "the \(release.name) libvirtd " + (exited ? "exited before it answered" : "did not answer in time")
                                + " on \(release.tcpURI)\n" + LiveHost.logTail(release.logFile))
        }
        var result = status(release)
        result.startedNow = true
        result.actions.append("root \(root.action) (\(release.rootPath))")
        result.notes += root.notes
        return result
    }

    /// The shell script run in the new mount namespace (as root, by `unshare`).
    static func namespaceScript(_ release: Release, ssh: Bool) -> String {
        let r = release.rootPath
        var lines = [
            "set -e",
            "hostname \(shellQuote(release.hostName))",
            "R=\(shellQuote(r))",
            "mount --rbind /dev \"$R/dev\"",
            "mount -t proc proc \"$R/proc\"",
            "mount --rbind /sys \"$R/sys\"",
            "mount -t tmpfs -o mode=0755 tmpfs \"$R/run\"",
            "mkdir -p \"$R/run/libvirt\" \"$R/run/sshd\" \"$R/run/rewind\"",
            "chroot \"$R\" /usr/sbin/virtlogd -d",
        ]
        if ssh { lines.append("chroot \"$R\" /usr/sbin/sshd -f /etc/ssh/sshd_config_rewind -E /var/log/rewind-sshd.log") }
        lines.append("exec chroot \"$R\" /usr/bin/tini -s -- /usr/sbin/libvirtd --listen -f \(rewindConfPath)")
        return lines.joined(separator: "\n")
    }

    /// libvirtd's configuration file inside the root.
    static let rewindConfPath = "/etc/libvirt/rewind-libvirtd.conf"

    /// Writes the root's configuration: qemu.conf settings, libvirtd's listen file, the image directory,
    /// and (with `ssh`) sshd's configuration, host keys and Rewind's key.
    static func configure(_ release: Release, ssh: Bool) throws(LiveHostError) {
        let r = release.rootPath
        // A root that goes without the optional packages gets no backup TLS certificates either.
        let tls = release.omitted.isEmpty
        if tls { try BackupTLS.ensure(root: r) }
        _ = try QemuConf.update(path: r + LiveHost.qemuConf, settings: QemuConf.rewindSettings + [
            QemuConf.Setting("migration_port_min", String(release.migrationPorts.lowerBound)),
            QemuConf.Setting("migration_port_max", String(release.migrationPorts.upperBound)),
        ] + (tls ? [BackupTLS.setting] : []))
        let conf = """
            # Written by `rewind host start --release \(release.name)`: TCP on the loopback address only, no authentication.
            listen_tls = 0
            listen_tcp = 1
            listen_addr = "\(LibvirtdConf.listenAddress)"
            tcp_port = "\(release.tcpPort)"
            auth_tcp = "none"
            unix_sock_dir = "/run/libvirt"
            host_uuid = "\(release.hostUUID)"

            """
        try write(conf, to: r + rewindConfPath, mode: 0o600)
        try LiveHost.makeDirectories([r + "/var/log/libvirt", r + RewindPaths.imageDirectory])
        if ssh {
            let keyDir = (release.sshKeyFile as NSString).deletingLastPathComponent
            try LiveHost.makeDirectories([keyDir])
            chmod(keyDir, 0o700)
            if !FileManager.default.fileExists(atPath: release.sshKeyFile) {
                guard Command.find("ssh-keygen") != nil else {
                    throw LiveHostError(.missingProgram, "ssh-keygen is not installed (package openssh-client)")
                }
                try Command.mustRun(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "rewind-\(release.name)",
                                     "-f", release.sshKeyFile], timeout: 30)
            }
            let publicKey: String
            do {
                publicKey = try String(contentsOfFile: release.sshKeyFile + ".pub", encoding: .utf8)
            } catch {
                throw LiveHostError(.fileSystem, "cannot read \(release.sshKeyFile).pub: \(error)")
            }
            try LiveHost.makeDirectories([r + "/root/.ssh"])
            chmod(r + "/root/.ssh", 0o700)
            try write(publicKey, to: r + "/root/.ssh/authorized_keys", mode: 0o600)
            try Command.mustRun(["chroot", r, "ssh-keygen", "-A"], timeout: 60)
            let sshd = """
                # Written by `rewind host start --release \(release.name)`: loopback only, root with Rewind's key only.
                ListenAddress 127.0.0.1
                Port \(release.sshPort)
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                AuthorizedKeysFile .ssh/authorized_keys
                UsePAM no
                PidFile /run/sshd.pid
                Subsystem sftp internal-sftp

                """
            try write(sshd, to: r + "/etc/ssh/sshd_config_rewind", mode: 0o644)
        }
    }

    static func write(_ text: String, to path: String, mode: mode_t) throws(LiveHostError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LiveHostError(.fileSystem, "cannot write \(path): \(error)")
        }
        chmod(path, mode)
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    // MARK: Stop

    /// Ends every process of the release's namespace (libvirtd through tini first, then virtlogd, sshd and
    /// any QEMU left), by recorded identity; the namespace and its mounts go with the last of them.
    public static func stop(_ release: Release, grace: TimeInterval = 15) throws(LiveHostError) -> StopResult {
        var result = StopResult()
        guard let state = State.load(release.stateFile) else {
            result.notes.append("Rewind has not started the \(release.name) host (no \(release.stateFile))")
            return result
        }
        guard state.namespace != namespace(of: getpid()) else {
            throw LiveHostError(.conflict, "\(release.stateFile) names this process's own mount namespace; not stopping anything")
        }
        result.ended.append(.init(process: state.supervisor, termination: state.supervisor.terminate(grace: grace)))
        // QEMU processes outlive libvirtd; libvirtd's state dir keeps them for a later start, but a stopped host
        // must leave nothing running.
        for _ in 0..<3 {
            let left = processes(of: state)
            if left.isEmpty { break }
            for p in left { result.ended.append(.init(process: p, termination: p.terminate(grace: grace))) }
        }
        let survivors = processes(of: state)
        guard survivors.isEmpty else {
            throw LiveHostError(.conflict, "still running in the \(release.name) namespace: "
                                + survivors.map(\.description).joined(separator: ", ") + "; \(release.stateFile) kept")
        }
        try? FileManager.default.removeItem(atPath: release.stateFile)
        return result
    }

    // MARK: Restart

    /// Restarts the release's libvirtd in place, as an administrator's `systemctl restart libvirtd` would: the
    /// running libvirtd gets SIGTERM (through tini) and a new one starts in the same namespace and root, while
    /// QEMU processes, virtlogd and sshd keep running. Clients of the old daemon lose their connection; the new
    /// one reconnects to the running domains. For fault tests (what survives a daemon restart in the middle of a
    /// job). Returns the new libvirtd.
    public static func restartLibvirtd(_ release: Release, timeout: TimeInterval = 60) throws(LiveHostError) -> ProcessRecord {
        let lock = try HostLock(path: Release.stateDirectory + "/\(release.name).lock")
        defer { withExtendedLifetime(lock) {} }
        guard var state = state(release) else {
            throw LiveHostError(.conflict, "the \(release.name) host is not running")
        }
        // A process that stays in the namespace across the restart, to enter it by.
        guard let anchor = processes(of: state).first(where: { $0.name == "virtlogd" }) else {
            throw LiveHostError(.conflict, "no virtlogd in the \(release.name) namespace to enter it by")
        }
        if state.supervisor.isAlive, state.supervisor.terminate(grace: 30) == .survived {
            throw LiveHostError(.conflict, "\(state.supervisor) survived SIGKILL")
        }
        for p in processes(of: state) where p.name == "libvirtd" { p.terminate(grace: 30) }
        LiveHost.appendMarker(to: release.logFile)
        let pid = try Spawner.spawnDetached(executable: Command.find("nsenter") ?? "/usr/bin/nsenter",
                                            arguments: ["-t", String(anchor.pid), "-m", "-u", "-r", "-w", "--", "/usr/bin/tini", "-s", "--",
                                                        "/usr/sbin/libvirtd", "--listen", "-f", rewindConfPath],
                                            logFile: release.logFile)
        let supervisor = try LiveHost.identify(pid: pid, expecting: "tini", log: release.logFile)
        state.supervisor = supervisor
        try state.save(release.stateFile)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard supervisor.isAlive else { break }
            if let libvirtd = processes(of: state).first(where: { $0.name == "libvirtd" }),
               LiveHost.probeVersion(uri: release.tcpURI, timeout: max(1, deadline.timeIntervalSinceNow)) != nil {
                return libvirtd
            }
            usleep(100_000)
        }
        throw LiveHostError(supervisor.isAlive ? .timedOut : .daemonExited,
                            "the restarted \(release.name) libvirtd did not answer on \(release.tcpURI)\n" + LiveHost.logTail(release.logFile))
    }

    // MARK: Status

    /// The status of one release host.
    public static func status(_ release: Release) -> ReleaseStatus {
        var s = ReleaseStatus(release: release)
        guard let state = state(release) else { return s }
        s.startedAt = state.startedAt
        s.supervisor = state.supervisor.isAlive ? state.supervisor : nil
        s.libvirtd = processes(of: state).first { $0.name == "libvirtd" }
        s.packages = state.versions
        if let v = LiveHost.probeVersion(uri: release.tcpURI, timeout: 15) {
            s.running = true
            s.versions = v
            if let caps = try? Command.run(["virsh", "-c", release.tcpURI, "capabilities"], timeout: 30), caps.succeeded {
                s.accelerator = Accelerator.choose(capabilitiesText: caps.output, kvm: .local).accelerator
            }
            s.sshAnswers = SocketProbe.acceptsTCP(address: LibvirtdConf.listenAddress, port: release.sshPort)
        }
        return s
    }
}

/// The state of a release host, as `rewind host status` shows it.
public struct ReleaseStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The release.
    public var release: Release
    /// Whether its libvirtd answers on its TCP URI.
    public var running = false
    /// Whether this call started it.
    public var startedNow = false
    /// Whether its sshd accepts connections.
    public var sshAnswers = false
    /// tini, libvirtd's subreaper (the process Rewind spawned).
    public var supervisor: ProcessRecord?
    /// libvirtd.
    public var libvirtd: ProcessRecord?
    /// KVM or TCG.
    public var accelerator: Accelerator?
    /// Versions as the daemon reports them.
    public var versions: VirshVersion?
    /// The root's package versions (the cache key).
    public var packages: [String: String] = [:]
    /// When it was started.
    public var startedAt: Date?
    /// What the call did.
    public var actions: [String] = []
    /// Observations.
    public var notes: [String] = []

    /// Creates an empty status.
    public init(release: Release) { self.release = release }

    /// Its URIs: TCP, and ssh when sshd answers.
    public var uris: [String] { [release.tcpURI] + (sshAnswers ? [release.sshURI] : []) }

    /// Seconds since it started.
    public var uptime: TimeInterval? { startedAt.map { Date().timeIntervalSince($0) } }

    /// One row for `rewind host status`, then actions and notes.
    public var description: String {
        var lines: [String] = []
        if running {
            let v = versions
            var row = "\(release.name): running, libvirt \(v?.daemon ?? "?"), \(v?.hypervisor ?? "QEMU") \(v?.hypervisorVersion ?? "?")"
            row += ", \(accelerator?.description ?? "accelerator unknown")"
            if let libvirtd { row += ", libvirtd pid \(libvirtd.pid)" }
            if let uptime { row += ", up \(Int(uptime)) s" }
            lines.append(row)
            for uri in uris { lines.append("  uri: \(uri)") }
        } else if supervisor != nil {
            lines.append("\(release.name): not answering on \(release.tcpURI); its daemons are alive (see \(release.logFile))")
        } else {
            lines.append("\(release.name): not running")
        }
        for a in actions { lines.append("  did: \(a)") }
        for n in notes { lines.append("  note: \(n)") }
        return lines.joined(separator: "\n")
    }
}
