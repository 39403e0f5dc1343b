import ArgumentParser
import Lab

/// `--connect URI` (or `-c`), the one way every command is told which libvirt hosts to reach.
///
/// Repeatable; without it a command uses ``defaultURI``, libvirt's in-process test driver, which needs no
/// daemon. Commands that act on one host take the first (and refuse several).
struct ConnectOptions: ParsableArguments {
    /// The URI used when no `--connect` is given.
    static let defaultURI = "test:///default"

    @Option(name: [.customLong("connect"), .customShort("c")],
            help: ArgumentHelp("A libvirt URI (repeatable; default: \(ConnectOptions.defaultURI), the in-process test driver).",
                               valueName: "uri"))
    var connect: [String] = []

    @Option(name: .customLong("host-access"),
            help: ArgumentHelp("How to reach the files and tools of a --connect host, for a URI whose transport gives "
                               + "none (qemu+tcp://, qemu+tls:// to a host Rewind did not start): ssh://[user@]host[:port][?keyfile=PATH], "
                               + "local or none. One per --connect, in the same order (or one for a single --connect).",
                               valueName: "access"))
    var hostAccess: [String] = []

    /// The URIs given, or the default.
    var uris: [String] { connect.isEmpty ? [Self.defaultURI] : connect }

    /// The hosts as targets: each URI with its host access, resolved here, once (or as `--host-access` says).
    var targets: [ConnectionTarget] {
        uris.enumerated().map { index, uri in
            ConnectionTarget(uri: uri, access: index < hostAccess.count ? HostAccess.parse(access: hostAccess[index]) : nil)
        }
    }

    /// The one URI of a single-host command.
    var uri: String { uris[0] }

    func validate() throws {
        if connect.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--connect needs a URI (an empty one would silently mean libvirt's default host)")
        }
        if !hostAccess.isEmpty, hostAccess.count != connect.count {
            throw ValidationError("--host-access pairs with --connect by position: give one per --connect "
                                  + "(got \(hostAccess.count) for \(connect.count))")
        }
        for access in hostAccess where HostAccess.parse(access: access) == nil {
            throw ValidationError("--host-access '\(access)': expected ssh://[user@]host[:port][?keyfile=PATH], local or none")
        }
    }

    /// Refuses several `--connect` for a command that acts on one host.
    func requireOne(_ command: String) throws {
        guard connect.count <= 1 else {
            throw ValidationError("\(command) acts on one host; give one --connect (got \(connect.count))")
        }
    }
}
