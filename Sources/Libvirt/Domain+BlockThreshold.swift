internal import CLibvirt

// Write thresholds on block devices: an event fires once the guest writes past an offset.

extension Domain {
    /// Arms a one-shot `VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD` event for when the guest writes beyond
    /// `threshold` bytes of a disk image (the corresponding C function is `virDomainSetBlockThreshold`).
    ///
    /// - Parameters:
    ///   - disk: the disk target (`vda`), or an image in its chain as `vda[1]`; the indexes shown by
    ///     `backupXMLDescription()` name the scratch and target images of a backup.
    ///   - threshold: the offset in bytes; 0 disarms it.
    public func setBlockThreshold(disk: String, threshold: UInt64) throws(LibvirtError) {
        try check(virDomainSetBlockThreshold(try handle(), disk, threshold, 0))
    }
}
