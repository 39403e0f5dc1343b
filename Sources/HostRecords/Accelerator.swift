import Foundation
import Glibc

/// How QEMU runs guest code on a host, and the one decision of it that every guest Rewind starts follows
/// (lab guests, the agent guest), that `rewind host status` and the host probe report.
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

    /// The domain type a guest gets: `kvm`, `qemu`, or nil for none.
    public var domainType: String? {
        switch self {
        case .kvm: "kvm"
        case .tcg: "qemu"
        case .none: nil
        }
    }

    /// Which KVM module a host has loaded (`/sys/module/…`).
    public enum KVMModule: String, Sendable, Codable {
        /// `kvm_intel` or `kvm_amd`: hardware virtualization.
        case hardware
        /// `kvm_pvm` alone: a software, "pagetable-based" KVM without hardware virtualization.
        case pvm
        /// No KVM module, or the host's modules cannot be seen.
        case unknown

        /// Decides from whether each module is loaded (`loaded("kvm_pvm")` looks at `/sys/module/kvm_pvm`
        /// on the host, through whatever reaches its files).
        public static func detect(loaded: (String) -> Bool) -> KVMModule {
            if loaded("kvm_intel") || loaded("kvm_amd") { return .hardware }
            return loaded("kvm_pvm") ? .pvm : .unknown
        }

        /// This machine's module.
        public static var local: KVMModule {
            detect { FileManager.default.fileExists(atPath: "/sys/module/\($0)") }
        }
    }

    /// The decision, with its reason.
    ///
    /// KVM when libvirt offers `kvm` domains (it does only when its `/dev/kvm` opens), except where the
    /// host's KVM is `kvm_pvm`: there every guest's first touch of a page is a costly trap — a lab guest
    /// burns a whole core in system time for its first seconds, and a Linux guest crawls — while TCG starts
    /// both at a fraction of the cost. TCG when only `qemu` domains are offered; `.none` otherwise.
    ///
    /// ```swift
    /// Accelerator.choose(offersKVM: true, offersQEMU: true, kvm: .pvm).accelerator   // .tcg
    /// ```
    public static func choose(offersKVM: Bool, offersQEMU: Bool, kvm: KVMModule) -> (accelerator: Accelerator, reason: String) {
        if offersKVM {
            return kvm == .pvm
                ? (.tcg, "KVM here is kvm_pvm (no hardware virtualization): guests run far faster under TCG")
                : (.kvm, "libvirt offers kvm domains")
        }
        return offersQEMU ? (.tcg, "no KVM: TCG") : (.none, "neither kvm nor qemu domains")
    }

    /// The decision from a capabilities document as `virsh capabilities` prints it, for processes that do
    /// not link libvirt (`rewind host status`): a presence test for the element start `<domain type='kvm'`
    /// (either quote style), which libvirt always writes the same way.
    public static func choose(capabilitiesText: String, kvm: KVMModule) -> (accelerator: Accelerator, reason: String) {
        func offers(_ type: String) -> Bool {
            capabilitiesText.contains("<domain type='\(type)'") || capabilitiesText.contains("<domain type=\"\(type)\"")
        }
        return choose(offersKVM: offers("kvm"), offersQEMU: offers("qemu"), kvm: kvm)
    }

    /// Whether the device node (normally `/dev/kvm`) opens for reading and writing on this machine. Not an
    /// input of the decision (libvirt offers `kvm` domains only when its `/dev/kvm` opens); tests use it to
    /// tell whether a KVM boot can be tried at all.
    public static func deviceUsable(_ path: String = "/dev/kvm") -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
