import Foundation
import Support

/// A Debian package at the version the guest was (or will be) built from.
public struct PackageVersion: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The package name, e.g. `qemu-guest-agent`.
    public var name: String
    /// The Debian version, e.g. `1:7.2+dfsg-7+deb12u18+b3`.
    public var version: String
    /// Whether the files come from the host's installed package (`installed`) or from a downloaded `.deb`
    /// unpacked in the build directory (`downloaded`).
    public var origin: String
    /// `name version (origin)`.
    public var description: String { "\(name) \(version) (\(origin))" }
}

/// The host's Debian package tools (dpkg, apt), as the guest builder uses them: look up versions, install what
/// is missing (with `--no-install-recommends`, running `apt-get update` first only when a package is unknown),
/// and download and unpack packages that should not be installed on the host (a kernel, busybox-static).
final class DebianPackages {
    private let log: (String) -> Void
    private var updated = false

    init(log: @escaping (String) -> Void) { self.log = log }

    /// The installed version of `package`, or nil when it is not installed.
    func installedVersion(_ package: String) throws -> String? {
        try DebianPackageQuery.installed([package]).first { $0.name == package }?.version
    }

    /// The version apt would install, running `apt-get update` once if apt knows no version yet.
    func candidateVersion(_ package: String) throws -> String? {
        if let v = try policyCandidate(package) { return v }
        guard !updated else { return nil }
        try update()
        return try policyCandidate(package)
    }

    private func policyCandidate(_ package: String) throws -> String? {
        let out = try Shell.run("apt-cache", ["policy", package]).output
        for line in out.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("Candidate:") {
                let v = t.dropFirst("Candidate:".count).trimmingCharacters(in: .whitespaces)
                return v == "(none)" || v.isEmpty ? nil : v
            }
        }
        return nil
    }

    private func update() throws {
        log("apt-get update")
        try Shell.checked("apt-get", ["update", "-q"], environment: ["DEBIAN_FRONTEND": "noninteractive"])
        updated = true
    }

    /// Installs those of `packages` that are not installed yet.
    func ensureInstalled(_ packages: [String]) throws {
        var missing: [String] = []
        for p in packages where try installedVersion(p) == nil { missing.append(p) }
        guard !missing.isEmpty else { return }
        for p in missing where try candidateVersion(p) == nil { throw AgentGuest.BuildError.packageUnavailable(p) }
        log("apt-get install --no-install-recommends \(missing.joined(separator: " "))")
        try Shell.checked("apt-get", ["install", "-y", "-q", "--no-install-recommends"] + missing,
                          environment: ["DEBIAN_FRONTEND": "noninteractive"])
    }

    /// The names in a package version's `Depends:` field (the first of each alternative, versions dropped).
    func dependencies(_ package: String, version: String) throws -> [String] {
        let out = try Shell.checked("apt-cache", ["show", "\(package)=\(version)"])
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix("Depends:") }) else { return [] }
        return Self.names(inRelationField: String(line.dropFirst("Depends:".count)))
    }

    /// `packages` and, transitively, the installed packages they depend on, sorted by name.
    func installedClosure(of packages: [String]) throws -> [String] {
        var seen = Set<String>(), queue = packages
        while let name = queue.popLast() {
            guard seen.count < 200, !seen.contains(name) else { continue }
            let r = try Shell.run("dpkg-query", ["-W", "-f", "${db:Status-Abbrev}|${Pre-Depends}, ${Depends}", name])
            let parts = r.output.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard r.status == 0, parts.count == 2, parts[0].hasPrefix("ii") else { continue }
            seen.insert(name)
            queue += Self.names(inRelationField: String(parts[1]))
        }
        return seen.sorted()
    }

    /// The package names in a `Depends:`-style field: the first of each alternative, versions and arch dropped.
    static func names(inRelationField field: String) -> [String] {
        field.split(separator: ",").compactMap { clause in
            let first = clause.split(separator: "|").first ?? ""
            let word = first.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
            let name = String(word.split(separator: ":").first ?? "")
            return name.isEmpty ? nil : name
        }
    }

    /// Downloads `package` at `version` into `directory` with `apt-get download` and unpacks it into
    /// `directory/root` with `dpkg-deb -x`; the `.deb` is deleted afterwards. Returns the unpacked root.
    func downloadAndUnpack(_ package: String, version: String, into directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log("apt-get download \(package)=\(version)")
        try Shell.checked("apt-get", ["download", "-q", "-o", "APT::Sandbox::User=root", "\(package)=\(version)"],
                          currentDirectory: directory)
        let debs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".deb") }
        guard debs.count == 1 else { throw AgentGuest.BuildError.missingFile("\(directory.path)/\(package)_*.deb") }
        let deb = directory.appendingPathComponent(debs[0])
        let root = directory.appendingPathComponent("root")
        try Shell.checked("dpkg-deb", ["-x", deb.path, root.path])
        try FileManager.default.removeItem(at: deb)
        return root
    }
}
