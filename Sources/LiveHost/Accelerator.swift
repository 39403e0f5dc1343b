import Glibc

/// How QEMU runs guest code on this host.
public enum Accelerator: String, Sendable, Codable, CustomStringConvertible {
    /// Hardware virtualization through `/dev/kvm` (domain type `kvm`).
    case kvm
    /// QEMU's software emulator, the Tiny Code Generator (domain type `qemu`).
    case tcg
    /// The driver offers neither `kvm` nor `qemu` guests (e.g. the test driver).
    case none

    /// `KVM`, `TCG (software emulation)` or `none`.
    public var description: String {
        switch self {
        case .kvm: "KVM"
        case .tcg: "TCG (software emulation)"
        case .none: "none"
        }
    }

    /// Decides from a capabilities document (`virsh capabilities`, `virConnectGetCapabilities`)
    /// and whether `/dev/kvm` opens read-write: KVM needs both; otherwise a `qemu` domain type means TCG.
    ///
    /// This is a presence test for the literal element start `<domain type='kvm'` (either quote
    /// style), not XML parsing: LiveHost is Foundation-only so it can run before any C library is
    /// installed, and libvirt always writes this attribute the same way.
    public static func detect(capabilities: String, kvmDeviceUsable: Bool) -> Accelerator {
        func offers(_ type: String) -> Bool {
            capabilities.contains("<domain type='\(type)'") || capabilities.contains("<domain type=\"\(type)\"")
        }
        if kvmDeviceUsable && offers("kvm") { return .kvm }
        if offers("qemu") { return .tcg }
        return .none
    }

    /// Whether the device node (normally `/dev/kvm`) opens for reading and writing.
    public static func deviceUsable(_ path: String = "/dev/kvm") -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
