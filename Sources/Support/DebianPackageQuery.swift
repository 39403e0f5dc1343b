/// Which Debian packages are installed on this machine, and their versions: the one place `dpkg-query`'s
/// output is read.
///
/// ```swift
/// let installed = try DebianPackageQuery.installed(["libvirt-daemon", "qemu-utils"])
/// installed.map(\.version)   // ["9.0.0-4+deb12u2", "1:7.2+dfsg-7+deb12u18"]
/// ```
public enum DebianPackageQuery {
    /// An installed package.
    public struct Package: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// Its version, as dpkg prints it.
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    /// The `dpkg-query -W -f` format ``parse(_:)`` reads.
    public static let format = "${Package}\t${db:Status-Abbrev}\t${Version}\n"

    /// The installed packages in `dpkg-query -W -f '\(format)'` output: those whose status abbreviation has
    /// `i` as its second letter (installed: `ii`, and `hi` for a held package); `rc` (config files only),
    /// `un` and half-installed states are not.
    public static func parse(_ output: String) -> [Package] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, Array(fields[1]).count >= 2, Array(fields[1])[1] == "i" else { return nil }
            return Package(name: fields[0], version: fields[2])
        }
    }

    /// The installed packages matching `patterns` (names or dpkg-query globs such as `linux-image-*`).
    /// Unknown names are simply absent (dpkg-query exits 1 for them but still lists the known ones).
    public static func installed(_ patterns: [String]) throws(SpawnError) -> [Package] {
        var spec = ProcessSpec("dpkg-query", ["-W", "-f", format] + patterns)
        spec.errorOutput = .null
        let result = try Subprocess.run(spec, timeout: .seconds(60))
        if result.timedOut { throw SpawnError("dpkg-query did not answer within 60 s") }
        return parse(result.output)
    }
}
