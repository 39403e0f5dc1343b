import Foundation

/// Runs blocking work on a thread of its own, so that no Swift concurrency thread waits on a
/// subprocess, a socket or a disk (the pool has only as many threads as CPUs: 2 here).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
