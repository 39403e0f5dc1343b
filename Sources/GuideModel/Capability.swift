/// Something a snippet needs from the libvirt connection it runs against (`needs=` in a fence).
///
/// The runner checks each capability before running a snippet; when the connection lacks one, the
/// snippet is reported *unsupported*, with the reason, rather than failed.
public enum Capability: String, CaseIterable, Sendable, Hashable, Comparable, Codable {
    /// A live QEMU driver (`qemu:///system` or `qemu:///session`), not the test driver.
    case qemu
    /// Backup jobs (`virDomainBackupBegin`).
    case backup
    /// Checkpoints (`virDomainCheckpointCreateXML`).
    case checkpoint
    /// Block jobs: copy, commit, pull (`virDomainBlockCopy`, `virDomainBlockCommit`).
    case blockjob
    /// QEMU monitor passthrough (`virDomainQemuMonitorCommand`).
    case monitor
    /// A guest agent answering in the guest (freeze/thaw, quiesced snapshots).
    case agent
    /// Saving a domain's memory to a file (`virDomainSave`, managed save).
    case save
    /// External snapshots (overlay files, external memory state).
    case snapshotExternal = "snapshot-external"
    /// Domain event delivery (an event loop and callbacks).
    case events
    /// Another live QEMU host in the same run (a second `--connect` with a host name of its own), for
    /// snippets that move a guest between hosts.
    case peerHost = "peer-host"
    /// UEFI firmware for x86_64 guests (the domain capabilities offer the `efi` firmware: OVMF installed).
    case uefi
    /// TLS for a pull backup's NBD server: certificates on the host (qemu.conf `backup_tls_x509_cert_dir`)
    /// and their client side for the reader.
    case backupTLS = "backup-tls"

    /// A one-line description for readers and for *unsupported* reports.
    public var summary: String {
        switch self {
        case .qemu: "a live QEMU driver"
        case .backup: "backup jobs (virDomainBackupBegin)"
        case .checkpoint: "checkpoints (virDomainCheckpointCreateXML)"
        case .blockjob: "block jobs (virDomainBlockCopy, virDomainBlockCommit)"
        case .monitor: "QEMU monitor passthrough (virDomainQemuMonitorCommand)"
        case .agent: "a guest agent"
        case .save: "saving domain memory (virDomainSave)"
        case .snapshotExternal: "external snapshots"
        case .events: "domain events"
        case .peerHost: "a second live QEMU host in the run"
        case .uefi: "UEFI firmware for guests (OVMF; Debian package ovmf)"
        case .backupTLS: "TLS certificates for pull backups (qemu.conf backup_tls_x509_cert_dir)"
        }
    }

    /// Orders capabilities as they are declared (the order of ``allCases``).
    public static func < (lhs: Capability, rhs: Capability) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
