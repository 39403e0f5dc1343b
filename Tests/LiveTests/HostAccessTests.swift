import Foundation
import Testing
@testable import Lab
@testable import LiveHost

/// How a lab reaches a host's files and tools, decided from the connection URI alone.
@Suite("Host access")
struct HostAccessTests {
    @Test("local URIs, ssh URIs, and remote URIs without a way to the files")
    func resolve() {
        #expect(HostAccess.resolve(uri: "qemu:///system") == .local)
        #expect(HostAccess.resolve(uri: "test:///default") == .local)
        #expect(HostAccess.resolve(uri: "qemu+unix:///system") == .local)
        #expect(HostAccess.resolve(uri: "qemu+tcp://127.0.0.1/system") == .local)   // the system host's listener
        #expect(HostAccess.resolve(uri: "qemu+ssh://root@10.1.2.3:2222/system?keyfile=/k/id&no_verify=1")
                == .ssh(destination: "root@10.1.2.3", port: "2222", keyfile: "/k/id"))
        #expect(HostAccess.resolve(uri: "qemu+ssh://hv.example/system") == .ssh(destination: "hv.example", port: nil, keyfile: nil))
        if case .unavailable(let reason) = HostAccess.resolve(uri: "qemu+tcp://hv.example/system") {
            #expect(reason.contains("qemu+ssh://"))
        } else {
            Issue.record("a TCP URI to another machine gives no access to its files")
        }
        // A loopback port no Rewind host listens on (no release host with that port runs).
        if case .unavailable = HostAccess.resolve(uri: "qemu+tcp://127.0.0.1:1/system") {} else {
            Issue.record("an unknown loopback port gives no access")
        }
    }

    @Test("ssh command lines quote every argument for the remote shell")
    func sshQuoting() {
        let access = HostAccess.ssh(destination: "root@h", port: "22", keyfile: "/k")
        let argv = access.commandLine(["qemu-img", "info", "/a b/it's.qcow2"])!
        #expect(argv.first == "ssh")
        #expect(argv.suffix(3) == ["root@h", "--", #"qemu-img info '/a b/it'\''s.qcow2'"#])
        #expect(HostAccess.unavailable(reason: "x").commandLine(["true"]) == nil)
    }

    @Test("a lab with no access to the host reports host-file helpers as unsupported, with the reason")
    func unavailableIsUnsupported() throws {
        let lab = try LabTestSupport.testDriverLab()
        let blind = Lab(connection: lab.connection, directory: lab.directory, host: .unavailable(reason: "no ssh URI"),
                        runID: lab.runID, snippetID: "blind")
        do {
            _ = try blind.imageSnapshots("/nowhere.qcow2")
            Issue.record("a host tool ran without access")
        } catch {
            #expect(error.unsupportedReason?.contains("no ssh URI") == true)
        }
        try? FileManager.default.removeItem(at: lab.directory)
    }

    @Test("release descriptions: fixed loopback ports and URIs")
    func releases() throws {
        let sid = try Release.named("sid")
        #expect(sid.tcpURI == "qemu+tcp://127.0.0.1:16612/system")
        #expect(sid.sshURI.hasPrefix("qemu+ssh://root@127.0.0.1:16622/system?keyfile="))
        #expect(throws: LiveHostError.self) { try Release.named("woody") }
        let policy = """
            libvirt-daemon:
              Installed: 12.8.0-1
              Candidate: 12.9.0-1
              Version table:
            tini:
              Installed: (none)
              Candidate: 0.19.0-6+b2
            """
        #expect(ReleaseRoot.parsePolicy(policy, field: "Installed:") == ["libvirt-daemon": "12.8.0-1"])
        #expect(ReleaseRoot.parsePolicy(policy, field: "Candidate:") == ["libvirt-daemon": "12.9.0-1", "tini": "0.19.0-6+b2"])
    }
}
