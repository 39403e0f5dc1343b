import AgentGuest
import Foundation
import Glibc
import Libvirt
import RewindXML

/// Agent guests booted once per host and saved, so that each agent snippet starts from a saved state
/// instead of booting a Linux guest.
///
/// `rewind verify` prepares a pool on each QEMU host that has agent snippets to run: it boots `slots`
/// agent guests (one per snippet process that may run at once), waits until each guest's agent answers
/// and its workload writes, and saves each with `virDomainSave` into the pool's directory on the host.
/// The manifest (`agent-pool.json` in the pool's local directory) is handed to the snippet processes in
/// `REWIND_AGENT_POOL`. `Lab.makeAgentDomain()` then takes a free slot (an exclusive `flock` on the slot's
/// lock file next to the manifest), copies the slot's saved data disk into its own lab directory (a
/// copy-on-write copy where the file system can: `cp` clones), and restores the saved state with
/// `virDomainRestoreFlags`, passing the domain XML with its disk and console moved to those copies: the
/// guest resumes with its agent connected and its workload running, in a fraction of a boot's time.
///
/// libvirt allows a restore to change only host-side paths: the name and UUID in the XML must be those of
/// the saved domain (`VIR_ERR_CONFIG_UNSUPPORTED` otherwise). So a slot is one domain identity, used by
/// one snippet at a time; a snippet that finds no free slot (or asks for another memory size or kernel
/// options) boots its own guest as before. The slot's domain carries the pool's name prefix and lab tag
/// (`rewind-<pool run>-agent-<n>`), so only the pool's run owns it; the snippet's teardown removes it,
/// and `close()` removes whatever is left, with the saved states and disks.
///
/// ```swift
/// let pool = try await AgentGuestPool.prepare(uri: "qemu:///system", runID: "k3x9q2-0-agent",
///                                             localDirectory: labs.appendingPathComponent("k3x9q2-0-agent"),
///                                             slots: 2, guestCache: cache)
/// environment[AgentGuestPool.variable] = pool.manifestPath   // for the snippet processes
/// …
/// let leftovers = await pool.close()
/// ```
public final class AgentGuestPool: Sendable {
    /// The environment variable naming the manifest of the pool a snippet may use.
    public static let variable = "REWIND_AGENT_POOL"
    /// The manifest's file name in the pool's local directory.
    public static let manifestName = "agent-pool.json"

    /// What the snippets need to restore a slot.
    public struct Manifest: Codable, Sendable, Equatable {
        /// The pool's run id: the prefix and lab tag of its domains.
        public var run: String
        /// The saved guests.
        public var slots: [Slot]
        /// The guest's RAM in MiB (a snippet asking for another size boots its own guest).
        public var memoryMiB: Int
        /// Extra kernel options the guests booted with (idem).
        public var kernelArguments: [String]
        /// Seconds from `virDomainCreateXML` to the first answered `guest-ping`, per slot.
        public var bootSeconds: [Double]
        /// Seconds `virDomainSave` took, per slot.
        public var saveSeconds: [Double]
        /// For states kept between runs: what they were saved for (guest image, libvirt, QEMU, accelerator,
        /// memory, slots).
        public var key: String?
    }

    /// One saved guest.
    public struct Slot: Codable, Sendable, Equatable {
        /// The domain's name (fixed: a restore cannot rename).
        public var name: String
        /// The saved state on the host.
        public var stateFile: String
        /// The data disk as it was at the save, on the host (never written again: each use copies it).
        public var disk: String
        /// The domain XML of the saved state (`virDomainSaveImageGetXMLDesc`).
        public var xml: String
        /// `kvm` or `tcg`.
        public var accelerator: String
    }

    /// Where the manifest is, on this machine.
    public let manifestPath: String
    /// What was prepared.
    public let manifest: Manifest
    /// Whether the states were saved by an earlier run and reused (no guest was booted).
    public let reused: Bool
    private let lab: Lab
    private let guests: [AgentGuestDomain]

    private init(manifestPath: String, manifest: Manifest, lab: Lab, guests: [AgentGuestDomain], reused: Bool) {
        self.manifestPath = manifestPath
        self.manifest = manifest
        self.lab = lab
        self.guests = guests
        self.reused = reused
    }

    /// The run id prefix of saved agent guests kept between runs (`agentpool-<key hash>`).
    public static let keptRunPrefix = "agentpool-"

    /// Boots `slots` agent guests on `uri` at once, saves them, and writes the manifest; or, with a
    /// `stateCache` on a host Rewind owns, reuses the states saved there by an earlier run for the same host,
    /// guest image, libvirt, QEMU, accelerator and slot count.
    ///
    /// - Parameters:
    ///   - runID: the pool's run id (its domains are `rewind-<runID>-agent-<n>`, tagged with it). A cached
    ///     pool keeps the run id it was saved under, `agentpool-<key hash>`, because a restore cannot rename.
    ///   - localDirectory: the pool's directory on this machine (the manifest and the slot locks); on a
    ///     local host also where the saved states and disks go, otherwise they go to
    ///     `/var/lib/libvirt/images/rewind/<runID>` on the host.
    ///   - guestCache: the agent guest's cache (`Lab.guestCacheDirectory()`).
    ///   - stateCache: where the manifests of states kept between runs go, e.g. `.rewind/guest/saved-states`;
    ///     nil saves them for this run only. States are kept only on hosts Rewind owns (this machine, or a
    ///     release root it started: there in `/var/lib/libvirt/images/rewind/agentpool-<hash>`); on any other
    ///     host they are saved for the run and removed after it.
    /// - Throws: whatever booting the agent guest throws (`Unsupported` where it cannot run), or a
    ///   `LibvirtError` from the save; nothing is left behind then.
    public static func prepare(uri: String, runID: String, localDirectory: URL, slots: Int,
                               guestCache: URL? = nil, stateCache: URL? = nil) async throws -> AgentGuestPool {
        let access = HostAccess.resolve(uri: uri)
        let connection = try Connection(uri: uri)
        var runID = runID
        var localDirectory = localDirectory
        var key: String?
        var hostDirectory: URL?
        // States are kept only on hosts Rewind owns: this machine, or a release root it started.
        let owned: Bool = if case .namespace = access { true } else { access.isLocal }
        if owned, let stateCache, let cache = guestCache ?? Lab.guestCacheDirectory(),
           let image = try? AgentGuest.build(cacheDir: cache) {
            let accelerator = Lab.chooseAccelerator(capabilitiesXML: try connection.capabilitiesXML(), kvm: access.kvmModule)
            let libvirt = try connection.libraryVersion, qemu = try connection.hypervisorVersion
            let k = "\(uri) \(image.key) libvirt \(libvirt) qemu \(qemu) \(accelerator.accelerator.rawValue) "
                + "\(memoryMiB) MiB \(max(1, slots)) slots"
            let hash = fnv1a(k)
            key = k
            runID = keptRunPrefix + hash
            localDirectory = stateCache.appendingPathComponent(hash)
            hostDirectory = access.isLocal ? localDirectory
                : URL(fileURLWithPath: HostAccess.remoteLabDirectory(runID: runID), isDirectory: true)
            let path = localDirectory.appendingPathComponent(manifestName).path
            let lab = Lab(connection: connection, directory: hostDirectory!, localDirectory: localDirectory,
                          host: access, runID: runID, snippetID: "agent-pool")
            if let manifest = try? readManifest(at: path), manifest.key == k,
               manifest.slots.allSatisfy({ ((try? lab.fileExists($0.stateFile)) ?? false) && ((try? lab.fileExists($0.disk)) ?? false) }) {
                return AgentGuestPool(manifestPath: path, manifest: manifest, lab: lab, guests: [], reused: true)
            }
            // Stale, or saved for another key: start afresh.
            try? FileManager.default.removeItem(at: localDirectory)
            if !access.isLocal { try? lab.removeFile(hostDirectory!.path) }
        }
        try FileManager.default.createDirectory(at: localDirectory, withIntermediateDirectories: true)
        let dir = hostDirectory ?? (access.isLocal ? localDirectory
            : URL(fileURLWithPath: HostAccess.remoteLabDirectory(runID: runID), isDirectory: true))
        let lab = Lab(connection: connection, directory: dir, localDirectory: localDirectory, host: access,
                      runID: runID, snippetID: "agent-pool")
        let kept = key != nil
        do {
            if !access.isLocal {
                try lab.makeHostDirectory(dir.path)
                if !kept { lab.onTeardown { try lab.removeFile(dir.path) } }
            }
            // Boot all slots at once: a boot mostly waits on the guest.
            let started = try await withThrowingTaskGroup(of: (Int, AgentGuestDomain, Duration).self) { group in
                for n in 0..<max(1, slots) {
                    group.addTask {
                        let (guest, boot) = try await lab.bootAgentDomain(name: lab.name("agent-\(n)"), guestCache: guestCache,
                                                                          keepImage: kept)
                        return (n, guest, boot)
                    }
                }
                var byIndex: [Int: (AgentGuestDomain, Duration)] = [:]
                for try await (n, guest, boot) in group { byIndex[n] = (guest, boot) }
                return byIndex.keys.sorted().map { byIndex[$0]! }
            }
            var saved: [Slot] = []
            var saveSeconds: [Double] = []
            for (guest, _) in started {
                let state = dir.appendingPathComponent("\(guest.name).save").path
                let disk = dir.appendingPathComponent("\(guest.name)-saved.qcow2").path
                if !kept { lab.onTeardown { try lab.removeFile(state) } }
                let start = ContinuousClock.now
                try guest.domain.save(to: state)
                saveSeconds.append(AgentGuest.seconds(ContinuousClock.now - start))
                // The disk as saved, apart from the guest's own copy (which its teardown deletes).
                try lab.copyFile(guest.diskCopy.path, to: disk, removeInTeardown: !kept, file: #filePath, line: #line)
                let xml = try connection.saveImageXML(path: state, flags: .secure)
                saved.append(Slot(name: guest.name, stateFile: state, disk: disk, xml: xml,
                                  accelerator: guest.accelerator.rawValue))
            }
            let manifest = Manifest(run: runID, slots: saved, memoryMiB: AgentGuestPool.memoryMiB, kernelArguments: [],
                                    bootSeconds: started.map { AgentGuest.seconds($0.1) },
                                    saveSeconds: saveSeconds, key: key)
            let path = localDirectory.appendingPathComponent(manifestName).path
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: path))
            return AgentGuestPool(manifestPath: path, manifest: manifest, lab: lab, guests: started.map(\.0), reused: false)
        } catch {
            _ = await lab.runTeardown()
            if kept {
                try? FileManager.default.removeItem(at: localDirectory)
                if !access.isLocal { try? lab.removeFile(dir.path) }
            }
            throw error
        }
    }

    /// A short stable hash of a cache key (FNV-1a, 64 bits, hex).
    static func fnv1a(_ text: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h &*= 0x100000001b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The memory of the pool's guests: `makeAgentDomain()`'s default.
    public static let memoryMiB = 128

    /// Removes the slot domains that still exist and (unless they are kept between runs) the saved states
    /// and the disks; returns the errors.
    public func close() async -> [String] {
        var problems: [String] = []
        for slot in manifest.slots {
            if let domain = try? lab.connection.lookupDomain(name: slot.name) {
                do { try Lab.remove(domain, run: manifest.run) } catch { problems.append("\(slot.name): \(error)") }
            }
        }
        problems += await lab.runTeardown()
        for guest in guests { guest.cleanUp() }
        return problems
    }

    /// Reads a manifest.
    public static func readManifest(at path: String) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// An exclusive hold on one slot of a pool: an `flock` on `<manifest dir>/<slot name>.lock`, released by
/// `release()` or when the process ends (so a crashed snippet frees its slot).
final class AgentSlotLock: Sendable {
    private let fd: Int32
    private let released = ManagedFlag()

    /// Takes the lock without waiting, or returns nil when another process holds it.
    init?(path: String) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    func release() {
        guard released.set() else { return }
        close(fd)
    }

    deinit { release() }
}

extension AgentGuestPool.Slot {
    /// The saved XML with the data disk at `disk` and the serial console written to `console`, written
    /// with libxml2; everything else (name, UUID, devices) stays as saved, as a restore requires.
    func restoreXML(disk: String, console: String) throws -> String {
        let doc = try XMLDocument(parsing: xml)
        guard let source = try doc.select("/domain/devices/disk[target/@dev='vda']/source").first else {
            throw LibvirtError(code: .xmlError, message: "saved agent guest XML of \(name) has no vda source")
        }
        source.setAttribute("file", to: disk)
        for element in try doc.select("/domain/devices/serial/source | /domain/devices/console/source") {
            element.setAttribute("path", to: console)
        }
        return doc.serialized()
    }
}
