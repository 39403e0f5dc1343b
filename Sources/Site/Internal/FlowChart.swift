import GuideModel
import Foundation

/// A decision flow written in a guide as a ` ```flow ` block, drawn on the site as a tree of questions
/// whose leaves link to the guide (and the snippet) that shows the answer.
///
/// One node per line, two spaces of indentation per level. A question starts with `?`, a leaf with `→`;
/// below the root, each starts with the answer that leads to it and a colon. A leaf names its target as
/// `Title | guide.md#anchor | snippet-id` (the anchor and the snippet id are optional):
///
/// ```text
/// ? Does the capture need the guest's memory?
///   yes: ? Must the guest keep running?
///     yes: → Live external snapshot | snapshots.md#live | snap-memory-then-disk
///     no: → Save | save.md | save-restore
///   no: → Push backup | push-backup.md | push-consistent-to-start
/// ```
struct FlowChart {
    indirect enum Node {
        case question(answer: String?, text: String, line: Int, children: [Node])
        case leaf(answer: String?, title: String, guide: String?, snippet: String?, line: Int)
    }

    /// A malformed line: its line number in the guide and what is wrong.
    struct Problem: Error {
        var line: Int
        var message: String
    }

    let root: Node

    /// Parses the block's text; `firstLine` is the guide line of its first line.
    init(text: String, firstLine: Int) throws(Problem) {
        var entries: [(depth: Int, answer: String?, body: String, line: Int)] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = firstLine + offset
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let spaces = raw.prefix { $0 == " " }.count
            guard spaces % 2 == 0 else { throw Problem(line: line, message: "indent flow lines by two spaces per level") }
            var rest = raw.dropFirst(spaces)
            var answer: String?
            if rest.first != "?" && rest.first != "→" {
                guard let colon = rest.firstIndex(of: ":") else {
                    throw Problem(line: line, message: "expected '? question', '→ leaf' or 'answer: …'")
                }
                answer = rest[..<colon].trimmingCharacters(in: .whitespaces)
                rest = rest[rest.index(after: colon)...].drop { $0 == " " }
            }
            guard rest.first == "?" || rest.first == "→" else {
                throw Problem(line: line, message: "after the answer, expected '? question' or '→ leaf'")
            }
            entries.append((spaces / 2, answer, String(rest), line))
        }
        guard let first = entries.first else { throw Problem(line: firstLine, message: "an empty flow") }
        guard first.depth == 0, first.answer == nil, first.body.hasPrefix("?") else {
            throw Problem(line: first.line, message: "a flow starts with an unindented '? question'")
        }
        var index = 0
        func parse(depth: Int) throws(Problem) -> Node {
            let e = entries[index]
            index += 1
            let body = e.body.dropFirst().trimmingCharacters(in: .whitespaces)
            if e.body.hasPrefix("→") {
                let parts = body.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard !parts[0].isEmpty, parts.count <= 3 else {
                    throw Problem(line: e.line, message: "a leaf is 'Title | guide.md#anchor | snippet-id'")
                }
                if index < entries.count, entries[index].depth > depth {
                    throw Problem(line: entries[index].line, message: "a leaf (→) has no branches under it")
                }
                return .leaf(answer: e.answer, title: parts[0], guide: parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil,
                             snippet: parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil, line: e.line)
            }
            var children: [Node] = []
            while index < entries.count, entries[index].depth > depth {
                guard entries[index].depth == depth + 1 else {
                    throw Problem(line: entries[index].line, message: "indented more than one level below its question")
                }
                guard entries[index].answer != nil else {
                    throw Problem(line: entries[index].line, message: "a branch starts with its answer, e.g. 'yes: …'")
                }
                children.append(try parse(depth: depth + 1))
            }
            guard !children.isEmpty else { throw Problem(line: e.line, message: "a question without answers") }
            return .question(answer: e.answer, text: body, line: e.line, children: children)
        }
        root = try parse(depth: 0)
        if index < entries.count {
            throw Problem(line: entries[index].line, message: "a second root: a flow has one first question")
        }
    }

    /// The tree as nested lists; `link` turns a guide reference (`x.md#a`) into an href, `snippetLink` a
    /// guide and snippet id into the href of the snippet.
    func html(link: (String) -> String, snippetLink: (String, String) -> String) -> String {
        func render(_ node: Node) -> String {
            switch node {
            case .question(let answer, let text, _, let children):
                return "<li class=\"flow-question\">" + branch(answer)
                    + "<span class=\"flow-q\">\(HTML.escape(text))</span>\n<ul>"
                    + children.map(render).joined() + "</ul></li>\n"
            case .leaf(let answer, let title, let guide, let snippet, _):
                var html = "<li class=\"flow-leaf\">" + branch(answer)
                if let guide {
                    html += "<a class=\"flow-api\" href=\"\(HTML.attribute(link(guide)))\">\(HTML.escape(title))</a>"
                } else {
                    html += "<span class=\"flow-api\">\(HTML.escape(title))</span>"
                }
                if let guide, let snippet {
                    html += " <a class=\"flow-proof\" href=\"\(HTML.attribute(snippetLink(guide, snippet)))\" title=\"the snippet that shows it\">"
                        + "<code>\(HTML.escape(snippet))</code></a>"
                }
                return html + "</li>\n"
            }
        }
        func branch(_ answer: String?) -> String {
            answer.map { "<span class=\"flow-answer\">\(HTML.escape($0))</span> " } ?? ""
        }
        return "<div class=\"flow\" role=\"figure\" aria-label=\"Decision flow\"><ul>" + render(root) + "</ul></div>\n"
    }
}
