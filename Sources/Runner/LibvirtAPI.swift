import Foundation
import Support
import RewindXML

/// The names libvirt's public API declares, read from the API description files libvirt installs
/// (`libvirt-api.xml` and, for `virDomainQemu…`, `libvirt-qemu-api.xml`).
///
/// Those files list every function, callback type, enumerator, macro, typedef and struct of the headers
/// under `<api><symbols>`. ``DocDrift`` checks the names the guides use against them.
///
/// ```swift
/// let api = try LibvirtAPI.installed()
/// api.kind(of: "virDomainBackupBegin")   // .function
/// api.kind(of: "virDomainBackupEnd")     // nil
/// ```
public struct LibvirtAPI: Sendable, Hashable {
    /// What a name is (the element it is declared with in the API file).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `<function>`
        case function
        /// `<functype>`: a callback type.
        case functype
        /// `<enum>`: an enumerator (flags, error codes, event ids…).
        case `enum`
        /// `<macro>`
        case macro
        /// `<typedef>`
        case typedef
        /// `<struct>`
        case `struct`
        /// `<variable>`
        case variable
    }

    /// Why the API files could not be read.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The message.
        public var description: String
    }

    /// Every declared name and its kind.
    public let names: [String: Kind]
    /// The files the names came from.
    public let files: [String]
    /// The libvirt version that added each name, where the API description says (`version=` in newer
    /// libvirt-api.xml files, `since` in Rewind's catalog).
    public let since: [String: String]
    /// The header that declares each name (`libvirt-domain`, `virterror`, `libvirt-qemu`, …), where the
    /// catalog says: the page of libvirt's HTML reference that documents it (``referenceURL(for:)``).
    public let headers: [String: String]
    /// The names, sorted (for prefix searches).
    private let sorted: [String]

    /// Creates an API from names (for tests and synthesized APIs).
    public init(names: [String: Kind], files: [String] = [], since: [String: String] = [:],
                headers: [String: String] = [:]) {
        self.names = names
        self.files = files
        self.since = since
        self.headers = headers
        self.sorted = names.keys.sorted()
    }

    /// Where libvirt's reference documents `name`, e.g.
    /// `https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainBackupBegin`; nil for a name whose
    /// header is unknown.
    public func referenceURL(for name: String) -> String? {
        guard let header = headers[name] else { return nil }
        return "https://libvirt.org/html/libvirt-\(header).html#\(name)"
    }

    /// The names of both, each name's version from whichever knows it.
    public func merged(with other: LibvirtAPI) -> LibvirtAPI {
        LibvirtAPI(names: names.merging(other.names) { mine, _ in mine }, files: files + other.files,
                   since: since.merging(other.since) { mine, _ in mine },
                   headers: headers.merging(other.headers) { mine, _ in mine })
    }

    /// The committed catalog of a newer libvirt's names (`Conformance/libvirt-api-names.json`, written by
    /// `.ci/generate-api-names`): `{"libvirt": "12.8.0", "names": {"virDomainSaveParams": {"kind": "function",
    /// "since": "8.4.0"}, …}}`.
    public static func loadCatalog(_ url: URL) throws(LoadError) -> LibvirtAPI {
        struct Entry: Decodable { var kind: String; var since: String?; var file: String? }
        struct File: Decodable { var libvirt: String; var names: [String: Entry] }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        } catch {
            throw LoadError(description: "\(url.path): \(error)")
        }
        var names: [String: Kind] = [:]
        var since: [String: String] = [:]
        var headers: [String: String] = [:]
        for (name, entry) in file.names {
            guard let kind = Kind(rawValue: entry.kind) else { continue }
            names[name] = kind
            if let s = entry.since { since[name] = s }
            if let f = entry.file { headers[name] = f }
        }
        return LibvirtAPI(names: names, files: [url.lastPathComponent + " (libvirt \(file.libvirt))"], since: since,
                          headers: headers)
    }

    /// The path of the committed catalog under a project root.
    public static let catalogPath = "Conformance/libvirt-api-names.json"

    /// Reads API description files with libxml2: the `name` of every child of `/api/symbols`.
    public static func load(files: [String]) throws(LoadError) -> LibvirtAPI {
        var names: [String: Kind] = [:]
        var since: [String: String] = [:]
        for path in files {
            do {
                let document = try XMLDocument(contentsOfFile: path)
                let symbols = try document.select("/api/symbols/*")
                guard !symbols.isEmpty else { throw LoadError(description: "\(path): no /api/symbols in the file") }
                for symbol in symbols {
                    guard let name = symbol["name"], let kind = Kind(rawValue: symbol.name) else { continue }
                    names[name] = names[name] ?? kind
                    if let version = symbol["version"], since[name] == nil { since[name] = version }
                }
            } catch let error as XMLError {
                throw LoadError(description: "\(path): \(error)")
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError(description: "\(path): \(error)")
            }
        }
        return LibvirtAPI(names: names, files: files, since: since)
    }

    /// The installed API files: `pkg-config --variable libvirt_api libvirt` and
    /// `pkg-config --variable libvirt_qemu_api libvirt-qemu`, falling back to `/usr/share/libvirt/api`.
    public static func installedFiles() -> [String] {
        let fm = FileManager.default
        var files: [String] = []
        let queries = [("libvirt", "libvirt_api", "libvirt-api.xml"),
                       ("libvirt-qemu", "libvirt_qemu_api", "libvirt-qemu-api.xml")]
        for (package, variable, fallback) in queries {
            let path = pkgConfigVariable(variable, package: package) ?? "/usr/share/libvirt/api/\(fallback)"
            if fm.isReadableFile(atPath: path) { files.append(path) }
        }
        return files
    }

    /// The installed libvirt API (see ``installedFiles()``).
    public static func installed() throws(LoadError) -> LibvirtAPI {
        let files = installedFiles()
        guard files.contains(where: { $0.hasSuffix("/libvirt-api.xml") }) else {
            throw LoadError(description: "libvirt-api.xml not found (pkg-config --variable libvirt_api libvirt; "
                            + "install libvirt-dev)")
        }
        return try load(files: files)
    }

    /// `pkg-config --variable <variable> <package>`, nil when pkg-config fails or prints nothing.
    static func pkgConfigVariable(_ variable: String, package: String) -> String? {
        var spec = ProcessSpec("pkg-config", ["--variable=\(variable)", package])
        spec.errorOutput = .null
        guard let result = try? Subprocess.run(spec, timeout: .seconds(30)), result.succeeded else { return nil }
        let data = result.outputData
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    /// What `name` is, or nil when libvirt declares no such name.
    public func kind(of name: String) -> Kind? { names[name] }

    /// Whether libvirt declares `name`.
    public func contains(_ name: String) -> Bool { names[name] != nil }

    /// Whether some declared name starts with `prefix` (for `VIR_DOMAIN_SNAPSHOT_CREATE_*`).
    public func hasName(withPrefix prefix: String) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < prefix { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low].hasPrefix(prefix)
    }
}
