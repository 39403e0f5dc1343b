import AgentGuest
import Foundation
import Libvirt

extension AgentGuestDomain {
    /// What one freeze / hold / thaw cycle did, seen from the host and from the workload's log.
    public struct FreezeCheck: Sendable {
        /// `virDomainFSFreeze`'s count of frozen file systems.
        public var frozen: Int
        /// `guest-fsfreeze-status` while frozen (`frozen` expected).
        public var statusWhileFrozen: String
        /// `virDomainFSThaw`'s count of thawed file systems.
        public var thawed: Int
        /// How long the freeze call took.
        public var freezeCall: Duration
        /// From the freeze call's return to the thaw call's start: the guest was surely frozen for this long.
        public var frozenWindow: Duration
        /// From the freeze call's start to the thaw call's return: the guest was frozen for at most this long.
        public var outerWindow: Duration
        /// The log read before the freeze.
        public var before: WorkloadLog
        /// The log read after the thaw.
        public var after: WorkloadLog
        /// The longest pause between two records of the current run, after the thaw.
        public var largestGap: WorkloadLog.Gap?

        /// Whether the workload stood still for the whole frozen window and not much longer than the outer one.
        ///
        /// The workload reads its clock, then writes; the first write after the freeze blocks until the thaw, so
        /// one pause between consecutive timestamps spans the freeze. Its timestamp may be up to one `period`
        /// after the freeze began, hence the lower bound `frozenWindow - 2 × period`; the upper bound is
        /// `outerWindow + 2 × period + 100 ms` (scheduling after the thaw).
        public func gapMatchesFreeze(period: Duration = .milliseconds(5)) -> Bool {
            guard let gap = largestGap else { return false }
            return gap.seconds >= AgentGuest.seconds(frozenWindow - period * 2)
                && gap.seconds <= AgentGuest.seconds(outerWindow + period * 2 + .milliseconds(100))
        }
    }

    /// Freezes the guest's file systems (`virDomainFSFreeze`), checks the agent reports them frozen, holds the
    /// freeze for `hold`, thaws (`virDomainFSThaw`), lets the workload run on for `settle`, and reads the log.
    /// The thaw is attempted even when something in between fails.
    public func freezeCheck(hold: Duration = .seconds(1), settle: Duration = .milliseconds(300)) throws -> FreezeCheck {
        let before = try waitForWorkload(records: 10)
        let t0 = ContinuousClock.now
        let frozen = try domain.freezeFilesystems()
        let t1 = ContinuousClock.now
        var thawedAlready = false
        defer { if !thawedAlready { _ = try? domain.thawFilesystems() } }
        let status = try agent.freezeStatus()
        let remaining = hold - (ContinuousClock.now - t1)
        if remaining > .zero { Thread.sleep(forTimeInterval: AgentGuest.seconds(remaining)) }
        let t2 = ContinuousClock.now
        let thawed = try domain.thawFilesystems()
        let t3 = ContinuousClock.now
        thawedAlready = true
        Thread.sleep(forTimeInterval: AgentGuest.seconds(settle))
        let after = try readWorkloadLog()
        let run = after.records.last?.run
        let current = WorkloadLog.Gap.largest(in: after.records.filter { $0.run == run })
        return FreezeCheck(frozen: frozen, statusWhileFrozen: status, thawed: thawed, freezeCall: t1 - t0,
                           frozenWindow: t2 - t1, outerWindow: t3 - t0, before: before, after: after,
                           largestGap: current)
    }
}
