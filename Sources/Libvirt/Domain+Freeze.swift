internal import CLibvirt
import Glibc

// Guest file system freeze and thaw, through the guest agent.

extension Domain {
    /// Freezes guest file systems so their on-disk state is consistent, for example before a disk-only
    /// snapshot or a backup (the corresponding C function is `virDomainFSFreeze`).
    ///
    /// It needs a guest agent (`qemu-guest-agent`) in a trusted guest; without one QEMU reports an error.
    /// Thaw soon: guests may limit how long they stay frozen.
    ///
    /// - Parameter mountpoints: the guest mount points to freeze; empty for all of them.
    /// - Returns: how many file systems were frozen (already frozen ones are not counted).
    @discardableResult
    public func freezeFilesystems(mountpoints: [String] = []) throws(LibvirtError) -> Int {
        let h = try handle()
        return try withCStringArray(mountpoints) { (array, count) throws(LibvirtError) in
            Int(try check(virDomainFSFreeze(h, array, count, 0)))
        }
    }

    /// Thaws guest file systems frozen by `freezeFilesystems` (the corresponding C function is
    /// `virDomainFSThaw`).
    ///
    /// - Parameter mountpoints: the guest mount points to thaw; empty for all of them.
    /// - Returns: how many file systems were thawed.
    @discardableResult
    public func thawFilesystems(mountpoints: [String] = []) throws(LibvirtError) -> Int {
        let h = try handle()
        return try withCStringArray(mountpoints) { (array, count) throws(LibvirtError) in
            Int(try check(virDomainFSThaw(h, array, count, 0)))
        }
    }
}

/// Calls `body` with a C array of C strings (`const char **`) and its length; NULL and 0 for an empty array.
private func withCStringArray<R>(
    _ strings: [String],
    _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>?, UInt32) throws(LibvirtError) -> R
) throws(LibvirtError) -> R {
    guard !strings.isEmpty else { return try body(nil, 0) }
    let copies = strings.map { strdup($0) }
    let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: copies.count)
    defer {
        array.deallocate()
        for c in copies { free(c) }
    }
    for (i, c) in copies.enumerated() { (array + i).initialize(to: c.map { UnsafePointer($0) }) }
    return try body(array, UInt32(copies.count))
}
