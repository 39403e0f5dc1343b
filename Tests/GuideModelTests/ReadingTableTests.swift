import Foundation
import Testing
@testable import GuideModel

/// `Guides/reading.md` documents the fence vocabulary in a table; it must name every attribute the parser
/// knows, and nothing else, so that the documentation cannot lag behind ``FenceAttribute``.
@Suite("The fence vocabulary in reading.md")
struct ReadingTableTests {
    @Test("the table in 'The fence vocabulary' has one row per FenceAttribute, in its syntax")
    func tableMatchesVocabulary() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let guide = try #require(Guide.parse(bytes: Array(try Data(contentsOf: root.appendingPathComponent("Guides/reading.md"))),
                                             path: "Guides/reading.md").guide)
        // The first table after the heading "The fence vocabulary".
        let blocks = guide.document.children
        let heading = try #require(blocks.firstIndex { $0.kind == .heading(level: 2) && $0.plainText == "The fence vocabulary" })
        let table = try #require(blocks[heading...].first { if case .table = $0.kind { true } else { false } })
        let names = table.children.dropFirst().compactMap { row -> String? in
            guard let cell = row.children.first, let code = cell.children.first(where: { if case .code = $0.kind { true } else { false } }),
                  case .code(let text) = code.kind else { return nil }
            return String(text.prefix { $0 != "=" })
        }
        #expect(names.count == Set(names).count, "no attribute twice: \(names)")
        #expect(Set(names) == Set(FenceAttribute.allCases.map(\.rawValue)),
                "missing: \(Set(FenceAttribute.allCases.map(\.rawValue)).subtracting(names).sorted()); unknown: \(Set(names).subtracting(FenceAttribute.allCases.map(\.rawValue)).sorted())")
        // Each row's first cell starts with the attribute's syntax up to its first placeholder.
        for row in table.children.dropFirst() {
            guard case .code(let text)? = row.children.first?.children.first?.kind,
                  let attribute = FenceAttribute(rawValue: String(text.prefix { $0 != "=" })) else { continue }
            let stem = String(attribute.syntax.prefix { $0 != "<" && $0 != "\"" })
            #expect(text.hasPrefix(stem), "reading.md writes \(text) for \(attribute.syntax)")
        }
    }
}
