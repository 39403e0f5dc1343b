import CNBD
import Foundation
import Glibc

/// What `NBDClient.readAll` did: how much it delivered and how much of that crossed the wire.
public struct ReadAllSummary: Sendable, Hashable {
    /// Bytes delivered to the caller (the whole requested range).
    public var bytes: UInt64
    /// Bytes fetched from the server with read requests.
    public var bytesRead: UInt64
    /// Bytes delivered as zeroes without a read, because `base:allocation` described them as zero.
    public var zeroBytesSkipped: UInt64
    /// Read requests sent (`nbd_aio_pread` calls).
    public var readRequests: Int

    /// Creates a summary.
    public init(bytes: UInt64 = 0, bytesRead: UInt64 = 0, zeroBytesSkipped: UInt64 = 0, readRequests: Int = 0) {
        self.bytes = bytes
        self.bytesRead = bytesRead
        self.zeroBytesSkipped = zeroBytesSkipped
        self.readRequests = readRequests
    }
}

extension NBDClient {
    /// Streams a range of the export, in order, chunk by chunk, to `body` (the corresponding C
    /// functions are `nbd_aio_pread`, `nbd_poll` and `nbd_aio_command_completed`).
    ///
    /// ```swift
    /// var digest = 0 as UInt64
    /// let summary = try nbd.readAll { offset, bytes in
    ///     for byte in bytes { digest = digest &* 31 &+ UInt64(byte) }
    /// }
    /// print(summary.bytesRead, "of", summary.bytes, "bytes crossed the wire")
    /// ```
    ///
    /// This is the efficient way to copy a whole disk out of a pull-mode backup:
    /// - it allocates `requestsInFlight` buffers of `chunkSize` bytes once and reuses them;
    /// - it keeps up to `requestsInFlight` read requests in flight with libnbd's asynchronous API,
    ///   so the server works while the previous chunk is being delivered;
    /// - with `skipZeroes`, a chunk that `base:allocation` describes as entirely zero is delivered
    ///   from a zero-filled buffer without a read (the client must have been connected with
    ///   `base:allocation` in `metaContexts`, the default; otherwise every chunk is read).
    ///
    /// `body` receives each chunk's offset and bytes, in increasing offset order; the bytes are valid
    /// only during the call. Every chunk is `chunkSize` bytes long except the last one. If `body`
    /// throws, or a read fails, the requests still in flight are waited for and the error is rethrown.
    ///
    /// - Parameters:
    ///   - chunkSize: Bytes per chunk (4 MiB by default). Chunks longer than `maximumRequestLength`
    ///     are read with several requests.
    ///   - requestsInFlight: How many chunks may be outstanding at once (at least 1).
    ///   - skipZeroes: Whether to use `base:allocation` to avoid reading zero chunks.
    ///   - offset: The first byte to copy.
    ///   - length: How many bytes to copy; `nil` means up to the end of the export.
    /// - Throws: `NBDError` for NBD failures, or what `body` throws.
    @discardableResult
    public func readAll(chunkSize: Int = 4 << 20, requestsInFlight: Int = 4, skipZeroes: Bool = true,
                        offset: UInt64 = 0, length: UInt64? = nil,
                        _ body: (_ offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws -> ReadAllSummary {
        try streamChunks(chunkSize: chunkSize, requestsInFlight: requestsInFlight, skipZeroes: skipZeroes,
                         offset: offset, length: length) { offset, bytes, _ in try body(offset, bytes) }
    }

    /// Copies a range of the export to a file handle, in order, from its current position (the
    /// corresponding C functions are `nbd_aio_pread`, `nbd_poll` and `nbd_aio_command_completed`).
    ///
    /// ```swift
    /// FileManager.default.createFile(atPath: "/var/tmp/vda.raw", contents: nil)
    /// let out = try FileHandle(forWritingTo: URL(filePath: "/var/tmp/vda.raw"))
    /// try nbd.readAll(to: out, sparse: true)
    /// ```
    ///
    /// Works like `readAll(chunkSize:requestsInFlight:skipZeroes:offset:length:_:)` and writes each chunk
    /// with `write(2)` on the handle's descriptor (a pipe works too).
    ///
    /// - Parameters:
    ///   - sparse: When true, chunks known to be zero are skipped with `lseek(2)` instead of written,
    ///     and the file is extended with `ftruncate(2)` at the end, leaving holes in a regular file.
    ///     Only use it on a seekable descriptor whose skipped ranges already read as zero (a new or
    ///     empty file).
    /// - Throws: `NBDError` for NBD failures, `POSIXError` for a failed write, seek or truncate.
    @discardableResult
    public func readAll(chunkSize: Int = 4 << 20, requestsInFlight: Int = 4, skipZeroes: Bool = true,
                        offset: UInt64 = 0, length: UInt64? = nil,
                        to fileHandle: FileHandle, sparse: Bool = false) throws -> ReadAllSummary {
        let fd = fileHandle.fileDescriptor
        var skippedToEnd = false
        let summary = try streamChunks(chunkSize: chunkSize, requestsInFlight: requestsInFlight,
                                       skipZeroes: skipZeroes, offset: offset, length: length) { _, bytes, isZero in
            if sparse && isZero {
                guard lseek(fd, off_t(bytes.count), SEEK_CUR) >= 0 else { throw POSIXError.current }
                skippedToEnd = true
                return
            }
            skippedToEnd = false
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if Glibc.errno == EINTR { continue }
                    throw POSIXError.current
                }
                done += n
            }
        }
        if skippedToEnd {
            let end = lseek(fd, 0, SEEK_CUR)
            guard end >= 0, ftruncate(fd, end) == 0 else { throw POSIXError.current }
        }
        return summary
    }

    /// The pipeline behind both `readAll` variants; `body` also learns whether a chunk was skipped as zero.
    private func streamChunks(chunkSize: Int, requestsInFlight: Int, skipZeroes: Bool,
                              offset: UInt64, length: UInt64?,
                              _ body: (UInt64, UnsafeRawBufferPointer, Bool) throws -> Void) throws -> ReadAllSummary {
        precondition(chunkSize > 0, "NBDClient.readAll: chunkSize must be positive")
        precondition(requestsInFlight > 0, "NBDClient.readAll: requestsInFlight must be at least 1")
        guard offset <= size else {
            throw NBDError.misuse("readAll", "offset \(offset) is past the end of the export (size \(size))")
        }
        if let length, length > size - offset {
            throw NBDError.misuse("readAll", "range [\(offset), +\(length)) is past the end of the export (size \(size))")
        }
        let end = length.map { offset + $0 } ?? size

        var zeroMap = ZeroMap(extents: [])
        if skipZeroes, end > offset, try canMetaContext("base:allocation") {
            zeroMap = ZeroMap(extents: try blockStatus(context: "base:allocation", offset: offset, length: end - offset))
        }

        let pipeline = ReadPipeline(handle: handle, chunkSize: chunkSize)
        defer { pipeline.finish() }
        var summary = ReadAllSummary()
        var nextOffset = offset
        var queue: [ReadPipeline.Chunk] = []   // in offset order
        var head = 0

        func refill() throws(NBDError) {
            while queue.count - head < requestsInFlight, nextOffset < end {
                let count = Int(min(UInt64(chunkSize), end - nextOffset))
                let isZero = zeroMap.isZero(nextOffset, count)
                let chunk = try pipeline.start(offset: nextOffset, count: count, isZero: isZero)
                if isZero {
                    summary.zeroBytesSkipped += UInt64(count)
                } else {
                    summary.bytesRead += UInt64(count)
                    summary.readRequests += chunk.cookies.count
                }
                queue.append(chunk)
                nextOffset += UInt64(count)
            }
            if head > 64 { queue.removeFirst(head); head = 0 }
        }

        try refill()
        while head < queue.count {
            let chunk = queue[head]
            head += 1
            let bytes = try pipeline.complete(chunk)
            try body(chunk.offset, bytes, chunk.isZero)
            summary.bytes += UInt64(bytes.count)
            pipeline.recycle(chunk)
            try refill()
        }
        return summary
    }
}

/// Answers "is this range entirely zero?" from sorted, contiguous `base:allocation` extents,
/// for ranges asked in increasing order.
private struct ZeroMap {
    let extents: [Extent]
    var index = 0

    init(extents: [Extent]) { self.extents = extents }

    mutating func isZero(_ offset: UInt64, _ count: Int) -> Bool {
        let end = offset + UInt64(count)
        while index < extents.count, extents[index].end <= offset { index += 1 }
        var i = index
        var covered = offset
        while i < extents.count, covered < end {
            guard extents[i].isZero, extents[i].offset <= covered else { return false }
            covered = extents[i].end
            i += 1
        }
        return covered >= end
    }
}

/// Owns the reusable buffers and the in-flight read requests of one `readAll`.
///
/// A buffer handed to `nbd_aio_pread` must outlive the request, so `finish()` waits for every
/// request still in flight before freeing the buffers (and leaks them if the connection can no
/// longer complete them, rather than let libnbd write into freed memory).
private final class ReadPipeline {
    struct Chunk {
        var offset: UInt64
        var count: Int
        var isZero: Bool
        var buffer: Int          // index into `buffers`, or -1 for a zero chunk
        var cookies: [UInt64]
    }

    let handle: OpaquePointer
    let chunkSize: Int
    var buffers: [UnsafeMutableRawBufferPointer] = []
    var freeBuffers: [Int] = []
    var zeroes: UnsafeMutableRawBufferPointer?
    var inFlight: Set<UInt64> = []

    init(handle: OpaquePointer, chunkSize: Int) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// Sends the read requests for one chunk (none for a zero chunk).
    func start(offset: UInt64, count: Int, isZero: Bool) throws(NBDError) -> Chunk {
        if isZero {
            if zeroes == nil {
                let z = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 4096)
                z.initializeMemory(as: UInt8.self, repeating: 0)
                zeroes = z
            }
            return Chunk(offset: offset, count: count, isZero: true, buffer: -1, cookies: [])
        }
        let index: Int
        if let reused = freeBuffers.popLast() {
            index = reused
        } else {
            buffers.append(.allocate(byteCount: chunkSize, alignment: 4096))
            index = buffers.count - 1
        }
        var chunk = Chunk(offset: offset, count: count, isZero: false, buffer: index, cookies: [])
        let base = buffers[index].baseAddress!
        var done = 0
        while done < count {
            let n = min(count - done, NBDClient.maximumRequestLength)
            let at = offset + UInt64(done)
            let cookie = nbd_aio_pread(handle, base + done, n, at,
                                       nbd_completion_callback(callback: nil, user_data: nil, free: nil), 0)
            if cookie < 0 {
                let error = NBDError.last("nbd_aio_pread", subject: "offset \(at), length \(n)")
                recycle(chunk)   // its earlier requests stay in `inFlight`; finish() waits for them
                throw error
            }
            inFlight.insert(UInt64(cookie))
            chunk.cookies.append(UInt64(cookie))
            done += n
        }
        return chunk
    }

    /// Waits until every request of `chunk` has completed and returns its bytes.
    func complete(_ chunk: Chunk) throws(NBDError) -> UnsafeRawBufferPointer {
        if chunk.isZero {
            return UnsafeRawBufferPointer(rebasing: zeroes![0..<chunk.count])
        }
        for cookie in chunk.cookies {
            try wait(cookie, subject: "offset \(chunk.offset), length \(chunk.count)")
        }
        return UnsafeRawBufferPointer(rebasing: buffers[chunk.buffer][0..<chunk.count])
    }

    /// Makes the chunk's buffer available for another chunk.
    func recycle(_ chunk: Chunk) {
        if chunk.buffer >= 0 { freeBuffers.append(chunk.buffer) }
    }

    /// Runs libnbd's state machine until the request `cookie` is retired; throws its error if it failed.
    private func wait(_ cookie: UInt64, subject: @autoclosure () -> String) throws(NBDError) {
        while true {
            let done = nbd_aio_command_completed(handle, cookie)
            if done == 1 { inFlight.remove(cookie); return }
            if done < 0 {
                let error = NBDError.last("nbd_aio_pread", subject: subject())
                inFlight.remove(cookie)   // a failed command is retired too
                throw error
            }
            try check(nbd_poll(handle, -1), "nbd_poll")
        }
    }

    /// Waits for requests still in flight, then frees the buffers.
    func finish() {
        for cookie in inFlight {
            while nbd_aio_command_completed(handle, cookie) == 0 {
                if nbd_poll(handle, -1) < 0 && nbd_aio_command_completed(handle, cookie) == 0 {
                    // The connection cannot complete the request: leave the buffers allocated.
                    return
                }
            }
        }
        inFlight.removeAll()
        for buffer in buffers { buffer.deallocate() }
        buffers.removeAll()
        zeroes?.deallocate()
        zeroes = nil
    }
}

private extension POSIXError {
    /// The error for the current `errno`.
    static var current: POSIXError {
        POSIXError(POSIXErrorCode(rawValue: Glibc.errno) ?? .EIO)
    }
}
