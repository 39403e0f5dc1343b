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

    @Test("the one accelerator decision: KVM where libvirt offers it, TCG on kvm_pvm or without kvm, none without qemu")
    func acceleratorDecision() {
        func choose(_ caps: String, _ kvm: Accelerator.KVMModule) -> Accelerator {
            Accelerator.choose(capabilitiesText: caps, kvm: kvm).accelerator
        }
        #expect(choose(Self.qemuCapabilities, .hardware) == .kvm)
        #expect(choose(Self.qemuCapabilities, .unknown) == .kvm)
        #expect(choose(Self.qemuCapabilities, .pvm) == .tcg)
        #expect(Accelerator.choose(capabilitiesText: Self.qemuCapabilities, kvm: .pvm).reason.contains("kvm_pvm"))
        let tcgOnly = Self.qemuCapabilities.replacingOccurrences(of: "<domain type='kvm'/>", with: "")
        #expect(choose(tcgOnly, .hardware) == .tcg)
        let kvmWithEmulator = Self.qemuCapabilities.replacingOccurrences(
            of: "<domain type='kvm'/>", with: "<domain type=\"kvm\">\n<emulator>/usr/bin/kvm</emulator></domain>")
        #expect(choose(kvmWithEmulator, .hardware) == .kvm)
        let testDriver = "<capabilities><guest><arch name='i686'><domain type='test'/></arch></guest></capabilities>"
        #expect(choose(testDriver, .hardware) == Accelerator.none)
        #expect(Accelerator.tcg.domainType == "qemu" && Accelerator.kvm.domainType == "kvm" && Accelerator.none.domainType == nil)
    }

    @Test("the KVM module: hardware wins over kvm_pvm; kvm_pvm alone is pvm; none is unknown")
    func kvmModule() {
        #expect(Accelerator.KVMModule.detect { ["kvm_intel", "kvm_pvm"].contains($0) } == .hardware)
        #expect(Accelerator.KVMModule.detect { $0 == "kvm_amd" } == .hardware)
        #expect(Accelerator.KVMModule.detect { $0 == "kvm_pvm" } == .pvm)
        #expect(Accelerator.KVMModule.detect { _ in false } == .unknown)
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
