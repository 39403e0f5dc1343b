internal import CNBD

/// One extent of an export as described by a metadata context: a byte range and its status flags.
///
/// What `flags` means depends on the context the extent came from:
/// - `base:allocation`: bit 0 is `LIBNBD_STATE_HOLE` (not allocated), bit 1 is `LIBNBD_STATE_ZERO`
///   (reads as zeroes); see `isHole` and `isZero`.
/// - `qemu:dirty-bitmap:<name>`: bit 0 set means the range is dirty, i.e. written since the bitmap
///   (or libvirt checkpoint) was created; see `isDirty`.
///
/// `NBDClient.blockStatus(context:offset:length:)` returns them sorted, contiguous, and with
/// adjacent extents of equal flags merged.
public struct Extent: Sendable, Hashable, CustomStringConvertible {
    /// The first byte of the extent.
    public var offset: UInt64
    /// The extent's length in bytes.
    public var length: UInt64
    /// The status flags the server reported for the extent (the `flags` of the NBD block status reply).
    public var flags: UInt32

    /// Creates an extent.
    public init(offset: UInt64, length: UInt64, flags: UInt32) {
        self.offset = offset
        self.length = length
        self.flags = flags
    }

    /// One past the extent's last byte (`offset + length`).
    public var end: UInt64 { offset + length }

    /// The byte range the extent covers.
    public var range: Range<UInt64> { offset..<end }

    /// For `base:allocation`: the range is not allocated on the server (the C constant is `LIBNBD_STATE_HOLE`).
    public var isHole: Bool { flags & UInt32(LIBNBD_STATE_HOLE) != 0 }

    /// For `base:allocation`: the range reads as zeroes (the C constant is `LIBNBD_STATE_ZERO`).
    public var isZero: Bool { flags & UInt32(LIBNBD_STATE_ZERO) != 0 }

    /// For a `qemu:dirty-bitmap:<name>` context: the range was written since the bitmap was
    /// created (flag bit 0, QEMU's `NBD_STATE_DIRTY`).
    public var isDirty: Bool { flags & 1 != 0 }

    /// `[offset, end) flags=0x…`, e.g. `[1048576, 1114112) flags=0x1`.
    public var description: String { "[\(offset), \(end)) flags=0x\(String(flags, radix: 16))" }
}
