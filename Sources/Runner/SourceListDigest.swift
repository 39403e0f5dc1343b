import Foundation

/// A digest of a package's *structure*: the paths of the files and folders under its `Sources/` and the
/// text of its manifests. It changes when a source file is added, removed or renamed, or when the
/// manifest changes; it does not change when a file's content changes.
///
/// The generated snippet package writes it into its own `Package.swift`. SwiftPM re-plans a build
/// (which files each module compiles) only when the *root* package's target folders or manifest change;
/// a file added to a path dependency — the Rewind package — goes unnoticed, and the incremental build
/// then fails with "cannot find type … in scope" until its build folder is deleted. With the digest in
/// the manifest, such a change rewrites the manifest, which makes SwiftPM plan again. Edits of existing
/// files need nothing: the compile commands already name those files as inputs.
///
/// ```swift
/// let digest = SourceListDigest(packageRoot: URL(fileURLWithPath: "/src/rewind"))
/// print(digest.hex)   // 16 hex digits, e.g. 3fa1c0d27b9e5512
/// ```
public struct SourceListDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 64-bit FNV-1a hash of the listing, as 16 lowercase hex digits.
    public var hex: String
    /// How many files and folders were listed.
    public var entryCount: Int

    /// Lists `<packageRoot>/Sources` (recursively; names starting with `.` are skipped, as editors' swap
    /// files are not sources) and reads `<packageRoot>/Package*.swift`. A missing folder or manifest counts
    /// as empty.
    public init(packageRoot: URL) {
        let fm = FileManager.default
        var entries: [String] = []
        let sources = packageRoot.appendingPathComponent("Sources")
        if let walker = fm.enumerator(at: sources, includingPropertiesForKeys: [.isDirectoryKey], options: []) {
            let prefix = sources.standardizedFileURL.path + "/"
            for case let url as URL in walker {
                if url.lastPathComponent.hasPrefix(".") {
                    walker.skipDescendants()
                    continue
                }
                let path = url.standardizedFileURL.path
                let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
                let isDirectory = (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false
                entries.append(isDirectory ? relative + "/" : relative)
            }
        }
        entries.sort()
        var hasher = FNV1a()
        for entry in entries {
            hasher.add("S ")
            hasher.add(entry)
            hasher.add("\n")
        }
        let manifests = ((try? fm.contentsOfDirectory(atPath: packageRoot.path)) ?? [])
            .filter { $0.hasPrefix("Package") && $0.hasSuffix(".swift") }
            .sorted()
        for name in manifests {
            hasher.add("M \(name)\n")
            if let data = fm.contents(atPath: packageRoot.appendingPathComponent(name).path) {
                hasher.add(data)
            }
            hasher.add("\n")
        }
        self.hex = hasher.hex
        self.entryCount = entries.count
    }

    /// The hex digest.
    public var description: String { hex }

    /// 64-bit FNV-1a: enough to notice a change, not meant to resist anyone.
    struct FNV1a {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ text: String) { add(Data(text.utf8)) }

        mutating func add(_ data: Data) {
            for byte in data {
                value ^= UInt64(byte)
                value = value &* 0x0000_0100_0000_01b3
            }
        }

        var hex: String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }
}
