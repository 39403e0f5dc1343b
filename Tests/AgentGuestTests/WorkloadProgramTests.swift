import AgentGuest
import Foundation
import Testing

private let gcc = ["/usr/bin/gcc", "/usr/local/bin/gcc"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The C workload and the Swift reader must agree on the record format; this compiles the workload and reads
/// what it writes.
@Suite("Workload program", .enabled(if: gcc != nil))
struct WorkloadProgramTests {
    @discardableResult
    static func run(_ path: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test("Records from two runs form one consistent log; a torn tail is dropped before appending")
    func writesWhatTheReaderExpects() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-workload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("w.c"), binary = dir.appendingPathComponent("w")
        let logFile = dir.appendingPathComponent("log")
        try Data(AgentGuest.workloadSource.utf8).write(to: source)
        #expect(try Self.run(gcc!, ["-O2", "-Wall", "-Wextra", "-Werror", "-o", binary.path, source.path]) == 0)

        #expect(try Self.run(binary.path, [logFile.path, "2", "3", "6"]) == 0)
        let first = WorkloadLog(data: try Data(contentsOf: logFile))
        #expect(first.isConsistent && first.records.count == 6)
        let period = try #require(first.medianGapNanoseconds)
        #expect(period >= 1_900_000 && period < 50_000_000)

        let handle = try FileHandle(forWritingTo: logFile)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("000000000006 0000".utf8))
        try handle.close()
        #expect(!WorkloadLog(data: try Data(contentsOf: logFile)).isConsistent)

        #expect(try Self.run(binary.path, [logFile.path, "0", "0", "4"]) == 0)
        let both = WorkloadLog(data: try Data(contentsOf: logFile))
        #expect(both.isConsistent)
        #expect(both.records.map(\.index) == Array(0..<10))
        #expect(Set(both.records.map(\.run)).count == 2)
    }
}
