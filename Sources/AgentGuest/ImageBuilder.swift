import Foundation
import Glibc

/// Puts one agent guest together in a scratch directory inside the cache, checks it, and moves the kernel,
/// the initramfs and the data disk into the cache.
final class ImageBuilder {
    let inputs: Inputs
    let key: String
    let cacheDir: URL
    let packages: DebianPackages
    let log: (String) -> Void
    /// `<cacheDir>/build-<pid>`, removed afterwards.
    let scratch: URL
    /// The initramfs tree being assembled.
    let root: URL

    init(inputs: Inputs, key: String, cacheDir: URL, packages: DebianPackages, log: @escaping (String) -> Void) throws {
        self.inputs = inputs
        self.key = key
        self.cacheDir = cacheDir
        self.packages = packages
        self.log = log
        scratch = cacheDir.appendingPathComponent("build-\(getpid())", isDirectory: true)
        root = scratch.appendingPathComponent("initramfs", isDirectory: true)
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func removeScratch() { try? FileManager.default.removeItem(at: scratch) }

    func build() throws -> GuideImage {
        let (vmlinuz, modulesDir) = try kernelFiles()
        let busybox = try packageFile(inputs.busybox, path: "bin/busybox")
        let qemuGA = try packageFile(inputs.agent, path: "usr/sbin/qemu-ga")

        for dir in ["proc", "sys", "dev", "run", "tmp", "data", "etc/rewind", "var"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("var/run").path, withDestinationPath: "../run")
        try stage(contentsOf: busybox, at: "bin/busybox", mode: 0o755)
        try stageApplets(busybox)
        try stage(contentsOf: qemuGA, at: "usr/sbin/qemu-ga", mode: 0o755)
        try stageLibraries(of: qemuGA)
        try stage(contentsOf: try compileWorkload(), at: "usr/bin/rewind-workload", mode: 0o755)
        let modules = try stageModules(directory: modulesDir)
        try stage(Data(AgentGuest.initScript.utf8), at: "init", mode: 0o755)
        try stage(Data("key \(key)\nkernel \(inputs.kernel.release)\n".utf8), at: "etc/rewind/image", mode: 0o644)
        try checkInChroot()

        var archive = CPIOArchive()
        archive.add("dev/console", .characterDevice(major: 5, minor: 1), permissions: 0o600)
        try addTree(to: &archive)
        let cpio = archive.encoded()
        let cpioURL = scratch.appendingPathComponent("initramfs.cpio")
        try cpio.write(to: cpioURL)
        log("initramfs: \(archive.entries.count) entries, \(cpio.count) bytes before gzip")
        let initramfs = try Shell.run("gzip", ["-n", "-9", "-c", cpioURL.path])
        guard initramfs.status == 0 else { throw AgentGuest.BuildError.commandFailed(command: "gzip", status: initramfs.status, stderr: initramfs.errors) }

        let disk = try makeDataDisk()

        // Both names are removed first, so a kernel of the other format never lingers.
        for old in ["vmlinux", "vmlinuz"] { try? FileManager.default.removeItem(at: cacheDir.appendingPathComponent(old)) }
        let kernelFile: String
        if let elf = try KernelImage.pvhKernel(fromBzImage: vmlinuz) {
            kernelFile = "vmlinux"
            try install(elf, as: kernelFile)
            log("kernel: the bzImage's ELF kernel has a PVH entry: booting it directly (\(elf.count) bytes)")
        } else {
            kernelFile = "vmlinuz"
            try install(Data(contentsOf: vmlinuz), as: kernelFile)
            log("kernel: no PVH entry: booting the bzImage")
        }
        try install(initramfs.stdout, as: "initramfs.img")
        try installFile(disk, as: "data.qcow2")

        var image = GuideImage(
            key: key, kernelRelease: inputs.kernel.release, kernelFile: kernelFile, kernelCommandLine: AgentGuest.kernelCommandLine,
            packages: inputs.allPackages, modules: modules,
            sizes: .init(kernel: 0, initramfs: 0, initramfsUncompressed: cpio.count, dataDiskFile: 0,
                         dataDiskVirtual: AgentGuest.dataDiskMiB << 20),
            buildSeconds: 0, builtAt: Date())
        image.directory = cacheDir
        image.sizes.kernel = try fileSize(image.kernel)
        image.sizes.initramfs = try fileSize(image.initramfs)
        image.sizes.dataDiskFile = try fileSize(image.dataDisk)
        return image
    }

    // MARK: Package files

    /// The kernel image and its `lib/modules/<release>` directory: the host's, or from the downloaded package.
    private func kernelFiles() throws -> (URL, URL) {
        let release = inputs.kernel.release
        let base: URL
        if inputs.kernel.installed {
            base = URL(fileURLWithPath: "/")
        } else {
            base = try packages.downloadAndUnpack(inputs.kernel.package.name, version: inputs.kernel.package.version,
                                                  into: scratch.appendingPathComponent("kernel"))
        }
        let vmlinuz = base.appendingPathComponent("boot/vmlinuz-\(release)")
        let modules = base.appendingPathComponent("lib/modules/\(release)")
        for url in [vmlinuz, modules] where !FileManager.default.fileExists(atPath: url.path) {
            throw AgentGuest.BuildError.missingFile(url.path)
        }
        return (vmlinuz, modules)
    }

    /// A file of a package: from the host if the package is installed, else from its unpacked download.
    private func packageFile(_ package: PackageVersion, path: String) throws -> URL {
        let base: URL
        if package.origin == "installed" {
            base = URL(fileURLWithPath: "/")
        } else {
            base = try packages.downloadAndUnpack(package.name, version: package.version,
                                                  into: scratch.appendingPathComponent(package.name))
        }
        let url = base.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw AgentGuest.BuildError.missingFile(url.path) }
        return url
    }

    // MARK: Staging

    private func stage(_ data: Data, at path: String, mode: mode_t) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        guard chmod(url.path, mode) == 0 else { throw AgentGuest.BuildError.selfCheckFailed("chmod \(url.path)") }
    }

    private func stage(contentsOf source: URL, at path: String, mode: mode_t) throws {
        try stage(Data(contentsOf: source.resolvingSymlinksInPath()), at: path, mode: mode)
    }

    /// A symlink to /bin/busybox for every applet, where busybox would install it (`--list-full`).
    private func stageApplets(_ busybox: URL) throws {
        let list = try Shell.checked(busybox.path, ["--list-full"])
        var count = 0
        for applet in list.split(separator: "\n").map(String.init) where !applet.isEmpty && applet != "bin/busybox" {
            let url = root.appendingPathComponent(applet)
            if FileManager.default.fileExists(atPath: url.path) { continue }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: "/bin/busybox")
            count += 1
        }
        log("busybox \(inputs.busybox.version): \(count) applets")
    }

    /// The shared libraries `binary` loads (as `ldd` resolves them on the host) and the dynamic loader, each at
    /// the path `ldd` prints.
    private func stageLibraries(of binary: URL) throws {
        let out = try Shell.checked("ldd", [binary.path])
        var staged: [String] = []
        for line in out.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.contains("not found") { throw AgentGuest.BuildError.libraryNotFound(t) }
            let path: String
            if let arrow = t.range(of: "=> ") {
                path = String(t[arrow.upperBound...].split(separator: " ").first ?? "")
            } else {
                path = String(t.split(separator: " ").first ?? "")
            }
            guard path.hasPrefix("/") else { continue }  // linux-vdso.so.1 lives in the kernel
            try stage(contentsOf: URL(fileURLWithPath: path), at: String(path.dropFirst()), mode: 0o755)
            staged.append((path as NSString).lastPathComponent)
        }
        log("qemu-ga \(inputs.agent.version): \(staged.count) libraries (\(staged.joined(separator: ", ")))")
    }

    /// The modules for `AgentGuest.moduleRoots` and their dependencies, uncompressed, as
    /// `lib/modules/<name>.ko`, and their load order in `etc/rewind/modules`.
    private func stageModules(directory: URL) throws -> [String] {
        let index = try KernelModules(directory: directory, release: inputs.kernel.release)
        let order = try index.loadOrder(for: AgentGuest.moduleRoots)
        for name in order { try stage(try index.contents(of: name), at: "lib/modules/\(name).ko", mode: 0o644) }
        try stage(Data(order.map { "\($0).ko\n" }.joined().utf8), at: "etc/rewind/modules", mode: 0o644)
        log("kernel \(inputs.kernel.release): modules \(order.joined(separator: " "))")
        return order
    }

    // MARK: Workload

    /// Compiles the workload statically and checks it on the host: five records, then three more appended by a
    /// second run, must form one consistent log.
    private func compileWorkload() throws -> URL {
        let source = scratch.appendingPathComponent("workload.c")
        let binary = scratch.appendingPathComponent("rewind-workload")
        try Data(AgentGuest.workloadSource.utf8).write(to: source)
        try Shell.checked("gcc", ["-static", "-O2", "-Wall", "-Wextra", "-Werror", "-s", "-o", binary.path, source.path])

        let logFile = scratch.appendingPathComponent("workload-check.log")
        try Shell.checked(binary.path, [logFile.path, "1", "2", "5"])
        try Shell.checked(binary.path, [logFile.path, "1", "2", "3"])
        let check = WorkloadLog(data: try Data(contentsOf: logFile))
        guard check.isConsistent, check.records.map(\.index) == Array(0..<8),
              Set(check.records.map(\.run)).count == 2 else {
            throw AgentGuest.BuildError.selfCheckFailed("workload log on the host: \(check.records.count) records, \(check.problems)")
        }
        return binary
    }

    // MARK: Checks

    /// Runs the staged busybox, qemu-ga (which proves its libraries resolve inside the tree) and a syntax check
    /// of /init in a chroot of the initramfs tree. Skipped, with a log line, where chroot is not permitted.
    private func checkInChroot() throws {
        let probe = try Shell.run("chroot", [root.path, "/bin/busybox", "true"])
        if probe.status != 0 {
            if probe.errors.contains("Operation not permitted") {
                log("chroot not permitted here: initramfs self-check skipped")
                return
            }
            throw AgentGuest.BuildError.selfCheckFailed("busybox in the initramfs tree: \(probe.errors)")
        }
        let version = try Shell.run("chroot", [root.path, "/usr/sbin/qemu-ga", "--version"])
        guard version.status == 0, version.output.contains("QEMU Guest Agent") else {
            throw AgentGuest.BuildError.selfCheckFailed("qemu-ga in the initramfs tree: \(version.output) \(version.errors)")
        }
        let syntax = try Shell.run("chroot", [root.path, "/bin/sh", "-n", "/init"])
        guard syntax.status == 0 else { throw AgentGuest.BuildError.selfCheckFailed("/init syntax: \(syntax.errors)") }
        log("chroot check: \(version.output.split(separator: "\n").first ?? "")")
    }

    // MARK: Archive and disk

    /// Adds every file, directory and symlink under `root` to the archive, parents first, in sorted order.
    private func addTree(to archive: inout CPIOArchive) throws {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { throw AgentGuest.BuildError.missingFile(root.path) }
        var paths: [String] = []
        while let p = walker.nextObject() as? String { paths.append(p) }
        for path in paths.sorted() {
            let full = root.appendingPathComponent(path).path
            var st = stat()
            guard lstat(full, &st) == 0 else { throw AgentGuest.BuildError.missingFile(full) }
            let permissions = UInt32(st.st_mode) & 0o7777
            switch st.st_mode & S_IFMT {
            case S_IFDIR: archive.add(path, .directory, permissions: permissions)
            case S_IFLNK: archive.add(path, .symlink(try FileManager.default.destinationOfSymbolicLink(atPath: full)))
            case S_IFREG: archive.add(path, .file(try Data(contentsOf: URL(fileURLWithPath: full))), permissions: permissions)
            default: throw AgentGuest.BuildError.selfCheckFailed("unexpected file type at \(path)")
            }
        }
    }

    /// An empty ext4 file system (label `rewind-data`, all inode tables and the journal written at once, so the
    /// guest kernel does no lazy initialisation in the background) in a qcow2 file.
    private func makeDataDisk() throws -> URL {
        let raw = scratch.appendingPathComponent("data.raw")
        let qcow2 = scratch.appendingPathComponent("data.qcow2")
        _ = FileManager.default.createFile(atPath: raw.path, contents: nil)
        let handle = try FileHandle(forWritingTo: raw)
        try handle.truncate(atOffset: UInt64(AgentGuest.dataDiskMiB) << 20)
        try handle.close()
        try Shell.checked("mkfs.ext4", ["-q", "-F", "-L", "rewind-data", "-m", "0",
                                        "-E", "lazy_itable_init=0,lazy_journal_init=0", raw.path])
        try Shell.checked("qemu-img", ["convert", "-q", "-f", "raw", "-O", "qcow2", raw.path, qcow2.path])
        return qcow2
    }

    /// Writes `data` into the cache as `name`, atomically.
    private func install(_ data: Data, as name: String) throws {
        try data.write(to: cacheDir.appendingPathComponent(name), options: .atomic)
    }

    /// Moves `file` into the cache as `name`, replacing any older one in one step.
    private func installFile(_ file: URL, as name: String) throws {
        guard rename(file.path, cacheDir.appendingPathComponent(name).path) == 0 else {
            throw AgentGuest.BuildError.selfCheckFailed("cannot move \(file.path) into \(cacheDir.path)")
        }
    }

    private func fileSize(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    }
}
