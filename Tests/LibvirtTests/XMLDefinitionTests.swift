import Foundation
import Libvirt
import RewindXML
import Testing

/// A name that breaks XML built by string concatenation.
private let hostileName = "a'b\"c&d<e>f é"

/// Runs `virsh -q -c uri "<commands joined by ;>"` and returns its standard output. One virsh process
/// keeps one test-driver state for all its commands.
private func virsh(_ uri: String, _ commands: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/virsh")
    p.arguments = ["-q", "-c", uri, commands.joined(separator: " ; ")]
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw VirshFailure(message: String(decoding: errData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

private struct VirshFailure: Error { var message: String }

@Suite("Libvirt XML definitions")
struct XMLDefinitionTests {
    // MARK: Domain

    static let labDomain = DomainDefinition(
        name: hostileName, uuid: "6a1b8a0e-3c52-4b8e-9a4e-2f7a7d0c9b11", type: .qemu, memoryMiB: 96, vcpus: 2,
        emulator: "/usr/bin/qemu-system-x86_64",
        disks: [
            .init(target: "vda", source: "/var/lib/libvirt/images/rewind/o'neil & \"co\" <1> é.qcow2",
                  backingChain: [.init(file: "/images/base ]]> 日本.qcow2", format: .qcow2),
                                 .init(file: "/images/root.raw", format: .raw)]),
            .init(target: "vdb", source: "/images/data.raw", format: .raw, readOnly: true),
            .init(target: "sda", bus: "sata", source: nil, format: .raw, readOnly: true, device: "cdrom"),
        ],
        console: .file(path: "/var/log/rewind/console & <x>.log"), guestAgent: true,
        kernel: "/boot/vmlinuz", initrd: "/boot/initrd.img", cmdline: "console=ttyS0 quiet x='1' y=\"&\"",
        metadata: [
            .rewindLab(run: "run-'1'&<2>"),
            MetadataItem(namespaceURI: "urn:rewind-test:other", prefix: "o", name: "note",
                         attributes: ["k": "v\"'<>&"], children: [
                             MetadataItem(namespaceURI: "urn:rewind-test:other", prefix: "o", name: "line", text: "x'/><evil/>"),
                         ]),
        ])

    @Test("a domain definition survives xml() → init(xml:) unchanged")
    func domainRoundTrip() throws {
        let def = Self.labDomain
        let parsed = try DomainDefinition(xml: def.xml())
        #expect(parsed == def)
        #expect(parsed.rewindRunID == "run-'1'&<2>")
        #expect(parsed.disks[0].chainFiles == [def.disks[0].source!, "/images/base ]]> 日本.qcow2", "/images/root.raw"])

        var minimal = DomainDefinition(name: "m", arch: nil, machine: nil, acpi: false)
        minimal.console = .pty()
        #expect(try DomainDefinition(xml: minimal.xml()) == minimal)
        #expect(try DomainDefinition(xml: minimal.xml()).usesUEFI == false)
    }

    @Test("a UEFI guest is recognised by its firmware attribute, a pflash loader or an NVRAM file")
    func uefi() throws {
        for os in ["<os firmware='efi'><type arch='x86_64'>hvm</type></os>",
                   "<os><type>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader></os>",
                   "<os><type>hvm</type><nvram>/var/lib/libvirt/qemu/nvram/g_VARS.fd</nvram></os>"] {
            let xml = "<domain type='kvm'><name>g</name><memory unit='KiB'>65536</memory>\(os)</domain>"
            #expect(try DomainDefinition(xml: xml).usesUEFI, "\(os)")
        }
    }

    @Test("xml() writes a lab guest: q35, no NIC, no graphics, no balloon, the guest agent channel")
    func domainShape() throws {
        let doc = try XMLDocument(parsing: Self.labDomain.xml())
        #expect(doc.root["type"] == "qemu")
        #expect(try doc.string(at: "os/type/@machine") == "q35")
        #expect(try doc.string(at: "os/type/@arch") == "x86_64")
        #expect(try doc.string(at: "memory/@unit") == "MiB")
        #expect(try doc.string(at: "memory") == "96")
        #expect(try doc.select("devices/interface | devices/graphics | devices/video").isEmpty)
        #expect(try doc.strings(at: "devices/memballoon/@model") == ["none"])
        let channel = try doc.select("devices/channel[@type='unix']/target[@type='virtio']")
        #expect(channel.map { $0["name"] } == ["org.qemu.guest_agent.0"])
        #expect(try doc.string(at: "count(//*[local-name()='evil'])") == "0")
        let lab = try doc.select("metadata/r:lab", namespaces: ["r": MetadataItem.rewindNamespace])
        #expect(lab.count == 1)
        #expect(lab.first?["run"] == "run-'1'&<2>")
        // Every disk is a file disk with its format in <driver>.
        #expect(try doc.strings(at: "devices/disk/@type") == ["file", "file", "file"])
        #expect(try doc.strings(at: "devices/disk/driver/@type") == ["qcow2", "raw", "raw"])
        #expect(try doc.strings(at: "devices/disk[1]/backingStore/source/@file | devices/disk[1]/backingStore/backingStore/source/@file")
                == ["/images/base ]]> 日本.qcow2", "/images/root.raw"])
    }

    @Test("a live QEMU domain: backing chain, alias, index, metadata, console, agent state")
    func parseLiveChain() throws {
        let def = try DomainDefinition(xml: LibvirtXMLFixtures.liveChain)
        #expect(def.name == "rewind-xml-fix")
        #expect(def.uuid == "9cc90869-3688-48df-b12c-0943bc8a55e9")
        #expect(def.type == .kvm)
        #expect(def.id == 2)
        #expect(def.memoryMiB == 64)
        #expect(def.vcpus == 1)
        #expect(def.machine == "pc-q35-7.2")
        #expect(def.arch == "x86_64")
        #expect(def.emulator == "/usr/bin/qemu-system-x86_64")
        #expect(def.rewindRunID == "RUN1")
        #expect(def.console == .pty(path: "/dev/pts/0"))
        #expect(def.guestAgent)
        #expect(def.guestAgentState == "disconnected")
        #expect(def.disks.map(\.target) == ["vda", "vdb"])
        let vda = def.disks[0]
        #expect(vda.source == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s2.qcow2")
        #expect(vda.index == 9)
        #expect(vda.alias == "virtio-disk0")
        #expect(vda.format == .qcow2)
        #expect(vda.bus == "virtio")
        #expect(vda.backingChain == [
            .init(file: "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s1.qcow2", format: .qcow2, index: 8),
            .init(file: "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2", format: .qcow2, index: 2),
        ])
        #expect(vda.mirror == nil)
        let vdb = def.disks[1]
        #expect(vdb.readOnly)
        #expect(vdb.format == .raw)
        #expect(vdb.backingChain.isEmpty)
        #expect(vdb.alias == "virtio-disk1")
    }

    @Test("a block copy shows up as <mirror job='copy' ready='yes'>")
    func parseMirror() throws {
        let def = try DomainDefinition(xml: LibvirtXMLFixtures.liveMirror)
        let mirror = try #require(def.disks.first { $0.target == "vda" }?.mirror)
        #expect(mirror.job == "copy")
        #expect(mirror.isReady)
        #expect(mirror.file == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.copy.qcow2")
        #expect(mirror.format == .qcow2)
        #expect(def.disks.first { $0.target == "vdb" }?.mirror == nil)
        // The mirror's own <source> and <backingStore> are not mistaken for the disk's.
        #expect(def.disks[0].source == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2")
        #expect(def.disks[0].backingChain.isEmpty)
    }

    @Test("the test driver's default domain parses")
    func parseTestDriverDomain() throws {
        let conn = try Connection(uri: "test:///default")
        let xml = try conn.lookupDomain(name: "test").xmlDescription()
        let def = try DomainDefinition(xml: xml)
        #expect(def.name == "test")
        #expect(def.type == .test)
        #expect(def.uuid == (try conn.lookupDomain(name: "test").uuid))
        #expect(def.memoryMiB == 8192)
        #expect(def.vcpus == 2)
        #expect(def.disks.map(\.target) == ["vda"])
        #expect(def.disks.first?.source == "/guest/diskimage1")
        #expect(def.guestAgent == false)
        #expect(def.metadata.isEmpty)
    }

    @Test("a hostile domain name and metadata survive a round trip through libvirt")
    func hostileThroughLibvirt() throws {
        let node = try TestDriverNode("xml")
        let conn = node.connection
        var def = DomainDefinition(name: hostileName, type: .test, memoryMiB: 128, arch: "i686", machine: nil,
                                   disks: [.init(target: "vda", source: "/images/\(hostileName).qcow2")])
        def.metadata = [.rewindLab(run: hostileName)]
        let dom = try conn.defineDomain(xml: def.xml())
        #expect(dom.name == hostileName)
        #expect(try conn.lookupDomain(name: hostileName).uuid == dom.uuid)
        for flags: Domain.XMLFlags in [[], [.inactive]] {
            let back = try DomainDefinition(xml: dom.xmlDescription(flags))
            #expect(back.name == hostileName)
            #expect(back.rewindRunID == hostileName)
            #expect(back.memoryMiB == 128)
            #expect(back.disks.first?.source == "/images/\(hostileName).qcow2")
        }
        // And the XML libvirt printed is itself well-formed with exactly one <name>.
        let doc = try XMLDocument(parsing: try dom.xmlDescription())
        #expect(try doc.strings(at: "name") == [hostileName])
    }

    @Test("malformed or foreign documents throw VIR_ERR_XML_ERROR")
    func domainErrors() {
        for bad in ["", "<domain>", "<domain>\n<name>x</nam>\n</domain>", "<snapshot/>", "<domain type='kvm'/>",
                    "<domain><name>x</name><vcpu>two</vcpu></domain>",
                    "<domain><name>x</name><memory unit='parsecs'>1</memory></domain>"] {
            do {
                _ = try DomainDefinition(xml: bad)
                Issue.record("parsed: \(bad)")
            } catch {
                #expect(error.code == .xmlError)
                #expect(error.code.name == "VIR_ERR_XML_ERROR")
            }
        }
        do {
            _ = try DomainDefinition(xml: "<domain>\n<name>x</nam>\n</domain>")
        } catch {
            #expect(error.message.contains("line 2"))
        }
    }

    @Test("memory units are converted to MiB")
    func memoryUnits() throws {
        for (value, unit, mib) in [("1048576", "KiB", 1024), ("64", "MiB", 64), ("1", "G", 1024),
                                   ("67108864", "bytes", 64), ("2", "GiB", 2048), ("65536", nil, 64)] as [(String, String?, Int)] {
            let doc = XMLDocument(rootName: "domain")
            doc.root.addChild(name: "name", text: "m")
            let m = doc.root.addChild(name: "memory", text: value)
            if let unit { m["unit"] = unit }
            #expect(try DomainDefinition(xml: doc.serialized()).memoryMiB == mib)
        }
    }

    // MARK: Snapshot

    @Test("a snapshot definition survives xml() → init(xml:)", arguments: [
        SnapshotDefinition(name: hostileName, description: "d & <x> ]]> é", memory: .internal),
        SnapshotDefinition(name: "s", memory: .no, disks: [
            .init(name: "vda", snapshot: .external, source: "/images/o'ver \"lay\".qcow2", driverType: .qcow2),
            .init(name: "vdb", snapshot: .no),
            .init(name: "vdc", snapshot: .manual),
            .init(name: "vdd", snapshot: .internal),
        ]),
        SnapshotDefinition(memory: .external(file: "/images/mem & state")),
        SnapshotDefinition(),
    ])
    func snapshotRoundTrip(def: SnapshotDefinition) throws {
        #expect(try SnapshotDefinition(xml: def.xml()) == def)
    }

    @Test("an external disk snapshot is written as formatsnapshot shows it")
    func snapshotShape() throws {
        let def = SnapshotDefinition(name: "s1", memory: .no, disks: [
            .init(name: "vda", snapshot: .external, source: "/i/vda.s1.qcow2", driverType: .qcow2),
            .init(name: "vdb", snapshot: .no),
        ])
        #expect(def.xml() == """
            <domainsnapshot>
              <name>s1</name>
              <memory snapshot="no"/>
              <disks>
                <disk name="vda" snapshot="external" type="file">
                  <driver type="qcow2"/>
                  <source file="/i/vda.s1.qcow2"/>
                </disk>
                <disk name="vdb" snapshot="no"/>
              </disks>
            </domainsnapshot>

            """)
    }

    @Test("QEMU snapshot output: external memory, disk-only child, embedded domain")
    func parseQemuSnapshots() throws {
        let s1 = try SnapshotDefinition(xml: LibvirtXMLFixtures.snapshotExternalMemory)
        #expect(s1.name == "s1")
        #expect(s1.description == "first <snap> & \"x\"")
        #expect(s1.state == .running)
        #expect(s1.parent == nil)
        #expect(s1.creationTime == Date(timeIntervalSince1970: 1795794522))
        #expect(s1.memory == .external(file: "/var/lib/libvirt/images/rewind/rewind-xml-fix.s1.mem"))
        #expect(s1.disks == [
            .init(name: "vda", snapshot: .external, source: "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s1.qcow2",
                  driverType: .qcow2),
            .init(name: "vdb", snapshot: .no),
        ])
        #expect(s1.domain?.name == "rewind-xml-fix")

        let s2 = try SnapshotDefinition(xml: LibvirtXMLFixtures.snapshotDiskOnly)
        #expect(s2.state == .diskSnapshot)
        #expect(s2.parent == "s1")
        #expect(s2.memory == SnapshotDefinition.Memory.no)
        #expect(s2.disks.map(\.name) == ["vda", "vdb"])
        #expect(s2.disks[0].source == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s2.qcow2")
        // The saved domain is the one from before s2: its vda is s1's overlay on the base image.
        let vda = try #require(s2.domain?.disks.first)
        #expect(vda.source == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.s1.qcow2")
        #expect(vda.backingChain.map(\.file) == ["/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2"])
        #expect(s2.domain?.rewindRunID == "RUN1")
    }

    @Test("snapshots built here are accepted by the test driver and read back")
    func snapshotThroughTestDriver() throws {
        let dir = try TemporaryDirectory("xml")
        let first = try dir.write("s1.xml", SnapshotDefinition(name: "s1", description: hostileName).xml())
        let second = try dir.write("s2.xml", SnapshotDefinition(name: "s2", description: "second").xml())
        let out = try virsh("test:///default", ["snapshot-create test \(first)", "snapshot-create test \(second)",
                                                "snapshot-dumpxml test s1", "snapshot-dumpxml test s2"])
        // Two documents, one after the other.
        let parts = out.components(separatedBy: "</domainsnapshot>").dropLast().map { $0 + "</domainsnapshot>" }
        #expect(parts.count == 2)
        let s1 = try SnapshotDefinition(xml: parts[0])
        let s2 = try SnapshotDefinition(xml: parts[1])
        #expect(s1.name == "s1")
        #expect(s1.description == hostileName)
        #expect(s1.state == .running)
        #expect(s1.parent == nil)
        #expect(s2.parent == "s1")
        #expect(s2.creationTime != nil)
        #expect(s2.domain?.name == "test")
    }

    @Test("unknown snapshot modes are rejected")
    func snapshotErrors() {
        #expect(throws: LibvirtError.self) {
            try SnapshotDefinition(xml: "<domainsnapshot><disks><disk name='vda' snapshot='maybe'/></disks></domainsnapshot>")
        }
        #expect(throws: LibvirtError.self) { try SnapshotDefinition(xml: "<domainsnapshot><memory snapshot='x'/></domainsnapshot>") }
        #expect(throws: LibvirtError.self) { try SnapshotDefinition(xml: "<domainsnapshot><disks><disk/></disks></domainsnapshot>") }
        #expect(throws: LibvirtError.self) { try SnapshotDefinition(xml: "<domaincheckpoint/>") }
    }

    // MARK: Checkpoint

    @Test("a checkpoint definition survives xml() → init(xml:)")
    func checkpointRoundTrip() throws {
        let defs = [
            CheckpointDefinition(name: hostileName, description: "x'/><evil/>",
                                 disks: [.init(name: "vda", bitmap: "b & <c>"), .init(name: "vdb", checkpoint: .no)]),
            CheckpointDefinition(name: "cp", disks: [.init(name: "vda", checkpoint: nil)]),
            CheckpointDefinition(),
        ]
        for def in defs { #expect(try CheckpointDefinition(xml: def.xml()) == def) }
        #expect(CheckpointDefinition(name: "cp1", disks: [.init(name: "vda"), .init(name: "vdb", checkpoint: .no)]).xml() == """
            <domaincheckpoint>
              <name>cp1</name>
              <disks>
                <disk name="vda" checkpoint="bitmap"/>
                <disk name="vdb" checkpoint="no"/>
              </disks>
            </domaincheckpoint>

            """)
    }

    @Test("QEMU checkpoint output: size per disk, parent, creation time")
    func parseQemuCheckpoints() throws {
        let cp1 = try CheckpointDefinition(xml: LibvirtXMLFixtures.checkpointWithSize)
        #expect(cp1.name == "cp1")
        #expect(cp1.description == "first & \"quoted\" é")
        #expect(cp1.parent == nil)
        #expect(cp1.creationTime == Date(timeIntervalSince1970: 1795794502))
        #expect(cp1.disks.count == 2)
        #expect(cp1.disks[0].name == "vda")
        #expect(cp1.disks[0].checkpoint == .bitmap)
        #expect(cp1.disks[0].bitmap == "cp1")
        #expect(cp1.disks[0].size == 1_048_576)
        #expect(cp1.disks[1].checkpoint == .no)
        #expect(cp1.disks[1].size == nil)

        let cp2 = try CheckpointDefinition(xml: LibvirtXMLFixtures.checkpointChild)
        #expect(cp2.parent == "cp1")
        #expect(cp2.disks.map(\.bitmap) == ["cp2", nil])
    }

    @Test("checkpoints built here are accepted by the test driver and read back")
    func checkpointThroughTestDriver() throws {
        let dir = try TemporaryDirectory("xml")
        let c1 = try dir.write("c1.xml", CheckpointDefinition(name: "c1", description: hostileName,
                                                              disks: [.init(name: "vda", bitmap: "c1")]).xml())
        let c2 = try dir.write("c2.xml", CheckpointDefinition(name: "c2").xml())
        let out = try virsh("test:///default", ["checkpoint-create test \(c1)", "checkpoint-create test \(c2)",
                                                "checkpoint-dumpxml test c2 --no-domain"])
        let c2back = try CheckpointDefinition(xml: out)
        #expect(c2back.name == "c2")
        #expect(c2back.parent == "c1")
        #expect(c2back.disks.map(\.name) == ["vda"])
        #expect(c2back.disks.first?.checkpoint == .bitmap)
        #expect(c2back.disks.first?.bitmap == "c2")
        let c1back = try CheckpointDefinition(xml: try virsh("test:///default", [
            "checkpoint-create test \(c1)", "checkpoint-dumpxml test c1"]))
        #expect(c1back.description == hostileName)
    }

    // MARK: Backup

    @Test("a backup definition survives xml() → init(xml:)")
    func backupRoundTrip() throws {
        let defs = [
            BackupDefinition(mode: .pull, incremental: "cp1", server: .tcp(name: "localhost", port: 10811), disks: [
                .init(name: "vda", scratch: "/s/o'k & \"x\".scratch", driverType: .qcow2, exportName: "e<1>",
                      exportBitmap: "b&2"),
                .init(name: "vdb", backup: false),
            ]),
            BackupDefinition(mode: .pull, server: .unix(socket: "/run/rewind/\(hostileName).sock")),
            BackupDefinition(mode: .pull, server: .tcp(name: "::1", port: nil)),
            BackupDefinition(mode: .push, disks: [.init(name: "vda", target: "/b/vda.qcow2", driverType: .raw)]),
            BackupDefinition(mode: .push),
        ]
        for def in defs { #expect(try BackupDefinition(xml: def.xml()) == def) }
    }

    @Test("QEMU backup output: defaulted export names, bitmaps, modes and indexes")
    func parseQemuBackups() throws {
        let pull = try BackupDefinition(xml: LibvirtXMLFixtures.backupPullIncrementalTCP)
        #expect(pull.mode == .pull)
        #expect(pull.incremental == "cp1")
        #expect(pull.server == .tcp(name: "localhost", port: 10811))
        let vda = pull.disks[0]
        #expect(vda.name == "vda")
        #expect(vda.backup)
        #expect(vda.type == "file")
        #expect(vda.backupMode == "incremental")
        #expect(vda.incremental == "cp1")
        #expect(vda.exportName == "vda")
        #expect(vda.exportBitmap == "backup-vda")
        #expect(vda.index == 3)
        #expect(vda.driverType == .qcow2)
        #expect(vda.scratch == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.scratch")
        #expect(vda.target == nil)
        #expect(pull.disks[1].name == "vdb")
        #expect(pull.disks[1].backup == false)

        let unix = try BackupDefinition(xml: LibvirtXMLFixtures.backupPullUnixDefaults)
        #expect(unix.server == .unix(socket: "/tmp/rewind-xml-fix/nbd.sock"))
        #expect(unix.incremental == nil)
        #expect(unix.disks[0].backupMode == "full")
        #expect(unix.disks[0].exportBitmap == nil)
        #expect(unix.disks[0].scratch?.hasPrefix("/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.qcow2.") == true)

        let push = try BackupDefinition(xml: LibvirtXMLFixtures.backupPush)
        #expect(push.mode == .push)
        #expect(push.server == nil)
        #expect(push.disks[0].target == "/var/lib/libvirt/images/rewind/rewind-xml-fix-vda.backup.qcow2")
        #expect(push.disks[0].index == 6)
        #expect(push.disks.map(\.backup) == [true, false])
    }

    @Test("unknown backup modes and transports are rejected")
    func backupErrors() {
        #expect(throws: LibvirtError.self) { try BackupDefinition(xml: "<domainbackup mode='pour'/>") }
        #expect(throws: LibvirtError.self) {
            try BackupDefinition(xml: "<domainbackup mode='pull'><server transport='rdma'/></domainbackup>")
        }
        #expect(throws: LibvirtError.self) {
            try BackupDefinition(xml: "<domainbackup mode='pull'><server transport='tcp' port='x'/></domainbackup>")
        }
    }

    // MARK: Capabilities

    @Test("QEMU capabilities list kvm and qemu for x86_64")
    func parseQemuCapabilities() throws {
        let caps = try Capabilities(xml: LibvirtXMLFixtures.capabilities)
        #expect(caps.hostArch == "x86_64")
        #expect(caps.hasKVM)
        #expect(caps.supports(.kvm, arch: "x86_64"))
        #expect(caps.supports(.qemu, arch: "x86_64"))
        #expect(!caps.supports(.test))
        let x86 = try #require(caps.guests.first { $0.arch == "x86_64" })
        #expect(x86.osType == "hvm")
        #expect(x86.wordSize == 64)
        #expect(x86.emulator == "/usr/bin/qemu-system-x86_64")
        #expect(x86.domainTypes == [.qemu, .kvm])
        #expect(x86.machines.first { $0.name == "q35" }?.canonical == "pc-q35-7.2")
        #expect(x86.machines.contains { $0.deprecated })
    }

    @Test("the test driver's capabilities list only the test domain type")
    func parseTestCapabilities() throws {
        let caps = try Capabilities(xml: Connection(uri: "test:///default").capabilitiesXML())
        #expect(caps.hostArch == "i686")
        #expect(!caps.hasKVM)
        #expect(caps.supports(.test, arch: "i686"))
        #expect(caps.guests.map(\.osType) == ["hvm", "xen"])
        #expect(caps.guests.allSatisfy { $0.domainTypes == [.test] })
    }

    @Test("QEMU domain capabilities advertise backup")
    func parseDomainCapabilities() throws {
        let dcaps = try DomainCapabilities(xml: LibvirtXMLFixtures.domainCapabilities)
        #expect(dcaps.virtType == .kvm)
        #expect(dcaps.path == "/usr/bin/qemu-system-x86_64")
        #expect(dcaps.arch == "x86_64")
        #expect(dcaps.machine == "pc-i440fx-7.2")
        #expect(dcaps.maxVCPUs == 255)
        #expect(dcaps.supportsBackup)
        #expect(dcaps.features["backingStoreInput"] == true)
        #expect(dcaps.features["sev"] == false)
        #expect(dcaps.features["gic"] == false)
        #expect(dcaps.features["nonexistent"] == nil)
        #expect(dcaps.devices["disk"] == true)
        #expect(dcaps.diskBuses.contains("virtio"))
        #expect(throws: LibvirtError.self) { try DomainCapabilities(xml: LibvirtXMLFixtures.capabilities) }
    }

    // MARK: Live (qemu:///system)

    @Test("a built lab domain boots on QEMU and reads back",
          .enabled(if: ProcessInfo.processInfo.environment["REWIND_LIVE"] == "1"))
    func liveDomain() throws {
        let conn = try Connection(uri: "qemu:///system")
        let caps = try Capabilities(xml: conn.capabilitiesXML())
        let name = "rewind-xml-live-\(UUID().uuidString.prefix(8))"
        let image = "/var/lib/libvirt/images/rewind/\(name)-vda.qcow2"
        try FileManager.default.createDirectory(atPath: "/var/lib/libvirt/images/rewind", withIntermediateDirectories: true)
        let qemuImg = Process()
        qemuImg.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
        qemuImg.arguments = ["create", "-q", "-f", "qcow2", image, "16M"]
        try qemuImg.run()
        qemuImg.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: image) }
        try #require(qemuImg.terminationStatus == 0)

        let def = DomainDefinition(name: name, type: caps.supports(.kvm, arch: "x86_64") ? .kvm : .qemu,
                                   disks: [.init(target: "vda", source: image)], console: .pty(),
                                   guestAgent: true, metadata: [.rewindLab(run: hostileName)])
        let dom = try conn.defineDomain(xml: def.xml())
        defer {
            try? dom.destroy()
            try? dom.undefine([.snapshotsMetadata, .checkpointsMetadata, .managedSave, .nvram])
        }
        try dom.start()
        let live = try DomainDefinition(xml: dom.xmlDescription())
        #expect(live.name == name)
        #expect(live.id != nil)
        #expect(live.rewindRunID == hostileName)
        #expect(live.machine?.hasPrefix("pc-q35-") == true)
        #expect(live.guestAgent)
        #expect(live.guestAgentState == "disconnected")
        #expect(live.disks.map(\.source) == [image])
        #expect(live.disks.first?.alias == "virtio-disk0")
        #expect(live.disks.first?.index != nil)
        if case .pty(let path)? = live.console { #expect(path?.hasPrefix("/dev/pts/") == true) } else {
            Issue.record("console: \(String(describing: live.console))")
        }
        let dcaps = try DomainCapabilities(xml: conn.domainCapabilitiesXML(virtType: def.type.rawValue))
        #expect(dcaps.supportsBackup)

        // A file console and direct kernel boot are accepted as written (defined only: no kernel exists).
        var boot = def
        boot.name = name + "-boot"
        boot.console = .file(path: "/var/lib/libvirt/images/rewind/\(boot.name).console.log")
        boot.kernel = "/var/lib/libvirt/images/rewind/\(boot.name).vmlinuz"
        boot.initrd = "/var/lib/libvirt/images/rewind/\(boot.name).initrd"
        boot.cmdline = "console=ttyS0 rewind.run=\"x y\""
        let bootDom = try conn.defineDomain(xml: boot.xml())
        defer { try? bootDom.undefine() }
        let inactive = try DomainDefinition(xml: bootDom.xmlDescription([.inactive]))
        #expect(inactive.console == boot.console)
        #expect(inactive.kernel == boot.kernel)
        #expect(inactive.initrd == boot.initrd)
        #expect(inactive.cmdline == boot.cmdline)
        #expect(inactive.acpi)
        #expect(inactive.memoryMiB == 64)
    }
}
