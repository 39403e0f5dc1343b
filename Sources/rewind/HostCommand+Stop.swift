import ArgumentParser
import Foundation
import LiveHost

extension HostCommand {
    /// `rewind host stop`.
    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stops the daemons `rewind host start` started (never anyone else's).")

        @OptionGroup var output: HostCommand.Output

        @Option(help: "Seconds to wait after SIGTERM before SIGKILL.")
        var grace: Double = 15

        func run() throws {
            let result: StopResult
            do {
                result = try LiveHost.stop(grace: grace)
            } catch {
                HostCommand.complain("stop", error.description)
                throw ExitCode.failure
            }
            if output.json { try HostCommand.printJSON(result) } else { print(result) }
        }
    }
}
