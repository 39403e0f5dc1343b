internal import CNBD
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
    /// - each chunk is fetched with read requests of `requestSize` bytes, and up to `requestsInFlight`
    ///   requests are kept outstanding with libnbd's asynchronous API, across chunk boundaries, so the
    ///   server keeps working while a chunk is delivered;
    /// - it allocates only the chunk buffers those requests need (two for the defaults) and reuses
    ///   them, which keeps the working set small enough to stay in the CPU caches. Measured against
    ///   qemu-nbd on a UNIX socket, small requests and few buffers are what make it fast: the
    ///   defaults copy about twice as fast as 4 MiB requests x 4 (five 4 MiB buffers), and faster
    ///   than `nbdcopy` to `null:` (see `NBDBenchmark` in the tests);
    /// - with `skipZeroes`, a chunk that `base:allocation` describes as entirely zero is delivered
    ///   from a zero-filled buffer without a read (the client must have been connected with
    ///   `base:allocation` in `metaContexts`, the default; otherwise every chunk is read).
    ///
    /// Other calls on the same client, from `body` or from other threads, work during the copy
    /// (libnbd serializes them on the handle); for parallel copies, open one client per copy.
    ///
    /// `body` receives each chunk's offset and bytes, in increasing offset order; the bytes are valid
    /// only during the call. Every chunk is `chunkSize` bytes long except the last one. If `body`
    /// throws, or a read fails, the requests still in flight are waited for and the error is rethrown.
    ///
    /// - Parameters:
    ///   - chunkSize: Bytes per delivered chunk (4 MiB by default).
    ///   - requestSize: Bytes per read request (256 KiB by default); at most `maximumRequestLength`, and
    ///     never more than `chunkSize`.
    ///   - requestsInFlight: How many read requests may be outstanding at once (8 by default, at least 1).
    ///   - skipZeroes: Whether to use `base:allocation` to avoid reading zero chunks.
    ///   - offset: The first byte to copy.
    ///   - length: How many bytes to copy; `nil` means up to the end of the export.
    /// - Throws: `NBDError` for NBD failures, or what `body` throws.
    @discardableResult
    public func readAll(chunkSize: Int = 4 << 20, requestSize: Int = 256 << 10, requestsInFlight: Int = 8,
                        skipZeroes: Bool = true, offset: UInt64 = 0, length: UInt64? = nil,
                        _ body: (_ offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws -> ReadAllSummary {
        try streamChunks(chunkSize: chunkSize, requestSize: requestSize, requestsInFlight: requestsInFlight,
                         skipZeroes: skipZeroes, offset: offset, length: length) { offset, bytes, _ in try body(offset, bytes) }
    }

    /// Streams several ranges of the export, in order, chunk by chunk, to `body`, with one request
    /// pipeline for all of them (the corresponding C functions are `nbd_aio_pread`, `nbd_poll` and
    /// `nbd_aio_command_completed`).
    ///
    /// This is how an incremental backup reads the blocks a dirty bitmap marks: many small ranges,
    /// with requests kept in flight from one range into the next instead of draining the pipeline at
    /// the end of each (which a `readAll(offset:length:)` call per range does):
    ///
    /// ```swift
    /// let nbd = try NBDClient(unixSocket: socket, exportName: "vda",
    ///                         metaContexts: ["qemu:dirty-bitmap:backup-vda"])
    /// let dirty = try nbd.blockStatus(context: "qemu:dirty-bitmap:backup-vda").filter(\.isDirty).map(\.range)
    /// try nbd.readAll(ranges: dirty, skipZeroes: false) { offset, bytes in
    ///     // … store `bytes` at `offset` …
    /// }
    /// ```
    ///
    /// Each chunk lies inside one range (a range's last chunk may be shorter than `chunkSize`); chunks
    /// arrive in increasing offset order. Otherwise it works like
    /// `readAll(chunkSize:requestSize:requestsInFlight:skipZeroes:offset:length:_:)`; with `skipZeroes`,
    /// one `base:allocation` query covers the span from the first range to the last.
    ///
    /// - Parameter ranges: Byte ranges, sorted and not overlapping (adjacent is fine); empty ones are ignored.
    /// - Throws: `NBDError.misuse` for unsorted, overlapping or out-of-bounds ranges; `NBDError` for NBD
    ///   failures, or what `body` throws.
    @discardableResult
    public func readAll(ranges: [Range<UInt64>], chunkSize: Int = 4 << 20, requestSize: Int = 256 << 10,
                        requestsInFlight: Int = 8, skipZeroes: Bool = true,
                        _ body: (_ offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws -> ReadAllSummary {
        try streamChunks(chunkSize: chunkSize, requestSize: requestSize, requestsInFlight: requestsInFlight,
                         skipZeroes: skipZeroes, ranges: ranges) { offset, bytes, _ in try body(offset, bytes) }
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
    /// Works like `readAll(chunkSize:requestSize:requestsInFlight:skipZeroes:offset:length:_:)` and
    /// writes each chunk with `write(2)` on the handle's descriptor (a pipe works too).
    ///
    /// - Parameters:
    ///   - sparse: When true, chunks known to be zero are skipped with `lseek(2)` instead of written,
    ///     and the file is extended with `ftruncate(2)` at the end, leaving holes in a regular file.
    ///     Only use it on a seekable descriptor whose skipped ranges already read as zero (a new or
    ///     empty file).
    /// - Throws: `NBDError` for NBD failures, `POSIXError` for a failed write, seek or truncate.
    @discardableResult
    public func readAll(chunkSize: Int = 4 << 20, requestSize: Int = 256 << 10, requestsInFlight: Int = 8,
                        skipZeroes: Bool = true, offset: UInt64 = 0, length: UInt64? = nil,
                        to fileHandle: FileHandle, sparse: Bool = false) throws -> ReadAllSummary {
        let fd = fileHandle.fileDescriptor
        var skippedToEnd = false
        let summary = try streamChunks(chunkSize: chunkSize, requestSize: requestSize, requestsInFlight: requestsInFlight,
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
    private func streamChunks(chunkSize: Int, requestSize: Int, requestsInFlight: Int, skipZeroes: Bool,
                              offset: UInt64, length: UInt64?,
                              _ body: (UInt64, UnsafeRawBufferPointer, Bool) throws -> Void) throws -> ReadAllSummary {
        guard offset <= size else {
            throw NBDError.misuse("readAll", "offset \(offset) is past the end of the export (size \(size))")
        }
        if let length, length > size - offset {
            throw NBDError.misuse("readAll", "range [\(offset), +\(length)) is past the end of the export (size \(size))")
        }
        let end = length.map { offset + $0 } ?? size
        return try streamChunks(chunkSize: chunkSize, requestSize: requestSize, requestsInFlight: requestsInFlight,
                                skipZeroes: skipZeroes, ranges: [offset..<end], body)
    }

    /// The pipeline over sorted, non-overlapping ranges: each range is cut into chunks (none crosses a
    /// range's end), and requests stay in flight across chunk and range boundaries.
    private func streamChunks(chunkSize: Int, requestSize: Int, requestsInFlight: Int, skipZeroes: Bool,
                              ranges: [Range<UInt64>],
                              _ body: (UInt64, UnsafeRawBufferPointer, Bool) throws -> Void) throws -> ReadAllSummary {
        precondition(chunkSize > 0, "NBDClient.readAll: chunkSize must be positive")
        precondition(requestSize > 0, "NBDClient.readAll: requestSize must be positive")
        precondition(requestsInFlight > 0, "NBDClient.readAll: requestsInFlight must be at least 1")
        let ranges = ranges.filter { !$0.isEmpty }
        for (i, r) in ranges.enumerated() {
            guard r.upperBound <= size else {
                throw NBDError.misuse("readAll", "range [\(r.lowerBound), \(r.upperBound)) is past the end of the export (size \(size))")
            }
            if i > 0, ranges[i - 1].upperBound > r.lowerBound {
                throw NBDError.misuse("readAll", "ranges must be sorted and must not overlap: [\(ranges[i - 1].lowerBound), "
                                      + "\(ranges[i - 1].upperBound)) then [\(r.lowerBound), \(r.upperBound))")
            }
        }

        var zeroMap = ZeroMap(extents: [])
        if skipZeroes, let first = ranges.first, let last = ranges.last, try canMetaContext("base:allocation") {
            zeroMap = ZeroMap(extents: try blockStatus(context: "base:allocation", offset: first.lowerBound,
                                                       length: last.upperBound - first.lowerBound))
        }

        let request = min(requestSize, chunkSize, Self.maximumRequestLength)
        // Chunks being filled or delivered: enough to hold every request in flight, plus the one being delivered.
        let maxChunks = (requestsInFlight * request + chunkSize - 1) / chunkSize + 1
        let pipeline = ReadPipeline(handle: handle, chunkSize: chunkSize)
        defer { pipeline.finish() }
        var summary = ReadAllSummary()
        var rangeIndex = 0
        var nextOffset = ranges.first?.lowerBound ?? 0

        /// Starts chunks and sends requests until `requestsInFlight` are outstanding or the chunk window is full.
        func fill() throws(NBDError) {
            while pipeline.requestsInFlight < requestsInFlight {
                if let last = pipeline.lastChunk, pipeline.chunks[last].issued < pipeline.chunks[last].count {
                    try pipeline.sendRequest(chunk: last, maximum: request)
                    summary.readRequests += 1
                } else if pipeline.chunkCount < maxChunks, rangeIndex < ranges.count {
                    let end = ranges[rangeIndex].upperBound
                    let count = Int(min(UInt64(chunkSize), end - nextOffset))
                    let isZero = zeroMap.isZero(nextOffset, count)
                    pipeline.startChunk(offset: nextOffset, count: count, isZero: isZero)
                    if isZero { summary.zeroBytesSkipped += UInt64(count) } else { summary.bytesRead += UInt64(count) }
                    nextOffset += UInt64(count)
                    if nextOffset == end {
                        rangeIndex += 1
                        if rangeIndex < ranges.count { nextOffset = ranges[rangeIndex].lowerBound }
                    }
                } else {
                    break
                }
            }
        }

        try fill()
        while let first = pipeline.firstChunk {
            if pipeline.isComplete(first) {
                let chunk = pipeline.chunks[first]
                try body(chunk.offset, pipeline.bytes(of: first), chunk.isZero)
                summary.bytes += UInt64(chunk.count)
                pipeline.removeFirstChunk()
            } else {
                try pipeline.progress()
            }
            try fill()
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

/// Owns the reusable chunk buffers and the in-flight read requests of one `readAll`.
///
/// Chunks form a FIFO window in offset order; requests form a FIFO in the order they were sent.
/// A buffer handed to `nbd_aio_pread` must outlive the request, so `finish()` waits for every
/// request still in flight before freeing the buffers (and leaks them if the connection can no
/// longer complete them, rather than let libnbd write into freed memory).
private final class ReadPipeline {
    struct Chunk {
        var offset: UInt64
        var count: Int
        var isZero: Bool
        var buffer: Int          // index into `buffers`, or -1 for a zero chunk
        var issued = 0           // bytes for which requests were sent
        var outstanding = 0      // requests sent and not yet completed
    }

    struct Request {
        var cookie: UInt64
        var chunk: Int           // sequence number of its chunk
        var offset: UInt64
        var count: Int
    }

    let handle: OpaquePointer
    let chunkSize: Int
    /// Milliseconds `nbd_poll` may block. Not infinite: another thread using the same handle can run
    /// libnbd's state machine and complete our requests between our check and our poll, after which
    /// an infinite poll could wait for a reply that never comes.
    static let pollTimeout: Int32 = 500
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var freeBuffers: [Int] = []
    private var zeroes: UnsafeMutableRawBufferPointer?

    /// Chunks by sequence number; `chunks[firstSequence...]` is the live window.
    private(set) var chunks: [Chunk] = []
    private var firstSequence = 0
    /// Requests in the order they were sent; `requests[firstRequest...]` are in flight.
    private var requests: [Request] = []
    private var firstRequest = 0

    init(handle: OpaquePointer, chunkSize: Int) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    var requestsInFlight: Int { requests.count - firstRequest }
    var chunkCount: Int { chunks.count - firstSequence }
    var firstChunk: Int? { firstSequence < chunks.count ? firstSequence : nil }
    var lastChunk: Int? { firstSequence < chunks.count ? chunks.count - 1 : nil }

    /// Adds a chunk at the end of the window; a zero chunk needs no buffer and no request.
    func startChunk(offset: UInt64, count: Int, isZero: Bool) {
        var chunk = Chunk(offset: offset, count: count, isZero: isZero, buffer: -1)
        if isZero {
            if zeroes == nil {
                let z = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 4096)
                z.initializeMemory(as: UInt8.self, repeating: 0)
                zeroes = z
            }
            chunk.issued = count
        } else if let reused = freeBuffers.popLast() {
            chunk.buffer = reused
        } else {
            buffers.append(.allocate(byteCount: chunkSize, alignment: 4096))
            chunk.buffer = buffers.count - 1
        }
        chunks.append(chunk)
    }

    /// Sends the next read request of chunk `sequence`, of at most `maximum` bytes.
    func sendRequest(chunk sequence: Int, maximum: Int) throws(NBDError) {
        let chunk = chunks[sequence]
        let count = min(maximum, chunk.count - chunk.issued)
        let at = chunk.offset + UInt64(chunk.issued)
        let cookie = nbd_aio_pread(handle, buffers[chunk.buffer].baseAddress! + chunk.issued, count, at,
                                   nbd_completion_callback(callback: nil, user_data: nil, free: nil), 0)
        guard cookie >= 0 else {
            throw NBDError.last("nbd_aio_pread", subject: "offset \(at), length \(count)")
        }
        requests.append(Request(cookie: UInt64(cookie), chunk: sequence, offset: at, count: count))
        chunks[sequence].issued += count
        chunks[sequence].outstanding += 1
    }

    /// Whether every byte of chunk `sequence` has arrived.
    func isComplete(_ sequence: Int) -> Bool {
        chunks[sequence].issued == chunks[sequence].count && chunks[sequence].outstanding == 0
    }

    /// The bytes of a complete chunk.
    func bytes(of sequence: Int) -> UnsafeRawBufferPointer {
        let chunk = chunks[sequence]
        let source = chunk.isZero ? zeroes! : buffers[chunk.buffer]
        return UnsafeRawBufferPointer(rebasing: source[0..<chunk.count])
    }

    /// Drops the first chunk of the window and makes its buffer reusable.
    func removeFirstChunk() {
        if chunks[firstSequence].buffer >= 0 { freeBuffers.append(chunks[firstSequence].buffer) }
        firstSequence += 1
        if firstSequence >= 64 {
            // Compact: drop delivered chunks and renumber the requests still in flight.
            chunks.removeFirst(firstSequence)
            for i in firstRequest..<requests.count { requests[i].chunk -= firstSequence }
            firstSequence = 0
        }
    }

    /// Retires the requests that completed, oldest first, waiting for the server first if none has;
    /// throws the error of a failed request.
    func progress() throws(NBDError) {
        if try retireCompleted() == 0 {
            try check(nbd_poll(handle, Self.pollTimeout), "nbd_poll")
            try retireCompleted()
        }
    }

    /// Retires completed requests at the head of the FIFO; returns how many. A failed request is
    /// retired too, and its error thrown.
    @discardableResult
    private func retireCompleted() throws(NBDError) -> Int {
        var retired = 0
        while firstRequest < requests.count {
            let request = requests[firstRequest]
            let done = nbd_aio_command_completed(handle, request.cookie)
            if done == 0 { break }
            if done < 0 {
                let error = NBDError.last("nbd_aio_pread", subject: "offset \(request.offset), length \(request.count)")
                popRequest()   // a failed command is retired too
                throw error
            }
            popRequest()
            retired += 1
        }
        return retired
    }

    private func popRequest() {
        chunks[requests[firstRequest].chunk].outstanding -= 1
        firstRequest += 1
        if firstRequest >= 256 {
            requests.removeFirst(firstRequest)
            firstRequest = 0
        }
    }

    /// Waits for requests still in flight, then frees the buffers.
    func finish() {
        for request in requests[firstRequest...] {
            while nbd_aio_command_completed(handle, request.cookie) == 0 {
                if nbd_poll(handle, Self.pollTimeout) < 0 && nbd_aio_command_completed(handle, request.cookie) == 0 {
                    // The connection cannot complete the request: leave the buffers allocated.
                    return
                }
            }
        }
        requests.removeAll()
        firstRequest = 0
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
