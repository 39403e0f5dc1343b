import Foundation
import Glibc
import Testing
@testable import LiveHost

@Suite("libvirtd.conf for TCP on loopback")
struct LibvirtdConfTests {
    /// The active value of every key Rewind sets, as libvirt reads it (the first active assignment).
    func activeValues(_ text: String) -> [String: String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var values: [String: String] = [:]
        for setting in LibvirtdConf.rewindSettings {
            values[setting.key] = QemuConf.value(of: setting.key, in: lines)
        }
        return values
    }

    @Test func withoutASystemFileOnlyRewindsSettingsAreActive() {
        let text = LibvirtdConf.render(system: nil)
        let active = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(active == ["listen_tls = 0", "listen_tcp = 1", #"listen_addr = "127.0.0.1""#,
                           #"tcp_port = "16509""#, #"auth_tcp = "none""#])
        #expect(text.contains(LibvirtdConf.blockBegin) && text.hasSuffix(LibvirtdConf.blockEnd + "\n"))
        #expect(LibvirtdConf.render(system: nil) == text, "the same input gives the same file")
    }

    @Test func theSystemFileIsCarriedOverAndItsListenSettingsAreReplaced() {
        let system = """
            # Master libvirt daemon configuration file
            #listen_tls = 0
            listen_tls = 1
              listen_addr="0.0.0.0"
            unix_sock_group = "libvirt"
            auth_tcp = "sasl"
            max_clients = 5000
            access_drivers = [
              "polkit"
            ]
            """
        let text = LibvirtdConf.render(system: system)
        // Lines not about listening are kept verbatim, in order, and so are comments.
        for kept in ["# Master libvirt daemon configuration file", "#listen_tls = 0", #"unix_sock_group = "libvirt""#,
                     "max_clients = 5000", "access_drivers = [", #"  "polkit""#, "]"] {
            #expect(text.split(separator: "\n").contains(Substring(kept)), "\(kept)")
        }
        #expect(text.contains(LibvirtdConf.replacedPrefix + "listen_tls = 1\n"))
        #expect(text.contains(LibvirtdConf.replacedPrefix + #"  listen_addr="0.0.0.0""# + "\n"))
        #expect(text.contains(LibvirtdConf.replacedPrefix + #"auth_tcp = "sasl""# + "\n"))
        // What libvirtd reads for each key is Rewind's value.
        let expected = Dictionary(uniqueKeysWithValues: LibvirtdConf.rewindSettings.map { ($0.key, $0.value) })
        #expect(activeValues(text) == expected)
        #expect(activeValues(LibvirtdConf.render(system: "")) == expected)
    }

    @Test func tcpURIIsTheLoopbackAddress() {
        #expect(LiveHost.system.tcpURI == "qemu+tcp://127.0.0.1/system")
        #expect(LiveHost.system.libvirtdConfPath.hasPrefix(LiveHost.system.stateDirectory + "/"))
    }

    @Test func acceptsTCPSeesAListeningSocketAndNothingAfterItCloses() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = 0
        sin.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, p, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            Issue.record("cannot listen on 127.0.0.1: errno \(errno)")
            return
        }
        let port = UInt16(bigEndian: sin.sin_port)
        #expect(SocketProbe.acceptsTCP(address: "127.0.0.1", port: port))
        close(fd)
        #expect(!SocketProbe.acceptsTCP(address: "127.0.0.1", port: port))
        #expect(!SocketProbe.acceptsTCP(address: "not an address", port: port))
    }

    @Test func statusSaysWhetherTheTCPURIAnswers() {
        var status = HostStatus(uri: LiveHost.system.uri, running: true)
        #expect(status.description.contains("tcp: qemu+tcp://127.0.0.1/system does not answer"))
        status.tcpAnswers = true
        #expect(status.description.contains("tcp: qemu+tcp://127.0.0.1/system answers (loopback only, no authentication)"))
        let stopped = HostStatus(uri: LiveHost.system.uri)
        #expect(!stopped.description.contains("tcp:"), "nothing to say about TCP when the host does not run")
    }

    @Test func stateFilesWithoutListenStillLoad() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-state-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = """
            {"logFile":"/dev/null","startedAt":"2026-01-01T00:00:00Z",
             "supervisor":{"name":"tini","pid":1,"startTime":1,"parentPid":0}}
            """
        let path = dir.appendingPathComponent("host.json").path
        try Data(old.utf8).write(to: URL(fileURLWithPath: path))
        let state = try #require(HostState.load(path: path))
        #expect(state.listen == nil)
    }
}

@Suite("The system host as a value")
struct LiveHostValueTests {
    @Test("paths and the TCP URI follow the value; the defaults are Rewind's")
    func value() {
        #expect(LiveHost.system.tcpURI == "qemu+tcp://127.0.0.1/system")
        #expect(LiveHost.system.stateFile == "/run/rewind/host.json")
        #expect(LiveHost.system.imageDirectory == RewindPaths.imageDirectory)
        let other = LiveHost(tcpPort: 16599, stateDirectory: "/tmp/rewind-other")
        #expect(other.tcpURI == "qemu+tcp://127.0.0.1:16599/system")
        #expect(other.stateFile == "/tmp/rewind-other/host.json")
        #expect(other.libvirtdConfPath == "/tmp/rewind-other/libvirtd.conf")
        #expect(other != LiveHost.system)
    }

    @Test("the libvirtd configuration carries the value's port and path")
    func configuration() {
        let text = LibvirtdConf.render(system: nil, path: "/tmp/rewind-other/libvirtd.conf",
                                       settings: LibvirtdConf.settings(tcpPort: 16599))
        #expect(text.contains("tcp_port = \"16599\""))
        #expect(text.contains("libvirtd --listen -f /tmp/rewind-other/libvirtd.conf"))
        #expect(LibvirtdConf.render(system: nil).contains("tcp_port = \"16509\""))
    }
}
