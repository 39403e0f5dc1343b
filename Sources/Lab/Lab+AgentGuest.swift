// Re-exported so that a guide snippet (which imports RewindLab) can name the agent guest's types:
// `AgentGuestDomain`'s `WorkloadLog`, `WorkloadRecord`, `GuestAgentClient`, `AgentGuest.workloadLogPath`.
@_exported import AgentGuest
import Foundation
import Libvirt

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

    /// Boots Rewind's agent guest for this snippet and returns it once its guest agent answers and its
    /// workload writes.
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
        guard let cache = Self.guestCacheDirectory() else {
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
                try upload(local.path, to: dir.appendingPathComponent(name).path, file: file, line: line)
            }
            hostImage.directory = dir
        }
        let lab = self
        let files = AgentGuestDomain.HostFiles(
            copy: { from, to throws in try lab.copyFile(from, to: to) },
            remove: { path in try? lab.removeFile(path) },
            read: { path in (try? lab.readHostFile(path, from: 0, file: file, line: line)) ?? "" })
        let guest = try AgentGuestDomain(image: hostImage, connection: connection, namePrefix: name("agent"),
                                         memoryMiB: memoryMiB, kernelArguments: kernelArguments,
                                         directory: directory,
                                         metadata: [.rewindLab(run: runID, snippet: snippetID)], files: files)
        let run = runID
        onTeardown {
            defer { guest.cleanUp() }
            try Lab.remove(guest.domain, run: run, file: file, line: line)
        }

        let deadline = ContinuousClock.now + agentTimeout
        func notUp(_ why: String) -> Unsupported {
            let console = guest.consoleTail(lines: 12).trimmingCharacters(in: .whitespacesAndNewlines)
            return Unsupported(capability: "agent", reason: "needs agent; the agent guest \(guest.name) did not come up "
                                   + "(\(guest.accelerator)): \(why); console tail:\n\(console)")
        }
        var lastError = "no answer yet"
        while true {
            do {
                try guest.agent.ping(timeoutSeconds: 1)
                break
            } catch {
                lastError = "\(error)"
            }
            if (try? guest.domain.isActive()) != true { throw notUp("the domain stopped") }
            if ContinuousClock.now >= deadline {
                throw notUp("no guest-ping answer within \(agentTimeout) (last error: \(lastError))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        record("agent guest boot", AgentGuest.seconds(ContinuousClock.now - guest.startedAt), unit: "s")
        let workloadDisabled = kernelArguments.contains("rewind.workload=0")
        while !workloadDisabled {
            if let log = try? guest.readWorkloadLog(), log.records.count >= 10 { break }
            if ContinuousClock.now >= deadline { throw notUp("the workload log did not reach 10 records") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return guest
    }
}
