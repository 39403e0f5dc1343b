import ArgumentParser
import Foundation
import LiveHost

extension HostCommand {
    /// `rewind host drop-cache --release NAME`.
    struct DropCache: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop-cache",
            abstract: "Removes a release's cached root (\(Release.cacheDirectory)/NAME); the next start builds it again.")

        @Option(help: "The release whose root to drop.")
        var release: String

        func run() throws {
            do {
                let r = try Release.named(release)
                print(try ReleaseRoot.drop(r) ? "removed \(r.cachePath)" : "no cached root at \(r.cachePath)")
            } catch {
                HostCommand.complain("drop-cache", error.description)
                throw ExitCode.failure
            }
        }
    }
}
