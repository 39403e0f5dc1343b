import Foundation
import GuideModel
import Support
import Libvirt
import HostRecords
import Synchronization

/// The lab a guide snippet runs in: one per snippet, in its own process.
///
/// A snippet in a guide is the body of a function that receives `lab`:
///
/// ````markdown
/// ```swift id=lookup-missing expect-error=VIR_ERR_NO_DOMAIN
/// _ = try lab.connection.lookupDomain(name: "no-such-domain")
/// ```
/// ````
///
/// The lab gives the snippet its connection (`--connect URI` of `rewind verify`), a private
/// directory, a name prefix for everything it creates (so that a crashed or timed-out snippet can be
/// cleaned up), expectations whose failures name the guide's Markdown line, and a place to record
/// evidence (measurements, extents, events, notes). Domain fixtures live in other files
/// (`Lab+Domains.swift`, …).
///
/// Teardown hooks registered with `onTeardown` run in reverse order after the snippet, also when it
/// failed.
public final class Lab: Sendable {
    /// The connection the snippet uses.
    public let connection: Connection
    /// The URI of `connection`, e.g. `test:///default`.
    public let uri: String
    /// A directory private to this snippet run **on the host** (images, backup targets, save files): a path
    /// libvirt and QEMU can open. On a local host it is `rewind verify`'s `<work dir>/labs/<run>`; on another
    /// host `/var/lib/libvirt/images/rewind/<run>` there. It is removed after the run.
    public let directory: URL
    /// A directory private to this snippet run on the machine the snippet runs on (files a backup tool
    /// writes after reading an NBD export, copies downloaded from the host). The same as `directory` on a
    /// local host.
    public let localDirectory: URL
    /// How the lab reaches the host's files and tools (`HostAccess.resolve(uri:)` of the connection's URI).
    public let host: HostAccess
    /// The identifier of this snippet run, unique within a `rewind verify` run (lower-case letters, digits, `-`).
    public let runID: String
    /// The snippet's id in its guide.
    public let snippetID: String
    /// The capabilities the snippet's fence declares (`needs=backup,qemu`).
    public let declaredNeeds: Set<String>
    /// The run's other live QEMU hosts (the runner's `peer-host` answer), for ``peer(file:line:)``.
    public let peers: [String]
    /// The snippet's fence attributes as GuideModel parsed them (empty for a lab not started by a snippet):
    /// a lab helper reads any of them here, so a new attribute reaches the lab without new plumbing.
    public let attributes: SnippetAttributes
    /// Capabilities the host probe found missing, with the reason (e.g. `qemu`: `connection driver is TEST`).
    public let missingCapabilities: [String: String]

    private let start = ContinuousClock.now
    private let state = Mutex(State())
    /// Marks the run as in progress for `rewind lab clean` while this lab lives (see `RunLock`).
    private let runLock: RunLock?

    private struct State: Sendable {
        var evidence = Evidence()
        var teardown: [@Sendable () async throws -> Void] = []
        /// `accelerator`, once decided.
        var accelerator: (accelerator: Accelerator, reason: String)?
    }

    /// The lab's cached `accelerator` decision (`body` decides it the first time).
    func cachedAccelerator(_ body: () throws(LibvirtError) -> (accelerator: Accelerator, reason: String))
        throws(LibvirtError) -> (accelerator: Accelerator, reason: String) {
        if let known = state.withLock({ $0.accelerator }) { return known }
        let decided = try body()
        state.withLock { $0.accelerator = decided }
        return decided
    }

    /// Creates a lab around an open connection.
    ///
    /// - Parameters:
    ///   - directory: the lab directory on the host (see `directory`).
    ///   - localDirectory: the lab's directory on this machine; `directory` when nil.
    ///   - host: the host access; resolved from the connection's URI when nil.
    public init(connection: Connection, directory: URL, localDirectory: URL? = nil, host: HostAccess? = nil,
                runID: String, snippetID: String,
                declaredNeeds: Set<String> = [], missingCapabilities: [String: String] = [:], peers: [String] = [],
                attributes: SnippetAttributes = SnippetAttributes()) {
        self.connection = connection
        self.uri = connection.uri
        self.directory = directory
        self.localDirectory = localDirectory ?? directory
        self.host = host ?? HostAccess.resolve(uri: connection.uri)
        self.runID = runID
        self.snippetID = snippetID
        self.declaredNeeds = declaredNeeds
        self.missingCapabilities = missingCapabilities
        self.peers = peers
        self.attributes = attributes
        self.runLock = RunLock(runID: runID)
    }

    // MARK: Names

    /// The prefix of every libvirt object this lab creates: `rewind-<runID>-`.
    /// `SnippetMain`'s cleanup mode removes the domains whose name starts with it *and* that carry the
    /// lab tag of this run (`MetadataItem.rewindLab(run:)`, see `LabOwnership`).
    public var resourcePrefix: String { "rewind-\(runID)-" }

    /// A name for something this lab creates, e.g. `lab.name("vm")` → `rewind-a1b2c3-4-vm`.
    public func name(_ suffix: String) -> String { resourcePrefix + suffix }

    /// Seconds since the lab was created.
    public var elapsed: Double {
        start.secondsElapsed
    }

    // MARK: Evidence

    /// Records a measurement, e.g. `lab.record("pause window", 0.012, unit: "s")`.
    public func record(_ name: String, _ value: Double, unit: String) {
        state.withLock { $0.evidence.measurements.append(.init(name: name, value: value, unit: unit)) }
    }

    /// Records a byte range with a label, e.g. `lab.recordExtent("dirty", offset: 0, length: 65536)`.
    public func recordExtent(_ label: String, offset: UInt64, length: UInt64) {
        state.withLock { $0.evidence.extents.append(.init(label: label, offset: offset, length: length)) }
    }

    /// Records an event with the time since the lab started.
    public func recordEvent(_ name: String, detail: String? = nil) {
        let t = elapsed
        state.withLock { $0.evidence.events.append(.init(time: t, name: name, detail: detail)) }
    }

    /// Adds a free-form note to the evidence.
    public func note(_ text: String) {
        state.withLock { $0.evidence.notes.append(text) }
    }

    /// Records XML documents a program sent to libvirt (``Evidence/documents``); `lab.runRecipe` records
    /// the ones a recipe printed.
    public func record(documents: [Evidence.Document]) {
        guard !documents.isEmpty else { return }
        state.withLock { $0.evidence.documents = ($0.evidence.documents ?? []) + documents }
    }

    /// Records what this host did where hosts differ (``Evidence/outcome``), e.g. `lab.outcome("accepted")`
    /// or `lab.outcome(refusal: error)`. A second call replaces the first.
    public func outcome(_ text: String) {
        state.withLock { $0.evidence.outcome = text }
    }

    /// Records a libvirt refusal as the outcome: `refused: VIR_ERR_…` (the code, never the message, which
    /// changes between versions).
    public func outcome(refusal error: LibvirtError) {
        outcome("refused: \(error.code.name)")
    }

    /// Everything recorded so far.
    public var evidence: Evidence { state.withLock { $0.evidence } }

    // MARK: Expectations

    /// Fails the snippet unless `condition` holds. The failure names the line of the call, which in a
    /// guide is the Markdown line.
    public func expect(_ condition: Bool, _ message: @autoclosure () -> String = "expectation failed",
                       file: String = #filePath, line: Int = #line) throws(LabFailure) {
        if !condition { throw LabFailure(message(), file: file, line: line) }
    }

    /// Fails the snippet unless `actual == expected`, saying both values.
    public func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ message: @autoclosure () -> String = "",
                                          file: String = #filePath, line: Int = #line) throws(LabFailure) {
        if actual != expected {
            let what = message()
            throw LabFailure((what.isEmpty ? "" : what + ": ") + "expected \(expected), got \(actual)",
                             file: file, line: line)
        }
    }

    /// Fails the snippet now.
    public func fail(_ message: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> Never {
        throw LabFailure(message, file: file, line: line)
    }

    /// Stops the snippet as *unsupported* if the host probe found `capability` missing.
    ///
    /// The fence must declare the capability (`needs=backup`); calling this for an undeclared one
    /// is a mistake in the guide and fails the snippet.
    public func require(_ capability: String, file: String = #filePath, line: Int = #line) throws {
        guard declaredNeeds.contains(capability) else {
            throw LabFailure("lab.require(\"\(capability)\") but the fence does not declare needs=\(capability)",
                             file: file, line: line)
        }
        if let reason = missingCapabilities[capability] {
            throw Unsupported(capability: capability, reason: "needs \(capability); \(reason)")
        }
    }

    // MARK: Teardown

    /// Registers work to run after the snippet, also when it fails. Hooks run in reverse order.
    public func onTeardown(_ body: @escaping @Sendable () async throws -> Void) {
        state.withLock { $0.teardown.append(body) }
    }

    /// Ends the lab's claim on its run id before the lab itself goes (it otherwise ends in `deinit`): for a
    /// caller that keeps the lab, or whose process ends without releasing it, once its teardown is done.
    func releaseRunLock() {
        runLock?.release()
    }

    /// Runs and forgets the teardown hooks, newest first; returns the errors they threw.
    func runTeardown() async -> [String] {
        let hooks = state.withLock { s in
            defer { s.teardown.removeAll() }
            return s.teardown
        }
        var errors: [String] = []
        for hook in hooks.reversed() {
            do { try await hook() } catch { errors.append(String(describing: error)) }
        }
        return errors
    }
}
