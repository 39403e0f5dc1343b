import Foundation
import Support

/// Debian packages the live host needs, and how to check for and install them.
public enum DebianPackages {
    /// The libvirt daemon with its QEMU driver, virsh, QEMU itself, tini (the subreaper libvirtd runs under)
    /// and UEFI firmware (`ovmf`: UEFI guests). `libvirt-daemon-system` is deliberately absent: it brings
    /// systemd units and polkit.
    public static let daemon = [
        "libvirt-daemon", "libvirt-daemon-driver-qemu", "libvirt-clients", "qemu-system-x86", "qemu-utils", "tini", "ovmf",
    ]

    /// The packages of `names` that are not installed (`Support.DebianPackageQuery`; unknown names count as missing).
    public static func missing(_ names: [String]) throws(LiveHostError) -> [String] {
        let have: Set<String>
        do {
            have = Set(try DebianPackageQuery.installed(names).map(\.name))
        } catch {
            throw LiveHostError(error.notFound ? .missingProgram : .timedOut, error.description)
        }
        return names.filter { !have.contains($0) }
    }

    /// Installs the missing packages among `names`: `apt-get update` (only when something is
    /// missing) and `apt-get install -y --no-install-recommends`, non-interactively.
    /// apt-get's output goes to standard error. Returns the packages it installed.
    @discardableResult
    public static func ensureInstalled(_ names: [String], progress: (String) -> Void = { _ in }) throws(LiveHostError) -> [String] {
        let absent = try missing(names)
        guard !absent.isEmpty else { return [] }
        guard geteuid() == 0 else {
            throw LiveHostError(.notRoot, "missing packages \(absent.joined(separator: " ")); installing them needs root")
        }
        let env = ["DEBIAN_FRONTEND": "noninteractive"]
        progress("installing \(absent.joined(separator: " "))")
        try Command.mustRun(["apt-get", "update"], environment: env, timeout: 600, passthrough: true)
        try Command.mustRun(["apt-get", "install", "-y", "--no-install-recommends"] + absent,
                            environment: env, timeout: 1800, passthrough: true)
        let still = try missing(absent)
        if !still.isEmpty {
            throw LiveHostError(.commandFailed, "apt-get finished but \(still.joined(separator: " ")) is still not installed")
        }
        return absent
    }
}
