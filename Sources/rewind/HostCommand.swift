import ArgumentParser
import Foundation
import LiveHost

/// `rewind host start|stop|status`: the live libvirt + QEMU host (`qemu:///system`).
struct HostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Starts, stops and inspects the live libvirt + QEMU host (qemu:///system).",
        discussion: """
            `start` installs what is missing (Debian packages, the libvirt-qemu account, qemu.conf settings), \
            then starts virtlogd and libvirtd under tini, unless qemu:///system already answers. The libvirtd it \
            starts also listens on \(LiveHost.system.tcpURI) (loopback only, no authentication; `start --no-tcp` \
            turns that off), for remote-URI checks. `stop` ends only the daemons `start` started. \
            State: \(LiveHost.system.stateFile).
            """,
        subcommands: [Start.self, Stop.self, Status.self, DropCache.self])

    /// Output options shared by the subcommands.
    struct Output: ParsableArguments {
        @Flag(help: "Print JSON instead of text.")
        var json = false
    }

    /// Writes a value as pretty, key-sorted JSON with ISO 8601 dates.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Writes `rewind host <command>: <message>` to standard error.
    static func complain(_ command: String, _ message: String) {
        FileHandle.standardError.write(Data("rewind host \(command): \(message)\n".utf8))
    }
}
