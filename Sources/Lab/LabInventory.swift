import Foundation
import Glibc
import Libvirt

/// What earlier lab runs left behind on a host, and its removal (`rewind lab clean`).
///
/// A run leaves things behind when its process crashed or was killed before its teardown: domains,
/// disk images, UNIX sockets, its run lock file. The inventory finds them by *ownership*, never by name
/// alone:
///
/// * domains named `rewind-<run>-…` **and** tagged with that run in `<metadata>` (see `LabOwnership`);
///   a `rewind-…` domain without the tag is listed in `untagged` and never touched;
/// * for those runs, and for runs whose lock file nobody holds any more (`RunLock`): the image directories
///   `<imageRoot>/<run>` and `<imageRoot>/rewind-<run>`, the sockets `<socketDirectory>/<run>-*`, the lab
///   directories `<labs>/<run>` and the stale lock file.
///
/// A run whose lock is held (a `rewind verify` or a lab in progress, in any process) is in progress and
/// left alone.
///
/// ```swift
/// let inventory = try LabInventory.scan(uri: "qemu:///system")
/// for line in inventory.clean(dryRun: true) { print(line) }   // what would be removed
/// ```
public struct LabInventory: Sendable {
    /// Where lab runs keep files on this machine.
    public struct Locations: Sendable, Hashable {
        /// Disk images of lab runs: `<imageRoot>/<run>/…` (default `/var/lib/libvirt/images/rewind`).
        public var imageRoot: String = "/var/lib/libvirt/images/rewind"
        /// UNIX sockets too long for a lab directory: `<socketDirectory>/<run>-<name>` (default `/run/rewind`).
        public var socketDirectory: String = "/run/rewind"
        /// Run lock files (default `RunLock.defaultDirectory`).
        public var lockDirectory: String = RunLock.defaultDirectory
        /// Directories holding lab directories named by run id, e.g. `rewind verify`'s `<work dir>/labs`.
        public var labRoots: [String] = []
        /// The default locations.
        public init() {}
    }

    /// A lab domain left behind.
    public struct LeftoverDomain: Sendable, Hashable {
        /// Its name, `rewind-<run>-…`.
        public var name: String
        /// Its UUID (names can be reused; removal looks it up by UUID and checks the tag again).
        public var uuid: String
        /// Whether it was running when scanned.
        public var active: Bool
    }

    /// Everything one earlier run left behind.
    public struct LeftoverRun: Sendable, Hashable {
        /// The run id.
        public var runID: String
        /// Its domains (named with its prefix and tagged with it).
        public var domains: [LeftoverDomain]
        /// Its files and directories: images, sockets, lab directories, the lock file.
        public var files: [String]
        /// Its files on the host behind the URI when that is another machine (its lab directory there),
        /// removed through the host access.
        public var hostFiles: [String] = []
    }

    /// The URI scanned.
    public var uri: String
    /// What earlier runs left behind, by run id.
    public var runs: [LeftoverRun]
    /// Domains named `rewind-…` that carry no Rewind lab tag (or a tag that does not match their name):
    /// not Rewind's to touch.
    public var notOwned: [String]
    /// Runs in progress (their lock is held): left alone, with the names of their domains.
    public var inProgress: [String: [String]]
    /// Where files were looked for.
    public var locations: Locations

    /// Whether nothing was left behind.
    public var isEmpty: Bool { runs.isEmpty }

    /// Looks for leftovers on `uri` and in `locations`.
    ///
    /// - Parameter selecting: only runs whose id this accepts are considered (all when nil).
    /// - Throws: `LibvirtError` when the URI cannot be opened or its domains cannot be listed.
    public static func scan(uri: String, locations: Locations = Locations(),
                            selecting: (@Sendable (String) -> Bool)? = nil) throws(LibvirtError) -> LabInventory {
        let connection = try Connection(uri: uri)
        defer { connection.close() }
        return try scan(connection: connection, locations: locations, selecting: selecting)
    }

    /// Looks for leftovers on an open connection and in `locations`.
    public static func scan(connection: Connection, locations: Locations = Locations(),
                            selecting: (@Sendable (String) -> Bool)? = nil) throws(LibvirtError) -> LabInventory {
        let selected = selecting ?? { _ in true }
        var domainsByRun: [String: [LeftoverDomain]] = [:]
        var notOwned: [String] = []
        var inProgress: [String: [String]] = [:]
        var liveness: [String: Bool] = [:]
        func held(_ run: String) -> Bool {
            if let known = liveness[run] { return known }
            let h = RunLock.isHeld(runID: run, directory: locations.lockDirectory)
            liveness[run] = h
            return h
        }

        for domain in try connection.listDomains() {
            let name = domain.name
            switch LabOwnership.status(of: domain) {
            case .owned(let run):
                guard selected(run) else { continue }
                if held(run) {
                    inProgress[run, default: []].append(name)
                } else {
                    domainsByRun[run, default: []].append(
                        LeftoverDomain(name: name, uuid: domain.uuid, active: (try? domain.isActive()) ?? false))
                }
            case .tagNameMismatch, .untagged, .unknown:
                if name.hasPrefix("rewind-") { notOwned.append(name) }
            case .gone:
                continue
            }
        }

        // Runs known to be over: those with leftover domains, and those whose lock file nobody holds.
        var runIDs = Set(domainsByRun.keys)
        for run in RunLock.recordedRuns(directory: locations.lockDirectory) where selected(run) && !held(run) {
            runIDs.insert(run)
        }
        let protected = Set(inProgress.keys).union(
            RunLock.recordedRuns(directory: locations.lockDirectory).filter(held))
        // On another host, the lab directories there (`/var/lib/libvirt/images/rewind/<run>`), listed through the
        // host access: a run whose lock nobody holds on this machine has left its directory behind.
        var remote: [String: [String]] = [:]
        let access = HostAccess.resolve(uri: connection.uri)
        if !access.isLocal, let argv = access.commandLine(["sh", "-c", "ls -1A \"$1\" 2>/dev/null; true", "sh",
                                                           HostAccess.remoteLabDirectory(runID: "")]) {
            for name in HostAccess.runQuietly(argv) where RunLock.isValidRunID(name) && selected(name) && !held(name) {
                remote[name, default: []].append(HostAccess.remoteLabDirectory(runID: name))
                runIDs.insert(name)
            }
        }
        var runs: [LeftoverRun] = []
        for run in runIDs.sorted() {
            let files = runFiles(run, locations: locations, excluding: protected)
            let domains = (domainsByRun[run] ?? []).sorted { $0.name < $1.name }
            let hostFiles = remote[run] ?? []
            if domains.isEmpty && files.isEmpty && hostFiles.isEmpty { continue }
            runs.append(LeftoverRun(runID: run, domains: domains, files: files, hostFiles: hostFiles))
        }
        return LabInventory(uri: connection.uri, runs: runs, notOwned: notOwned.sorted(),
                            inProgress: inProgress, locations: locations)
    }

    /// The files of `run` that exist: image and lab directories, sockets, the lock file. Sockets of a run
    /// in `excluding` whose id extends this one (`<run>-…`) are not this run's.
    static func runFiles(_ run: String, locations: Locations, excluding others: Set<String> = []) -> [String] {
        guard RunLock.isValidRunID(run) else { return [] }
        let fm = FileManager.default
        var files: [String] = []
        for dir in [locations.imageRoot + "/" + run, locations.imageRoot + "/rewind-" + run]
            + locations.labRoots.map({ $0 + "/" + run }) where isDirectory(dir) {
            files.append(dir)
        }
        let longer = others.filter { $0.hasPrefix(run + "-") }
        for name in ((try? fm.contentsOfDirectory(atPath: locations.socketDirectory)) ?? []).sorted()
        where name.hasPrefix(run + "-") && !longer.contains(where: { name.hasPrefix($0 + "-") }) {
            let path = locations.socketDirectory + "/" + name
            if isSocketOrFile(path) { files.append(path) }
        }
        let lock = RunLock.path(runID: run, directory: locations.lockDirectory)
        if fm.fileExists(atPath: lock) { files.append(lock) }
        return files
    }

    /// Removes what earlier runs left behind, or (with `dryRun`) says what it would remove.
    ///
    /// Each domain is looked up again by UUID and removed only if it still carries the tag of its run,
    /// is still named with the run's prefix, and the run's lock is still free.
    ///
    /// - Parameter on: the connection to remove domains through (by default a new one to `uri`; a
    ///   `test:///…` state is private to its connection, so pass the one that was scanned).
    /// - Returns: one line per thing removed (or that would be, or could not be).
    public func clean(on existing: Connection? = nil, dryRun: Bool = false) -> [String] {
        var lines: [String] = []
        var connection: Connection? = existing
        do {
            if connection == nil && !dryRun && runs.contains(where: { !$0.domains.isEmpty }) {
                connection = try Connection(uri: uri)
            }
        } catch {
            return ["cannot connect to \(uri): \(error.code.name): \(error.message)"]
        }
        defer { if existing == nil { connection?.close() } }
        for run in runs {
            if !dryRun && RunLock.isHeld(runID: run.runID, directory: locations.lockDirectory) {
                lines.append("run \(run.runID) is in progress again: left alone")
                continue
            }
            for leftover in run.domains {
                if dryRun {
                    lines.append("would remove domain \(leftover.name) (run \(run.runID)\(leftover.active ? ", running" : ""))")
                    continue
                }
                guard let connection else { continue }
                let domain: Domain
                do {
                    domain = try connection.lookupDomain(uuid: leftover.uuid)
                } catch {
                    if error.code != .noDomain {
                        lines.append("cannot look up \(leftover.name): \(error.code.name): \(error.message)")
                    }
                    continue
                }
                lines += LabCleanup.remove(domain, run: run.runID)
            }
            for file in run.files {
                if dryRun {
                    lines.append("would remove \(file)")
                    continue
                }
                lines += LabCleanup.removeFile(file, lockDirectory: locations.lockDirectory)
            }
            let access = HostAccess.resolve(uri: uri)
            for file in run.hostFiles {
                if dryRun {
                    lines.append("would remove \(file) (on \(access))")
                    continue
                }
                if let argv = access.commandLine(["rm", "-rf", "--one-file-system", "--", file]) {
                    let out = HostAccess.runQuietly(argv)
                    lines.append(out.isEmpty ? "removed \(file) (on \(access))" : "cannot remove \(file) (on \(access)): \(out.joined(separator: " "))")
                }
            }
        }
        return lines
    }

    static func isDirectory(_ path: String) -> Bool {
        var s = stat()
        return lstat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFDIR
    }

    static func isSocketOrFile(_ path: String) -> Bool {
        var s = stat()
        guard lstat(path, &s) == 0 else { return false }
        let type = s.st_mode & S_IFMT
        return type == S_IFSOCK || type == S_IFREG
    }
}
