/// Where a snippet is meant to run (`tier=` in a fence). Informative only: ``FenceAttribute/needs``
/// decides what a snippet requires.
public enum SnippetTier: String, CaseIterable, Sendable, Hashable, Codable {
    /// libvirt's in-process test driver (`test:///default`).
    case test
    /// A live QEMU host (`qemu:///system`).
    case qemu
    /// A live guest with a guest agent.
    case agent
}
