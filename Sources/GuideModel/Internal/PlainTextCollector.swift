// A walker that gathers the plain text of a Markdown tree.

/// Collects the plain text of a tree (see ``Node/plainText``).
struct PlainTextCollector: MarkupWalker {
    var text = ""

    mutating func visitText(_ node: Node, text: String) { self.text += text }
    mutating func visitInlineCode(_ node: Node, code: String) { text += code }
    mutating func visitSoftBreak(_ node: Node) { text += " " }
    mutating func visitLineBreak(_ node: Node) { text += " " }
    mutating func visitInlineHTML(_ node: Node, html: String) {}
    mutating func visitHTMLBlock(_ node: Node, html: String) {}
    mutating func visitTableCell(_ node: Node) {
        if !text.isEmpty, text.last != " " { text += " " }
        descendInto(node)
    }
    mutating func visitCodeBlock(_ node: Node, info: String, literal: String) { text += literal }
}
