import Foundation

/// The cached root file system of a release host: built with `mmdebstrap` from the Debian archive the
/// machine already uses, reused while the suite's package versions are unchanged.
///
/// The cache key is the list of `package=version` of `Release.packages` the root was built with
/// (`<cache>/key`). On every start the root's own apt looks at the suite again (`apt-get update`, about
/// 4 s); when a candidate version differs from the key, the root is rebuilt into a new directory and
/// swapped in. When the mirror cannot be reached the cached root is used, with a note.
///
/// ```swift
/// let root = try ReleaseRoot.ensure(try Release.named("sid")) { print($0) }
/// print(root.versions["libvirt-daemon"] ?? "?")   // 12.8.0-1
/// ```
public struct ReleaseRoot: Sendable, Hashable {
    /// The release.
    public var release: Release
    /// `package → version` of `Release.packages` in the root.
    public var versions: [String: String]
    /// What `ensure` did: `built`, `rebuilt (…)`, `reused`.
    public var action: String
    /// Observations (the mirror could not be reached, …).
    public var notes: [String]

    /// The mirror the machine's apt uses for Debian (first `deb.debian.org`-style URI in its sources).
    static func mirror() -> String {
        let files = ["/etc/apt/sources.list"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/etc/apt/sources.list.d")) ?? [])
                .sorted().map { "/etc/apt/sources.list.d/" + $0 }
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                // deb822 ("URIs: http://…/debian") and one-line ("deb http://…/debian bookworm main") sources.
                let uri = words.first == "URIs:" ? words.dropFirst().first
                    : (words.first == "deb" ? words.dropFirst().first { !$0.hasPrefix("[") } : nil)
                if let uri, uri.hasSuffix("/debian") || uri.hasSuffix("/debian/") { return uri }
            }
        }
        return "http://deb.debian.org/debian"
    }

    /// Makes sure the release's root exists and is current; builds or rebuilds it when needed.
    ///
    /// - Parameter refresh: look at the suite for newer packages (an `apt-get update` in the root); without
    ///   it a cached root is reused as it is.
    public static func ensure(_ release: Release, refresh: Bool = true,
                              progress: (String) -> Void = { _ in }) throws(LiveHostError) -> ReleaseRoot {
        let fm = FileManager.default
        if fm.fileExists(atPath: release.rootPath + "/usr/sbin/libvirtd"), let key = readKey(release.keyPath) {
            var notes: [String] = []
            guard refresh else { return ReleaseRoot(release: release, versions: key, action: "reused", notes: notes) }
            progress("checking \(release.suite) for newer packages (apt-get update in the cached root)")
            switch candidates(release) {
            case .success(let current):
                let changed = release.packagesToKey.filter { current[$0] != key[$0] }
                if changed.isEmpty {
                    return ReleaseRoot(release: release, versions: key, action: "reused", notes: notes)
                }
                let what = changed.map { "\($0) \(key[$0] ?? "none") → \(current[$0] ?? "none")" }.joined(separator: ", ")
                progress("the suite changed (\(what)); rebuilding the root")
                let versions = try build(release, progress: progress)
                return ReleaseRoot(release: release, versions: versions, action: "rebuilt (\(what))", notes: notes)
            case .failure(let error):
                notes.append("could not check \(release.suite) for newer packages (\(error.message)); using the cached root")
                return ReleaseRoot(release: release, versions: key, action: "reused", notes: notes)
            }
        }
        progress("building the \(release.suite) root with mmdebstrap (about a minute)")
        let versions = try build(release, progress: progress)
        return ReleaseRoot(release: release, versions: versions, action: "built", notes: [])
    }

    /// Removes the cached root of `release` (it must not be running).
    public static func drop(_ release: Release) throws(LiveHostError) -> Bool {
        if ReleaseHost.state(release) != nil {
            throw LiveHostError(.conflict, "the \(release.name) host is running; stop it first (`rewind host stop --release \(release.name)`)")
        }
        guard FileManager.default.fileExists(atPath: release.cachePath) else { return false }
        try Command.mustRun(["rm", "-rf", "--one-file-system", "--", release.cachePath], timeout: 300)
        return true
    }

    // MARK: Internals

    static func readKey(_ path: String) -> [String: String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var key: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            key[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return key.isEmpty ? nil : key
    }

    /// apt options for this release's suite.
    static func aptOptions(_ release: Release) -> [String] {
        release.ignoreValidUntil ? ["-o", "Acquire::Check-Valid-Until=false"] : []
    }

    /// The candidate versions of the key packages, after an `apt-get update` inside the cached root.
    static func candidates(_ release: Release) -> Result<[String: String], LiveHostError> {
        do {
            try Command.mustRun(["chroot", release.rootPath, "apt-get", "update", "-qq"] + aptOptions(release), timeout: 120)
            let policy = try Command.mustRun(["chroot", release.rootPath, "apt-cache", "policy"] + release.packagesToKey,
                                             timeout: 60)
            return .success(parsePolicy(policy.output, field: "Candidate:"))
        } catch {
            return .failure(error)
        }
    }

    /// `package → version` from `apt-cache policy` output, reading the given field (`Installed:` or `Candidate:`).
    static func parsePolicy(_ text: String, field: String) -> [String: String] {
        var result: [String: String] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if !line.hasPrefix(" "), line.hasSuffix(":") {
                current = String(line.dropLast())
            } else if let current, line.trimmingCharacters(in: .whitespaces).hasPrefix(field) {
                let value = line.trimmingCharacters(in: .whitespaces).dropFirst(field.count).trimmingCharacters(in: .whitespaces)
                if value != "(none)" { result[current] = value }
            }
        }
        return result
    }

    /// Builds the root into a new directory next to the cache, then swaps it in. Returns its versions.
    static func build(_ release: Release, progress: (String) -> Void) throws(LiveHostError) -> [String: String] {
        guard Command.find("mmdebstrap") != nil else {
            throw LiveHostError(.missingProgram, "mmdebstrap is not installed (package mmdebstrap)")
        }
        let fm = FileManager.default
        try LiveHost.makeDirectories([Release.cacheDirectory])
        let fresh = release.cachePath + ".new"
        if fm.fileExists(atPath: fresh) { try Command.mustRun(["rm", "-rf", "--one-file-system", "--", fresh], timeout: 300) }
        try LiveHost.makeDirectories([fresh])
        var arguments = ["mmdebstrap", "--variant=apt", "--include=" + release.rootPackages.joined(separator: ",")]
        if release.ignoreValidUntil { arguments.append("--aptopt=Acquire::Check-Valid-Until \"false\"") }
        let source = mirror()
        if let overlay = release.overlaySuite {
            // Both suites; the overlay's packages win where it has them (kept in the root's apt configuration).
            arguments.append("--aptopt=APT::Default-Release \"\(overlay)\"")
            arguments += [release.suite, fresh + "/root", "deb \(source) \(release.suite) main", "deb \(source) \(overlay) main"]
        } else {
            arguments += [release.suite, fresh + "/root", source]
        }
        let started = Date()
        try Command.mustRun(arguments, timeout: 900, passthrough: true)
        // Installed versions only (mmdebstrap removed the package lists, so no default release can be named here).
        let policy = try Command.mustRun(["chroot", fresh + "/root", "apt-cache", "-o", "APT::Default-Release=", "policy"]
                                         + release.packagesToKey, timeout: 60)
        let versions = parsePolicy(policy.output, field: "Installed:")
        let missing = release.packagesToKey.filter { versions[$0] == nil }
        guard missing.isEmpty else {
            throw LiveHostError(.commandFailed, "the \(release.suite) root lacks \(missing.joined(separator: ", "))")
        }
        let key = release.packagesToKey.map { "\($0)=\(versions[$0]!)" }.joined(separator: "\n") + "\n"
        do {
            try Data(key.utf8).write(to: URL(fileURLWithPath: fresh + "/key"), options: .atomic)
        } catch {
            throw LiveHostError(.fileSystem, "cannot write \(fresh)/key: \(error)")
        }
        if fm.fileExists(atPath: release.cachePath) {
            try Command.mustRun(["rm", "-rf", "--one-file-system", "--", release.cachePath], timeout: 300)
        }
        do {
            try fm.moveItem(atPath: fresh, toPath: release.cachePath)
        } catch {
            throw LiveHostError(.fileSystem, "cannot move \(fresh) to \(release.cachePath): \(error)")
        }
        progress(String(format: "built the \(release.suite) root in %.0f s", Date().timeIntervalSince(started)))
        return versions
    }
}

extension Release {
    /// The packages whose versions key the cache: those Rewind installs.
    var packagesToKey: [String] { rootPackages }
}
