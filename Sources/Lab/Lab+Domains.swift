import Foundation
import GuideModel
import RewindXML
import Libvirt

// Lab guests: small domains with fresh disks, tagged as the lab's own and removed after the snippet.

extension Lab {
    /// Creates a lab guest and returns it, running unless `start` is false.
    ///
    /// ```swift
    /// let dom = try lab.makeDomain(disks: 2)          // rewind-<run>-vm, disks vda and vdb, running
    /// let spare = try lab.makeDomain(start: false)    // rewind-<run>-vm2, defined, shut off
    /// ```
    ///
    /// On the QEMU driver the guest is an x86_64 q35 machine (`kvm` when the host capabilities list KVM,
    /// else `qemu`) with `memoryMiB` of memory, no OS, no network, `<memballoon model='none'/>`, and
    /// `disks` virtio disks `vda`, `vdb`, … backed by fresh, empty qcow2 images of `diskSizeMiB` each,
    /// created with `qemu-img create` in `directory` as `<name>-vda.qcow2`, ….
    /// On the test driver the definition is the same but for `type='test'`, arch i686 and no machine; the
    /// image paths are recorded but no file is made (the test driver never opens them).
    ///
    /// The lab directory may be anywhere: `rewind verify` passes `<work directory>/labs/<run id>`, and the
    /// live host runs QEMU as root with `security_driver = "none"`, so QEMU opens images outside
    /// `/var/lib/libvirt/images` too.
    ///
    /// Every lab guest carries Rewind's tag in its `<metadata>` (`MetadataItem.rewindLab(run:snippet:)`)
    /// and is removed after the snippet: destroyed if running, undefined with its snapshot and checkpoint
    /// metadata, managed save image and NVRAM. Teardown checks the tag first and never touches a domain
    /// that lacks it (see `isOwned(_:run:)`). The images are deleted after the domain.
    ///
    /// - Parameters:
    ///   - disks: the number of disks (`vda`, `vdb`, …), 0 to 26.
    ///   - diskSizeMiB: the virtual size of each disk.
    ///   - memoryMiB: the guest memory.
    ///   - start: whether to start the guest.
    ///   - persistent: whether to define the guest (`virDomainDefineXML`) rather than create a transient
    ///     one (`virDomainCreateXML`, which starts it: `start` must then be true).
    ///   - name: the name after the lab's prefix (`lab.name(name)`); by default the first free one of
    ///     `vm`, `vm2`, `vm3`, ….
    ///   - machine: the machine type on the QEMU driver (default `q35`, the host's newest), e.g. a versioned
    ///     `pc-q35-7.2` that another host knows too (see `commonMachineType(with:)`).
    ///   - diskFormat: the format of the disks' images (default qcow2; raw for what qcow2 alone allows).
    ///   - uefi: boot UEFI firmware (the host's OVMF, from its domain capabilities) with an NVRAM file of this
    ///     format in the lab directory, instead of the lab's halt firmware; the fence declares `needs=uefi`. A
    ///     qcow2 NVRAM is made from a qcow2 copy of the host's variables template (libvirt makes a qcow2
    ///     NVRAM only from a qcow2 template); a raw one from the template itself.
    public func makeDomain(disks: Int = 1, diskSizeMiB: Int = 64, memoryMiB: Int = 64, start: Bool = true,
                           persistent: Bool = true, name: String? = nil, machine: String? = nil,
                           diskFormat: DiskFormat = .qcow2, uefi: DiskFormat? = nil,
                           file: String = #filePath, line: Int = #line) throws -> Domain {
        guard (0...26).contains(disks) else {
            throw LabFailure("makeDomain(disks: \(disks)): a lab guest has 0 to 26 disks", file: file, line: line)
        }
        guard persistent || start else {
            throw LabFailure("makeDomain(start: false, persistent: false): a transient domain exists only while it runs",
                             file: file, line: line)
        }
        let suffix = try name ?? freeDomainSuffix(disks: disks)
        guard Self.isPlainFileName(suffix) else {
            throw LabFailure("makeDomain(name: \"\(suffix)\"): the name must not contain '/'", file: file, line: line)
        }
        let domainName = self.name(suffix)
        let type = try virtType

        var definition = DomainDefinition(name: domainName, type: type, memoryMiB: memoryMiB,
                                          metadata: [.rewindLab(run: runID, snippet: snippetID)])
        if type == .test {
            definition.arch = "i686"
            definition.machine = nil
        } else {
            if let uefi {
                definition.uefi = try uefiFirmware(suffix: suffix, nvramFormat: uefi, file: file, line: line)
                definition.memoryMiB = max(memoryMiB, 128)            // OVMF needs more than the halt firmware
            } else {
                definition.firmwareROM = try haltFirmware(file: file, line: line)
            }
            if let machine { definition.machine = machine }
        }
        for index in 0..<disks {
            let target = Self.diskTarget(index)
            let image = try path("\(suffix)-\(target).\(diskFormat.rawValue)", file: file, line: line)
            if type != .test {
                try createImage(at: image, sizeMiB: diskSizeMiB, format: diskFormat, backing: nil, file: file, line: line)
            }
            definition.disks.append(.init(target: target, source: image, format: diskFormat))
        }

        var xml = definition.xml()
        var defined: Domain?
        if uefi == .qcow2, persistent, type != .test {
            // A libvirt that does not know `<nvram format>` (9.0) drops it and would hand the qcow2 template
            // to QEMU as raw flash: such a guest gets a raw NVRAM, and the evidence says so.
            let probe = try connection.defineDomain(xml: xml)
            if try DomainDefinition(xml: probe.xmlDescription(.inactive)).uefi?.nvramFormat == .qcow2 {
                defined = probe
            } else {
                try Lab.undefineWithMetadata(probe)
                var firmware = try uefiFirmware(suffix: suffix, nvramFormat: .raw, file: file, line: line)
                firmware.nvramFormat = nil
                firmware.templateFormat = nil
                definition.uefi = firmware
                xml = definition.xml()
                note("libvirt \(try connection.libraryVersion) does not keep <nvram format='qcow2'>: the UEFI guest got a raw NVRAM")
            }
        }
        let domain = try defined ?? (persistent ? connection.defineDomain(xml: xml) : connection.createDomain(xml: xml))
        let run = runID
        onTeardown { try Lab.remove(domain, run: run, file: file, line: line) }
        if persistent && start { try domain.start() }
        return domain
    }

    /// The host's UEFI firmware for a lab guest: the code image the domain capabilities list first, and an
    /// NVRAM file `<suffix>_VARS.<format>` in the lab directory made from the code's `_VARS` template (a
    /// qcow2 copy of it for a qcow2 NVRAM).
    func uefiFirmware(suffix: String, nvramFormat: DiskFormat, file: String, line: Int) throws -> DomainDefinition.UEFI {
        try require(GuideModel.Capability.uefi.rawValue, file: file, line: line)
        let caps = try XMLDocument(parsing: try connection.domainCapabilitiesXML())
        guard let code = try? caps.string(at: "/domainCapabilities/os/loader/value[1]"), !code.isEmpty else {
            throw Unsupported(capability: GuideModel.Capability.uefi.rawValue,
                              reason: "the domain capabilities list no UEFI firmware image (Debian package ovmf)")
        }
        let template = code.replacingOccurrences(of: "_CODE", with: "_VARS")
        guard template != code, try fileExists(template, file: file, line: line) else {
            throw Unsupported(capability: GuideModel.Capability.uefi.rawValue,
                              reason: "no variables template beside \(code) (expected \(template))")
        }
        var uefi = DomainDefinition.UEFI(code: code, nvram: try path("\(suffix)_VARS.\(nvramFormat.rawValue)", file: file, line: line),
                                         nvramFormat: nvramFormat, template: template, templateFormat: .raw)
        if nvramFormat == .qcow2 {
            let copy = try path("\(suffix)_VARS_template.qcow2", file: file, line: line)
            try qemuImg(["convert", "-f", "raw", "-O", "qcow2", template, copy], file: file, line: line)
            uefi.template = copy
            uefi.templateFormat = .qcow2
        }
        return uefi
    }

    /// A 64 KiB firmware image whose reset vector halts the CPU (`cli; hlt`, looping on `hlt`), written once
    /// into the lab directory on the host. A lab guest has no operating system: with SeaBIOS it would spend
    /// its first seconds probing devices and retrying boots (a fifth of a second of a core under TCG, more
    /// under a software KVM); with this ROM its vCPU halts at once and costs nothing while the snippet works
    /// on its disks, jobs and memory.
    func haltFirmware(file: String = #filePath, line: Int = #line) throws -> String {
        let rom = directory.appendingPathComponent("halt.rom").path
        if try !fileExists(rom, file: file, line: line) {
            var bytes = [UInt8](repeating: 0, count: 65536)
            bytes.replaceSubrange(0xFFF0..<0xFFF4, with: [0xFA, 0xF4, 0xEB, 0xFD])   // cli; hlt; jmp back to hlt
            try writeFile(rom, contents: Data(bytes), file: file, line: line)
        }
        return rom
    }

    /// The guest device name of the disk at `index`: `vda`, `vdb`, …
    static func diskTarget(_ index: Int) -> String {
        "vd" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index)))
    }

    /// The first of `vm`, `vm2`, `vm3`, … that names no domain and no image in the lab directory.
    private func freeDomainSuffix(disks: Int) throws -> String {
        var n = 1
        while true {
            let suffix = n == 1 ? "vm" : "vm\(n)"
            let imageExists = (0..<max(disks, 1)).contains { index in
                FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent("\(suffix)-\(Self.diskTarget(index)).qcow2").path)
            }
            if !imageExists, try !domainExists(self.name(suffix)) { return suffix }
            n += 1
        }
    }

    /// Whether a domain of that name exists on the connection.
    private func domainExists(_ name: String) throws(LibvirtError) -> Bool {
        do {
            _ = try connection.lookupDomain(name: name)
            return true
        } catch {
            if error.code == .noDomain { return false }
            throw error
        }
    }

    /// The live `<source file=…>` of a disk: the image the guest writes to now, which changes with
    /// external snapshots, block copy pivots and block commits.
    ///
    /// ```swift
    /// let before = try lab.diskSource(dom, "vda")      // …/vm-vda.qcow2
    /// // after an external disk-only snapshot:
    /// let after = try lab.diskSource(dom, "vda")       // the overlay
    /// ```
    ///
    /// - Throws: `LibvirtError` if the XML cannot be read; `LabFailure` if the domain has no such disk or
    ///   the disk has no source.
    public func diskSource(_ domain: Domain, _ disk: String, file: String = #filePath, line: Int = #line) throws -> String {
        let live = try DomainDefinition(xml: domain.xmlDescription())
        guard let d = live.disks.first(where: { $0.target == disk }) else {
            throw LabFailure("\(domain.name) has no disk \(disk) (it has \(live.disks.map(\.target)))", file: file, line: line)
        }
        guard let source = d.source else {
            throw LabFailure("disk \(disk) of \(domain.name) has no source", file: file, line: line)
        }
        return source
    }

    // MARK: Ownership

    /// Whether `domain` carries Rewind's lab tag (`MetadataItem.rewindLab(run:)`) — of the lab run `run`,
    /// when given. Lab teardown and clean-up touch only such domains.
    ///
    /// ```swift
    /// let dom = try lab.makeDomain()
    /// try lab.expect(try Lab.isOwned(dom, run: lab.runID))
    /// try lab.expect(!(try Lab.isOwned(lab.connection.lookupDomain(name: "test"))))   // test driver's own
    /// ```
    ///
    /// The tag is read with `Domain.metadata(namespaceURI:)` (`virDomainGetMetadata`).
    public static func isOwned(_ domain: Domain, run: String? = nil) throws(LibvirtError) -> Bool {
        guard let tag = try domain.metadata(namespaceURI: MetadataItem.rewindNamespace),
              tag.isRewindLab else { return false }
        return run == nil || tag.attributes["run"] == run
    }

    /// Removes a lab domain: destroys it if it runs, undefines it if it is persistent. A domain that is
    /// already gone is fine; one without the lab tag of `run` is refused with a failure naming `file` and
    /// `line` (where the domain was made).
    static func remove(_ domain: Domain, run: String, file: String = #filePath, line: Int = #line) throws {
        do {
            guard try isOwned(domain, run: run) else {
                throw LabFailure("refusing to remove \(domain.name): it does not carry the lab tag of run \(run)",
                                 file: file, line: line)
            }
            if try domain.isActive() { try domain.destroy() }
            if try domain.isPersistent() { try undefineWithMetadata(domain) }
        } catch let error as LibvirtError {
            if error.code == .noDomain { return }   // the snippet removed it, or it was transient and stopped
            throw error
        }
    }

    /// Undefines with the widest set of flags the driver accepts: the test driver refuses
    /// `VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA` ("unsupported flags"), so narrower sets are tried after it.
    static func undefineWithMetadata(_ domain: Domain) throws(LibvirtError) {
        let attempts: [Domain.UndefineFlags] = [
            [.managedSave, .snapshotsMetadata, .checkpointsMetadata, .nvram],
            [.managedSave, .snapshotsMetadata, .nvram],
            [.managedSave, .snapshotsMetadata],
            [.snapshotsMetadata],
            [],
        ]
        var firstError: LibvirtError?
        for flags in attempts {
            do {
                try domain.undefine(flags)
                return
            } catch {
                // A flag this driver does not know: try fewer. Anything else is a real refusal.
                guard error.code == .invalidArg || error.meansUnsupported else { throw error }
                firstError = firstError ?? error
            }
        }
        throw firstError!
    }
}
