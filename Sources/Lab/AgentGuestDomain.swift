import AgentGuest
import Foundation
import Libvirt
import HostRecords
import RewindXML
import Synchronization

/// Why an agent guest did not come up.
public enum AgentGuestError: Error, CustomStringConvertible {
    /// The domain stopped before its agent answered (a kernel panic reboots, and a reboot stops the domain).
    case stopped(domain: String, console: String)
    /// The agent did not answer within the time allowed.
    case agentTimeout(domain: String, seconds: Double, lastError: String, console: String)
    /// The workload log did not reach the expected number of records in time.
    case workloadStalled(domain: String, records: Int, console: String)

    /// What went wrong, without the console.
    public var reason: String {
        switch self {
        case .stopped(let d, _):
            "\(d) stopped before its guest agent answered"
        case .agentTimeout(let d, let s, let e, _):
            "\(d): no answer from the guest agent after \(String(format: "%.1f", s)) s (\(e))"
        case .workloadStalled(let d, let n, _):
            "\(d): the workload log has only \(n) records"
        }
    }

    /// What went wrong, with the tail of the serial console.
    public var description: String {
        switch self {
        case .stopped(_, let c), .agentTimeout(_, _, _, let c), .workloadStalled(_, _, let c):
            "\(reason); console tail:\n\(c)"
        }
    }
}

/// A running agent guest: a transient domain booted from a built `GuideImage` (direct kernel boot) with its own
/// copy of the data disk under /var/lib/libvirt/images/rewind/. The guest runs `qemu-guest-agent` and a workload
/// that appends a record to /data/workload.log every 5 ms.
///
/// `cleanUp()` (also run by `deinit`) destroys the domain and deletes the disk copy and the console log.
///
/// ```swift
/// let image = try AgentGuest.build(cacheDir: cache)
/// let guest = try AgentGuestDomain(image: image, connection: conn, namePrefix: "rewind-guest-demo")
/// defer { guest.cleanUp() }
/// let ready = try guest.waitForAgent()            // boot to first answered guest-ping
/// let n = try guest.domain.freezeFilesystems()    // 1: /data
/// try guest.domain.thawFilesystems()
/// ```
public final class AgentGuestDomain: @unchecked Sendable {
    /// Where disk copies and console logs go.
    public static let imageDirectory = RewindPaths.imageDirectory

    /// The domain name, `<namePrefix>-<8 random hex digits>`.
    public let name: String
    /// KVM or TCG.
    public let accelerator: Accelerator
    /// The guest's RAM in MiB.
    public let memoryMiB: Int
    /// The domain's own copy of the image's data disk.
    public let diskCopy: URL
    /// The serial console's log file.
    public let consoleLog: URL
    /// The connection the domain lives on.
    public let connection: Connection
    /// The transient domain.
    public let domain: Domain
    /// When `virDomainCreateXML` was called.
    public let startedAt: ContinuousClock.Instant
    /// How long `virDomainCreateXML` took (QEMU started, guest CPUs running).
    public let createDuration: Duration
    /// The guest agent, over `virDomainQemuAgentCommand`.
    public let agent: GuestAgentClient
    private let cleaned = Mutex(false)
    private let files: HostFiles

    /// How the agent guest's files (the disk copy, the console log) are handled on the host of its
    /// connection: plain file operations on this machine by default; a lab passes operations through its
    /// `HostAccess`, so that the guest also runs on another host.
    public struct HostFiles: Sendable {
        /// Copies a file on the host.
        public var copy: @Sendable (_ from: String, _ to: String) throws -> Void
        /// Removes a file on the host (no error when it is missing).
        public var remove: @Sendable (_ path: String) -> Void
        /// Reads a text file on the host ("" when it is missing).
        public var read: @Sendable (_ path: String) -> String

        /// Creates the operations.
        public init(copy: @escaping @Sendable (String, String) throws -> Void, remove: @escaping @Sendable (String) -> Void,
                    read: @escaping @Sendable (String) -> String) {
            self.copy = copy
            self.remove = remove
            self.read = read
        }

        /// This machine's file system.
        public static let local = HostFiles(
            copy: { try FileManager.default.copyItem(atPath: $0, toPath: $1) },
            remove: { try? FileManager.default.removeItem(atPath: $0) },
            read: { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" })
    }

    /// Copies the data disk and creates (starts) the transient domain.
    ///
    /// - Parameters:
    ///   - image: a built guest.
    ///   - connection: usually `qemu:///system`.
    ///   - namePrefix: starts the domain and file names (`rewind-<helper>-…`).
    ///   - accelerator: `.kvm` or `.tcg`; nil detects it (KVM when /dev/kvm opens and libvirt offers it).
    ///   - memoryMiB: the guest's RAM.
    ///   - kernelArguments: extra kernel command line options (`rewind.interval_ms=N`, `rewind.workload=0`, …).
    ///   - dataDisk: the qcow2 file to copy as the data disk instead of the image's empty one (for example the
    ///     base of a snapshot, to look at what it holds).
    ///   - directory: where the disk copy and the console log go (default `imageDirectory`); a lab passes its
    ///     own directory, so that the files go with it.
    ///   - metadata: application metadata elements for the domain's `<metadata>` (a lab passes its tag,
    ///     `MetadataItem.rewindLab(run:snippet:)`).
    public init(image: GuideImage, connection: Connection, namePrefix: String, accelerator: Accelerator? = nil,
                memoryMiB: Int = 128, kernelArguments: [String] = [], dataDisk: URL? = nil,
                directory: URL? = nil, metadata: [MetadataItem] = [], files: HostFiles = .local) throws {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        name = "\(namePrefix)-\(String(repeating: "0", count: 8 - suffix.count))\(suffix)"
        self.connection = connection
        self.memoryMiB = memoryMiB
        self.files = files
        let chosen = try accelerator ?? Self.preferredAccelerator(connection: connection).accelerator
        guard chosen != .none else { throw LibvirtError(code: .noSupport, message: "\(connection.uri) offers neither kvm nor qemu guests") }
        self.accelerator = chosen
        let dir = directory ?? URL(fileURLWithPath: Self.imageDirectory, isDirectory: true)
        diskCopy = dir.appendingPathComponent("\(name)-data.qcow2")
        consoleLog = dir.appendingPathComponent("\(name)-console.log")
        if directory == nil { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        do {
            try files.copy((dataDisk ?? image.dataDisk).path, diskCopy.path)
            let definition = Self.definition(name: name, image: image, disk: diskCopy, consoleLog: consoleLog,
                                             type: VirtType(rawValue: chosen.domainType ?? "qemu"), memoryMiB: memoryMiB,
                                             kernelArguments: kernelArguments, metadata: metadata)
            startedAt = .now
            domain = try connection.createDomain(xml: definition.xml())
            createDuration = .now - startedAt
        } catch {
            files.remove(diskCopy.path)
            files.remove(consoleLog.path)
            throw error
        }
        let dom = domain
        agent = GuestAgentClient { command, seconds in
            try dom.qemuAgentCommand(command, timeout: .seconds(max(seconds, 1)))
        }
    }

    /// Wraps a domain restored from a saved agent guest (see `AgentGuestPool`): its disk copy and console log
    /// are already in place, and `cleanUp()` handles them as for a booted guest.
    init(restored domain: Domain, connection: Connection, accelerator: Accelerator, memoryMiB: Int,
         diskCopy: URL, consoleLog: URL, startedAt: ContinuousClock.Instant, files: HostFiles) {
        self.name = domain.name
        self.domain = domain
        self.connection = connection
        self.accelerator = accelerator
        self.memoryMiB = memoryMiB
        self.diskCopy = diskCopy
        self.consoleLog = consoleLog
        self.startedAt = startedAt
        self.createDuration = .now - startedAt
        self.files = files
        agent = GuestAgentClient { command, seconds in
            try domain.qemuAgentCommand(command, timeout: .seconds(max(seconds, 1)))
        }
    }

    deinit { cleanUp() }

    /// The domain that boots `image` directly (no firmware disk, no boot loader): a q35 machine with one
    /// vCPU, `memoryMiB` of RAM, the data disk as `vda` (virtio, qcow2), the guest agent's virtio-serial
    /// channel, the serial console written to `consoleLog`, and the lab's `metadata`. There is no network,
    /// no graphics and no balloon; a reboot or a crash (the kernel reboots on panic) stops the domain.
    ///
    /// ```swift
    /// let xml = AgentGuestDomain.definition(name: "rewind-agent-1", image: image, disk: disk, consoleLog: log,
    ///                                       type: .qemu, metadata: [.rewindLab(run: runID, snippet: id)]).xml()
    /// ```
    public static func definition(name: String, image: GuideImage, disk: URL, consoleLog: URL, type: VirtType,
                                  memoryMiB: Int = 128, kernelArguments: [String] = [],
                                  metadata: [MetadataItem] = []) -> DomainDefinition {
        var definition = DomainDefinition(
            name: name, type: type, memoryMiB: memoryMiB, vcpus: 1,
            disks: [.init(target: "vda", bus: "virtio", source: disk.path, format: .qcow2)],
            console: .file(path: consoleLog.path), guestAgent: true,
            kernel: image.kernel.path, initrd: image.initramfs.path,
            cmdline: ([image.kernelCommandLine] + kernelArguments).joined(separator: " "), metadata: metadata)
        definition.onPoweroff = .destroy
        definition.onReboot = .destroy
        definition.onCrash = .destroy
        return definition
    }

    /// The accelerator the agent guest boots with when none is asked for, and why: `Lab.chooseAccelerator`,
    /// with this machine's KVM module (for a guest on a local connection).
    public static func preferredAccelerator(connection: Connection) throws -> (accelerator: Accelerator, reason: String) {
        Lab.chooseAccelerator(capabilitiesXML: try connection.capabilitiesXML(), kvm: .local)
    }

    /// Waits until the guest agent answers and returns the time since the domain was created.
    ///
    /// Event-driven: libvirt's `AGENT_LIFECYCLE` event says when the guest opened the agent's channel (or the
    /// live XML already says `state='connected'`, e.g. after a restore); one `guest-ping` then confirms that
    /// the agent answers. Fails early, with the console's tail, if the domain stops (a `Stopped` or `Crashed`
    /// lifecycle event).
    public func waitForAgent(timeout: Duration = .seconds(90)) async throws -> Duration {
        let deadline = ContinuousClock.now + timeout
        // Subscribe first, then read the state: a connection between the two is seen by one or the other.
        let events = try domain.events([.lifecycle, .agentLifecycle])
        defer { events.cancel() }
        // A transient guest that already stopped is gone: its XML cannot be read any more.
        guard (try? domain.isActive()) == true, let xml = try? domain.xmlDescription() else {
            throw AgentGuestError.stopped(domain: name, console: consoleTail())
        }
        let state = try DomainDefinition(xml: xml).guestAgentState
        if state != "connected" {
            do {
                let event = try await events.next(matching: {
                    $0.kind.agentConnected == true || $0.kind.lifecycle?.event == .stopped
                        || $0.kind.lifecycle?.event == .crashed
                }, timeout: deadline - .now)
                if event.kind.agentConnected != true { throw AgentGuestError.stopped(domain: name, console: consoleTail()) }
            } catch is EventTimeout {
                throw AgentGuestError.agentTimeout(domain: name, seconds: AgentGuest.seconds(timeout),
                                                   lastError: "the agent's channel is \(state ?? "absent")",
                                                   console: consoleTail())
            }
        }
        do {
            // The channel is open: the agent answers as soon as it reads it (a bounded blocking call).
            try agent.ping(timeoutSeconds: Int32(max(1, (deadline - .now).components.seconds)))
        } catch {
            throw AgentGuestError.agentTimeout(domain: name, seconds: AgentGuest.seconds(timeout),
                                               lastError: "channel connected, guest-ping failed: \(error)",
                                               console: consoleTail())
        }
        return .now - startedAt
    }

    /// Reads the workload's log through the agent (`guest-file-open`/`read`/`close`; not while frozen).
    public func readWorkloadLog() throws -> WorkloadLog {
        WorkloadLog(data: try agent.readFile(AgentGuest.workloadLogPath))
    }

    /// Waits until the workload log holds at least `records` records, and returns it.
    public func waitForWorkload(records: Int = 10, timeout: Duration = .seconds(30)) throws -> WorkloadLog {
        let deadline = ContinuousClock.now + timeout
        while true {
            let log = try? readWorkloadLog()
            if let log, log.records.count >= records { return log }
            if ContinuousClock.now >= deadline {
                throw AgentGuestError.workloadStalled(domain: name, records: log?.records.count ?? 0, console: consoleTail())
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Reads the workload log through the agent until `condition` holds, and returns it: polls every 50 ms,
    /// and fails the snippet (with the last log's size and the console's tail) after `timeout`.
    ///
    /// ```swift
    /// try dom.thawFilesystems()
    /// let after = try await guest.workloadLog(where: "10 records after the longest pause") { log in
    ///     log.largestGap.map { log.records.count > Int($0.after.index) + 10 } ?? false
    /// }
    /// ```
    public func workloadLog(where description: String, timeout: Duration = .seconds(30),
                            file: String = #filePath, line: Int = #line,
                            until condition: (WorkloadLog) -> Bool) async throws -> WorkloadLog {
        let deadline = ContinuousClock.now + timeout
        var last: WorkloadLog?
        while true {
            if let log = try? readWorkloadLog() {
                if condition(log) { return log }
                last = log
            }
            if ContinuousClock.now >= deadline {
                throw LabFailure("the workload log did not show \(description) within \(timeout) "
                                 + "(\(last?.records.count ?? 0) records); console tail:\n\(consoleTail(lines: 8))",
                                 file: file, line: line)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Reads the workload log through the agent until it holds at least `count` records (see
    /// `workloadLog(where:timeout:until:)`).
    public func workloadLog(atLeast count: Int, timeout: Duration = .seconds(30),
                            file: String = #filePath, line: Int = #line) async throws -> WorkloadLog {
        try await workloadLog(where: "\(count) records", timeout: timeout, file: file, line: line) { $0.records.count >= count }
    }

    /// The serial console so far.
    public func consoleText() -> String {
        files.read(consoleLog.path)
    }

    /// The last `lines` lines of the serial console.
    public func consoleTail(lines: Int = 30) -> String {
        consoleText().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Destroys the domain if it still runs and deletes the disk copy and the console log. Safe to call twice.
    public func cleanUp() {
        let first = cleaned.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if (try? domain.isActive()) == true { try? domain.destroy() }
        files.remove(diskCopy.path)
        files.remove(consoleLog.path)
    }
}
