internal import CNBD
import Glibc

extension NBDClient {
    /// The longest range asked for in one block status request: 2 GiB. The NBD protocol carries
    /// 32-bit lengths and some servers refuse 4 GiB or more, so longer ranges take several requests.
    static let maximumBlockStatusLength: UInt64 = 1 << 31

    /// Describes a range of the export through one metadata context (the corresponding C function is
    /// `nbd_block_status`).
    ///
    /// ```swift
    /// let nbd = try NBDClient(uri: "nbd://localhost:10917/vda",
    ///                         metaContexts: ["base:allocation", "qemu:dirty-bitmap:backup-vda"])
    /// let data  = try nbd.blockStatus(context: "base:allocation").filter { !$0.isZero }
    /// let dirty = try nbd.blockStatus(context: "qemu:dirty-bitmap:backup-vda").filter(\.isDirty)
    /// ```
    ///
    /// A server may describe less than was asked for, so this repeats the request from the end of
    /// the last extent received until the whole range is covered. The result is sorted and
    /// contiguous, covers exactly `offset ..< offset + length` (the last extent is clipped), and
    /// adjacent extents with equal flags are merged.
    ///
    /// - Parameters:
    ///   - context: A metadata context requested when connecting and agreed to by the server
    ///     (see `canMetaContext(_:)`); otherwise this throws an error with `errno` `ENOTSUP`.
    ///   - offset: The first byte to describe.
    ///   - length: How many bytes to describe; `nil` means up to the end of the export.
    public func blockStatus(context: String, offset: UInt64 = 0, length: UInt64? = nil) throws(NBDError) -> [Extent] {
        let function = "nbd_block_status"
        guard offset <= size else {
            throw NBDError.misuse(function, "offset \(offset) is past the end of the export (size \(size))",
                                  subject: context)
        }
        let end: UInt64
        if let length {
            guard length <= size - offset else {
                throw NBDError.misuse(function, "range [\(offset), +\(length)) is past the end of the export (size \(size))",
                                      subject: context)
            }
            end = offset + length
        } else {
            end = size
        }
        guard try canMetaContext(context) else {
            throw NBDError.misuse(function,
                                  "the server did not agree to metadata context \(context); request it with metaContexts: when connecting",
                                  errno: ENOTSUP, subject: context)
        }

        var result: [Extent] = []
        var cursor = offset
        while cursor < end {
            let count = min(end - cursor, Self.maximumBlockStatusLength)
            let collector = ExtentCollector(context: context)
            let callback = nbd_extent_callback(
                callback: collectExtents,
                user_data: Unmanaged.passRetained(collector).toOpaque(),
                free: releaseExtentCollector)
            // libnbd calls `free` exactly once, also when nbd_block_status fails.
            try check(nbd_block_status(handle, count, cursor, callback, 0), function,
                      subject: "\(context) [\(cursor), +\(count))")

            let before = cursor
            for extent in collector.extents {
                guard extent.offset == cursor else { break }     // a gap or overlap: ask again from cursor
                let clippedEnd = min(extent.end, end)
                guard clippedEnd > cursor else { break }
                if var last = result.last, last.end == cursor, last.flags == extent.flags {
                    last.length = clippedEnd - last.offset
                    result[result.count - 1] = last
                } else {
                    result.append(Extent(offset: cursor, length: clippedEnd - cursor, flags: extent.flags))
                }
                cursor = clippedEnd
                if cursor == end { break }
            }
            guard cursor > before else {
                throw NBDError.misuse(function, "the server described no extent at offset \(before)",
                                      errno: EPROTO, subject: context)
            }
        }
        return result
    }
}

/// Receives the extents of one block status request. libnbd holds a retained reference through
/// `user_data` and releases it with `releaseExtentCollector`.
private final class ExtentCollector {
    let context: String
    var extents: [Extent] = []
    var received = false

    init(context: String) { self.context = context }
}

/// The `nbd_extent_callback` function. It must not capture anything (Swift 6.3.1 crashes on
/// capturing `@convention(c)` closures): its state comes through `user_data`.
private let collectExtents: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UInt64, UnsafeMutablePointer<UInt32>?, Int, UnsafeMutablePointer<Int32>?
) -> Int32 = { userData, metacontext, offset, entries, entryCount, _ in
    guard let userData, let metacontext else { return 0 }
    let collector = Unmanaged<ExtentCollector>.fromOpaque(userData).takeUnretainedValue()
    // One call per context and reply; ignore other contexts and repeated calls from a buggy server.
    guard !collector.received, String(cString: metacontext) == collector.context else { return 0 }
    collector.received = true
    guard let entries else { return 0 }
    var at = offset
    var i = 0
    while i + 1 < entryCount {
        let length = UInt64(entries[i])
        collector.extents.append(Extent(offset: at, length: length, flags: entries[i + 1]))
        at += length
        i += 2
    }
    return 0
}

/// The `free` function of the extent callback: balances `Unmanaged.passRetained`.
private let releaseExtentCollector: @convention(c) (UnsafeMutableRawPointer?) -> Void = { userData in
    guard let userData else { return }
    Unmanaged<ExtentCollector>.fromOpaque(userData).release()
}
