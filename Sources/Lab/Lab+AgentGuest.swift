// Re-exported so that a guide snippet (which imports RewindLab) can name the agent guest's types:
// `AgentGuestDomain`'s `WorkloadLog`, `WorkloadRecord`, `GuestAgentClient`, `AgentGuest.workloadLogPath`.
@_exported import AgentGuest
import Foundation
import Libvirt
import HostRecords

// A lab guest with a real operating system and a QEMU guest agent: the agent guest (module AgentGuest),
// booted for one snippet, tagged and named like every lab guest, and removed after it.

extension Lab {
    /// The environment variable that names the agent guest's cache directory. `rewind verify` sets it for
    /// every snippet process to `<project root>/.rewind/guest` (unless it is already set), because a snippet
    /// process runs from the generated snippet package and cannot find the project by itself.
    public static let guestCacheVariable = "REWIND_GUEST_CACHE"

    /// Where the agent guest is built and cached for this process: `$REWIND_GUEST_CACHE` when set, else
    /// `<project root>/.rewind/guest` for the Rewind checkout that holds the current directory (one with
    /// `Sources/AgentGuest/AgentGuest.swift`), else nil.
    public static func guestCacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                           currentDirectory: String = FileManager.default.currentDirectoryPath) -> URL? {
        if let path = environment[guestCacheVariable], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: currentDirectory, isDirectory: true).standardizedFileURL
        while true {
            let marker = dir.appendingPathComponent("Sources/AgentGuest/AgentGuest.swift")
            if FileManager.default.fileExists(atPath: marker.path),
               FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return AgentGuest.defaultCacheDirectory(projectRoot: dir)
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// Starts Rewind's agent guest for this snippet and returns it once its guest agent answers and its
    /// workload writes: restored from a saved state when `rewind verify` prepared a pool on this host
    /// (`AgentGuestPool`), booted otherwise.
    ///
    /// ```swift
    /// let guest = try await lab.makeAgentDomain()         // rewind-<run>-agent-<hex>, running, agent up
    /// let dom = guest.domain
    /// try lab.expectEqual(try dom.freezeFilesystems(), 1)  // the ext4 file system on /data
    /// try lab.expectEqual(try dom.thawFilesystems(), 1)
    /// let log = try guest.readWorkloadLog()                // /data/workload.log, through the agent
    /// ```
    ///
    /// The guest (see `AgentGuest` and `AgentGuestDomain`) is a Debian kernel with a busybox initramfs that
    /// starts `qemu-guest-agent` and mounts its one disk, `vda` (a 64 MiB qcow2 image holding ext4), on
    /// `/data`, where a workload appends a self-checking 52-byte record to `/data/workload.log` every 5 ms
    /// (`fsync` every 20 records). The image is built once and cached (`guestCacheDirectory()`); each call
    /// copies the data disk into the lab directory (`<domain name>-data.qcow2`, with the serial console log
    /// next to it) and creates a transient domain named `lab.name("agent")` plus a random suffix, tagged with
    /// `MetadataItem.rewindLab(run:snippet:)` like every lab guest. It boots under KVM where KVM is usable
    /// for a Linux guest, under TCG otherwise (5–11 s to a working agent under TCG); the time from
    /// `virDomainCreateXML` to the first answered `guest-ping` is recorded as `agent guest boot`.
    ///
    /// Under `rewind verify` on a QEMU host, the guest usually comes from the run's `AgentGuestPool`: a guest
    /// booted and saved once, restored here on a copy of its saved disk (0.3–2 s instead of a boot; recorded as
    /// `agent guest restore`). Such a guest is named after the pool (`rewind-<pool run>-agent-<n>-<hex>`) and
    /// carries the pool's lab tag, because a restore cannot rename; its guest clock continues from the save,
    /// and its workload log holds the records written before it. A snippet that needs a guest of its own
    /// (another `memoryMiB` or `kernelArguments`), or finds every slot taken, boots one.
    ///
    /// After the snippet the domain is destroyed (it is transient, so that also removes its definition)
    /// and its disk copy and console log are deleted.
    ///
    /// - Parameters:
    ///   - memoryMiB: the guest's RAM.
    ///   - kernelArguments: extra kernel options for the guest's init, e.g. `rewind.interval_ms=2`.
    ///   - agentTimeout: how long to wait for the agent and then for the workload's first records.
    /// - Throws: `Unsupported` (capability `agent`) when the connection is not QEMU, when the guest cannot
    ///   be built on this host (a package apt cannot fetch, a missing tool), or when it does not come up
    ///   (stops, or no agent answer within `agentTimeout`), with the reason and the console's tail;
    ///   `LibvirtError` when libvirt refuses the domain; `AgentGuest.BuildError` for a build that is wrong.
    public func makeAgentDomain(memoryMiB: Int = 128, kernelArguments: [String] = [],
                                agentTimeout: Duration = .seconds(60),
                                file: String = #filePath, line: Int = #line) async throws -> AgentGuestDomain {
        guard isQEMU else {
            throw Unsupported(capability: "agent",
                              reason: "needs agent; the agent guest boots only on QEMU, connection driver is "
                                  + ((try? connection.hypervisorType) ?? "unknown"))
        }
        if let guest = try await restoreAgentDomain(memoryMiB: memoryMiB, kernelArguments: kernelArguments,
                                                    agentTimeout: agentTimeout, file: file, line: line) {
            return guest
        }
        let (guest, boot) = try await bootAgentDomain(name: name("agent"), memoryMiB: memoryMiB,
                                                      kernelArguments: kernelArguments, agentTimeout: agentTimeout,
                                                      file: file, line: line)
        record("agent guest boot", AgentGuest.seconds(boot), unit: "s")
        return guest
    }

    /// Boots a new agent guest named `name` plus a random suffix, tagged with this lab's run, and waits until
    /// its agent answers and (unless `rewind.workload=0`) its workload has written 10 records. Returns the
    /// guest and the time from `virDomainCreateXML` to the first answered `guest-ping`. The teardown
    /// destroys it and deletes its files (with `keepImage`, the kernel, initramfs and disk uploaded to another
    /// host stay there, for a saved state that refers to them).
    func bootAgentDomain(name: String, guestCache: URL? = nil, memoryMiB: Int = AgentGuestPool.memoryMiB,
                         kernelArguments: [String] = [], agentTimeout: Duration = .seconds(60), keepImage: Bool = false,
                         file: String = #filePath, line: Int = #line) async throws -> (AgentGuestDomain, Duration) {
        guard let cache = guestCache ?? Self.guestCacheDirectory() else {
            throw Unsupported(capability: "agent",
                              reason: "needs agent; no agent guest cache: set \(Self.guestCacheVariable) or run from the Rewind checkout")
        }
        let image: GuideImage
        do {
            image = try AgentGuest.build(cacheDir: cache)
        } catch let error as AgentGuest.BuildError where error.meansUnsupported {
            throw Unsupported(capability: "agent", reason: "needs agent; the agent guest cannot be built here: \(error)")
        }

        // On another host the guest's files go there first: the kernel, the initramfs and the master data
        // disk are uploaded into the lab directory through the host access.
        var hostImage = image
        if !host.isLocal {
            let dir = directory.appendingPathComponent("agent-image")
            try makeHostDirectory(dir.path, file: file, line: line)
            for (local, name) in [(image.kernel, image.kernelFile), (image.initramfs, "initramfs.img"), (image.dataDisk, "data.qcow2")]
            where try !fileExists(dir.appendingPathComponent(name).path, file: file, line: line) {
                try upload(local.path, to: dir.appendingPathComponent(name).path, removeInTeardown: !keepImage, file: file, line: line)
            }
            hostImage.directory = dir
        }
        let guest = try AgentGuestDomain(image: hostImage, connection: connection, namePrefix: name,
                                         accelerator: try accelerator.accelerator, memoryMiB: memoryMiB, kernelArguments: kernelArguments,
                                         directory: directory,
                                         metadata: [.rewindLab(run: runID, snippet: snippetID)],
                                         files: hostFiles(file: file, line: line))
        let run = runID
        onTeardown {
            defer { guest.cleanUp() }
            try Lab.remove(guest.domain, run: run, file: file, line: line)
        }
        let boot = try await waitUntilUp(guest, workload: !kernelArguments.contains("rewind.workload=0"),
                                         timeout: agentTimeout)
        return (guest, boot)
    }

    /// The agent guest's file operations, through this lab's host access.
    func hostFiles(file: String, line: Int) -> AgentGuestDomain.HostFiles {
        let lab = self
        return AgentGuestDomain.HostFiles(
            copy: { from, to throws in try lab.copyFile(from, to: to) },
            remove: { path in try? lab.removeFile(path) },
            read: { path in (try? lab.readHostFile(path, from: 0, file: file, line: line)) ?? "" })
    }

    /// Waits until the guest's agent is up (`AgentGuestDomain.waitForAgent`, event-driven) and, with
    /// `workload`, for 10 workload records (read through the agent: a file inside the guest has no event, so
    /// that part polls). Returns the time from the guest's start to the agent's answer. A guest that does not
    /// come up makes the snippet unsupported (capability `agent`), naming the console's tail.
    func waitUntilUp(_ guest: AgentGuestDomain, workload: Bool, timeout: Duration) async throws -> Duration {
        let deadline = ContinuousClock.now + timeout
        func notUp(_ why: String) -> Unsupported {
            let console = guest.consoleTail(lines: 12).trimmingCharacters(in: .whitespacesAndNewlines)
            return Unsupported(capability: "agent", reason: "needs agent; the agent guest \(guest.name) did not come up "
                                   + "(\(guest.accelerator)): \(why); console tail:\n\(console)")
        }
        let answered: Duration
        do {
            answered = try await guest.waitForAgent(timeout: timeout)
        } catch let error as AgentGuestError {
            throw notUp(error.reason)
        }
        if workload {
            do {
                _ = try await guest.workloadLog(atLeast: 10, timeout: max(.zero, deadline - .now))
            } catch is LabFailure {
                throw notUp("the workload log did not reach 10 records within \(timeout)")
            }
        }
        return answered
    }
}

extension Lab {
    /// Restores a guest from a free slot of the run's agent guest pool (`$REWIND_AGENT_POOL`), or returns nil
    /// when there is no pool, the pool's guests differ from the one asked for, or every slot is taken.
    func restoreAgentDomain(memoryMiB: Int, kernelArguments: [String], agentTimeout: Duration,
                            file: String, line: Int) async throws -> AgentGuestDomain? {
        guard let path = ProcessInfo.processInfo.environment[AgentGuestPool.variable], !path.isEmpty,
              let manifest = try? AgentGuestPool.readManifest(at: path),
              manifest.memoryMiB == memoryMiB, manifest.kernelArguments == kernelArguments else { return nil }
        let lockDirectory = URL(fileURLWithPath: path).deletingLastPathComponent()
        for (n, slot) in manifest.slots.enumerated() {
            guard let lock = AgentSlotLock(path: lockDirectory.appendingPathComponent("\(slot.name).lock").path) else { continue }
            // A snippet that crashed while it held this slot may have left its domain: the pool's, so remove it.
            if let stale = try? connection.lookupDomain(name: slot.name) {
                guard LabOwnership.isOwned(stale, run: manifest.run) else { lock.release(); continue }
                try Lab.remove(stale, run: manifest.run, file: file, line: line)
            }
            let disk = directory.appendingPathComponent("agent-\(n)-data.qcow2").path
            let console = directory.appendingPathComponent("agent-\(n)-console.log").path
            let start = ContinuousClock.now
            try copyFile(slot.disk, to: disk, file: file, line: line)
            let xml = try slot.restoreXML(disk: disk, console: console)
            let pool = manifest.run
            let accelerator = Accelerator(rawValue: slot.accelerator) ?? .tcg
            do {
                try connection.restore(from: slot.stateFile, xml: xml)
            } catch {
                // A saved state this host cannot take back (e.g. kept from before a QEMU upgrade): boot instead.
                note("agent guest \(slot.name): the saved state was not restored (\(error.code.name): \(error.message)); booting one")
                try? removeFile(disk)
                lock.release()
                return nil
            }
            let domain = try connection.lookupDomain(name: slot.name)
            let guest = AgentGuestDomain(restored: domain, connection: connection, accelerator: accelerator,
                                         memoryMiB: memoryMiB, diskCopy: URL(fileURLWithPath: disk),
                                         consoleLog: URL(fileURLWithPath: console), startedAt: start,
                                         files: hostFiles(file: file, line: line))
            onTeardown {
                defer {
                    guest.cleanUp()
                    lock.release()
                }
                try Lab.remove(guest.domain, run: pool, file: file, line: line)
            }
            let up = try await waitUntilUp(guest, workload: true, timeout: agentTimeout)
            record("agent guest restore", AgentGuest.seconds(up), unit: "s")
            note("agent guest \(slot.name) restored from the run's saved state (\(slot.accelerator)) instead of booted")
            return guest
        }
        return nil
    }
}
