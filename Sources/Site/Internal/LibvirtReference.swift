import Foundation
import Runner

/// Links from a guide to libvirt's own reference: a libvirt function, flag or error named in inline code
/// (`virDomainBackupBegin`, `VIR_DOMAIN_SNAPSHOT_CREATE_LIVE`) to its entry in libvirt's HTML API reference,
/// an XML element (`<scratch>`) to the page of its format, and a snippet's Swift calls to the C functions
/// they wrap (read from the binding's doc comments, which name each wrapper's C function).
struct LibvirtReference: Sendable {
    /// Rewind's catalog of libvirt names, with the header each is declared in.
    let api: LibvirtAPI
    /// Swift member name → the C functions of the members of that name in the binding.
    let cFunctions: [String: [String]]

    /// An empty reference: no links.
    init() {
        api = LibvirtAPI(names: [:])
        cFunctions = [:]
    }

    /// Reads `Conformance/libvirt-api-names.json` and `Sources/Libvirt/*.swift` under `root`; what is missing
    /// gives no links.
    init(root: URL) {
        let api = (try? LibvirtAPI.loadCatalog(root.appendingPathComponent(LibvirtAPI.catalogPath))) ?? LibvirtAPI(names: [:])
        self.api = api
        cFunctions = Self.bindingMap(root.appendingPathComponent("Sources/Libvirt")) { api.names[$0] == .function }
    }

    /// The XML elements of libvirt's formats that guides name, and the format page that documents them.
    static let elementPages: [String: String] = [
        "domainbackup": "formatbackup.html", "incremental": "formatbackup.html", "server": "formatbackup.html",
        "scratch": "formatbackup.html", "exportname": "formatbackup.html", "exportbitmap": "formatbackup.html",
        "domaincheckpoint": "formatcheckpoint.html", "bitmap": "formatcheckpoint.html",
        "domainsnapshot": "formatsnapshot.html", "memory": "formatsnapshot.html", "revertDisks": "formatsnapshot.html",
        "dataStore": "formatdomain.html", "nvram": "formatdomain.html", "loader": "formatdomain.html",
        "domain": "formatdomain.html", "backup": "formatdomaincaps.html",
    ]

    /// The reference URL of the libvirt name or XML element an inline code span shows, if it is one:
    /// `virDomainBackupBegin`, `virDomainBackupBegin()`, `VIR_ERR_NO_DOMAIN`, `<scratch>`,
    /// `<server transport='tcp'>`.
    func url(forInlineCode code: String) -> String? {
        var text = Substring(code)
        if text.hasSuffix("()") { text = text.dropLast(2) }
        if let url = api.referenceURL(for: String(text)) { return url }
        guard text.first == "<" else { return nil }
        let element = text.dropFirst().drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
        return Self.elementPages[String(element)].map { "https://libvirt.org/" + $0 }
    }

    /// The C functions a snippet's code calls through the binding, in order of first use: every
    /// `receiver.member` whose name the binding documents with its C function. Where members of that name
    /// wrap functions of different objects (`delete` of a snapshot or a checkpoint), the receiver's name
    /// decides (`snap…`, `checkpoint`/`cp…`, `dom…`, `conn…`); with no such hint the call is left out
    /// rather than guessed.
    func calls(in code: String) -> [String] {
        var found: [String] = []
        var index = code.startIndex
        while let dot = code[index...].firstIndex(of: ".") {
            let nameStart = code.index(after: dot)
            let name = code[nameStart...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            index = name.isEmpty ? nameStart : name.endIndex
            guard var functions = cFunctions[String(name)] else { continue }
            if Set(functions.map(Self.family)).count > 1 {
                let receiver = String(code[..<dot].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed()).lowercased()
                guard let family = Self.family(ofReceiver: receiver) else { continue }
                functions = functions.filter { Self.family($0) == family }
            }
            for function in functions where !found.contains(function) { found.append(function) }
        }
        return found
    }

    /// The object a C function acts on: `Snapshot`, `Checkpoint`, `Connect` or `Domain`.
    static func family(_ function: String) -> String {
        if function.hasPrefix("virDomainSnapshot") { return "Snapshot" }
        if function.hasPrefix("virDomainCheckpoint") { return "Checkpoint" }
        if function.hasPrefix("virConnect") { return "Connect" }
        return "Domain"
    }

    /// The object a receiver's name suggests, if any.
    static func family(ofReceiver receiver: String) -> String? {
        if receiver.contains("snap") { return "Snapshot" }
        if receiver.contains("checkpoint") || receiver.range(of: #"^cp[0-9]*$"#, options: .regularExpression) != nil { return "Checkpoint" }
        if receiver.contains("conn") { return "Connect" }
        if receiver.hasPrefix("dom") || receiver.contains("domain") || ["guest", "moved", "arrived", "restored"].contains(receiver) {
            return "Domain"
        }
        return nil
    }

    /// Swift member name → C functions, from each declaration's doc comment: the backquoted names in the
    /// clause that names its C function(s), else the libvirt functions its first paragraph names in
    /// backquotes (`isFunction` tells which names are functions).
    static func bindingMap(_ folder: URL, isFunction: (String) -> Bool) -> [String: [String]] {
        guard let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) else { return [:] }
        var map: [String: [String]] = [:]
        for file in files.sorted(by: { $0.path < $1.path }) where file.pathExtension == "swift" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            var doc: [Substring] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix("///") {
                    doc.append(trimmed.dropFirst(3))
                    continue
                }
                if trimmed.hasPrefix("@") { continue }
                defer { doc = [] }
                guard !doc.isEmpty, let name = declaredName(trimmed) else { continue }
                let comment = doc.joined(separator: " ")
                var functions: [String] = []
                if let range = comment.range(of: "corresponding C function") {
                    let sentence = comment[range.upperBound...].prefix { $0 != ")" && $0 != ";" }
                    functions = cNames(in: Substring(sentence)).filter(isFunction)
                }
                if functions.isEmpty {
                    let firstParagraph = doc.prefix { !$0.allSatisfy { $0 == " " } }.joined(separator: " ")
                    functions = cNames(in: Substring(firstParagraph)).filter(isFunction)
                }
                for function in functions where !(map[name] ?? []).contains(function) { map[name, default: []].append(function) }
            }
        }
        return map
    }

    /// The backquoted `vir…` names in a doc comment's text.
    private static func cNames(in text: Substring) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { index, part in
            index % 2 == 1 && part.hasPrefix("vir") ? String(part) : nil
        }
    }

    /// The member a declaration line declares (`public func beginBackup(` → `beginBackup`).
    private static func declaredName(_ line: Substring) -> String? {
        var rest = line
        for word in ["public ", "internal ", "static ", "mutating ", "nonisolated ", "@discardableResult "] where rest.hasPrefix(word) {
            rest = rest.dropFirst(word.count)
        }
        for word in ["public ", "static ", "mutating "] where rest.hasPrefix(word) { rest = rest.dropFirst(word.count) }
        for keyword in ["func ", "var ", "let "] where rest.hasPrefix(keyword) {
            let name = rest.dropFirst(keyword.count).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return name.isEmpty ? nil : String(name)
        }
        return nil
    }
}
