import GuideModel

/// A guide page's table of contents and its search sections: the text under each heading of level 2 and
/// deeper (code included), read from the Markdown tree, not from the rendered HTML.
struct PageOutline: MarkupWalker {
    let guide: Guide
    private(set) var toc: [TOCEntry] = []
    private(set) var sections: [SearchSection] = []

    private var text = ""
    private var anchor = ""
    private var title: String

    init(guide: Guide) {
        self.guide = guide
        self.title = guide.title
    }

    /// Closes the last section; call once after the walk.
    mutating func finish() {
        closeSection()
    }

    private mutating func closeSection() {
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if !words.isEmpty || !anchor.isEmpty {
            sections.append(SearchSection(anchor: anchor, title: title, text: words))
        }
        text = ""
    }

    mutating func visitParagraph(_ node: Node) {
        descendInto(node)
        text += " "
    }

    mutating func visitHeading(_ node: Node, level: Int) {
        // A heading opens a section; its own words are the section's title, not its text.
        guard level > 1 else { return }
        closeSection()
        let heading = guide.heading(atLine: node.line)
        anchor = heading?.anchor ?? ""
        title = heading?.text ?? node.plainText
        if level <= 3 { toc.append(TOCEntry(level: level, text: title, anchor: anchor)) }
    }

    mutating func visitHTMLBlock(_ node: Node, html: String) {
        if !html.trimmingCharacters(in: .whitespaces).hasPrefix("<!--") { text += html }
    }

    mutating func visitCodeBlock(_ node: Node, info: String, literal: String) {
        switch guide.codeBlock(atLine: node.line)?.role {
        case .snippet(let id):
            if let snippet = guide.snippet(id: id) {
                text += " " + snippet.id + " " + snippet.visibleCode + " "
            } else {
                text += literal
            }
        case .prelude:
            break   // hidden setup code: not what a reader searches for
        case .expectedOutput, .script, .display, nil:
            text += literal
        }
    }

    mutating func visitText(_ node: Node, text literal: String) { text += literal }
    mutating func visitSoftBreak(_ node: Node) { text += " " }
    mutating func visitLineBreak(_ node: Node) { text += " " }
    mutating func visitInlineCode(_ node: Node, code: String) { text += code }
    mutating func visitInlineHTML(_ node: Node, html: String) {}
    mutating func visitImage(_ node: Node, source: String, title: String) { text += node.plainText }
}
