import Foundation
import Glibc
import Libvirt

/// Removes what a lab left behind: its domains (named `rewind-<runID>-…` **and** tagged with the run, see
/// `LabOwnership`), its sockets and image directories, and its lab directory.
///
/// `rewind verify` runs it (through the snippet executable's `cleanup` mode, or in its own process when
/// interrupted) after a snippet timed out, crashed or was interrupted, when the lab's teardown hooks
/// could not run. A domain with the prefix but without the run's tag is never modified, stopped or
/// deleted: the line for it says it was left alone.
public enum LabCleanup {
    /// Destroys running domains and undefines persistent ones (with their snapshot and checkpoint metadata,
    /// managed save image and NVRAM) named `rewind-<runID>-…` and tagged with `runID`; removes the run's
    /// sockets and image directories under `locations`, then `labDirectory`.
    ///
    /// - Returns: one line per thing removed, left alone, or that could not be removed.
    ///
    /// With `domainsOnly`, only the domains go (for agent guest states kept between runs, whose files stay).
    public static func run(uri: String, runID: String, labDirectory: String?, domainsOnly: Bool = false,
                           locations: LabInventory.Locations = LabInventory.Locations()) -> [String] {
        var lines: [String] = []
        let prefix = LabOwnership.prefix(run: runID)
        do {
            let connection = try Connection(uri: uri)
            defer { connection.close() }
            for domain in try connection.listDomains() where domain.name.hasPrefix(prefix) {
                lines.append(contentsOf: remove(domain, run: runID))
            }
        } catch {
            lines.append("cleanup on \(uri): \(error.code.name): \(error.message)")
        }
        if domainsOnly { return lines }
        // On another host the run's files are there: its lab directory and long-path sockets, removed through
        // the host access (only paths named after this run, which `RunLock.isValidRunID` keeps plain).
        let access = HostAccess.resolve(uri: uri)
        if !access.isLocal, RunLock.isValidRunID(runID),
           let argv = access.commandLine(["sh", "-c", "for p in \"$1\" /run/rewind/\"$2\"-*; do [ -e \"$p\" ] || [ -L \"$p\" ] || continue; "
                                          + "rm -rf --one-file-system -- \"$p\" && echo \"removed $p\"; done",
                                          "sh", HostAccess.remoteLabDirectory(runID: runID), runID]) {
            lines += HostAccess.runQuietly(argv).map { $0 + " (on \(access))" }
        }
        for file in LabInventory.runFiles(runID, locations: locations) where file != RunLock.path(runID: runID, directory: locations.lockDirectory) {
            lines += removeFile(file, lockDirectory: locations.lockDirectory)
        }
        if let labDirectory, FileManager.default.fileExists(atPath: labDirectory) {
            lines += removeFile(labDirectory, lockDirectory: locations.lockDirectory)
        }
        return lines
    }

    /// Removes one lab domain if it is Rewind's: named with the prefix of `run` and tagged with `run` (any
    /// run when nil). Anything else is left alone, with a line saying why.
    static func remove(_ domain: Domain, run: String? = nil) -> [String] {
        let name = domain.name
        switch LabOwnership.status(of: domain) {
        case .gone:
            return []
        case .owned(let tagged) where run == nil || tagged == run:
            break
        case .owned(let tagged):
            return ["left \(name) alone: it belongs to run \(tagged), not \(run ?? "")"]
        case let other:
            return ["left \(name) alone: \(other)"]
        }
        var lines: [String] = []
        if (try? domain.isActive()) == true {
            do {
                try domain.destroy()
                lines.append("destroyed \(name)")
            } catch {
                if error.code != .noDomain { lines.append("cannot destroy \(name): \(error.code.name): \(error.message)") }
            }
        }
        if (try? domain.isPersistent()) == true {
            // Drivers differ in the undefine flags they accept (the test driver refuses
            // CHECKPOINTS_METADATA): try the widest set first.
            let attempts: [Domain.UndefineFlags] = [
                [.managedSave, .snapshotsMetadata, .checkpointsMetadata, .nvram],
                [.managedSave, .snapshotsMetadata, .nvram],
                [.snapshotsMetadata], [],
            ]
            var last: LibvirtError?
            for flags in attempts {
                do {
                    try domain.undefine(flags)
                    last = nil
                    break
                } catch {
                    last = error
                    if error.code == .noDomain { break }
                }
            }
            if let last, last.code != .noDomain {
                lines.append("cannot undefine \(name): \(last.code.name): \(last.message)")
            } else {
                lines.append("undefined \(name)")
            }
        }
        return lines
    }

    /// Removes a file, socket or directory of a lab run (a lock file only if nobody holds it).
    static func removeFile(_ path: String, lockDirectory: String) -> [String] {
        if path.hasPrefix(lockDirectory + "/") && path.hasSuffix(".lock") {
            let run = String(path.dropFirst(lockDirectory.count + 1).dropLast(5))
            return RunLock.removeIfStale(runID: run, directory: lockDirectory) ? ["removed \(path)"] : []
        }
        do {
            try FileManager.default.removeItem(atPath: path)
            return ["removed \(path)"]
        } catch {
            var s = stat()
            if lstat(path, &s) != 0 { return [] }   // gone meanwhile
            return ["cannot remove \(path): \(error.localizedDescription)"]
        }
    }
}
