import ArgumentParser
import LiveHost

extension HostCommand {
    /// `rewind host status`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lists every host: qemu:///system (who started it, KVM or TCG, versions) and the release hosts Rewind started.",
            discussion: "Exits with status 3 when qemu:///system does not answer and no release host runs.")

        @OptionGroup var output: HostCommand.Output

        struct All: Encodable {
            var system: HostStatus
            var releases: [ReleaseStatus]
        }

        func run() throws {
            let system = LiveHost.system.status()
            let releases = ReleaseHost.running().map { ReleaseHost.status($0) }
            if output.json {
                try HostCommand.printJSON(All(system: system, releases: releases))
            } else {
                print("system:\n" + system.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                for r in releases { print(r) }
                if releases.isEmpty { print("release hosts: none running (rewind host start --release \(Release.known.map(\.name).joined(separator: "|")))") }
            }
            if !system.running && !releases.contains(where: \.running) { throw ExitCode(3) }
        }
    }
}
