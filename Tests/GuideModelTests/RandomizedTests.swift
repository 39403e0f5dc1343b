@testable import GuideModel
import Testing

/// A small deterministic generator (SplitMix64), so that every run sees the same inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds random guides from pieces of Markdown, fence attributes and garbage bytes.
struct RandomGuideWriter {
    var random: SplitMix64

    private static let languages = ["swift", "swift", "swift", "output", "output mask", "xml", "Swift", "swift,ignore", "", "sh"]
    private static let keys = FenceAttribute.allCases.map(\.rawValue)
        + ["neeeds", "for", "mask", "masked", "", "=", "\"", "id", "id", "continues", "context"]
    private static let values = [
        "a", "b", "c", "lab", "qemu", "qemu,backup", "qemu,,x", "VIR_ERR_NO_DOMAIN", "VIR_ERR_", "5", "0.5", "-1",
        "snap.revert.external", "snap.a,snap.a", "\"quoted \\\" value\"", "\"unterminated", "\"x\"y", "Bad", "test",
    ]
    private static let codeLines = [
        "# hidden()", "#", "#if DEBUG", "#endif", "let x = 1", "    # let y = 2", "", "```", "~~~", "print(x)",
        "{{uuid}}", "\t# tab", "> not a quote", "- not a list",
    ]
    private static let prefixes = ["", "", "", "> ", "- ", "1. ", "  ", "> - ", "- > ", "\t", "   "]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    mutating func number(_ range: Range<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }

    mutating func garbage() -> [UInt8] {
        (0..<number(1..<16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// How many well-formed snippets were written (their ids are numbered).
    var snippetCount = 0
    /// Whether the document being written avoids garbage (most such documents are valid guides).
    var clean = false

    mutating func infoString() -> String {
        if clean || chance(50) {
            // A well-formed snippet, so that valid guides with snippets come up often.
            snippetCount += 1
            return "swift id=s\(snippetCount % 50)" + pick(["", " tier=qemu", " needs=qemu,events", " compile-only", " timeout=3"])
        }
        var info = pick(Self.languages)
        for _ in 0..<number(0..<5) {
            let key = pick(Self.keys)
            info += " " + (chance(60) ? key + "=" + pick(Self.values) : key)
        }
        return info
    }

    mutating func document() -> [UInt8] {
        let newline = chance(85) ? "\n" : pick(["\r\n", "\r"])
        var bytes: [UInt8] = []
        func append(_ text: String) { bytes += Array(text.utf8) }
        clean = chance(30)
        if clean || chance(85) { append("# Title \(number(0..<3))" + newline) }
        for _ in 0..<number(0..<12) {
            switch clean ? 3 + number(0..<5) : number(0..<8) {
            case 0:
                append(pick(["Some prose.", "## Section", "### Setup", "- item", "1. step", "> quoted", "***", "<div>"]) + newline)
            case 1:
                bytes += garbage()
                append(newline)
            case 2:
                append(String(repeating: pick([">", "- ", "> - ", " "]), count: number(1..<8)) + "x" + newline)
            default:
                let prefix = pick(Self.prefixes)
                let continuation = prefix.isEmpty || chance(20) ? "" : String(repeating: " ", count: prefix.count)
                let character = pick(["`", "~"])
                let length = number(2..<6)
                let fence = String(repeating: character, count: length)
                append(prefix + fence + infoString() + newline)
                for _ in 0..<number(0..<5) {
                    if !clean && chance(10) {
                        bytes += garbage()
                        append(newline)
                    } else {
                        let quoted = prefix.hasPrefix(">") && chance(80) ? ">" + continuation.dropFirst() : continuation
                        append(quoted + pick(Self.codeLines) + newline)
                    }
                }
                if clean || chance(85) {
                    let quoted = prefix.hasPrefix(">") ? "> " : continuation
                    append(quoted + String(repeating: character, count: length + number(0..<2)) + newline)
                }
                if chance(30) { append(newline) }
            }
        }
        if !clean && chance(10) { bytes.removeLast(min(bytes.count, number(0..<3))) }
        return bytes
    }
}

@Suite("Randomized inputs")
struct RandomizedTests {
    @Test("parsing random guides never crashes or hangs, and every error has a location", .timeLimit(.minutes(1)))
    func randomGuides() throws {
        var writer = RandomGuideWriter(random: SplitMix64(state: 0x5EED_2024))
        var validGuides = 0
        var snippetsChecked = 0
        var errorsSeen = 0
        var group: [String: String] = [:]
        for iteration in 0..<2000 {
            let bytes = writer.document()
            let path = "Guides/r\(iteration % 3).md"
            let source = SourceText(bytes: bytes)
            let (guide, errors) = Guide.parse(bytes: bytes, path: path)
            errorsSeen += errors.count
            for error in errors {
                #expect(error.file == path)
                #expect(error.line >= 1 && error.line <= max(source.lineCount, 1), "\(error)")
                #expect(!error.message.isEmpty)
            }
            #expect((guide == nil) == !errors.isEmpty)

            if let guide {
                validGuides += 1
                #expect(Set(guide.headings.map(\.anchor)).count == guide.headings.count)
                for snippet in guide.snippets {
                    snippetsChecked += 1
                    #expect(snippet.codeLine == snippet.line + 1)
                    for (offset, line) in snippet.lines.enumerated() {
                        #expect(line.markdownLine == snippet.codeLine + offset)
                        #expect(line.markdownLine <= source.lineCount)
                        // The Markdown line ends with the code line (container markers come before it).
                        guard let first = line.text.unicodeScalars.first, first != " ", first != "\t" else { continue }
                        let raw = source.line(line.markdownLine).string
                        #expect(raw.hasSuffix(line.isHidden ? "# " + line.text : line.text), "\(snippet.location)")
                    }
                }
            }

            // The formatter agrees with cmark on every document cmark can parse.
            if SourceText.firstInvalidUTF8Offset(in: bytes) == nil,
               let parsed = try? CMark.parse(source.bytes, lineCount: source.lineCount) {
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(HTMLFormatter.format(parsed.document) == CMark.referenceHTML(text), "iteration \(iteration)")
            }

            // Every few documents, check a set of three together (their ids often collide).
            if let text = String(validating: bytes, as: UTF8.self) {
                group[path] = text
            }
            if iteration % 3 == 2 {
                do {
                    let set = try GuideSet.parse(sources: group)
                    #expect(Set(set.snippets.map(\.id)).count == set.snippets.count)
                } catch {
                    #expect(!error.errors.isEmpty)
                    #expect(error.errors.allSatisfy { $0.line >= 1 && group[$0.file] != nil })
                }
                group = [:]
            }
        }
        // The generator must actually exercise both outcomes.
        #expect(validGuides > 200)
        #expect(snippetsChecked > 150)
        #expect(errorsSeen > 1000)
    }
}
