/// A visitor over a ``Node`` tree, with one method per node kind.
///
/// ``Node/accept(_:)`` calls the method that matches the node's kind, passing the kind's data as
/// arguments. Every method has a default implementation that calls ``defaultVisit(_:)``, so a visitor
/// implements only the kinds it cares about. A visitor decides itself whether to descend into children;
/// ``MarkupWalker`` is the visitor that descends by default.
///
/// ```swift
/// struct LinkCollector: MarkupWalker {
///     var destinations: [String] = []
///     mutating func visitLink(_ node: Node, destination: String, title: String) {
///         destinations.append(destination)
///         descendInto(node)
///     }
/// }
/// ```
public protocol MarkupVisitor {
    /// What visiting a node produces (`Void` for visitors that accumulate state).
    associatedtype Result

    /// Visits a node whose kind has no more specific method implemented.
    mutating func defaultVisit(_ node: Node) -> Result

    /// Visits the root of a guide.
    mutating func visitDocument(_ node: Node) -> Result
    /// Visits a block quote.
    mutating func visitBlockQuote(_ node: Node) -> Result
    /// Visits a list.
    mutating func visitList(_ node: Node, ordered: Bool, start: Int, tight: Bool) -> Result
    /// Visits a list item.
    mutating func visitItem(_ node: Node) -> Result
    /// Visits a code block (fenced or indented).
    mutating func visitCodeBlock(_ node: Node, info: String, literal: String) -> Result
    /// Visits a raw HTML block.
    mutating func visitHTMLBlock(_ node: Node, html: String) -> Result
    /// Visits a paragraph.
    mutating func visitParagraph(_ node: Node) -> Result
    /// Visits a heading.
    mutating func visitHeading(_ node: Node, level: Int) -> Result
    /// Visits a thematic break.
    mutating func visitThematicBreak(_ node: Node) -> Result
    /// Visits literal text.
    mutating func visitText(_ node: Node, text: String) -> Result
    /// Visits a soft line break.
    mutating func visitSoftBreak(_ node: Node) -> Result
    /// Visits a hard line break.
    mutating func visitLineBreak(_ node: Node) -> Result
    /// Visits a code span.
    mutating func visitInlineCode(_ node: Node, code: String) -> Result
    /// Visits raw inline HTML.
    mutating func visitInlineHTML(_ node: Node, html: String) -> Result
    /// Visits emphasis.
    mutating func visitEmphasis(_ node: Node) -> Result
    /// Visits strong emphasis.
    mutating func visitStrong(_ node: Node) -> Result
    /// Visits a link.
    mutating func visitLink(_ node: Node, destination: String, title: String) -> Result
    /// Visits an image.
    mutating func visitImage(_ node: Node, source: String, title: String) -> Result
    /// Visits a table.
    mutating func visitTable(_ node: Node, alignments: [Node.TableAlignment]) -> Result
    /// Visits a table row.
    mutating func visitTableRow(_ node: Node, header: Bool) -> Result
    /// Visits a table cell.
    mutating func visitTableCell(_ node: Node) -> Result
}

extension MarkupVisitor {
    /// Visits `node` by dispatching on its kind (the same as `node.accept(&self)`).
    public mutating func visit(_ node: Node) -> Result {
        node.accept(&self)
    }

    /// Calls ``defaultVisit(_:)``.
    public mutating func visitDocument(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitBlockQuote(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitList(_ node: Node, ordered: Bool, start: Int, tight: Bool) -> Result {
        defaultVisit(node)
    }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitItem(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitCodeBlock(_ node: Node, info: String, literal: String) -> Result {
        defaultVisit(node)
    }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitHTMLBlock(_ node: Node, html: String) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitParagraph(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitHeading(_ node: Node, level: Int) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitThematicBreak(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitText(_ node: Node, text: String) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitSoftBreak(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitLineBreak(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitInlineCode(_ node: Node, code: String) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitInlineHTML(_ node: Node, html: String) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitEmphasis(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitStrong(_ node: Node) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitLink(_ node: Node, destination: String, title: String) -> Result {
        defaultVisit(node)
    }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitImage(_ node: Node, source: String, title: String) -> Result {
        defaultVisit(node)
    }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitTable(_ node: Node, alignments: [Node.TableAlignment]) -> Result {
        defaultVisit(node)
    }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitTableRow(_ node: Node, header: Bool) -> Result { defaultVisit(node) }
    /// Calls ``defaultVisit(_:)``.
    public mutating func visitTableCell(_ node: Node) -> Result { defaultVisit(node) }
}

/// A visitor that produces nothing and, by default, visits every node of a tree in document order.
///
/// Override the methods of the kinds you need; call ``descendInto(_:)`` from an override to keep walking
/// into that node's children.
public protocol MarkupWalker: MarkupVisitor where Result == Void {}

extension MarkupWalker {
    /// Visits the children of `node`.
    public mutating func defaultVisit(_ node: Node) {
        descendInto(node)
    }

    /// Visits each child of `node`, in order.
    public mutating func descendInto(_ node: Node) {
        for child in node.children {
            child.accept(&self)
        }
    }
}

extension Node {
    /// Lets `visitor` visit this node: calls the visitor's method for this node's kind.
    public func accept<Visitor: MarkupVisitor>(_ visitor: inout Visitor) -> Visitor.Result {
        switch kind {
        case .document: visitor.visitDocument(self)
        case .blockQuote: visitor.visitBlockQuote(self)
        case .list(let ordered, let start, let tight):
            visitor.visitList(self, ordered: ordered, start: start, tight: tight)
        case .item: visitor.visitItem(self)
        case .codeBlock(let info, let literal): visitor.visitCodeBlock(self, info: info, literal: literal)
        case .htmlBlock(let html): visitor.visitHTMLBlock(self, html: html)
        case .paragraph: visitor.visitParagraph(self)
        case .heading(let level): visitor.visitHeading(self, level: level)
        case .thematicBreak: visitor.visitThematicBreak(self)
        case .text(let text): visitor.visitText(self, text: text)
        case .softBreak: visitor.visitSoftBreak(self)
        case .lineBreak: visitor.visitLineBreak(self)
        case .code(let code): visitor.visitInlineCode(self, code: code)
        case .htmlInline(let html): visitor.visitInlineHTML(self, html: html)
        case .emphasis: visitor.visitEmphasis(self)
        case .strong: visitor.visitStrong(self)
        case .link(let destination, let title): visitor.visitLink(self, destination: destination, title: title)
        case .image(let source, let title): visitor.visitImage(self, source: source, title: title)
        case .table(let alignments): visitor.visitTable(self, alignments: alignments)
        case .tableRow(let header): visitor.visitTableRow(self, header: header)
        case .tableCell: visitor.visitTableCell(self)
        }
    }
}
