import ArgumentParser
import Foundation
import LiveHost

extension HostCommand {
    /// `rewind host start [--release NAME]`.
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Makes qemu:///system answer (starting libvirtd only if nothing answers), or starts a release host.",
            discussion: """
                With --release NAME (\(Release.known.map(\.name).joined(separator: ", "))), builds or reuses the \
                release's root (\(Release.cacheDirectory)/NAME, keyed on its package versions) and starts its \
                virtlogd, sshd and libvirtd in a mount namespace of their own, on loopback ports of their own.
                """)

        @OptionGroup var output: HostCommand.Output

        @Option(help: "Start the host of this Debian release instead of the system one.")
        var release: String?

        @Option(help: "Seconds to wait for libvirtd to answer.")
        var timeout: Double = 120

        @Flag(name: .customLong("no-tcp"),
              help: "Do not make a system libvirtd started now listen on qemu+tcp://127.0.0.1/system (loopback, no authentication).")
        var noTCP = false

        @Flag(name: .customLong("no-refresh"), help: "Reuse a cached release root without checking its suite for newer packages.")
        var noRefresh = false

        @Flag(name: .customLong("no-ssh"), help: "Do not start sshd in the release root (no qemu+ssh:// URI).")
        var noSSH = false

        func run() throws {
            let say: (String) -> Void = { step in FileHandle.standardError.write(Data("rewind host start: \(step)\n".utf8)) }
            do {
                if let release {
                    let started = Date()
                    let status = try ReleaseHost.start(try Release.named(release), timeout: timeout, refresh: !noRefresh,
                                                       ssh: !noSSH, progress: say)
                    if output.json { try HostCommand.printJSON(status) } else {
                        print(status)
                        print(String(format: "  took %.1f s", Date().timeIntervalSince(started)))
                    }
                } else {
                    let status = try LiveHost.system.start(timeout: timeout, listenTCP: !noTCP, progress: say)
                    if output.json { try HostCommand.printJSON(status) } else { print(status) }
                }
            } catch let error as LiveHostError {
                HostCommand.complain("start", error.description)
                throw ExitCode.failure
            }
        }
    }
}
