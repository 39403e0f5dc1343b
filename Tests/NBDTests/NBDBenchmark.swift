import Foundation
import Glibc
import NBD
import Testing

/// Throughput of `readAll` against `nbdcopy` on the reference disk: 256 MiB, the first 128 MiB
/// written, served by qemu-nbd on a UNIX socket. Prints timings; asserts only on correctness.
/// Opt-in: `REWIND_NBD_BENCH=1 swift test --filter NBDBenchmark` (use `-c release` for numbers).
@Suite("NBD throughput", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["REWIND_NBD_BENCH"] == "1"))
struct NBDBenchmark {
    static let size = 256 << 20
    static let written = 128 << 20
    static let rounds = 7

    @Test("readAll vs nbdcopy on a 256 MiB disk with 128 MiB written")
    func throughput() throws {
        let dir = try TemporaryDirectory()
        let image = dir.file("disk.raw")
        let socket = dir.file("nbd.sock")
        let chunk = pattern(seed: 0x5a, count: 1 << 20)
        try makeSparseImage(at: image, size: UInt64(Self.size),
                            regions: (0..<(Self.written >> 20)).map { (UInt64($0) << 20, chunk) })
        let server = try NBDServer("/usr/bin/qemu-nbd", ["-f", "raw", "-r", "-t", "-e", "8", "-k", socket, image],
                                   unixSocket: socket, log: dir.file("qemu-nbd.log"))
        defer { server.stop() }
        let uri = "nbd+unix:///?socket=\(socket)"
        let nbd = try NBDClient(uri: uri)
        var report: [String] = []

        func measure(_ label: String, _ body: () throws -> Void) rethrows {
            var times: [Double] = []
            for _ in 0..<Self.rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            let median = times[times.count / 2]
            let line = String(format: "%-52@ min %7.1f ms  median %7.1f ms  (%6.0f MiB/s of disk at median)",
                              label as NSString, times[0], median, Double(Self.size >> 20) / (median / 1000))
            report.append(line)
        }

        try measure("nbdcopy URI null:") {
            try run("/usr/bin/nbdcopy", [uri, "null:"], log: dir.file("nbdcopy.log"))
        }
        let nbdcopyFile = dir.file("nbdcopy.raw")
        try measure("nbdcopy URI file (raw)") {
            _ = FileManager.default.createFile(atPath: nbdcopyFile, contents: nil)
            try run("/usr/bin/nbdcopy", [uri, nbdcopyFile], log: dir.file("nbdcopy.log"))
        }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        try measure("sequential read(into:) 4 MiB, every byte") {
            var offset: UInt64 = 0
            while offset < nbd.size {
                try nbd.read(into: buffer, offset: offset)
                offset += UInt64(buffer.count)
            }
        }
        for (request, inFlight, skip) in [(4 << 20, 1, false), (1 << 20, 4, false), (4 << 20, 1, true),
                                          (4 << 20, 4, true), (1 << 20, 4, true), (256 << 10, 8, true),
                                          (256 << 10, 16, true), (1 << 20, 8, true)] {
            var summary = ReadAllSummary()
            try measure("readAll 4 MiB chunks, \(request >> 10) KiB x \(inFlight), skipZeroes \(skip)") {
                summary = try nbd.readAll(chunkSize: 4 << 20, requestSize: request, requestsInFlight: inFlight,
                                          skipZeroes: skip) { _, _ in }
            }
            #expect(summary.bytes == nbd.size)
            #expect(summary.bytesRead == (skip ? UInt64(Self.written) : nbd.size))
        }
        for chunkSize in [1 << 20, 4 << 20, 16 << 20] {
            try measure("readAll \(chunkSize >> 20) MiB chunks, defaults (256 KiB x 8)") {
                try nbd.readAll(chunkSize: chunkSize) { _, _ in }
            }
        }
        let ourFile = dir.file("readall.raw")
        try measure("readAll(to:) file, sparse, defaults") {
            _ = FileManager.default.createFile(atPath: ourFile, contents: nil)
            let out = try FileHandle(forWritingTo: URL(filePath: ourFile))
            defer { try? out.close() }
            try nbd.readAll(to: out, sparse: true)
        }
        #expect(FileManager.default.contentsEqual(atPath: ourFile, andPath: image))

        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        report.append(String(format: "load average %.2f %.2f %.2f, %d rounds each", load[0], load[1], load[2], Self.rounds))
        print(report.joined(separator: "\n"))
    }
}
