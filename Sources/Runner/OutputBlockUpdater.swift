import Foundation

/// Rewrites expected-output blocks in place (`rewind verify --update`).
///
/// Only the lines between the block's opening and closing fences change; every other byte of the
/// Markdown file (line endings included) stays as it was. Several blocks of one file are rewritten
/// bottom-up so that their line numbers stay valid.
public enum OutputBlockUpdater {
    /// A block to rewrite.
    public struct Update: Sendable, Hashable {
        /// The guide, relative to the root, e.g. `Guides/x.md`.
        public var guide: String
        /// The Markdown line of the block's opening fence.
        public var line: Int
        /// The new content (lines separated by `\n`).
        public var text: String
        /// Creates an update.
        public init(guide: String, line: Int, text: String) {
            self.guide = guide
            self.line = line
            self.text = text
        }
    }

    /// The file is not as the guide model described it.
    public struct UpdateError: Error, Sendable, CustomStringConvertible {
        /// `Guides/x.md:12: no code fence here`
        public var description: String
    }

    /// Applies `updates` to the guides under `root`. Returns `Guides/x.md:LINE` for each block rewritten
    /// (blocks that already held the text are left alone and not listed).
    @discardableResult
    public static func apply(_ updates: [Update], root: URL) throws(UpdateError) -> [String] {
        var changed: [String] = []
        let byFile = Dictionary(grouping: updates, by: \.guide)
        for (guide, blocks) in byFile.sorted(by: { $0.key < $1.key }) {
            let url = root.appendingPathComponent(guide)
            guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
                throw UpdateError(description: "\(guide): cannot read the file")
            }
            var lines = splitKeepingTerminators(text)
            var fileChanged = false
            for block in blocks.sorted(by: { $0.line > $1.line }) {
                if try rewrite(&lines, block: block) {
                    fileChanged = true
                    changed.append("\(guide):\(block.line)")
                }
            }
            if fileChanged {
                do {
                    try Data(lines.joined().utf8).write(to: url, options: .atomic)
                } catch {
                    throw UpdateError(description: "\(guide): cannot write: \(error)")
                }
            }
        }
        return changed.sorted()
    }

    /// Replaces the content lines of the fenced block opening at `block.line`. Returns whether anything changed.
    static func rewrite(_ lines: inout [String], block: Update) throws(UpdateError) -> Bool {
        let index = block.line - 1
        guard lines.indices.contains(index), let fence = Fence(opening: lines[index]) else {
            throw UpdateError(description: "\(block.guide):\(block.line): no code fence opens here")
        }
        var end = index + 1
        while end < lines.count && !fence.isClosing(lines[end]) { end += 1 }
        let terminator = lines[index].hasSuffix("\r\n") ? "\r\n" : "\n"
        let indent = String(repeating: " ", count: fence.indent)
        var replacement = block.text.isEmpty ? [] : block.text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? terminator : indent + $0 + terminator }
        if end == lines.count, let last = replacement.last, !(lines.last?.hasSuffix("\n") ?? true) {
            // The block ran to the end of a file without a final newline: keep it that way.
            replacement[replacement.count - 1] = String(last.dropLast(terminator.count))
        }
        let old = Array(lines[(index + 1)..<end])
        if old == replacement { return false }
        lines.replaceSubrange((index + 1)..<end, with: replacement)
        return true
    }

    /// Splits text into lines that keep their `\n` or `\r\n`.
    static func splitKeepingTerminators(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" || ch == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// A CommonMark code fence: up to three spaces, then three or more backticks or tildes.
    struct Fence {
        var character: Character
        var count: Int
        var indent: Int

        init?(opening line: String) {
            let body = line.trimmingCharacters(in: .newlines)
            let indent = body.prefix(while: { $0 == " " }).count
            guard indent <= 3 else { return nil }
            let rest = body.dropFirst(indent)
            guard let c = rest.first, c == "`" || c == "~" else { return nil }
            let n = rest.prefix(while: { $0 == c }).count
            guard n >= 3 else { return nil }
            if c == "`" && rest.dropFirst(n).contains("`") { return nil }
            character = c
            count = n
            self.indent = indent
        }

        func isClosing(_ line: String) -> Bool {
            let body = line.trimmingCharacters(in: .newlines)
            let indent = body.prefix(while: { $0 == " " }).count
            guard indent <= 3 else { return false }
            let rest = body.dropFirst(indent)
            let n = rest.prefix(while: { $0 == character }).count
            return n >= count && rest.dropFirst(n).allSatisfy { $0 == " " || $0 == "\t" }
        }
    }
}
