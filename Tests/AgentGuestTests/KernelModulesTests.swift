import AgentGuest
import Foundation
import Testing

@Suite("Kernel module order")
struct KernelModulesTests {
    /// A fake module: some bytes, then a .modinfo-like run of NUL-separated key=value strings.
    static func module(depends: [String]) -> Data {
        Data("\u{7f}ELFjunk\0license=GPL\0depends=\(depends.joined(separator: ","))\0name=x\0".utf8)
    }

    @Test("depends= is read from the module bytes; dashes become underscores")
    func dependencies() {
        #expect(KernelModules.dependencies(inModule: Self.module(depends: ["jbd2", "mbcache", "crc16"])) == ["jbd2", "mbcache", "crc16"])
        #expect(KernelModules.dependencies(inModule: Self.module(depends: [])) == [])
        #expect(KernelModules.dependencies(inModule: Self.module(depends: ["virtio-ring"])) == ["virtio_ring"])
        // "xdepends=" inside another string is not the field.
        #expect(KernelModules.dependencies(inModule: Data("\0alias=xdepends=foo\0".utf8)) == [])
    }

    @Test("Module names come from file names")
    func names() {
        #expect(KernelModules.moduleName(fileName: "virtio-rng.ko") == "virtio_rng")
        #expect(KernelModules.moduleName(fileName: "ext4.ko.xz") == "ext4")
        #expect(KernelModules.moduleName(fileName: "modules.dep") == nil)
    }

    @Test("Dependencies load first, each module once; built-in modules are skipped; unknown ones throw")
    func order() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewind-modules-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let kernel = dir.appendingPathComponent("kernel/fs")
        try FileManager.default.createDirectory(at: kernel, withIntermediateDirectories: true)
        let modules: [String: [String]] = [
            "ext4": ["jbd2", "mbcache", "crc16"], "jbd2": [], "mbcache": [], "crc16": [],
            "virtio_blk": ["virtio", "virtio_ring"], "virtio": [], "virtio_ring": [], "needs_builtin": ["crc32c"],
        ]
        for (name, deps) in modules {
            try Self.module(depends: deps).write(to: kernel.appendingPathComponent("\(name).ko"))
        }
        try Data("kernel/crypto/crc32c.ko\n".utf8).write(to: dir.appendingPathComponent("modules.builtin"))
        let index = try KernelModules(directory: dir, release: "test")
        #expect(try index.loadOrder(for: ["virtio_blk", "ext4", "virtio"])
                == ["virtio", "virtio_ring", "virtio_blk", "jbd2", "mbcache", "crc16", "ext4"])
        #expect(try index.loadOrder(for: ["needs_builtin"]) == ["needs_builtin"])
        #expect(throws: AgentGuest.BuildError.self) { try index.loadOrder(for: ["nope"]) }
    }
}
