import Foundation
import Libvirt

/// Removes what a lab left behind: the domains named with its prefix (`rewind-<runID>-`) and its directory.
///
/// `rewind verify` runs it (through the snippet executable's `cleanup` mode) after a snippet timed out or
/// crashed, when the lab's teardown hooks could not run.
public enum LabCleanup {
    /// Destroys running domains and undefines persistent ones (with their snapshot and checkpoint metadata,
    /// managed save image and NVRAM) whose name starts with `rewind-<runID>-`, then removes `labDirectory`.
    ///
    /// - Returns: one line per thing removed, or that could not be removed.
    public static func run(uri: String, runID: String, labDirectory: String?) -> [String] {
        var lines: [String] = []
        let prefix = "rewind-\(runID)-"
        do {
            let connection = try Connection(uri: uri)
            for domain in try connection.listDomains() where domain.name.hasPrefix(prefix) {
                lines.append(contentsOf: remove(domain))
            }
        } catch {
            lines.append("cleanup on \(uri): \(error)")
        }
        if let labDirectory, FileManager.default.fileExists(atPath: labDirectory) {
            do {
                try FileManager.default.removeItem(atPath: labDirectory)
                lines.append("removed \(labDirectory)")
            } catch {
                lines.append("cannot remove \(labDirectory): \(error)")
            }
        }
        return lines
    }

    static func remove(_ domain: Domain) -> [String] {
        var lines: [String] = []
        if (try? domain.isActive()) == true {
            do {
                try domain.destroy()
                lines.append("destroyed \(domain.name)")
            } catch {
                lines.append("cannot destroy \(domain.name): \(error)")
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
                }
            }
            lines.append(last.map { "cannot undefine \(domain.name): \($0)" } ?? "undefined \(domain.name)")
        }
        return lines
    }
}
