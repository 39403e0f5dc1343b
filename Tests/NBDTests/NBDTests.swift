import Foundation
import Glibc
import NBD
import Testing

private let KiB = 1 << 10
private let MiB = 1 << 20

/// A sparse raw image served read-only by `qemu-nbd` on a UNIX socket in a private temp dir.
///
/// Layout (40 MiB): three patterned regions, the second one straddling the 32 MiB request limit,
/// and holes everywhere else.
private final class RawFixture {
    static let size = UInt64(40 * MiB)
    static let regions: [(UInt64, [UInt8])] = [
        (UInt64(1 * MiB), pattern(seed: 0x11, count: 64 * KiB)),
        (UInt64(32 * MiB - 8 * KiB), pattern(seed: 0x22, count: 16 * KiB)),
        (UInt64(36 * MiB), pattern(seed: 0x33, count: 128 * KiB)),
    ]

    let dir: TemporaryDirectory
    let image: String
    let socket: String
    let server: NBDServer

    init(exportName: String? = nil) throws {
        dir = try TemporaryDirectory()
        image = dir.file("disk.raw")
        socket = dir.file("nbd.sock")
        try makeSparseImage(at: image, size: Self.size, regions: Self.regions)
        var arguments = ["-f", "raw", "-r", "-t", "-e", "8", "-k", socket]
        if let exportName { arguments += ["-x", exportName] }
        server = try NBDServer("/usr/bin/qemu-nbd", arguments + [image], unixSocket: socket, log: dir.file("qemu-nbd.log"))
    }

    /// The image's full contents as the server should return them.
    static let expected: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: Int(size))
        for (offset, region) in regions {
            bytes.replaceSubrange(Int(offset)..<Int(offset) + region.count, with: region)
        }
        return bytes
    }()

    deinit { server.stop() }
}

/// Compares two byte buffers with `memcmp` (element-wise comparison of 40 MiB is slow in debug builds).
private func sameBytes(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
    b.withUnsafeBytes { b in a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
}

private func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBytes { sameBytes($0, b) }
}

@Suite("NBD client against real servers")
struct NBDTests {
    @Test("size, read-only flag and patterned reads through qemu-nbd")
    func sizeAndReads() throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket)
        #expect(nbd.size == RawFixture.size)
        #expect(nbd.isReadOnly)
        #expect(nbd.exportName == "")

        // Straddles the first region: 16 zero bytes, the pattern, 16 zero bytes.
        let (offset, region) = RawFixture.regions[0]
        let bytes = try nbd.read(offset: offset - 16, length: region.count + 32)
        #expect(bytes.count == region.count + 32)
        #expect(bytes[0..<16].allSatisfy { $0 == 0 })
        #expect(Array(bytes[16..<16 + region.count]) == region)
        #expect(bytes[(16 + region.count)...].allSatisfy { $0 == 0 })

        // The whole disk in one call: more than the 32 MiB request limit, so several requests.
        let all = try nbd.read(offset: 0, length: Int(nbd.size))
        #expect(sameBytes(all, RawFixture.expected))

        // read(into:) across the 32 MiB boundary.
        let (offset2, region2) = RawFixture.regions[1]
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: region2.count, alignment: 8)
        defer { buffer.deallocate() }
        try nbd.read(into: buffer, offset: offset2)
        #expect(Array(buffer) == region2)

        #expect(try nbd.read(offset: 0, length: 0).isEmpty)
    }

    @Test("a read past the end fails with libnbd's error")
    func readPastEnd() throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket)
        let error = #expect(throws: NBDError.self) { try nbd.read(offset: nbd.size - 512, length: 1024) }
        #expect(error?.function == "nbd_pread")
        #expect(error?.errno == EINVAL)
        #expect(error?.description.contains("offset \(nbd.size - 512)") == true)
    }

    @Test("base:allocation tells the holes of a sparse file from its data")
    func baseAllocation() throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket, metaContexts: ["base:allocation"])
        #expect(try nbd.canMetaContext("base:allocation"))
        let extents = try nbd.blockStatus(context: "base:allocation")

        let hole: UInt32 = 3   // LIBNBD_STATE_HOLE | LIBNBD_STATE_ZERO
        var expected: [Extent] = []
        var cursor: UInt64 = 0
        for (offset, region) in RawFixture.regions {
            expected.append(Extent(offset: cursor, length: offset - cursor, flags: hole))
            expected.append(Extent(offset: offset, length: UInt64(region.count), flags: 0))
            cursor = offset + UInt64(region.count)
        }
        expected.append(Extent(offset: cursor, length: RawFixture.size - cursor, flags: hole))
        #expect(extents == expected)
        #expect(extents.filter { !$0.isHole }.map(\.range) == RawFixture.regions.map { $0.0..<$0.0 + UInt64($0.1.count) })
        #expect(extents.filter(\.isHole).allSatisfy { $0.isZero })

        // A sub-range is clipped to exactly what was asked for.
        let (offset, region) = RawFixture.regions[0]
        let part = try nbd.blockStatus(context: "base:allocation", offset: offset + UInt64(region.count / 2),
                                       length: UInt64(region.count))
        #expect(part == [
            Extent(offset: offset + UInt64(region.count / 2), length: UInt64(region.count / 2), flags: 0),
            Extent(offset: offset + UInt64(region.count), length: UInt64(region.count / 2), flags: hole),
        ])
        #expect(try nbd.blockStatus(context: "base:allocation", offset: nbd.size).isEmpty)
        #expect(throws: NBDError.self) { try nbd.blockStatus(context: "base:allocation", offset: 0, length: nbd.size + 1) }
    }

    @Test("connecting by URI and by socket to a named export")
    func uriAndExportName() throws {
        let fixture = try RawFixture(exportName: "vda")
        let byURI = try NBDClient(uri: "nbd+unix:///vda?socket=\(fixture.socket)")
        #expect(byURI.exportName == "vda")
        #expect(byURI.size == RawFixture.size)
        let bySocket = try NBDClient(unixSocket: fixture.socket, exportName: "vda")
        #expect(bySocket.exportName == "vda")
        let (offset, region) = RawFixture.regions[2]
        #expect(try byURI.read(offset: offset, length: region.count) == region)
        #expect(try bySocket.read(offset: offset, length: region.count) == region)

        let error = #expect(throws: NBDError.self) { try NBDClient(unixSocket: fixture.socket, exportName: "nope") }
        #expect(error?.function == "nbd_connect_unix")
        #expect(error?.message.isEmpty == false)
    }

    @Test("connecting to a missing socket names the socket and keeps libnbd's errno")
    func missingSocket() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("missing.sock")
        let error = #expect(throws: NBDError.self) { try NBDClient(unixSocket: path) }
        #expect(error?.errno == ENOENT)
        #expect(error?.code == .ENOENT)
        #expect(error?.function == "nbd_connect_unix")
        #expect(error?.message.contains("No such file or directory") == true)
        #expect(error?.description.contains(path) == true)

        let uri = "nbd+unix:///?socket=\(path)"
        let uriError = #expect(throws: NBDError.self) { try NBDClient(uri: uri) }
        #expect(uriError?.errno == ENOENT)
        #expect(uriError?.description.contains(path) == true)
    }

    @Test("canMetaContext is false for contexts the server does not know or that were not requested")
    func unknownMetaContext() throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket,
                                metaContexts: ["base:allocation", "qemu:dirty-bitmap:nope"])
        #expect(nbd.requestedMetaContexts == ["base:allocation", "qemu:dirty-bitmap:nope"])
        #expect(try nbd.canMetaContext("base:allocation"))
        #expect(try !nbd.canMetaContext("qemu:dirty-bitmap:nope"))
        #expect(try !nbd.canMetaContext("qemu:allocation-depth"))
        let error = #expect(throws: NBDError.self) { try nbd.blockStatus(context: "qemu:dirty-bitmap:nope") }
        #expect(error?.errno == ENOTSUP)
        #expect(error?.description.contains("qemu:dirty-bitmap:nope") == true)

        let without = try NBDClient(unixSocket: fixture.socket, metaContexts: [])
        #expect(try !without.canMetaContext("base:allocation"))
    }

    @Test("a qemu dirty bitmap shows exactly the range written since it was enabled")
    func dirtyBitmap() throws {
        let dir = try TemporaryDirectory()
        let image = dir.file("disk.qcow2")
        let socket = dir.file("nbd.sock")
        try run("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", image, "4M"], log: dir.file("tool.log"))
        try run("/usr/bin/qemu-img", ["bitmap", "--add", "--enable", image, "b0"], log: dir.file("tool.log"))
        try run("/usr/bin/qemu-io", ["-f", "qcow2", image, "-c", "write -P 0x55 1M 64k"], log: dir.file("tool.log"))
        let server = try NBDServer("/usr/bin/qemu-nbd", ["-f", "qcow2", "-r", "-t", "-e", "8", "-B", "b0", "-k", socket, image],
                                   unixSocket: socket, log: dir.file("qemu-nbd.log"))
        defer { server.stop() }

        let context = "qemu:dirty-bitmap:b0"
        let nbd = try NBDClient(uri: "nbd+unix:///?socket=\(socket)", metaContexts: ["base:allocation", context])
        #expect(try nbd.canMetaContext(context))
        let extents = try nbd.blockStatus(context: context)
        #expect(extents == [
            Extent(offset: 0, length: UInt64(1 * MiB), flags: 0),
            Extent(offset: UInt64(1 * MiB), length: UInt64(64 * KiB), flags: 1),
            Extent(offset: UInt64(1 * MiB + 64 * KiB), length: UInt64(3 * MiB - 64 * KiB), flags: 0),
        ])
        let dirty = extents.filter(\.isDirty)
        #expect(dirty.map(\.range) == [UInt64(1 * MiB)..<UInt64(1 * MiB + 64 * KiB)])
        #expect(try nbd.read(offset: dirty[0].offset, length: Int(dirty[0].length)).allSatisfy { $0 == 0x55 })
        #expect(try nbd.blockStatus(context: "base:allocation").filter { !$0.isZero }.map(\.range)
                == [UInt64(1 * MiB)..<UInt64(1 * MiB + 64 * KiB)])
    }

    @Test("nbdkit's data plugin over a UNIX socket")
    func nbdkitData() throws {
        let dir = try TemporaryDirectory()
        let socket = dir.file("nbdkit.sock")
        let server = try NBDServer("/usr/bin/nbdkit",
                                   ["-f", "--exit-with-parent", "-r", "-U", socket,
                                    "data", "0x41*4096 @1048576 0x42*512", "size=2M"],
                                   unixSocket: socket, log: dir.file("nbdkit.log"))
        defer { server.stop() }
        let nbd = try NBDClient(unixSocket: socket)
        #expect(nbd.size == UInt64(2 * MiB))
        #expect(nbd.isReadOnly)
        let head = try nbd.read(offset: 4090, length: 12)
        #expect(head == [UInt8](repeating: 0x41, count: 6) + [UInt8](repeating: 0, count: 6))
        #expect(try nbd.read(offset: UInt64(1 * MiB), length: 512).allSatisfy { $0 == 0x42 })

        let extents = try nbd.blockStatus(context: "base:allocation")
        #expect(extents.first?.offset == 0)
        #expect(extents.last?.end == nbd.size)
        #expect(zip(extents, extents.dropFirst()).allSatisfy { $0.end == $1.offset && $0.flags != $1.flags })
        func isData(_ offset: UInt64) -> Bool { extents.first { $0.range.contains(offset) }.map { !$0.isZero } ?? false }
        #expect(isData(0) && isData(4095) && isData(UInt64(1 * MiB)) && isData(UInt64(1 * MiB + 511)))
        #expect(!isData(UInt64(512 * KiB)) && !isData(UInt64(2 * MiB - 1)))
    }

    @Test("init(host:port:) reaches nbdkit over TCP on the loopback")
    func tcp() throws {
        let dir = try TemporaryDirectory()
        var server: NBDServer?
        var port = 0
        for _ in 0..<5 where server == nil {
            port = Int.random(in: 20000..<60000)
            server = try? NBDServer("/usr/bin/nbdkit",
                                    ["-f", "--exit-with-parent", "-i", "127.0.0.1", "-p", String(port), "memory", "1M"],
                                    port: port, log: dir.file("nbdkit.log"))
        }
        let running = try #require(server)
        defer { running.stop() }
        let nbd = try NBDClient(host: "127.0.0.1", port: port)
        #expect(nbd.size == UInt64(1 * MiB))
        #expect(!nbd.isReadOnly)
        #expect(try nbd.read(offset: 0, length: 4096).allSatisfy { $0 == 0 })
        #expect(try nbd.blockStatus(context: "base:allocation") == [Extent(offset: 0, length: UInt64(1 * MiB), flags: 3)])
        try nbd.shutdown()
    }

    @Test("readAll streams every byte in order, skipping zero chunks when asked",
          arguments: [(256 * KiB, 64 * KiB, 1, true), (4 * MiB, 1 * MiB, 4, true), (4 * MiB, 4 * MiB, 3, false),
                      (1 * MiB, 256 * KiB, 16, false), (40 * MiB, 40 * MiB, 2, true)])
    func readAllCallback(chunkSize: Int, requestSize: Int, inFlight: Int, skipZeroes: Bool) throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(nbd.size), alignment: 16)
        defer { copy.deallocate() }
        var copied = 0
        var offsets: [UInt64] = []
        let summary = try nbd.readAll(chunkSize: chunkSize, requestSize: requestSize, requestsInFlight: inFlight,
                                      skipZeroes: skipZeroes) { offset, bytes in
            #expect(offset == UInt64(copied))
            offsets.append(offset)
            UnsafeMutableRawBufferPointer(rebasing: copy[copied..<copied + bytes.count]).copyMemory(from: bytes)
            copied += bytes.count
        }
        #expect(copied == Int(nbd.size))
        #expect(sameBytes(UnsafeRawBufferPointer(copy), RawFixture.expected))
        #expect(offsets == Array(stride(from: 0, to: nbd.size, by: chunkSize)))
        #expect(summary.bytes == nbd.size)
        #expect(summary.bytesRead + summary.zeroBytesSkipped == nbd.size)

        // Chunks holding a patterned region must be read; with skipping, no other chunk is.
        let chunkCount = (Int(nbd.size) + chunkSize - 1) / chunkSize
        let dataChunks = Set(RawFixture.regions.flatMap { offset, region in
            [Int(offset) / chunkSize, (Int(offset) + region.count - 1) / chunkSize]
        })
        let readChunks = skipZeroes ? dataChunks.sorted() : Array(0..<chunkCount)
        let lengths = readChunks.map { min(chunkSize, Int(nbd.size) - $0 * chunkSize) }
        let request = min(requestSize, chunkSize, NBDClient.maximumRequestLength)
        #expect(summary.bytesRead == UInt64(lengths.reduce(0, +)))
        #expect(summary.readRequests == lengths.reduce(0) { $0 + ($1 + request - 1) / request })

        // A sub-range, and an error from the body stops the copy and is rethrown.
        var partial = [UInt8]()
        try nbd.readAll(chunkSize: 64 * KiB, offset: UInt64(1 * MiB - 100), length: 200 * 1024) { offset, bytes in
            #expect(offset == UInt64(1 * MiB - 100 + partial.count))
            partial += Array(bytes)
            // A synchronous read on the same handle while requests are in flight.
            let again = try nbd.read(offset: offset, length: bytes.count)
            #expect(again == Array(bytes))
        }
        #expect(partial == Array(RawFixture.expected[(1 * MiB - 100)..<(1 * MiB - 100 + 200 * 1024)]))
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            try nbd.readAll(chunkSize: 1 * MiB, requestsInFlight: inFlight) { _, _ in
                calls += 1
                if calls == 2 { throw Stop() }
            }
        }
        #expect(calls == 2)
        // The handle is still usable after an interrupted copy.
        #expect(try nbd.read(offset: RawFixture.regions[0].0, length: 64 * KiB) == RawFixture.regions[0].1)
    }

    @Test("reads from a server that went away fail with an NBDError instead of hanging")
    func serverGone() throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket)
        #expect(try nbd.read(offset: 0, length: 512).count == 512)
        fixture.server.stop()
        let error = #expect(throws: NBDError.self) {
            try nbd.readAll(chunkSize: 1 * MiB, requestSize: 256 * KiB, requestsInFlight: 8, skipZeroes: false) { _, _ in }
        }
        #expect(error?.message.isEmpty == false)
        #expect(throws: NBDError.self) { try nbd.read(offset: 0, length: 512) }
    }

    @Test("readAll(ranges:) streams only the given ranges, in order, with one pipeline",
          arguments: [(32 * KiB, 16 * KiB, 3, false), (4 * MiB, 256 * KiB, 8, true), (64 * KiB, 64 * KiB, 1, true)])
    func readAllRanges(chunkSize: Int, requestSize: Int, inFlight: Int, skipZeroes: Bool) throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket)
        // The three patterned regions (the second straddles 32 MiB), an empty range, and a hole.
        let ranges: [Range<UInt64>] = RawFixture.regions.map { $0.0..<($0.0 + UInt64($0.1.count)) }
            + [UInt64(38 * MiB)..<UInt64(38 * MiB), UInt64(39 * MiB)..<UInt64(39 * MiB + 100 * KiB)]
        var delivered: [(UInt64, [UInt8])] = []
        let summary = try nbd.readAll(ranges: ranges, chunkSize: chunkSize, requestSize: requestSize,
                                      requestsInFlight: inFlight, skipZeroes: skipZeroes) { offset, bytes in
            delivered.append((offset, Array(bytes)))
        }
        // Chunks come in order, never cross a range's end, and together are exactly the ranges' bytes.
        #expect(delivered.map(\.0) == delivered.map(\.0).sorted())
        var expectedChunks: [(UInt64, Int)] = []
        for r in ranges where !r.isEmpty {
            var at = r.lowerBound
            while at < r.upperBound {
                let n = Int(min(UInt64(chunkSize), r.upperBound - at))
                expectedChunks.append((at, n))
                at += UInt64(n)
            }
        }
        #expect(delivered.map(\.0) == expectedChunks.map(\.0))
        #expect(delivered.map(\.1.count) == expectedChunks.map(\.1))
        for (offset, bytes) in delivered {
            #expect(sameBytes(bytes, Array(RawFixture.expected[Int(offset)..<Int(offset) + bytes.count])))
        }
        let total = UInt64(ranges.map(\.count).reduce(0, +))
        #expect(summary.bytes == total)
        #expect(summary.bytesRead + summary.zeroBytesSkipped == total)
        // The hole at 39 MiB is skipped without a read only when asked (and only with chunks inside it).
        #expect(summary.zeroBytesSkipped == (skipZeroes ? UInt64(100 * KiB) : 0))

        // Unsorted, overlapping and out-of-bounds ranges are refused before anything is read.
        var calls = 0
        for bad: [Range<UInt64>] in [[10..<20, 0..<5], [0..<10, 5..<15], [0..<(nbd.size + 1)]] {
            #expect(throws: NBDError.self) { try nbd.readAll(ranges: bad) { _, _ in calls += 1 } }
        }
        #expect(calls == 0)
        #expect(try nbd.readAll(ranges: []) { _, _ in calls += 1 } == ReadAllSummary())
        #expect(calls == 0)
    }

    @Test("readAll(to:) writes the export to a file, sparse when asked")
    func readAllToFile() throws {
        let fixture = try RawFixture()
        let nbd = try NBDClient(unixSocket: fixture.socket)
        for sparse in [false, true] {
            let path = fixture.dir.file("copy-\(sparse).raw")
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let out = try FileHandle(forWritingTo: URL(filePath: path))
            let summary = try nbd.readAll(to: out, sparse: sparse)
            try out.close()
            #expect(summary.bytes == nbd.size)
            let data = try Data(contentsOf: URL(filePath: path))
            #expect(data.count == Int(nbd.size))
            #expect(data.withUnsafeBytes { sameBytes($0, RawFixture.expected) })
            var st = stat()
            #expect(stat(path, &st) == 0)
            let allocated = Int(st.st_blocks) * 512
            if sparse {
                #expect(allocated <= 16 * MiB)   // the four 4 MiB chunks holding a region
            } else {
                #expect(allocated >= Int(nbd.size))
            }
        }
    }
}
