import Foundation

/// The kernel modules of one installed or unpacked kernel (`lib/modules/<release>/`), and the order in which a
/// set of them must be loaded. Dependencies come from each module's own `.modinfo` section (`depends=`), so no
/// `modules.dep` (which `depmod` writes at install time) is needed.
public struct KernelModules: Sendable {
    /// The kernel release, e.g. `6.1.0-56-amd64`.
    public let release: String
    /// The directory `…/lib/modules/<release>`.
    public let directory: URL
    /// Module name (with `_`, never `-`) → file.
    public let files: [String: URL]
    /// Modules built into the kernel image (names from `modules.builtin`).
    public let builtin: Set<String>

    /// Indexes the modules under `directory` (`…/lib/modules/<release>`).
    public init(directory: URL, release: String) throws {
        self.release = release
        self.directory = directory
        var files: [String: URL] = [:]
        let kernelDir = directory.appendingPathComponent("kernel")
        guard let walker = FileManager.default.enumerator(at: kernelDir, includingPropertiesForKeys: nil) else {
            throw AgentGuest.BuildError.missingFile(kernelDir.path)
        }
        for case let url as URL in walker {
            if let name = Self.moduleName(fileName: url.lastPathComponent) { files[name] = url }
        }
        guard !files.isEmpty else { throw AgentGuest.BuildError.missingFile("\(kernelDir.path)/**/*.ko") }
        self.files = files
        let builtinList = (try? String(contentsOf: directory.appendingPathComponent("modules.builtin"), encoding: .utf8)) ?? ""
        self.builtin = Set(builtinList.split(separator: "\n").compactMap { Self.moduleName(fileName: String($0.split(separator: "/").last ?? "")) })
    }

    /// The module name for a file name (`virtio-rng.ko.xz` → `virtio_rng`), or nil for a file that is no module.
    public static func moduleName(fileName: String) -> String? {
        for suffix in [".ko", ".ko.xz", ".ko.zst", ".ko.gz"] where fileName.hasSuffix(suffix) {
            return String(fileName.dropLast(suffix.count)).replacingOccurrences(of: "-", with: "_")
        }
        return nil
    }

    /// The names listed in a module's `depends=` field, read from the (uncompressed) module bytes.
    public static func dependencies(inModule data: Data) -> [String] {
        let key = Array("depends=".utf8)
        let bytes = [UInt8](data)
        var i = 0
        while i + key.count <= bytes.count {
            if (i == 0 || bytes[i - 1] == 0), Array(bytes[i..<(i + key.count)]) == key {
                var end = i + key.count
                while end < bytes.count, bytes[end] != 0 { end += 1 }
                let value = String(decoding: bytes[(i + key.count)..<end], as: UTF8.self)
                return value.split(separator: ",").map { $0.replacingOccurrences(of: "-", with: "_") }
            }
            i += 1
        }
        return []
    }

    /// A module's bytes, decompressed if the file is `.xz`, `.zst` or `.gz`.
    public func contents(of name: String) throws -> Data {
        guard let url = files[name] else { throw AgentGuest.BuildError.missingFile("kernel module \(name)") }
        switch url.pathExtension {
        case "xz": return try Shell.run("xz", ["-dc", url.path]).stdout
        case "zst": return try Shell.run("zstd", ["-dcq", url.path]).stdout
        case "gz": return try Shell.run("gzip", ["-dc", url.path]).stdout
        default: return try Data(contentsOf: url)
        }
    }

    /// The modules to load for `wanted`, dependencies first, each once. Modules built into the kernel are left
    /// out; a module that is neither a file nor built in is an error.
    public func loadOrder(for wanted: [String]) throws -> [String] {
        var order: [String] = [], visiting: Set<String> = [], done: Set<String> = []
        func visit(_ raw: String) throws {
            let name = raw.replacingOccurrences(of: "-", with: "_")
            if done.contains(name) { return }
            guard files[name] != nil else {
                if builtin.contains(name) { done.insert(name); return }
                throw AgentGuest.BuildError.missingFile("kernel module \(name) for \(release)")
            }
            guard visiting.insert(name).inserted else { return }  // a cycle: modules cannot have one; stop anyway
            for dep in Self.dependencies(inModule: try contents(of: name)) where !dep.isEmpty { try visit(dep) }
            visiting.remove(name)
            done.insert(name)
            order.append(name)
        }
        for name in wanted { try visit(name) }
        return order
    }
}
