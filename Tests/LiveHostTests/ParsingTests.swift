import Foundation
import Support
import Testing
@testable import LiveHost

@Suite("KVM detection, versions, packages")
struct ParsingTests {
    /// An excerpt of `virsh -c qemu:///system capabilities` on a host with KVM.
    static let qemuCapabilities = """
        <capabilities>
          <host><cpu><arch>x86_64</arch></cpu></host>
          <guest>
            <os_type>hvm</os_type>
            <arch name='x86_64'>
              <wordsize>64</wordsize>
              <emulator>/usr/bin/qemu-system-x86_64</emulator>
              <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
              <domain type='qemu'/>
              <domain type='kvm'/>
            </arch>
          </guest>
        </capabilities>
        """

    @Test func kvmNeedsBothTheDeviceAndTheDomainType() {
        #expect(Accelerator.detect(capabilities: Self.qemuCapabilities, kvmDeviceUsable: true) == .kvm)
        #expect(Accelerator.detect(capabilities: Self.qemuCapabilities, kvmDeviceUsable: false) == .tcg)
        let tcgOnly = Self.qemuCapabilities.replacingOccurrences(of: "<domain type='kvm'/>", with: "")
        #expect(Accelerator.detect(capabilities: tcgOnly, kvmDeviceUsable: true) == .tcg)
        let kvmWithEmulator = Self.qemuCapabilities.replacingOccurrences(
            of: "<domain type='kvm'/>", with: "<domain type=\"kvm\">\n<emulator>/usr/bin/kvm</emulator></domain>")
        #expect(Accelerator.detect(capabilities: kvmWithEmulator, kvmDeviceUsable: true) == .kvm)
        let testDriver = "<capabilities><guest><arch name='i686'><domain type='test'/></arch></guest></capabilities>"
        #expect(Accelerator.detect(capabilities: testDriver, kvmDeviceUsable: true) == Accelerator.none)
    }

    @Test func deviceUsableIsFalseForWhatCannotBeOpenedReadWrite() {
        #expect(!Accelerator.deviceUsable("/nonexistent/kvm"))
        #expect(!Accelerator.deviceUsable("/"), "a directory never opens for writing")
    }

    @Test func parsesVirshVersion() {
        let v = VirshVersion(parsing: """
            Compiled against library: libvirt 9.0.0
            Using library: libvirt 9.0.1
            Using API: QEMU 9.0.0
            Running hypervisor: QEMU 7.2.22
            Running against daemon: 9.0.2

            """)
        #expect(v == VirshVersion(library: "9.0.1", daemon: "9.0.2", hypervisor: "QEMU", hypervisorVersion: "7.2.22"))
        let noDaemon = VirshVersion(parsing: "Using library: libvirt 9.0.0\nRunning hypervisor: TEST 0.0.2\n")
        #expect(noDaemon.daemon == nil)
        #expect(noDaemon.hypervisor == "TEST")
        #expect(VirshVersion(parsing: "error: failed to connect") == VirshVersion())
    }

    @Test func installedPackagesComeFromTheStatusLetter() {
        let output = "libvirt-daemon\tii \t9.0.0-4\ntini\tun \t\nqemu-utils\trc \t1:7.2\nqemu-system-x86\thi \t1:7.2+dfsg\nbroken\tiF \t1\n"
        #expect(DebianPackageQuery.parse(output) == [.init(name: "libvirt-daemon", version: "9.0.0-4"),
                                                      .init(name: "qemu-system-x86", version: "1:7.2+dfsg")])
    }

    @Test(.enabled(if: Command.find("dpkg-query") != nil, "needs a Debian system"))
    func dpkgQueryReportsUnknownPackagesAsMissing() throws {
        let absent = "rewind-host-no-such-package"
        #expect(try DebianPackages.missing(["dpkg", absent]) == [absent])
    }

    @Test func commandsReportStatusOutputAndTimeouts() throws {
        let ok = try Command.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout: 10)
        #expect(ok.status == 3)
        #expect(ok.output == "out\n")
        #expect(ok.errorOutput == "err\n")
        #expect(!ok.timedOut)
        let slow = try Command.run(["sleep", "30"], timeout: 0.3)
        #expect(slow.timedOut)
        #expect(!slow.succeeded)
        #expect(throws: LiveHostError.self) { try Command.run(["rewind-host-no-such-program"], timeout: 1) }
    }
}
