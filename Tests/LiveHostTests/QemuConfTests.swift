import Foundation
import Testing
@testable import LiveHost

@Suite("qemu.conf edits")
struct QemuConfTests {
    /// Shaped like Debian's shipped file: everything commented out, plus one real setting.
    static let debianLike = """
        # Master configuration file for the QEMU driver.
        #
        #user = "libvirt-qemu"
        #group = "libvirt-qemu"
        # security_driver = "selinux"
        vnc_listen = "0.0.0.0"
        cgroup_device_acl = [
            "/dev/null", "/dev/full", "/dev/zero"
        ]

        """

    @Test func addsEveryMissingSettingInOneBlockAndKeepsOtherLines() {
        let edit = QemuConf.apply(to: Self.debianLike)
        #expect(edit.changed)
        #expect(edit.managed == ["user", "group", "security_driver", "remember_owner", "namespaces"])
        #expect(edit.alreadySet.isEmpty)
        // The original text is kept byte for byte; the block follows it after a blank line.
        #expect(edit.text.hasPrefix(Self.debianLike))
        let added = edit.text.dropFirst(Self.debianLike.count)
        #expect(added == """

            \(QemuConf.blockBegin)
            user = "root"
            group = "root"
            security_driver = "none"
            remember_owner = 0
            namespaces = []
            \(QemuConf.blockEnd)

            """)
    }

    @Test func applyingTwiceChangesNothing() {
        let once = QemuConf.apply(to: Self.debianLike)
        let twice = QemuConf.apply(to: once.text)
        #expect(!twice.changed)
        #expect(twice.text == once.text)
        #expect(twice.managed == once.managed)
    }

    @Test func neverOverridesAnAdministratorsSetting() {
        let text = "user = \"libvirt-qemu\"\n  group\t=  \"kvm\"\nuser_extra = 1\n"
        let edit = QemuConf.apply(to: text)
        #expect(edit.alreadySet == ["user": "\"libvirt-qemu\"", "group": "\"kvm\""])
        #expect(edit.managed == ["security_driver", "remember_owner", "namespaces"])
        #expect(edit.text.hasPrefix(text))
        #expect(!edit.text.contains("user = \"root\""))
        #expect(!edit.text.contains("group = \"root\""))
    }

    @Test func aKeyWithALongerNameIsNotTheKey() {
        #expect(QemuConf.value(of: "user", in: ["user_extra = 1", "users = 2"]) == nil)
        #expect(QemuConf.value(of: "user", in: ["# user = \"x\"", "\tuser= \"y\""]) == "\"y\"")
    }

    @Test func aMultiLineListCountsAsSet() {
        let text = "namespaces = [\n  \"mount\"\n]\n"
        let edit = QemuConf.apply(to: text)
        #expect(edit.alreadySet["namespaces"] == "[")
        #expect(!edit.managed.contains("namespaces"))
    }

    @Test func keepsAnEditMadeInsideTheBlock() {
        let first = QemuConf.apply(to: "").text
        let edited = first.replacingOccurrences(of: "remember_owner = 0", with: "remember_owner = 1")
        let again = QemuConf.apply(to: edited)
        #expect(!again.changed)
        #expect(again.text.contains("remember_owner = 1"))
    }

    @Test func dropsABlockLineOnceTheAdministratorSetsTheKeyElsewhere() {
        let withBlock = QemuConf.apply(to: "a = 1\n").text
        let admin = "security_driver = \"apparmor\"\n" + withBlock + "tail = 2\n"
        let edit = QemuConf.apply(to: admin)
        #expect(edit.changed)
        #expect(edit.alreadySet == ["security_driver": "\"apparmor\""])
        #expect(!edit.text.contains("security_driver = \"none\""))
        // The block stays where it was, between the other lines.
        let lines = edit.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "security_driver = \"apparmor\"")
        #expect(lines.dropLast().last == "tail = 2")
        #expect(QemuConf.apply(to: edit.text).changed == false)
    }

    @Test func noBlockWhenEverythingIsSetAlready() {
        let text = QemuConf.rewindSettings.map(\.line).joined(separator: "\n") + "\n"
        let edit = QemuConf.apply(to: text)
        #expect(!edit.changed)
        #expect(edit.managed.isEmpty)
        #expect(!edit.text.contains(QemuConf.blockBegin))
    }

    @Test func anEmptyOrMissingFileGetsJustTheBlock() throws {
        let edit = QemuConf.apply(to: "")
        #expect(edit.text.hasPrefix(QemuConf.blockBegin + "\n"))
        #expect(edit.text.hasSuffix(QemuConf.blockEnd + "\n"))
    }

    @Test func updatesAFileInPlaceKeepingItsModeAndOnlyWhenNeeded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-host-qemuconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("qemu.conf").path
        try Self.debianLike.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)

        let first = try QemuConf.update(path: path)
        #expect(first.changed)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == first.text)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try QemuConf.update(path: path)
        #expect(!second.changed)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == first.text)

        let fresh = dir.appendingPathComponent("sub/new.conf").path
        let created = try QemuConf.update(path: fresh)
        #expect(created.changed)
        #expect(try String(contentsOfFile: fresh, encoding: .utf8) == created.text)
    }
}
