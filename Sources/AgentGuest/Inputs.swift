import Foundation
import Support

/// Everything a guest build depends on, resolved without downloading anything: which kernel, which package
/// versions, which sources. Its SHA-256 is the cache key.
struct Inputs: Codable {
    /// The Debian kernel package the guest boots.
    struct Kernel: Codable {
        var package: PackageVersion
        /// `6.1.0-56-amd64`
        var release: String
        /// Whether it is installed on the host (files under /boot and /lib/modules) or to be downloaded.
        var installed: Bool { package.origin == "installed" }
    }

    var kernel: Kernel
    var busybox: PackageVersion
    var agent: PackageVersion
    /// Installed packages of the shared libraries qemu-ga links (from its `Depends:`).
    var agentLibraries: [PackageVersion]
    /// Installed packages the build runs (gcc, libc6-dev, e2fsprogs, qemu-utils).
    var tools: [PackageVersion]

    /// All packages, for the manifest.
    var allPackages: [PackageVersion] { [kernel.package, busybox, agent] + agentLibraries + tools }

    static let toolPackages = ["gcc", "libc6-dev", "e2fsprogs", "qemu-utils"]

    /// Identifies the state of the host's package databases: dpkg's status file, apt's package lists and the
    /// kernels in /boot. Resolving inputs only reads these, so with the same stamp the same inputs come out.
    static func hostStamp() -> String {
        let fm = FileManager.default
        func stamp(_ path: String) -> String {
            guard let a = try? fm.attributesOfItem(atPath: path) else { return "\(path):-" }
            let mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(path):\(mtime):\((a[.size] as? NSNumber)?.intValue ?? 0)"
        }
        let lists = ((try? fm.contentsOfDirectory(atPath: "/var/lib/apt/lists")) ?? []).sorted()
            .map { stamp("/var/lib/apt/lists/\($0)") }
        let kernels = ((try? fm.contentsOfDirectory(atPath: "/boot")) ?? []).filter { $0.hasPrefix("vmlinuz-") }.sorted()
        return ([stamp("/var/lib/dpkg/status")] + lists + kernels).joined(separator: "\n")
    }

    /// The inputs resolved earlier into `cacheDir` if the host's package state has not changed since, else newly
    /// resolved ones (which are then saved). Resolving asks apt, about half a second per question.
    static func resolve(cacheDir: URL, packages: DebianPackages, log: (String) -> Void) throws -> Inputs {
        struct Saved: Codable { var stamp: String; var inputs: Inputs }
        let file = cacheDir.appendingPathComponent("inputs.json")
        let before = hostStamp()
        if let data = try? Data(contentsOf: file), let saved = try? JSONDecoder().decode(Saved.self, from: data),
           saved.stamp == before {
            return saved.inputs
        }
        let inputs = try resolve(packages: packages, log: log)
        // Resolving may itself install packages; stamp the state it leaves.
        try JSONEncoder().encode(Saved(stamp: hostStamp(), inputs: inputs)).write(to: file, options: .atomic)
        return inputs
    }

    static func resolve(packages: DebianPackages, log: (String) -> Void) throws -> Inputs {
        try packages.ensureInstalled(toolPackages)
        let tools = try toolPackages.map { name in
            PackageVersion(name: name, version: try packages.installedVersion(name) ?? "?", origin: "installed")
        }
        let kernel = try resolveKernel(packages)
        let busybox = try resolvePackage("busybox-static", packages)
        let agent = try resolvePackage("qemu-guest-agent", packages)
        // qemu-ga's libraries are used from the host (found by ldd), so their packages must be installed. The key
        // covers them and, transitively, what they depend on (glib's libpcre2, for one).
        let direct = try packages.dependencies(agent.name, version: agent.version)
        try packages.ensureInstalled(direct)
        let libraries = try packages.installedClosure(of: direct).map { name in
            PackageVersion(name: name, version: try packages.installedVersion(name) ?? "?", origin: "installed")
        }
        return Inputs(kernel: kernel, busybox: busybox, agent: agent, agentLibraries: libraries, tools: tools)
    }

    /// The installed version of `name` if any, else apt's candidate (to be downloaded).
    static func resolvePackage(_ name: String, _ packages: DebianPackages) throws -> PackageVersion {
        if let v = try packages.installedVersion(name) { return PackageVersion(name: name, version: v, origin: "installed") }
        guard let v = try packages.candidateVersion(name) else { throw AgentGuest.BuildError.packageUnavailable(name) }
        return PackageVersion(name: name, version: v, origin: "downloaded")
    }

    /// An installed Debian kernel whose files are present (the newest), else the image `linux-image-amd64`
    /// currently depends on, to be downloaded.
    static func resolveKernel(_ packages: DebianPackages) throws -> Kernel {
        var best: Kernel?
        for installed in try DebianPackageQuery.installed(["linux-image-*"]) {
            let f = [installed.name, "ii", installed.version]
            let release = String(f[0].dropFirst("linux-image-".count))
            guard release.first?.isNumber == true,
                  FileManager.default.fileExists(atPath: "/boot/vmlinuz-\(release)"),
                  FileManager.default.fileExists(atPath: "/lib/modules/\(release)/kernel") else { continue }
            let candidate = Kernel(package: PackageVersion(name: f[0], version: f[2], origin: "installed"), release: release)
            if let b = best {
                let newer = try Shell.run("dpkg", ["--compare-versions", f[2], "gt", b.package.version]).status == 0
                if newer { best = candidate }
            } else {
                best = candidate
            }
        }
        if let best { return best }

        guard let metaVersion = try packages.candidateVersion("linux-image-amd64") else {
            throw AgentGuest.BuildError.packageUnavailable("linux-image-amd64")
        }
        guard let image = try packages.dependencies("linux-image-amd64", version: metaVersion)
            .first(where: { $0.hasPrefix("linux-image-") && $0.dropFirst("linux-image-".count).first?.isNumber == true }) else {
            throw AgentGuest.BuildError.packageUnavailable("the kernel image linux-image-amd64 \(metaVersion) depends on")
        }
        guard let version = try packages.candidateVersion(image) else { throw AgentGuest.BuildError.packageUnavailable(image) }
        return Kernel(package: PackageVersion(name: image, version: version, origin: "downloaded"),
                      release: String(image.dropFirst("linux-image-".count)))
    }

    /// The text the cache key hashes.
    var keyText: String {
        var lines = ["layout \(AgentGuest.layoutVersion)", "kernel-release \(kernel.release)"]
        lines += allPackages.map { "package \($0.name) \($0.version) \($0.origin)" }
        lines += ["modules \(AgentGuest.moduleRoots.joined(separator: ","))",
                  "cmdline \(AgentGuest.kernelCommandLine)",
                  "data-disk-mib \(AgentGuest.dataDiskMiB)",
                  "init", AgentGuest.initScript,
                  "workload", AgentGuest.workloadSource]
        return lines.joined(separator: "\n")
    }

    /// The SHA-256 of `keyText`, in hex (computed by `sha256sum`).
    func cacheKey() throws -> String {
        let out = try Shell.checked("sha256sum", ["-"], input: Data(keyText.utf8))
        guard let hex = out.split(separator: " ").first, hex.count == 64 else {
            throw AgentGuest.BuildError.selfCheckFailed("sha256sum printed \(out)")
        }
        return String(hex)
    }
}
