import Foundation
import Lab
import Libvirt
import Synchronization

/// Section 5: how long a domain event takes from libvirt's callback (`DomainEvent.timestamp`, taken
/// first thing in the callback on libvirt's event-loop thread) to the task iterating the
/// `DomainEventStream` with `for await`, over many suspend/resume cycles of a lab guest.
///
/// The floor is the same hand-over without libvirt: a plain thread stamps the time and yields into an
/// `AsyncStream` that a task iterates — the cost of waking a Swift task from a foreign thread.
struct EventLatencyBench {
    let context: BenchContext
    init(_ context: BenchContext) { self.context = context }

    var options: BenchOptions { context.options }

    func run() async -> [BenchRow] {
        let floor: Samples
        do {
            floor = try await Self.floor(count: 2 * options.eventCycles)
        } catch {
            return [.notAvailable(.events, "event latency", reason: "\(error)")]
        }
        var rows: [BenchRow] = []
        var hosts = [(options.testDriverURI, options.eventCycles)]
        if let problem = VerifyBench.liveProblem(options.liveURI) {
            rows.append(.notAvailable(.events, "callback → consumer, \(options.liveURI ?? "live host")", reason: problem))
        } else if let uri = options.liveURI {
            hosts.append((uri, options.liveEventCycles))
        }
        for (uri, cycles) in hosts {
            do {
                let lab = try context.makeLab(uri: uri, purpose: "events")
                let result: Result<Samples, any Error>
                do {
                    result = .success(try await measure(lab, cycles: cycles))
                } catch {
                    result = .failure(error)
                }
                await context.finish(lab)
                let latency = try result.get()
                let ratio = latency.median / floor.median
                rows.append(BenchRow(
                    section: .events, metric: "callback → `for await` consumer, \(uri), \(latency.count) events",
                    rewind: Unit.seconds.format(latency), peer: Unit.seconds.format(floor) + " (floor)",
                    ratio: formatRatio(ratio), target: "≤ 1 ms median", verdict: latency.median <= 1e-3 ? .met : .missed,
                    notes: "p95 \(Unit.seconds.format(latency.quantile(0.95))); \(cycles) suspend/resume cycles, each waiting for its "
                        + "event. Floor: a plain thread yields a timestamp into an `AsyncStream` iterated by a task, "
                        + "p95 \(Unit.seconds.format(floor.quantile(0.95)))."))
            } catch {
                rows.append(.notAvailable(.events, "callback → consumer, \(uri)", reason: "\(error)"))
            }
        }
        return rows
    }

    /// What the consumer task reports for each event.
    enum Ack: Sendable {
        case event(DomainEvent.LifecycleEvent?, Double)
        case timeout
    }

    /// Suspends and resumes a lab guest `cycles` times; the consumer task measures each lifecycle event's
    /// delay as it comes out of `for await`, and the producer waits for that before the next call.
    private func measure(_ lab: Lab, cycles: Int) async throws -> Samples {
        let dom = try lab.makeDomain(disks: 0)
        let stream = try dom.events([.lifecycle])
        let (acks, ack) = AsyncStream<Ack>.makeStream()
        let consumer = Task {
            for await event in stream {
                let latency = seconds(ContinuousClock.now - event.timestamp)
                ack.yield(.event(event.kind.lifecycle?.event, latency))
            }
            ack.finish()
        }
        defer {
            stream.cancel()
            consumer.cancel()
        }
        var iterator = acks.makeAsyncIterator()
        var samples = Samples()
        func wait(for expected: DomainEvent.LifecycleEvent) async throws {
            let watchdog = Task {
                try await Task.sleep(for: .seconds(10))
                ack.yield(.timeout)
            }
            defer { watchdog.cancel() }
            while true {
                switch await iterator.next() {
                case .event(let kind, let latency)?:
                    samples.append(latency)
                    if kind == expected { return }
                case .timeout?:
                    throw BenchError("no \(expected) event of \(dom.name) within 10 s")
                case nil:
                    throw BenchError("the event stream of \(dom.name) ended")
                }
            }
        }
        context.progress("events: \(cycles) suspend/resume cycles on \(lab.uri)")
        for _ in 0..<cycles {
            try dom.suspend()
            try await wait(for: .suspended)
            try dom.resume()
            try await wait(for: .resumed)
        }
        return samples
    }

    /// The hand-over floor: a plain thread stamps `ContinuousClock.now` and yields it into an
    /// `AsyncStream`; a task iterating the stream measures the delay, then lets the thread go on.
    static func floor(count: Int) async throws -> Samples {
        let (stamps, stamp) = AsyncStream<ContinuousClock.Instant>.makeStream()
        let (acks, ack) = AsyncStream<Double>.makeStream()
        let go = DispatchSemaphore(value: 0)
        let consumer = Task {
            for await t in stamps { ack.yield(seconds(ContinuousClock.now - t)) }
            ack.finish()
        }
        let thread = Thread {
            for _ in 0..<count {
                go.wait()
                stamp.yield(ContinuousClock.now)
            }
            stamp.finish()
        }
        thread.start()
        var samples = Samples()
        var iterator = acks.makeAsyncIterator()
        for _ in 0..<count {
            go.signal()
            guard let latency = await iterator.next() else { break }
            samples.append(latency)
        }
        await consumer.value
        guard samples.count == count else { throw BenchError("the floor measured \(samples.count) of \(count) hand-overs") }
        return samples
    }
}
