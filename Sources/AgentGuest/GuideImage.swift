import Foundation

/// A built agent guest: a kernel, an initramfs and a master data disk in one cache directory, with what went
/// into them. Boot it with direct kernel boot; give each domain its own copy of `dataDisk`, never the master.
public struct GuideImage: Codable, Sendable {
    /// The manifest's file name inside the cache directory.
    public static let manifestName = "image.json"

    /// Sizes in bytes.
    public struct Sizes: Codable, Sendable, Hashable {
        /// The kernel file (`kernelFile`).
        public var kernel: Int
        /// The gzip-compressed initramfs.
        public var initramfs: Int
        /// The initramfs before compression (the cpio archive).
        public var initramfsUncompressed: Int
        /// The master data disk's qcow2 file.
        public var dataDiskFile: Int
        /// The data disk's virtual size.
        public var dataDiskVirtual: Int
    }

    /// The cache directory holding the files (not stored in the manifest: the directory may move).
    public var directory: URL = URL(fileURLWithPath: "/")
    /// The SHA-256 of the build inputs.
    public var key: String
    /// The guest kernel's release, e.g. `6.1.0-56-amd64`.
    public var kernelRelease: String
    /// The kernel file's name in the cache: `vmlinux` (an ELF kernel QEMU boots through its PVH entry, no
    /// decompressor) or `vmlinuz` (the bzImage as Debian ships it, when its kernel has no PVH entry).
    public var kernelFile: String
    /// The kernel command line to boot with.
    public var kernelCommandLine: String
    /// The Debian packages the image was built from (and with).
    public var packages: [PackageVersion]
    /// The kernel modules in the initramfs, in load order.
    public var modules: [String]
    /// The files' sizes.
    public var sizes: Sizes
    /// How long the build took, in seconds (the time of the build that made the files, for a cached image).
    public var buildSeconds: Double
    /// When the files were made.
    public var builtAt: Date
    /// Whether `AgentGuest.build` returned this image from the cache rather than building it.
    public var reused: Bool = false

    /// The kernel image.
    public var kernel: URL { directory.appendingPathComponent(kernelFile) }
    /// The initramfs (gzip-compressed cpio, the guest's whole root file system).
    public var initramfs: URL { directory.appendingPathComponent("initramfs.img") }
    /// The master data disk (qcow2, ext4 inside). Copy it; never boot it.
    public var dataDisk: URL { directory.appendingPathComponent("data.qcow2") }

    /// Whether the kernel, the initramfs and the data disk are all there.
    public var filesExist: Bool {
        [kernel, initramfs, dataDisk].allSatisfy { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The version of one package in `packages`, or nil.
    public func version(of package: String) -> String? { packages.first { $0.name == package }?.version }

    enum CodingKeys: String, CodingKey {
        case key, kernelRelease, kernelFile, kernelCommandLine, packages, modules, sizes, buildSeconds, builtAt
    }
}
