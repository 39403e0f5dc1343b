import ArgumentParser
import LiveHost

extension HostCommand {
    /// `rewind host status`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shows whether qemu:///system answers, who started it, KVM or TCG, and versions.",
            discussion: "Exits with status 3 when qemu:///system does not answer.")

        @OptionGroup var output: HostCommand.Output

        func run() throws {
            let status = LiveHost.status()
            if output.json { try HostCommand.printJSON(status) } else { print(status) }
            if !status.running { throw ExitCode(3) }
        }
    }
}
