import Glibc

/// The `libvirt-qemu` user and group.
///
/// They must exist even when qemu.conf says `user = "root"`: the QEMU driver resolves its
/// compiled-in default user before reading the configuration, and libvirtd exits with
/// "Failed to parse user 'libvirt-qemu'" otherwise. Debian's `libvirt-daemon-system` would create
/// them; Rewind does not install that package (it brings systemd units and polkit).
public enum SystemAccounts {
    /// The account name Debian's libvirt is compiled with.
    public static let qemuAccount = "libvirt-qemu"

    /// Whether a user with this name exists (`getpwnam`).
    public static func userExists(_ name: String) -> Bool { getpwnam(name) != nil }

    /// Whether a group with this name exists (`getgrnam`).
    public static func groupExists(_ name: String) -> Bool { getgrnam(name) != nil }

    /// Creates the `libvirt-qemu` system group and user if absent (`groupadd`, `useradd`).
    /// Returns what it created, e.g. `["group libvirt-qemu", "user libvirt-qemu"]`.
    @discardableResult
    public static func ensureQemuAccount() throws(LiveHostError) -> [String] {
        var created: [String] = []
        let name = qemuAccount
        if !groupExists(name) {
            try Command.mustRun(["groupadd", "--system", name], timeout: 60)
            created.append("group \(name)")
        }
        if !userExists(name) {
            try Command.mustRun(["useradd", "--system", "--gid", name, "--home-dir", "/var/lib/libvirt",
                                 "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment", "Libvirt Qemu", name],
                                timeout: 60)
            created.append("user \(name)")
        }
        return created
    }
}
