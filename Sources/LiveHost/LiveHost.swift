import Foundation
import Glibc
@_exported import HostRecords

/// A live libvirt + QEMU host (`qemu:///system`) on a Debian 12 machine without systemd, in one call.
///
/// `start()` makes the machine ready and starts the daemons only when nobody serves
/// `qemu:///system` yet:
///
/// 1. installs the missing packages of `DebianPackages.daemon` (checked with dpkg-query first),
/// 2. creates the `libvirt-qemu` user and group (`SystemAccounts`),
/// 3. adds the settings of `QemuConf.rewindSettings` that qemu.conf does not set already,
/// 4. creates `/var/log/libvirt`, `/run/libvirt` and `/var/lib/libvirt/images/rewind`,
/// 5. starts virtlogd if none answers, then libvirtd under the `tini -s` subreaper in a new session
///    (so a destroyed QEMU process is reaped at once and `virDomainDestroy` returns in ~0.2 s), with
///    `--listen -f /run/rewind/libvirtd.conf` so that it also answers on `qemu+tcp://127.0.0.1/system`
///    (loopback only, no authentication; see `LibvirtdConf`),
/// 6. records what it started in `/run/rewind/host.json` and waits (bounded) until the socket
///    exists and `virsh -c qemu:///system version` succeeds.
///
/// It is idempotent: if `qemu:///system` already answers, whoever started it, nothing is changed
/// and the returned status says whether Rewind started that daemon. `stop()` ends only what
/// Rewind started, by recorded pid, name and start time; it never looks processes up by name.
///
/// LiveHost depends on Foundation only and talks to libvirt through `virsh`: it must work before
/// libvirt's development files exist, and it keeps libvirt's process-wide state (event loop,
/// error handler) out of the process that manages the daemons.
///
/// ```swift
/// let status = try LiveHost.system.start()
/// print(status)            // qemu:///system: running, started now by Rewind (libvirtd pid …)
/// print(status.accelerator ?? .none)   // KVM
/// ```
public struct LiveHost: Sendable, Hashable {
    /// The machine's own libvirt with Rewind's defaults: what `rewind host start` starts.
    public static let system = LiveHost()

    /// The URI the live host serves: the machine's own daemon, at libvirt's compiled-in socket.
    public var uri: String { "qemu:///system" }
    /// The loopback address a libvirtd Rewind starts listens on.
    public var listenAddress: String
    /// The TCP port it listens on (`LibvirtdConf`).
    public var tcpPort: UInt16
    /// Where live tests and labs put disk images.
    public var imageDirectory: String
    /// Where Rewind keeps its state file, lock and libvirtd configuration.
    public var stateDirectory: String
    /// Standard output and error of the libvirtd Rewind starts.
    public var libvirtdLog: String
    /// Standard output and error of the virtlogd Rewind starts.
    public var virtlogdLog: String

    /// Describes a system host; the defaults are Rewind's (`LiveHost.system`).
    public init(listenAddress: String = RewindPaths.listenAddress, tcpPort: UInt16 = RewindPaths.systemTCPPort,
                imageDirectory: String = RewindPaths.imageDirectory, stateDirectory: String = RewindPaths.stateDirectory,
                libvirtdLog: String = "/var/log/libvirt/rewind-libvirtd.log",
                virtlogdLog: String = "/var/log/libvirt/rewind-virtlogd.log") {
        self.listenAddress = listenAddress
        self.tcpPort = tcpPort
        self.imageDirectory = imageDirectory
        self.stateDirectory = stateDirectory
        self.libvirtdLog = libvirtdLog
        self.virtlogdLog = virtlogdLog
    }

    /// The same host over TCP on the loopback address, served only by a libvirtd Rewind started
    /// (`LibvirtdConf`). It is how Rewind tests the remote (`qemu+tcp://`) path of `rewind verify`.
    public var tcpURI: String {
        tcpPort == RewindPaths.systemTCPPort ? "qemu+tcp://\(listenAddress)/system" : "qemu+tcp://\(listenAddress):\(tcpPort)/system"
    }
    /// The state file naming the daemons Rewind started.
    public var stateFile: String { stateDirectory + "/host.json" }
    /// The libvirtd configuration Rewind writes (`--listen -f` this file).
    public var libvirtdConfPath: String { stateDirectory + "/libvirtd.conf" }

    // libvirt's compiled-in paths for a daemon run by root.
    static let qemuConf = "/etc/libvirt/qemu.conf"
    static let libvirtSocket = "/run/libvirt/libvirt-sock"
    static let libvirtSockets = [libvirtSocket, "/run/libvirt/libvirt-sock-ro", "/run/libvirt/libvirt-admin-sock"]
    static let virtlogdSocket = "/run/libvirt/virtlogd-sock"
    static let libvirtdPidFile = "/run/libvirtd.pid"
    static let virtlogdPidFile = "/run/virtlogd.pid"
    var directories: [String] { ["/var/log/libvirt", "/run/libvirt", "/var/lib/libvirt/images", imageDirectory] }

    // MARK: Start

    /// Makes the host ready and serves `qemu:///system` (see the type's description).
    ///
    /// - Parameters:
    ///   - timeout: seconds to wait for a starting libvirtd to answer (the first answer takes ~1.6 s
    ///     under tini; up to ~8 s without a subreaper).
    ///   - listenTCP: whether a libvirtd started now also listens on `tcpURI` (loopback, no
    ///     authentication). Without effect on a daemon that runs already.
    ///   - progress: called with a short sentence before each slow step.
    /// - Returns: the status after the call; `startedNow` tells whether this call started libvirtd.
    public func start(timeout: TimeInterval = 60, listenTCP: Bool = true,
                             progress: (String) -> Void = { _ in }) throws(LiveHostError) -> HostStatus {
        let deadline = Date().addingTimeInterval(timeout)
        // Only root can start daemons; anyone else may still find a host that answers.
        var lock: HostLock?
        if geteuid() == 0 {
            try Self.makeDirectories([stateDirectory])
            lock = try HostLock(path: stateDirectory + "/host.lock")
        }
        defer { withExtendedLifetime(lock) {} }
        var notes: [String] = []

        // 1. A daemon Rewind started earlier.
        if let state = HostState.load(path: stateFile) {
            if state.isLive {
                progress("Rewind's libvirtd (\(state.supervisor)) is alive; waiting for it to answer")
                guard waitForAnswer(until: deadline, watching: state.supervisor) != nil else {
                    throw LiveHostError(.conflict, "the libvirtd Rewind started earlier (\(state.supervisor)) runs but "
                                        + "does not answer on \(uri); see \(state.logFile), or run `rewind host stop`")
                }
                prepareImageDirectory(notes: &notes)
                return status(notes: notes)
            }
            notes.append("removed a stale state file (\(state.supervisor) is gone)")
            try? FileManager.default.removeItem(atPath: stateFile)
        }

        // 2. Somebody else's daemon.
        if Self.probeVersion(uri: uri, timeout: 30) != nil {
            prepareImageDirectory(notes: &notes)
            return status(notes: notes)
        }
        if let other = ProcessRecord.fromPidFile(Self.libvirtdPidFile, name: "libvirtd") {
            progress("\(other) runs but does not answer yet; waiting")
            guard waitForAnswer(until: deadline, watching: other) != nil else {
                throw LiveHostError(.conflict, "\(other) (not started by Rewind) runs but does not answer on \(uri); "
                                    + "not starting a second libvirtd")
            }
            prepareImageDirectory(notes: &notes)
            return status(notes: notes)
        }

        // 3. Nobody serves the URI: prepare the machine.
        guard geteuid() == 0 else {
            throw LiveHostError(.notRoot, "nothing answers on \(uri), and starting libvirtd needs root")
        }
        var actions: [String] = []
        let installed = try DebianPackages.ensureInstalled(DebianPackages.daemon, progress: progress)
        if !installed.isEmpty { actions.append("installed \(installed.joined(separator: " "))") }
        for created in try SystemAccounts.ensureQemuAccount() { actions.append("created \(created)") }
        if try BackupTLS.ensure(root: "") { actions.append("made backup TLS certificates in \(BackupTLS.directory)") }
        let edit = try QemuConf.update(path: Self.qemuConf, settings: QemuConf.rewindSettings + [BackupTLS.setting])
        if edit.changed { actions.append("wrote \(edit.managed.joined(separator: ", ")) in \(Self.qemuConf)") }
        for setting in QemuConf.rewindSettings {
            if let value = edit.alreadySet[setting.key], value != setting.value {
                notes.append("\(Self.qemuConf) sets \(setting.key) = \(value) (Rewind would use \(setting.value)); left as is")
            }
        }
        try Self.makeDirectories(directories)

        // 4. virtlogd, then libvirtd under tini.
        let virtlogd = try ensureVirtlogd(until: deadline, progress: progress)
        if let virtlogd { actions.append("started \(virtlogd)") }
        do {
            var listen: String?
            if listenTCP {
                if SocketProbe.acceptsTCP(address: listenAddress, port: tcpPort) {
                    notes.append("\(listenAddress):\(tcpPort) is in use by another process; "
                                 + "libvirtd started without --listen, so \(tcpURI) is not Rewind's")
                } else {
                    try Self.makeDirectories([stateDirectory])
                    try LibvirtdConf.write(to: libvirtdConfPath, listenAddress: listenAddress, tcpPort: tcpPort)
                    listen = "\(listenAddress):\(tcpPort)"
                }
            }
            let (supervisor, libvirtd) = try startLibvirtd(until: deadline, virtlogd: virtlogd, listen: listen,
                                                           progress: progress)
            actions.append("started \(libvirtd.map { "\($0) under " } ?? "")\(supervisor.name) -s (pid \(supervisor.pid))"
                           + (listen.map { ", listening on \($0) (\(libvirtdConfPath))" } ?? ""))
        } catch {
            // Leave nothing half-started behind.
            virtlogd?.terminate(grace: 5)
            throw error
        }
        var result = status(notes: notes)
        result.startedNow = true
        result.actions = actions
        return result
    }

    /// Starts virtlogd unless one answers (or is starting). Returns the process if Rewind started it.
    func ensureVirtlogd(until deadline: Date, progress: (String) -> Void) throws(LiveHostError) -> ProcessRecord? {
        let probe = SocketProbe.probe(Self.virtlogdSocket)
        if probe == .accepting { return nil }
        if let other = ProcessRecord.fromPidFile(Self.virtlogdPidFile, name: "virtlogd") {
            progress("\(other) runs; waiting for its socket")
            if Self.waitForSocket(Self.virtlogdSocket, until: min(deadline, Date().addingTimeInterval(10)), watching: other) {
                return nil
            }
            throw LiveHostError(.conflict, "\(other) (not started by Rewind) does not accept connections on \(Self.virtlogdSocket)")
        }
        if probe == .stale { try? FileManager.default.removeItem(atPath: Self.virtlogdSocket) }
        guard let path = Command.find("virtlogd") else {
            throw LiveHostError(.missingProgram, "virtlogd is not installed (package libvirt-daemon)")
        }
        progress("starting virtlogd")
        Self.appendMarker(to: virtlogdLog)
        let pid = try Spawner.spawnDetached(executable: path, arguments: [], logFile: virtlogdLog)
        let record = try Self.identify(pid: pid, expecting: "virtlogd", log: virtlogdLog)
        guard Self.waitForSocket(Self.virtlogdSocket, until: min(deadline, Date().addingTimeInterval(10)), watching: record) else {
            record.terminate(grace: 5)
            throw LiveHostError(record.isAlive ? .timedOut : .daemonExited,
                                "virtlogd did not accept connections on \(Self.virtlogdSocket)\n" + Self.logTail(virtlogdLog))
        }
        return record
    }

    /// Starts `tini -s -- libvirtd` in a new session, records it and waits until it answers. With
    /// `listen` (`address:port`, already written to `LibvirtdConf.path`), libvirtd gets
    /// `--listen -f <that file>`.
    func startLibvirtd(until deadline: Date, virtlogd: ProcessRecord?, listen: String?,
                              progress: (String) -> Void) throws(LiveHostError) -> (ProcessRecord, ProcessRecord?) {
        guard let tini = Command.find("tini") else {
            throw LiveHostError(.missingProgram, "tini is not installed (package tini)")
        }
        guard let libvirtd = Command.find("libvirtd") else {
            throw LiveHostError(.missingProgram, "libvirtd is not installed (package libvirt-daemon)")
        }
        for socket in Self.libvirtSockets where SocketProbe.probe(socket) == .stale {
            try? FileManager.default.removeItem(atPath: socket)
        }
        progress("starting libvirtd under tini")
        Self.appendMarker(to: libvirtdLog)
        var arguments = ["-s", "--", libvirtd]
        if listen != nil { arguments += ["--listen", "-f", libvirtdConfPath] }
        let pid = try Spawner.spawnDetached(executable: tini, arguments: arguments, logFile: libvirtdLog)
        let supervisor = try Self.identify(pid: pid, expecting: "tini", log: libvirtdLog)
        var state = HostState(supervisor: supervisor, libvirtd: nil, virtlogd: virtlogd, startedAt: Date(),
                              logFile: libvirtdLog, listen: listen)
        do {
            try state.save(path: stateFile)
        } catch {
            supervisor.terminate(grace: 5)
            throw error
        }

        progress("waiting for \(uri) to answer")
        guard waitForAnswer(until: deadline, watching: supervisor) != nil else {
            let exited = !supervisor.isAlive
            let child = ProcessRecord.children(of: supervisor.pid).first { $0.name == "libvirtd" }
            supervisor.terminate(grace: 5)
            child?.terminate(grace: 5)
            try? FileManager.default.removeItem(atPath: stateFile)
            throw LiveHostError(exited ? .daemonExited : .timedOut,
                                (exited ? "libvirtd exited before it answered on \(uri)"
                                        : "libvirtd did not answer on \(uri) in time")
                                + "\n" + Self.logTail(libvirtdLog))
        }
        state.libvirtd = ProcessRecord.children(of: supervisor.pid).first { $0.name == "libvirtd" }
        try state.save(path: stateFile)
        return (supervisor, state.libvirtd)
    }

    // MARK: Stop

    /// Ends the daemons Rewind started (by their recorded pid, name and start time: SIGTERM, up to
    /// `grace` seconds, then SIGKILL) and removes the state file. A daemon Rewind did not start is
    /// never touched.
    public func stop(grace: TimeInterval = 15) throws(LiveHostError) -> StopResult {
        try Self.makeDirectories([stateDirectory])
        let lock = try HostLock(path: stateDirectory + "/host.lock")
        defer { withExtendedLifetime(lock) {} }
        var result = StopResult()
        guard let state = HostState.load(path: stateFile) else {
            result.notes.append("Rewind has not started a libvirtd (no \(stateFile))")
            if let other = ProcessRecord.fromPidFile(Self.libvirtdPidFile, name: "libvirtd") {
                result.notes.append("\(other) was started by someone else; left running")
            }
            return result
        }
        // tini forwards SIGTERM to libvirtd and exits with it; the recorded libvirtd is checked
        // afterwards in case the supervisor was gone already.
        result.ended.append(.init(process: state.supervisor, termination: state.supervisor.terminate(grace: grace)))
        if let libvirtd = state.libvirtd {
            result.ended.append(.init(process: libvirtd, termination: libvirtd.terminate(grace: grace)))
        }
        if let virtlogd = state.virtlogd {
            result.ended.append(.init(process: virtlogd, termination: virtlogd.terminate(grace: grace)))
        }
        let survivors = result.ended.filter { $0.termination == .survived }.map(\.process)
        guard survivors.isEmpty else {
            throw LiveHostError(.conflict, "still running after SIGKILL: \(survivors.map(\.description).joined(separator: ", ")); "
                                + "\(stateFile) kept")
        }
        do {
            try FileManager.default.removeItem(atPath: stateFile)
        } catch {
            throw LiveHostError(.fileSystem, "cannot remove \(stateFile): \(error)")
        }
        return result
    }

    // MARK: Status

    /// Reports whether `qemu:///system` answers, who started its libvirtd, KVM or TCG, and the
    /// libvirt and QEMU versions. Changes nothing.
    public func status() -> HostStatus {
        status(notes: [])
    }

    func status(notes: [String]) -> HostStatus {
        var result = HostStatus(uri: uri, tcpURI: tcpURI)
        result.notes = notes
        let loaded = HostState.load(path: stateFile)
        let state = loaded.flatMap { $0.isLive ? $0 : nil }
        if let loaded, state == nil {
            result.notes.append("\(stateFile) is stale (\(loaded.supervisor) is gone)")
        }
        if let state {
            result.startedByRewind = true
            result.startedAt = state.startedAt
            result.supervisor = state.supervisor.isAlive ? state.supervisor : nil
            result.libvirtd = state.libvirtd.flatMap { $0.isAlive ? $0 : nil }
                ?? ProcessRecord.children(of: state.supervisor.pid).first { $0.name == "libvirtd" }
            if let v = state.virtlogd, v.isAlive {
                result.virtlogd = v
                result.virtlogdStartedByRewind = true
            }
        } else {
            result.libvirtd = ProcessRecord.fromPidFile(Self.libvirtdPidFile, name: "libvirtd")
        }
        if result.virtlogd == nil { result.virtlogd = ProcessRecord.fromPidFile(Self.virtlogdPidFile, name: "virtlogd") }
        if let versions = Self.probeVersion(uri: uri, timeout: 30) {
            result.running = true
            result.versions = versions
            if let caps = try? Command.run(["virsh", "-c", uri, "capabilities"], timeout: 30), caps.succeeded {
                result.accelerator = Accelerator.choose(capabilitiesText: caps.output, kvm: .local).accelerator
            } else {
                result.notes.append("`virsh -c \(uri) capabilities` failed; accelerator unknown")
            }
            result.tcpAnswers = Self.probeVersion(uri: tcpURI, timeout: 15) != nil
            if let listen = state?.listen, !result.tcpAnswers {
                result.notes.append("Rewind's libvirtd was started listening on \(listen), but \(tcpURI) does not answer; "
                                    + "see \(libvirtdLog)")
            }
        }
        return result
    }

    // MARK: Helpers

    /// `virsh -c <uri> version --daemon` (`qemu:///system` by default), parsed; nil if virsh is
    /// missing or fails.
    static func probeVersion(uri: String, timeout: TimeInterval) -> VirshVersion? {
        guard let result = try? Command.run(["virsh", "-c", uri, "version", "--daemon"], timeout: max(timeout, 1)),
              result.succeeded else { return nil }
        return VirshVersion(parsing: result.output)
    }

    /// Polls until the libvirt socket accepts connections and virsh answers, `process` (if given)
    /// exits, or the deadline passes.
    func waitForAnswer(until deadline: Date, watching process: ProcessRecord?) -> VirshVersion? {
        while Date() < deadline {
            if let process, !process.isAlive { process.reap(); return nil }
            if SocketProbe.probe(Self.libvirtSocket) == .accepting,
               let v = Self.probeVersion(uri: uri, timeout: deadline.timeIntervalSinceNow) {
                return v
            }
            usleep(100_000)
        }
        return nil
    }

    /// Polls until the socket accepts connections; false if `process` exits or the deadline passes.
    static func waitForSocket(_ path: String, until deadline: Date, watching process: ProcessRecord) -> Bool {
        while Date() < deadline {
            if SocketProbe.probe(path) == .accepting { return true }
            if !process.isAlive { process.reap(); return false }
            usleep(50_000)
        }
        return false
    }

    /// The record of a process just spawned, once it runs the expected program.
    static func identify(pid: Int32, expecting name: String, log: String) throws(LiveHostError) -> ProcessRecord {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let record = ProcessRecord.current(pid: pid), record.name == name { return record }
            if ProcessRecord.current(pid: pid) == nil { break }
            usleep(10_000)
        }
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        throw LiveHostError(.daemonExited, "\(name) (pid \(pid)) did not start\n" + logTail(log))
    }

    /// Creates the image directory for a host that already answers; a failure (not root) is only noted.
    func prepareImageDirectory(notes: inout [String]) {
        do {
            try Self.makeDirectories([imageDirectory])
        } catch {
            notes.append(error.message)
        }
    }

    static func makeDirectories(_ paths: [String]) throws(LiveHostError) {
        for path in paths {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw LiveHostError(.fileSystem, "cannot create \(path): \(error)")
            }
        }
    }

    static let marker = "---- rewind host start "

    /// Appends a line marking the start of a run, so `logTail` shows only this run's output.
    static func appendMarker(to path: String) {
        let line = marker + Date().formatted(.iso8601) + " ----\n"
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8),
                                           attributes: [.posixPermissions: 0o640])
        }
    }

    /// The last lines a daemon wrote since the latest marker, for error messages.
    static func logTail(_ path: String, lines count: Int = 20) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "(no log at \(path))" }
        let text = String(decoding: data, as: UTF8.self)
        let run = text.range(of: marker, options: .backwards).map { String(text[$0.lowerBound...]) } ?? text
        let tail = run.split(separator: "\n").suffix(count)
        return "last lines of \(path):\n" + tail.joined(separator: "\n")
    }
}
