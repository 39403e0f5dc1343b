import Foundation
import Glibc
import Reports
import Synchronization
import Testing
@testable import Lab
import Libvirt
@testable import Runner

extension SafetyTests {
    /// SIGINT or SIGTERM during `rewind verify`: the running snippet ends with everything it started, its
    /// lab is cleaned up, and the reports hold the snippets that finished.
    @Suite("Interruption")
    struct Interruption {
        /// A snippet that finishes, one that makes a lab domain, a scratch file, a socket under /run/rewind
        /// and a background NBD server and then waits, and one that never gets to start.
        static let guide = "# Interruption\n\n" + Safety.prelude + #"""
            ```swift id=finishes-first
            print("finished")
            ```

            ```output
            finished
            ```

            ```swift id=waits-long context=safe timeout=900
            let dom = try labDomain("vm")
            try lab.expect(try dom.isActive())
            try Data(repeating: 0xab, count: 1 << 16).write(to: lab.directory.appendingPathComponent("scratch.bin"))
            let image = lab.directory.appendingPathComponent("export.qcow2").path
            let qemuImg = Process()
            qemuImg.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
            qemuImg.arguments = ["create", "-q", "-f", "qcow2", image, "16M"]
            try qemuImg.run()
            qemuImg.waitUntilExit()
            let socket = "/run/rewind/\(lab.runID)-wait.sock"
            try FileManager.default.createDirectory(atPath: "/run/rewind", withIntermediateDirectories: true)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-nbd")
            server.arguments = ["--socket=\(socket)", "--format=qcow2", "--persistent", image]
            try server.run()
            var waited = 0
            while !FileManager.default.fileExists(atPath: socket) && waited < 100 {
                usleep(100_000)
                waited += 1
            }
            try lab.expect(FileManager.default.fileExists(atPath: socket), "qemu-nbd did not create \(socket)")
            if let ready = ProcessInfo.processInfo.environment["REWIND_SAFETY_READY"] {
                try lab.runID.write(toFile: ready, atomically: true, encoding: .utf8)
            }
            sleep(600)
            ```

            ```swift id=never-starts
            print("not reached")
            ```
            """#

        @Test("SIGINT on test:///default", arguments: [SIGINT, SIGTERM])
        func testDriver(signal: Int32) async throws {
            try await interrupt(uri: "test:///default", signal: signal)
        }

        @Test("SIGINT and SIGTERM on qemu:///system", .enabled(if: Safety.live), arguments: [SIGINT, SIGTERM])
        func live(signal: Int32) async throws {
            try await interrupt(uri: "qemu:///system", signal: signal)
        }

        func interrupt(uri: String, signal: Int32) async throws {
            let root = try Safety.makeRoot(text: ["interrupt.md": Self.guide])
            defer { try? FileManager.default.removeItem(at: root) }
            let ready = root.appendingPathComponent("ready").path
            let json = root.appendingPathComponent("out/results.json").path
            let tap = root.appendingPathComponent("out/results.tap").path
            let signalled = Mutex(false)
            let run = try await Safety.verify(
                root: root, uri: uri, extra: ["--json", json, "--tap", tap],
                environment: ["REWIND_SAFETY_READY": ready], timeout: 900
            ) { pid in
                guard FileManager.default.fileExists(atPath: ready) else { return }
                signalled.withLock { done in
                    if !done { kill(pid, signal) }
                    done = true
                }
            }
            let runID = try #require(try? String(contentsOfFile: ready, encoding: .utf8),
                                     "the waiting snippet never got ready:\n\(run)")
            // Whatever the assertions say, leave nothing behind.
            defer {
                for pid in Safety.processes(containing: runID) { kill(pid, SIGKILL) }
                _ = LabCleanup.run(uri: uri, runID: runID, labDirectory: nil)
            }

            #expect(run.status == 128 + signal, "\(run)")
            #expect(run.stderr.contains("interrupted by \(SnippetRunner.signalName(signal))"), "\(run)")
            #expect(run.seconds < 60, "the interrupted run took \(run.seconds) s")

            // Reports: the finished snippet with its verdict, the others skipped with the reason.
            let results = try JSONWriter.decode(Data(contentsOf: URL(fileURLWithPath: json)))
            #expect(results.interrupted == SnippetRunner.signalName(signal))
            let byID = Dictionary(uniqueKeysWithValues: results.hosts[0].results.map { ($0.id, $0) })
            #expect(byID["finishes-first"]?.verdict == .pass)
            let waiting = try #require(byID["waits-long"])
            #expect(waiting.verdict == .skipped)
            #expect(waiting.reason?.contains("interrupted by \(SnippetRunner.signalName(signal)) while running") == true, "\(waiting)")
            #expect(waiting.runID == runID)
            let cleanup = waiting.cleanup ?? []
            #expect(cleanup.contains { $0.contains("/run/rewind/\(runID)-wait.sock") }, "\(cleanup)")
            if uri != "test:///default" {
                #expect(cleanup.contains("destroyed rewind-\(runID)-vm"), "\(cleanup)")
                #expect(cleanup.contains("undefined rewind-\(runID)-vm"), "\(cleanup)")
            }
            #expect(byID["never-starts"]?.verdict == .skipped)
            #expect(byID["never-starts"]?.reason == "not run: interrupted by \(SnippetRunner.signalName(signal))")
            #expect(waiting.unfinished == true && byID["never-starts"]?.unfinished == true)
            #expect(byID["finishes-first"]?.unfinished == nil)
            #expect(results.problems.first?.kind == .interrupted(signal: SnippetRunner.signalName(signal), unfinishedSnippets: 2),
                    "\(results.problems)")
            let tapText = try String(contentsOfFile: tap, encoding: .utf8)
            #expect(tapText.contains("ok 1 - finishes-first"), "\(tapText)")
            #expect(tapText.contains("not ok 4 - interrupted"), "\(tapText)")

            // Nothing left behind: processes, socket, scratch files, images, domains, the run lock.
            #expect(Safety.processes(containing: runID).isEmpty, "processes left: \(Safety.processes(containing: runID))")
            let fm = FileManager.default
            #expect(!fm.fileExists(atPath: "/run/rewind/\(runID)-wait.sock"))
            #expect(!fm.fileExists(atPath: Safety.workDirectory.appendingPathComponent("labs/\(runID)").path))
            #expect(!fm.fileExists(atPath: "/var/lib/libvirt/images/rewind/\(runID)"))
            #expect(!fm.fileExists(atPath: RunLock.path(runID: runID)))
            #expect(try Safety.domains(on: uri == "test:///default" ? "test:///default" : uri,
                                       prefix: LabOwnership.prefix(run: runID)).isEmpty)
        }
    }
}
