import Foundation
import Lab
import Testing

@Suite("Body-done signal (FIFO)")
struct BodyDoneSignalTests {
    static func fifo() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rewind-body-done-\(UUID().uuidString)").path
    }

    /// Waits for the signal on a thread of its own, as the runner does.
    static func waiting(_ reader: BodyDoneSignal.Reader) -> Task<Bool, Never> {
        Task {
            await withCheckedContinuation { c in
                Thread.detachNewThread { c.resume(returning: reader.wait()) }
            }
        }
    }

    @Test("the reader wakes with true when the child signals; without a reader the signal fails at once")
    func signalled() async throws {
        let path = Self.fifo()
        #expect(!BodyDoneSignal.signal(path), "no FIFO, no reader: the child's signal fails instead of blocking")
        let reader = try #require(BodyDoneSignal.make(path))
        defer { BodyDoneSignal.release(path) }
        let woke = Self.waiting(reader)
        #expect(BodyDoneSignal.signal(path))
        #expect(await woke.value)
    }

    @Test("a child that ends without signalling: release wakes the reader with false and removes the FIFO")
    func released() async throws {
        let path = Self.fifo()
        let reader = try #require(BodyDoneSignal.make(path))
        let woke = Self.waiting(reader)
        BodyDoneSignal.release(path)
        #expect(await woke.value == false)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
