import Foundation
import Testing
@testable import LiveHost

/// `rewind verify` against a release host with this machine's libvirt state hidden: `/var/log/libvirt`,
/// `/var/lib/libvirt` and `/run/libvirt` are empty tmpfs mounts in a private mount namespace of the verify
/// process. Snippets that write through the QEMU monitor (confirmed in QEMU's log), create and inspect
/// images, read NBD exports, save state and boot the agent guest must still pass: the lab reaches the host
/// only through its URI and its host access, never through the client's files.
@Suite("rewind verify on a release host, client libvirt paths hidden (REWIND_LIVE=1)",
       .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
struct ReleaseHostVerifyLiveTests {
    /// Snippets that touch every kind of host state.
    static let snippetIDs = ["copy-consistent-at-end", "inc-chain-rebuild", "save-memory-only", "pull-direct-backup",
                             "snap-external-chain", "seq2-agent"]

    @Test("host files, tools, logs and NBD go through the host access: nothing read from the client's libvirt paths")
    func clientPathsHidden() async throws {
        guard let release = ReleaseHost.running().last else {
            try Test.cancel("no release host runs: start one with `rewind host start --release sid`")
        }
        let rewind = try RemoteVerifyLiveTests.rewindExecutable()
        let root = RemoteVerifyLiveTests.packageRoot
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-hidden-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let json = scratch.appendingPathComponent("results.json")
        let work = root.appendingPathComponent(".build/rewind-live-tests/hidden-snippets")

        var verify = [rewind, "verify", "--root", root.path, "--work-dir", work.path, "--connect", release.tcpURI,
                      "--json", json.path]
        for id in Self.snippetIDs { verify += ["--filter", id] }
        // The mounts live only in the namespace of this shell and its children; `unshare` ends with it.
        let hide = ["/var/log/libvirt", "/var/lib/libvirt", "/run/libvirt"].map { dir in
            "if [ -d \(dir) ]; then mount -t tmpfs -o size=1m,mode=0755 rewind-hidden \(dir); fi"
        }.joined(separator: "; ")
        let script = "set -e; mount --make-rprivate /; \(hide); "
            + "for d in /var/log/libvirt /var/lib/libvirt; do [ -z \"$(ls -A $d)\" ] || { echo \"$d not hidden\"; exit 3; }; done; "
            + "exec \"$@\""
        let (status, output) = try RemoteVerifyLiveTests.run("/usr/bin/unshare", ["-m", "--", "/bin/sh", "-c", script, "sh"] + verify,
                                                             log: scratch.appendingPathComponent("output"))
        #expect(status == 0, "\(output)")

        let rootObject = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let hosts = try #require(rootObject["hosts"] as? [[String: Any]])
        let results = hosts.first?["results"] as? [[String: Any]] ?? []
        let verdicts = Dictionary(results.compactMap { r in (r["id"] as? String).map { ($0, r["verdict"] as? String ?? "") } },
                                  uniquingKeysWith: { a, _ in a })
        for id in Self.snippetIDs {
            #expect(verdicts[id] == "pass", "\(id) on \(release.tcpURI) with the client's libvirt paths hidden:\n\(output)")
        }
    }
}
