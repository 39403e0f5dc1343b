internal import CLibvirt
internal import CLibvirtQemu
import Glibc

// Direct access to the QEMU monitor (libvirt-qemu), for lab use: it bypasses libvirt and taints the domain.

extension Domain {
    /// Sends a command to the QEMU monitor and returns its reply (the corresponding C function is
    /// `virDomainQemuMonitorCommand`, from libvirt-qemu).
    ///
    /// A QMP command is JSON (`{"execute":"query-status"}`) and so is its reply; an HMP command
    /// (`hmp: true`, the `VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP` flag) is human monitor text.
    /// libvirt marks the domain as tainted (`custom-monitor`). Only the QEMU driver supports it.
    ///
    /// Guest disk writes can be simulated with HMP `qemu-io`; its own output (including pattern mismatches)
    /// goes to QEMU's log, not to the reply, so read written data back to be sure:
    ///
    /// ```swift
    /// _ = try dom.qemuMonitorCommand(
    ///     #"qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P 0x11 0 1M""#, hmp: true)
    /// ```
    public func qemuMonitorCommand(_ command: String, hmp: Bool = false) throws(LibvirtError) -> String {
        var reply: UnsafeMutablePointer<CChar>?
        let flags = hmp ? VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP.rawValue : VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT.rawValue
        try check(virDomainQemuMonitorCommand(try handle(), command, &reply, flags))
        guard let reply else { return "" }
        defer { free(reply) }
        return String(cString: reply)
    }
}
