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

@Suite("--host-access: a host's files for a URI whose transport gives none")
struct HostAccessOptionTests {
    @Test("ssh://, local and none parse; anything else is refused")
    func parses() {
        #expect(HostAccess.parse(access: "ssh://root@10.0.0.5:2222?keyfile=/k") == .ssh(destination: "root@10.0.0.5", port: "2222", keyfile: "/k"))
        #expect(HostAccess.parse(access: "ssh://lab.example") == .ssh(destination: "lab.example", port: nil, keyfile: nil))
        #expect(HostAccess.parse(access: "local") == .local)
        #expect(HostAccess.parse(access: "none")?.isLocal == false)
        #expect(HostAccess.parse(access: "ftp://x") == nil)
        #expect(HostAccess.parse(access: "ssh://") == nil)
        #expect(HostAccess.parse(access: "ssh://h/some/path") == nil)
    }

    @Test("a given access wins over the one the URI implies")
    func overrides() {
        let target = ConnectionTarget(uri: "qemu+tcp://hv.example/system", access: HostAccess.parse(access: "ssh://root@hv.example"))
        #expect(target.access == .ssh(destination: "root@hv.example", port: nil, keyfile: nil))
        if case .unavailable = ConnectionTarget(uri: "qemu+tcp://hv.example/system").access {} else {
            Issue.record("a remote tcp URI alone has no host access")
        }
    }
}
