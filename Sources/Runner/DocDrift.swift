import Foundation
import GuideModel

/// Doc drift: every libvirt name a guide writes must exist in libvirt's API description.
///
/// Every line of a guide is scanned, prose, inline code, code blocks and link targets alike, for
/// function and type names (`vir` followed by a capital letter, `virDomainBackupBegin`) and for
/// enumerators, flags, error codes and macros (`VIR_` followed by capitals, digits and underscores,
/// `VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL`). A name followed by `*`, `…`, `...` or a `<placeholder>`,
/// or ending in `_`, is a prefix (`VIR_DOMAIN_SNAPSHOT_CREATE_*`, `virDomainEvent<Event>DetailType`):
/// some declared name must start with it.
///
/// A name that libvirt does not declare fails verification, at its line:
///
/// ```text
/// Guides/x.md:12: unknown libvirt name 'virDomainBackupEnd'
/// ```
///
/// unless the guide says, on purpose, that the name does not exist. It does so with a block quote whose
/// text starts with `Nonexistent:` and names the identifiers; they are then accepted anywhere in that
/// guide, and each must really be missing from the API (otherwise the note itself is drift):
///
/// ```markdown
/// > Nonexistent: `virDomainBackupEnd`, `virDomainSnapshotCreateXML2` (named by libvirt's own docs).
/// ```
public struct DocDrift: Sendable {
    /// A libvirt name written in a guide.
    public struct Reference: Sendable, Hashable {
        /// The name (without a trailing `*`).
        public var name: String
        /// The 1-based Markdown line.
        public var line: Int
        /// Whether it stands for every name that starts with it.
        public var isPrefix: Bool

        /// Creates a reference.
        public init(name: String, line: Int, isPrefix: Bool = false) {
            self.name = name
            self.line = line
            self.isPrefix = isPrefix
        }
    }

    /// A name a guide marks as nonexistent (in a `Nonexistent:` block quote).
    public struct Declaration: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The line of the block quote's paragraph.
        public var line: Int

        /// Creates a declaration.
        public init(name: String, line: Int) {
            self.name = name
            self.line = line
        }
    }

    /// What the check found, for the JSON results.
    public struct Report: Sendable, Hashable, Codable {
        /// The API description files checked against.
        public var apiFiles: [String]
        /// Names written in the guides (every occurrence).
        public var references: Int
        /// Distinct names written.
        public var distinctNames: Int
        /// Names the guides mark as nonexistent, as `Guides/x.md: name`.
        public var nonexistent: [String]
        /// The problems (`Guides/x.md:LINE: unknown libvirt name 'x'`); each is also a guide error.
        public var problems: [String]

        /// Creates a report.
        public init(apiFiles: [String], references: Int = 0, distinctNames: Int = 0, nonexistent: [String] = [],
                    problems: [String] = []) {
            self.apiFiles = apiFiles
            self.references = references
            self.distinctNames = distinctNames
            self.nonexistent = nonexistent
            self.problems = problems
        }
    }

    /// The word that opens a block quote declaring nonexistent names.
    public static let marker = "Nonexistent:"

    /// The names libvirt declares.
    public let api: LibvirtAPI
    /// The API file named in messages.
    public var apiName = "libvirt-api.xml"

    /// Creates a checker.
    public init(api: LibvirtAPI) {
        self.api = api
    }

    /// Checks guides (each with its Markdown text, as read from disk).
    public func check(_ guides: [(guide: Guide, source: String)]) -> Report {
        var report = Report(apiFiles: api.files)
        var distinct: Set<String> = []
        for (guide, source) in guides {
            let references = Self.references(in: source)
            let declarations = Self.declarations(in: guide)
            report.references += references.count
            distinct.formUnion(references.map(\.name))
            report.nonexistent += Set(declarations.map(\.name)).sorted().map { "\(guide.path): \($0)" }
            report.problems += problems(path: guide.path, references: references, declarations: declarations,
                                        markers: Self.markerLines(in: guide))
        }
        report.distinctNames = distinct.count
        return report
    }

    /// The problems of one guide: unknown names, and declarations of names that exist after all.
    ///
    /// - Parameter markers: lines of `Nonexistent:` notes, checked to name at least one identifier.
    public func problems(path: String, references: [Reference], declarations: [Declaration],
                         markers: [Int] = []) -> [String] {
        var problems: [(line: Int, text: String)] = []
        let declared = Set(declarations.map(\.name))
        var reported: Set<String> = []
        for r in references where !declared.contains(r.name) {
            let known = r.isPrefix ? api.hasName(withPrefix: r.name) : api.contains(r.name)
            guard !known, reported.insert("\(r.line) \(r.name)").inserted else { continue }
            let what = r.isPrefix ? "no libvirt name starts with '\(r.name)'" : "unknown libvirt name '\(r.name)'"
            problems.append((r.line, "\(path):\(r.line): \(what) (not in \(apiName); if the name does not "
                             + "exist on purpose, name it in a '> \(Self.marker)' note)"))
        }
        for d in declarations {
            if let kind = api.kind(of: d.name) {
                problems.append((d.line, "\(path):\(d.line): '\(d.name)' is marked nonexistent, but \(apiName) "
                                 + "declares it (\(kind.rawValue))"))
            }
        }
        let declaredLines = Set(declarations.map(\.line))
        for line in markers where !declaredLines.contains(line) {
            problems.append((line, "\(path):\(line): a '\(Self.marker)' note names no libvirt identifier"))
        }
        return problems.sorted { $0.line < $1.line }.map(\.text)
    }

    /// Every libvirt name in `source`, line by line.
    public static func references(in source: String) -> [Reference] {
        var references: [Reference] = []
        var lineNumber = 0
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            references += names(in: Array(line.utf8)).map { Reference(name: $0.name, line: lineNumber, isPrefix: $0.isPrefix) }
        }
        return references
    }

    /// The names marked nonexistent in `guide`: the identifiers in every block quote whose text starts
    /// with ``marker``.
    public static func declarations(in guide: Guide) -> [Declaration] {
        markerParagraphs(in: guide.document).flatMap { paragraph in
            let text = paragraph.plainText
            let afterMarker = text.range(of: marker).map { String(text[$0.upperBound...]) } ?? text
            return names(in: Array(afterMarker.utf8)).map { Declaration(name: $0.name, line: paragraph.line) }
        }
    }

    /// The lines of the guide's `Nonexistent:` notes.
    static func markerLines(in guide: Guide) -> [Int] {
        markerParagraphs(in: guide.document).map(\.line)
    }

    /// The first paragraph of each block quote (at any depth) whose text starts with the marker.
    static func markerParagraphs(in node: Node) -> [Node] {
        var found: [Node] = []
        if case .blockQuote = node.kind, let first = node.children.first, case .paragraph = first.kind,
           first.plainText.trimmingPrefixWhitespace().hasPrefix(marker) {
            found.append(first)
        }
        for child in node.children where child.isBlock {
            found += markerParagraphs(in: child)
        }
        return found
    }

    /// The libvirt names in one line of UTF-8: maximal runs of `[A-Za-z0-9_]` that are `vir[A-Z][A-Za-z0-9]+`
    /// or `VIR_[A-Z0-9_]+`, with their prefix marks.
    static func names(in bytes: [UInt8]) -> [(name: String, isPrefix: Bool)] {
        func isWord(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
        }
        func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isAlnum(_ b: UInt8) -> Bool { isWord(b) && b != 0x5F }
        let ellipsis: [UInt8] = [0xE2, 0x80, 0xA6]

        var found: [(String, Bool)] = []
        var i = 0
        while i < bytes.count {
            guard isWord(bytes[i]) else { i += 1; continue }
            let start = i
            while i < bytes.count, isWord(bytes[i]) { i += 1 }
            let run = Array(bytes[start..<i])
            let followedByWildcard = i < bytes.count && (bytes[i] == 0x2A || bytes[i] == 0x3C   // * <
                || Array(bytes[i..<min(i + 3, bytes.count)]) == ellipsis
                || Array(bytes[i..<min(i + 3, bytes.count)]) == Array("...".utf8))
            let isFunctionLike = run.count >= 5 && run[0] == 0x76 && run[1] == 0x69 && run[2] == 0x72 // vir
                && isUpper(run[3]) && run[4...].allSatisfy(isAlnum)
            let isConstantLike = run.count > 4 && Array(run[0..<4]) == Array("VIR_".utf8)
                && run[4...].allSatisfy { isUpper($0) || isDigit($0) || $0 == 0x5F }
            if isFunctionLike {
                found.append((String(decoding: run, as: UTF8.self), followedByWildcard))
            } else if isConstantLike {
                found.append((String(decoding: run, as: UTF8.self), followedByWildcard || run.last == 0x5F))
            }
        }
        return found
    }
}

extension String {
    /// The string without leading spaces and tabs.
    fileprivate func trimmingPrefixWhitespace() -> Substring {
        self.drop { $0 == " " || $0 == "\t" }
    }
}
