internal import CLibvirt
import Foundation

/// Process-wide libvirt set-up, done once before the first connection opens.
///
/// It initialises the library (`virInitialize`), silences libvirt's default printing
/// of every error to stderr (`virSetErrorFunc` with a no-op handler: errors are reported
/// as thrown `LibvirtError` values instead), registers the default event loop
/// (`virEventRegisterDefaultImpl`) and runs it on a dedicated thread
/// (`virEventRunDefaultImpl`), so that domain events and keep-alives are delivered.
public enum Libvirt {
    private static let setUp: Void = {
        // glib 2.74's slice allocator was seen to crash inside virInitialize (about 1 run in 10, in
        // g_slice_alloc's per-thread data). Plain malloc avoids it; an explicit G_SLICE setting wins.
        setenv("G_SLICE", "always-malloc", 0)
        _ = virInitialize()
        virSetErrorFunc(nil) { _, _ in }
        _ = virEventRegisterDefaultImpl()
        let thread = Thread {
            while true { _ = virEventRunDefaultImpl() }
        }
        thread.name = "libvirt-event-loop"
        thread.qualityOfService = .userInitiated
        thread.start()
    }()

    /// Makes sure the library is initialised and the event loop runs. Called by `Connection.init`.
    public static func initialize() { _ = setUp }

    /// The version of the libvirt client library in use, e.g. `9.0.0`
    /// (the corresponding C function is `virGetVersion`).
    public static var libraryVersion: Version {
        initialize()
        var v: UInt = 0
        _ = virGetVersion(&v, nil, nil)
        return Version(encoded: v)
    }
}

/// A libvirt-style version number, encoded by libvirt as `major * 1_000_000 + minor * 1_000 + release`.
public struct Version: Comparable, Hashable, Sendable, CustomStringConvertible, Codable {
    public var major: Int
    public var minor: Int
    public var release: Int
    public init(major: Int, minor: Int, release: Int) {
        self.major = major; self.minor = minor; self.release = release
    }
    public init(encoded: UInt) {
        major = Int(encoded / 1_000_000)
        minor = Int(encoded / 1_000 % 1_000)
        release = Int(encoded % 1_000)
    }
    /// `9.9.0` or `9.9` (release 0); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        self.init(major: parts[0]!, minor: parts[1]!, release: parts.count == 3 ? parts[2]! : 0)
    }
    public var description: String { "\(major).\(minor).\(release)" }
    public static func < (a: Version, b: Version) -> Bool {
        (a.major, a.minor, a.release) < (b.major, b.minor, b.release)
    }
}
