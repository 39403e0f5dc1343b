internal import CNBD

extension NBDClient {
    /// The largest single read request this module sends: 32 MiB, the most QEMU's NBD server accepts
    /// (libnbd itself refuses requests above 64 MiB). Longer reads are split into several requests.
    public static let maximumRequestLength = 32 << 20

    /// Reads `buffer.count` bytes starting at `offset` into `buffer` (the corresponding C function
    /// is `nbd_pread`).
    ///
    /// The read is split into requests of at most `maximumRequestLength` bytes, sent one after the
    /// other. The range must lie inside the export (`offset + buffer.count <= size`); libnbd rejects
    /// it otherwise.
    public func read(into buffer: UnsafeMutableRawBufferPointer, offset: UInt64) throws(NBDError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var done = 0
        while done < buffer.count {
            let count = min(buffer.count - done, Self.maximumRequestLength)
            let at = offset + UInt64(done)
            try check(nbd_pread(handle, base + done, count, at, 0), "nbd_pread",
                      subject: "offset \(at), length \(count)")
            done += count
        }
    }

    /// Reads `length` bytes starting at `offset` (the corresponding C function is `nbd_pread`).
    ///
    /// ```swift
    /// let sector = try nbd.read(offset: 0, length: 512)
    /// ```
    ///
    /// Reads longer than `maximumRequestLength` are split into several requests. For whole-disk
    /// copies prefer `readAll(chunkSize:requestsInFlight:skipZeroes:offset:length:_:)`, which reuses
    /// its buffers and keeps several requests in flight.
    public func read(offset: UInt64, length: Int) throws(NBDError) -> [UInt8] {
        precondition(length >= 0, "NBDClient.read: negative length \(length)")
        var failure: NBDError?
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            do throws(NBDError) {
                try self.read(into: UnsafeMutableRawBufferPointer(buffer), offset: offset)
                initialized = length
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
