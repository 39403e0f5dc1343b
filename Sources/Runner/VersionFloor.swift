import Libvirt

/// The oldest libvirt and QEMU the guides are written for, and why: the guides' claims, version ranges and
/// refusals were checked from there up. A run against an older host goes on, and says so first: a failure
/// there may be a version assumption of a guide rather than a bug of the host.
///
/// ```swift
/// if let note = VersionFloor.note(for: host) { print("warning: " + note) }
/// ```
public enum VersionFloor {
    /// The oldest libvirt the guides target.
    public static let libvirt = Version(major: 9, minor: 0, release: 0)
    /// The oldest QEMU the guides target.
    public static let qemu = Version(major: 7, minor: 2, release: 0)
    /// Why these: the oldest distribution release in wide use whose versions every run here covers.
    public static let reason = "Debian 12 (bookworm) ships libvirt 9.0 and QEMU 7.2, the oldest versions this suite runs on; "
        + "libvirt 12.4 itself needs QEMU 7.2 or later"

    /// `libvirt 9.0, QEMU 7.2`.
    public static var label: String { "libvirt \(libvirt.major).\(libvirt.minor), QEMU \(qemu.major).\(qemu.minor)" }

    /// What is below the floor on a QEMU host (`libvirt 8.0.0`, `QEMU 6.2.0`), in one sentence, or nil when
    /// nothing is (or the host is the test driver, whose version is the library's).
    public static func note(for host: HostInfo) -> String? {
        guard host.driver == "QEMU" else { return nil }
        var below: [String] = []
        if let v = Version(parsing: host.libvirtVersion), v < libvirt { below.append("libvirt \(host.libvirtVersion)") }
        if let v = Version(parsing: host.hypervisorVersion), v < qemu { below.append("QEMU \(host.hypervisorVersion)") }
        guard !below.isEmpty else { return nil }
        return "\(host.uri) runs \(below.joined(separator: " and ")), below what the guides target (\(label): \(reason)); "
            + "the run goes on, and a failure there may be a guide's version assumption"
    }
}
