import Foundation
import Testing
@testable import Lab

@Suite("One ssh connection per host per run")
struct SSHMultiplexingTests {
    @Test("ssh shares a master through the run's control folder only when the environment names one")
    func options() {
        #expect(SSHMultiplexing.sshOptions(environment: [:]).isEmpty)
        #expect(SSHMultiplexing.sshOptions(environment: [SSHMultiplexing.environmentKey: "/tmp/rewind-ssh-abc"])
            == ["-o", "ControlMaster=auto", "-o", "ControlPath=/tmp/rewind-ssh-abc/%C", "-o", "ControlPersist=60"])
    }

    @Test("begin makes a private folder and names it; end removes it")
    func lifecycle() throws {
        let sharing = try SSHMultiplexing.begin(session: "a very long/odd session id that goes on")
        defer { sharing.end() }
        #expect(sharing.directory.hasPrefix("/tmp/rewind-ssh-averylongodd-"))
        #expect(FileManager.default.fileExists(atPath: sharing.directory))
        sharing.end()
        #expect(!FileManager.default.fileExists(atPath: sharing.directory))
    }

    @Test("a control socket path fits in a UNIX socket address (108 bytes) for any session id the runner makes")
    func shortPaths() {
        // %C expands to 40 hex characters.
        let path = "/tmp/rewind-ssh-\(String(repeating: "x", count: 12))-4194304/" + String(repeating: "f", count: 40)
        #expect(path.utf8.count < 108)
    }
}
