import Foundation
import Glibc

/// A libvirt + QEMU host of another Debian release, running from its own root in its own mount
/// namespace, reached only through its URIs (`rewind host start --release sid`).
///
/// The host is a separate file system in all but hardware: `unshare -m -u --propagation private` gives it
/// a mount namespace and a host name (`Release.hostName`) of its own, in which `/dev` and `/sys` are bound from the machine, a fresh `/proc` is
/// mounted and `/run` is a private tmpfs, and everything (`virtlogd`, `sshd`, `tini -s -- libvirtd`) runs
/// `chroot`ed into the release root, so `/etc/libvirt`, `/var/lib/libvirt` and `/var/log/libvirt` are the
/// root's. Nothing is mounted in the machine's own namespace, and when the last process of the namespace
/// ends its mounts go with it. The network is the machine's: libvirtd listens on `127.0.0.1:<tcpPort>`
/// only (no authentication: loopback test hosts), sshd on `127.0.0.1:<sshPort>` (root, with Rewind's key
/// only).
///
/// This module holds what Rewind records about a running release host and how any process finds it
/// (a lab reaching the host's files, `lab clean`); starting and stopping it is LiveHost's.
///
/// Rewind records what it started (`/run/rewind/hosts/<name>.json`): the supervisor's pid, name and start
/// time, and the id of the mount namespace it made. `stop` ends only processes of that namespace, which
/// only Rewind's daemons and the QEMU processes they started live in.
///
/// ```swift
/// let status = try ReleaseHost.start(try Release.named("sid"))
/// print(status.uris)   // ["qemu+tcp://127.0.0.1:16612/system", "qemu+ssh://root@127.0.0.1:16622/system?…"]
/// ```
public enum ReleaseHost {
    /// What Rewind records about a running release host.
    public struct State: Codable, Hashable, Sendable {
        public var release: Release
        /// `tini` (libvirtd's subreaper), the process Rewind spawned.
        public var supervisor: ProcessRecord
        /// The mount namespace, as `/proc/<pid>/ns/mnt` reads (`mnt:[4026532…]`).
        public var namespace: String
        public var startedAt: Date
        public var versions: [String: String]

        /// Creates a record.
        public init(release: Release, supervisor: ProcessRecord, namespace: String, startedAt: Date, versions: [String: String]) {
            self.release = release
            self.supervisor = supervisor
            self.namespace = namespace
            self.startedAt = startedAt
            self.versions = versions
        }

        /// Reads a state file; nil when it is missing or unreadable.
        public static func load(_ path: String) -> State? {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let d = JSONDecoder()
            d.dateDecodingStrategy = .iso8601
            return try? d.decode(State.self, from: data)
        }
    }

    /// The recorded state of a running release host, nil when it does not run (a stale file is ignored).
    public static func state(_ release: Release) -> State? {
        guard let s = State.load(release.stateFile), s.supervisor.isAlive || !processes(of: s).isEmpty else {
            return nil
        }
        return s
    }

    /// The mount namespace of a process (`mnt:[…]`), nil when it is gone.
    public static func namespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt")
    }

    /// The root directory a process runs in, as `/proc/<pid>/root` reads; nil when it is gone.
    public static func root(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/root")
    }

    /// The processes of a recorded release host: in its mount namespace *and* chrooted into its root.
    ///
    /// The namespace id alone is not enough: once every process of a namespace has ended (the machine
    /// rebooted, or the processes were killed without `stop`), the kernel reuses its id for the next
    /// namespace anyone makes, so a stale state file could name another host's, or a stranger's,
    /// processes. Every process Rewind starts in a release host, and every QEMU its libvirtd starts, runs
    /// chrooted into the release root. Never the caller's own namespace: that is the machine's.
    public static func processes(of state: State) -> [ProcessRecord] {
        processes(in: state.namespace, root: state.release.rootPath)
    }

    /// The processes in mount namespace `namespace` whose root is `root`.
    public static func processes(in namespace: String, root: String) -> [ProcessRecord] {
        guard namespace != self.namespace(of: getpid()),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }
            .filter { self.namespace(of: $0) == namespace && self.root(of: $0) == root }
            .compactMap { ProcessRecord.current(pid: $0) }
    }

    /// The releases whose hosts Rewind started and that still run.
    public static func running() -> [Release] {
        Release.known.filter { state($0) != nil }
    }

    /// Host access for a URI served by a running release host: the pid whose mount namespace and root to
    /// enter (`nsenter -t PID -m -r`). nil when no running release host listens on that TCP port.
    public static func namespaceTarget(tcpPort: UInt16) -> Int32? {
        guard let release = Release.known.first(where: { $0.tcpPort == tcpPort }) else { return nil }
        return namespaceTarget(release: release.name)
    }

    /// The pid to enter the release's namespace and root by: its virtlogd, which outlives libvirtd restarts,
    /// else its libvirtd. nil when the release host does not run.
    public static func namespaceTarget(release name: String) -> Int32? {
        guard let release = Release.known.first(where: { $0.name == name }), let state = state(release) else { return nil }
        let inside = processes(of: state)
        return (inside.first { $0.name == "virtlogd" } ?? inside.first { $0.name == "libvirtd" } ?? state.supervisor).pid
    }
}
