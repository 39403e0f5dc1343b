import ArgumentParser
import Foundation
import LiveHost

extension HostCommand {
    /// `rewind host start`.
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Makes qemu:///system answer, starting libvirtd only if nothing answers yet.")

        @OptionGroup var output: HostCommand.Output

        @Option(help: "Seconds to wait for libvirtd to answer.")
        var timeout: Double = 60

        @Flag(name: .customLong("no-tcp"),
              help: "Do not make a libvirtd started now listen on qemu+tcp://127.0.0.1/system (loopback, no authentication).")
        var noTCP = false

        func run() throws {
            let status: HostStatus
            do {
                status = try LiveHost.start(timeout: timeout, listenTCP: !noTCP) { step in
                    FileHandle.standardError.write(Data("rewind host start: \(step)\n".utf8))
                }
            } catch {
                HostCommand.complain("start", error.description)
                throw ExitCode.failure
            }
            if output.json { try HostCommand.printJSON(status) } else { print(status) }
        }
    }
}
