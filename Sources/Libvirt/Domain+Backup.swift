internal import CLibvirt

// Backup jobs (push and pull), described by `<domainbackup>` XML (formatbackup).

extension Domain {
    /// Flags for `beginBackup(xml:checkpointXML:flags:)` (`virDomainBackupBeginFlags`).
    public struct BackupBeginFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL`: use the caller-made target (push) or scratch (pull) files
        /// as they are, instead of refusing existing files and creating new ones.
        public static let reuseExternal = BackupBeginFlags(rawValue: VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL.rawValue)
    }

    /// Starts a backup job of a running domain (the corresponding C function is `virDomainBackupBegin`).
    ///
    /// The backup holds the disks as they were when the job started. A push-mode backup
    /// (`<domainbackup mode='push'>`) copies into target files and ends by itself: its end is seen as the
    /// `JOB_COMPLETED` event, or by polling `jobStats()` until `type == .none`, and its result is read with
    /// `jobStats(flags: .completed)`. A pull-mode backup exports the disks over NBD and runs until
    /// `abortJob()`: **there is no `virDomainBackupEnd`**.
    ///
    /// - Parameters:
    ///   - xml: a `<domainbackup>` document.
    ///   - checkpointXML: an optional `<domaincheckpoint>` document; the checkpoint is created atomically with
    ///     the start of the backup, so it marks exactly the backup's point in time.
    ///   - flags: `.reuseExternal` to use existing files.
    ///
    /// ```swift
    /// try dom.beginBackup(xml: """
    ///     <domainbackup mode='push'><disks>
    ///       <disk name='vda' type='file'><target file='/var/lib/libvirt/images/vda.bak'/><driver type='qcow2'/></disk>
    ///     </disks></domainbackup>
    ///     """)
    /// ```
    public func beginBackup(xml: String, checkpointXML: String? = nil,
                            flags: BackupBeginFlags = []) throws(LibvirtError) {
        try check(virDomainBackupBegin(try handle(), xml, checkpointXML, flags.rawValue))
    }

    /// The XML of the running backup job, with the values libvirt actually chose filled in (NBD port,
    /// export names and bitmaps, disk indexes) (the corresponding C function is `virDomainBackupGetXMLDesc`).
    public func backupXMLDescription() throws(LibvirtError) -> String {
        try checkString(virDomainBackupGetXMLDesc(try handle(), 0))
    }
}
