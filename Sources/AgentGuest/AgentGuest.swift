import Foundation
import Support
import Glibc

/// Rewind's agent guest: the smallest real Linux guest that runs `qemu-guest-agent`, so that freeze/thaw and
/// QUIESCE snapshots can be checked against a real file system.
///
/// It is built from Debian packages only — a Debian kernel (`linux-image-amd64`'s current image, or one
/// installed on the host), `busybox-static`, `qemu-guest-agent` and the shared libraries it links — plus two
/// small programs of Rewind's own (`initScript`, `workloadSource`). The result is a kernel, an initramfs (the
/// whole system, no root disk) and a 64 MiB qcow2 data disk holding an empty ext4 file system. The guest mounts
/// the data disk on /data and appends a self-checking record to /data/workload.log every 5 ms.
///
/// ```swift
/// let image = try AgentGuest.build(cacheDir: AgentGuest.defaultCacheDirectory(projectRoot: root))
/// print(image.kernel.path, image.initramfs.path, image.dataDisk.path)
/// ```
public enum AgentGuest {
    /// Why a build failed.
    public enum BuildError: Error, CustomStringConvertible {
        /// A host command is missing and no package provides it.
        case missingTool(String)
        /// A host command failed.
        case commandFailed(command: String, status: Int32, stderr: String)
        /// apt knows no version of the package, even after `apt-get update`.
        case packageUnavailable(String)
        /// A file the build needs is not where it should be.
        case missingFile(String)
        /// `ldd` could not resolve a library `qemu-ga` needs.
        case libraryNotFound(String)
        /// A check of the build's own products failed.
        case selfCheckFailed(String)

        /// True for the failures that say "this machine cannot build the guest" rather than "the build is wrong":
        /// a package apt cannot find or fetch, a missing tool, a failing `apt-get`.
        public var meansUnsupported: Bool {
            switch self {
            case .missingTool, .packageUnavailable: true
            case .commandFailed(let command, _, _): command.hasPrefix("apt-get")
            case .missingFile, .libraryNotFound, .selfCheckFailed: false
            }
        }

        /// A one-line account of the failure (the command and its standard error for a failed command).
        public var description: String {
            switch self {
            case .missingTool(let t): "missing host tool: \(t)"
            case .commandFailed(let c, let s, let e): "command failed (exit \(s)): \(c)\n\(e)"
            case .packageUnavailable(let p): "Debian package not available: \(p)"
            case .missingFile(let f): "missing file: \(f)"
            case .libraryNotFound(let l): "qemu-ga needs a library that ldd cannot find: \(l)"
            case .selfCheckFailed(let m): "guest build self-check failed: \(m)"
            }
        }
    }

    /// The kernel modules the guest loads, roots only (their dependencies are added): PCI virtio transport,
    /// block device, virtio-serial console (the agent channel), CRC32C (ext4 metadata checksums) and ext4.
    public static let moduleRoots = ["virtio_pci", "virtio_blk", "virtio_console", "crc32c_generic", "ext4"]

    /// The kernel command line: serial console, reboot (so the domain stops) on panic, few kernel messages.
    public static let kernelCommandLine = "console=ttyS0 panic=-1 quiet"

    /// The data disk's virtual size in MiB.
    public static let dataDiskMiB = 64

    /// The guest path of the workload's log.
    public static let workloadLogPath = "/data/workload.log"

    /// Bumped whenever the way the image is put together changes (it is part of the cache key).
    static let layoutVersion = "rewind-agent-guest-2"

    /// `<projectRoot>/.rewind/guest`, the default cache (git-ignored through `/.rewind/`).
    public static func defaultCacheDirectory(projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent(".rewind/guest", isDirectory: true)
    }

    /// The nearest directory at or above `start` that holds Rewind's `Package.swift`, or nil.
    public static func projectRoot(startingAt start: URL) -> URL? {
        var dir = start.standardizedFileURL
        while true {
            let manifest = dir.appendingPathComponent("Package.swift")
            if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("name: \"Rewind\"") {
                return dir
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The image in `cacheDir` as last built, without checking whether its inputs changed; nil if there is none.
    public static func cached(cacheDir: URL) -> GuideImage? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = try? Data(contentsOf: cacheDir.appendingPathComponent(GuideImage.manifestName)),
              var image = try? decoder.decode(GuideImage.self, from: data) else { return nil }
        image.directory = cacheDir
        image.reused = true
        return image.filesExist ? image : nil
    }

    /// Builds the guest into `cacheDir`, or returns the cached one when its inputs have not changed.
    ///
    /// The inputs are the versions of every Debian package that goes into the image (kernel, busybox-static,
    /// qemu-guest-agent and the packages of the libraries it links) or builds it (gcc, libc6-dev, e2fsprogs),
    /// the init script, the workload source, the module list, the command line and the layout version. Their
    /// SHA-256 is the cache key. Missing host packages are installed (`apt-get install --no-install-recommends`;
    /// `apt-get update` runs first only if apt does not know a package); the kernel, busybox-static and
    /// qemu-guest-agent are downloaded and unpacked in a scratch directory when they are not installed, so the
    /// host's /boot is never touched. Concurrent builds of the same cache wait for each other (a `flock`).
    ///
    /// - Parameters:
    ///   - cacheDir: where the image lives, e.g. `defaultCacheDirectory(projectRoot:)`.
    ///   - force: rebuild even when the cache key matches.
    ///   - log: receives one line per step.
    public static func build(cacheDir: URL, force: Bool = false,
                             log: @escaping (String) -> Void = { _ in }) throws -> GuideImage {
        try FileManager.default.createDirectory(at: cacheDir, withIntermediateDirectories: true)
        let lock = try CacheLock(cacheDir.appendingPathComponent(".lock"))
        defer { lock.release() }

        let started = ContinuousClock.now
        let packages = DebianPackages(log: log)
        let inputs = try Inputs.resolve(cacheDir: cacheDir, packages: packages, log: log)
        let key = try inputs.cacheKey()
        if !force, let image = cached(cacheDir: cacheDir), image.key == key {
            log("cache hit \(key.prefix(12)) in \(cacheDir.path)")
            return image
        }
        log("building \(key.prefix(12)) in \(cacheDir.path)")
        // Scratch directories of builds that were killed (we hold the lock, so none is in use).
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: cacheDir.path)) ?? [] where stale.hasPrefix("build-") {
            try? FileManager.default.removeItem(at: cacheDir.appendingPathComponent(stale))
        }
        let builder = try ImageBuilder(inputs: inputs, key: key, cacheDir: cacheDir, packages: packages, log: log)
        defer { builder.removeScratch() }
        var image = try builder.build()
        image.buildSeconds = Self.seconds(ContinuousClock.now - started)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(image).write(to: cacheDir.appendingPathComponent(GuideImage.manifestName), options: .atomic)
        log(String(format: "built in %.1f s", image.buildSeconds))
        return image
    }

    /// A `Duration` in seconds, as a `Double`.
    public static func seconds(_ d: Duration) -> Double {
        d.inSeconds
    }
}

/// An exclusive `flock` on a file, so two processes never build the same cache at once.
final class CacheLock {
    private let fd: Int32

    init(_ url: URL) throws {
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AgentGuest.BuildError.missingFile(url.path) }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
