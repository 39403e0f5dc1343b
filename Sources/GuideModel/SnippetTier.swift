/// Where a snippet is meant to run (`tier=` in a fence). Informative only: ``FenceAttribute/needs``
/// decides what a snippet requires.
public enum SnippetTier: String, CaseIterable, Sendable, Hashable, Codable {
    /// libvirt's in-process test driver (`test:///default`).
    case test
    /// A live QEMU host (`qemu:///system`).
    case qemu
    /// A live guest with a guest agent.
    case agent

    /// The tier `needs=` implies: `agent` when it needs the agent, `qemu` when it needs anything only a live
    /// QEMU host has, `test` otherwise (the test driver offers checkpoints, save and events too).
    public static func implied(by needs: [Capability]) -> SnippetTier {
        if needs.contains(.agent) { return .agent }
        let qemuOnly: Set<Capability> = [.qemu, .backup, .blockjob, .monitor, .snapshotExternal, .peerHost]
        return needs.contains(where: qemuOnly.contains) ? .qemu : .test
    }
}
