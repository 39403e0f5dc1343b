import Foundation
import Testing
@testable import Runner

/// The Swift wrappers' doc comments name the C functions and enumerators they wrap; those names must
/// exist: in libvirt's API files for libvirt, in `libnbd.h` for libnbd, in libxml2's headers for libxml2.
@Suite("Binding doc names")
struct BindingDocNamesTests {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// One doc comment: its `///` lines joined with spaces, and where it starts.
    struct DocComment {
        var file: String
        var line: Int
        var text: String
    }

    /// Every doc comment of every Swift file under `Sources/<module>`.
    static func docComments(modules: [String]) throws -> [DocComment] {
        var comments: [DocComment] = []
        for module in modules {
            let dir = packageRoot.appendingPathComponent("Sources/\(module)")
            guard let enumerator = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { continue }
            while let url = enumerator.nextObject() as? URL {
                guard url.pathExtension == "swift" else { continue }
                let relative = "Sources/\(module)/" + url.path.dropFirst(dir.path.count + 1)
                let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                var current: DocComment?
                for (index, raw) in lines.enumerated() {
                    let trimmed = raw.drop { $0 == " " || $0 == "\t" }
                    if trimmed.hasPrefix("///") {
                        let text = String(trimmed.dropFirst(3))
                        if current == nil { current = DocComment(file: relative, line: index + 1, text: text) }
                        else { current?.text += " " + text }
                    } else if let c = current {
                        comments.append(c)
                        current = nil
                    }
                }
                if let c = current { comments.append(c) }
            }
        }
        return comments
    }

    /// Every identifier in the C headers (`[A-Za-z_][A-Za-z0-9_]*`).
    static func identifiers(inHeaders paths: [String]) -> Set<String> {
        var names: Set<String> = []
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            var current = ""
            for scalar in text.unicodeScalars {
                if scalar == "_" || (scalar.value < 128 && CharacterSet.alphanumerics.contains(scalar)) {
                    current.unicodeScalars.append(scalar)
                } else {
                    if !current.isEmpty { names.insert(current) }
                    current = ""
                }
            }
            if !current.isEmpty { names.insert(current) }
        }
        return names
    }

    static let libnbd = identifiers(inHeaders: ["/usr/include/libnbd.h"])
    static let libxml2: Set<String> = {
        let dir = "/usr/include/libxml2/libxml"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return identifiers(inHeaders: files.filter { $0.hasSuffix(".h") }.map { "\(dir)/\($0)" })
    }()

    /// The backquoted names of every "corresponding C function(s) is/are …" clause (up to its `)`).
    static func correspondingNames(in text: String) -> [[String]] {
        var clauses: [[String]] = []
        var rest = Substring(text)
        while let range = rest.range(of: #"corresponding C functions? (is|are)"#, options: .regularExpression) {
            let after = rest[range.upperBound...]
            let clause = after.prefix { $0 != ")" }
            let parts = clause.split(separator: "`", omittingEmptySubsequences: false)
            // Backquoted text is every odd part.
            let names = stride(from: 1, to: parts.count, by: 2).map { String(parts[$0]) }
                .filter { !$0.isEmpty && $0.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } }
            clauses.append(names)
            rest = after
        }
        return clauses
    }

    @Test func correspondingCFunctionsExist() throws {
        let api = DocDriftTests.api
        #expect(!Self.libnbd.isEmpty, "libnbd.h not found")
        #expect(!Self.libxml2.isEmpty, "libxml2 headers not found")
        let comments = try Self.docComments(modules: ["Libvirt", "NBD", "Lab", "RewindXML", "Runner", "GuideModel", "Site", "LiveHost"])
        var checked = 0
        var problems: [String] = []
        for comment in comments {
            for names in Self.correspondingNames(in: comment.text) {
                if names.isEmpty {
                    problems.append("\(comment.file):\(comment.line): a 'corresponding C function' clause names no function")
                }
                for name in names {
                    checked += 1
                    let exists: Bool
                    if name.hasPrefix("vir") { exists = api.kind(of: name) == .function || api.kind(of: name) == .functype }
                    else if name.hasPrefix("VIR_") { exists = api.contains(name) }
                    else if name.hasPrefix("nbd_") || name.hasPrefix("LIBNBD_") { exists = Self.libnbd.contains(name) }
                    else if name.hasPrefix("xml") { exists = Self.libxml2.contains(name) }
                    else { exists = false }
                    if !exists { problems.append("\(comment.file):\(comment.line): '\(name)' is not a C function of libvirt, libnbd or libxml2") }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // The binding documents most of its wrappers this way.
        #expect(checked > 60, "only \(checked) names were checked")
    }

    /// Names the binding mentions to say that they do not exist (the claims catalog's `doc.*-missing`).
    static let documentedNonexistent: Set = ["virDomainBackupEnd", "virDomainSnapshotCreateXML2"]

    @Test func everyLibvirtNameInTheBindingsDocsExists() throws {
        // This machine's API XML, and the committed names of libvirt 12.8 (error codes added after 9.0, …).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let api = DocDriftTests.api.merged(with: try LibvirtAPI.loadCatalog(root.appendingPathComponent(LibvirtAPI.catalogPath)))
        for name in Self.documentedNonexistent {
            #expect(!api.contains(name), "\(name) exists after all")
        }
        let comments = try Self.docComments(modules: ["Libvirt", "NBD"])
        var checked = 0
        var problems: [String] = []
        for comment in comments {
            for (name, isPrefix) in DocDrift.names(in: Array(comment.text.utf8))
            where !Self.documentedNonexistent.contains(name) {
                checked += 1
                let known = isPrefix ? api.hasName(withPrefix: name) : api.contains(name)
                if !known { problems.append("\(comment.file):\(comment.line): unknown libvirt name '\(name)'") }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(checked > 100, "only \(checked) names were checked")
    }

    @Test func clauseParsing() {
        let text = "Reads it (the corresponding C function is `virDomainGetXMLDesc`; nil stands for `VIR_ERR_NO_DOMAIN`). "
            + "Writes (the corresponding C functions are `xmlSaveToBuffer` and `xmlSaveDoc`), then (`virNope`)."
        #expect(Self.correspondingNames(in: text) == [["virDomainGetXMLDesc", "VIR_ERR_NO_DOMAIN"],
                                                     ["xmlSaveToBuffer", "xmlSaveDoc"]])
    }
}
