import ArgumentParser
import Foundation
import LiveHost

extension HostCommand {
    /// `rewind host stop [--release NAME | --all]`.
    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stops the daemons `rewind host start` started (never anyone else's).")

        @OptionGroup var output: HostCommand.Output

        @Option(help: "Stop this release host instead of the system one.")
        var release: String?

        @Flag(help: "Stop every host Rewind started: the release hosts and the system one.")
        var all = false

        @Option(help: "Seconds to wait after SIGTERM before SIGKILL.")
        var grace: Double = 15

        func validate() throws {
            if all && release != nil { throw ValidationError("--all and --release exclude each other") }
        }

        func run() throws {
            var results: [String: StopResult] = [:]
            var failed = false
            var targets: [String?] = all ? Release.known.map(\.name) + [nil] : [release]
            if all { targets = targets.filter { $0 == nil || ReleaseHost.running().map(\.name).contains($0!) } }
            for target in targets {
                do {
                    if let target {
                        results[target] = try ReleaseHost.stop(try Release.named(target), grace: grace)
                    } else {
                        results["system"] = try LiveHost.system.stop(grace: grace)
                    }
                } catch {
                    HostCommand.complain("stop", "\(target ?? "system"): \(error.description)")
                    failed = true
                }
            }
            if output.json {
                try HostCommand.printJSON(results)
            } else {
                for (name, result) in results.sorted(by: { $0.key < $1.key }) {
                    print(results.count > 1 || name != "system" ? "\(name):\n" + result.description.split(separator: "\n")
                            .map { "  " + $0 }.joined(separator: "\n") : result.description)
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
