@testable import GuideModel
import Testing

/// A document that uses every construct CommonMark has.
let kitchenSink = markdown(
    "# Title with `code` & <b>html</b>",
    "",
    "Paragraph with *emphasis*, **strong**, ***both***, a [link](<https://libvirt.org/a b?x=1&y='2'> \"Title \\\"q\\\"\"),",
    "an ![image *alt* `c`](data:image/png;base64,AAA \"img\"), a hard  ",
    "break, a backslash\\",
    "break, <span class=\"x\">inline html</span> and an autolink <https://example.org/ä>.",
    "Dangerous: [js](javascript:alert(1)) [data](data:text/html,x) [file](FILE:///etc) ![vb](vbscript:x).",
    "Entities: &amp; &copy; &#35; and escapes \\* \\_ \\`.",
    "",
    "Setext heading",
    "==============",
    "",
    "- tight item one",
    "- tight item two",
    "  - nested",
    "",
    "1. loose",
    "",
    "2. list",
    "",
    "   ```swift id=x",
    "   let x = \"<tag>\" && true",
    "   ```",
    "",
    "7) started at seven",
    "8) next",
    "",
    "> quote with",
    "> lazy",
    "continuation",
    ">",
    "> > nested `quote`",
    "",
    "***",
    "",
    "<div class=\"raw\">",
    "block html",
    "</div>",
    "",
    "    indented code",
    "    <with> & \"entities\"",
    "",
    "~~~ text  more info",
    "tilde",
    "~~~",
    "",
    "```",
    "no info",
    "```",
    "",
    "[ref link][ref] and [collapsed][]",
    "",
    "[ref]: /url 'ref title'",
    "[collapsed]: </with space>",
    "",
    "Trailing paragraph with tab\tand unicode ✓.",
)

@Suite("HTML formatting and visitors")
struct HTMLFormatterTests {
    @Test("the formatter renders exactly what cmark's safe renderer renders")
    func matchesCMark() throws {
        let guide = try #require(validGuide(kitchenSink))
        #expect(HTMLFormatter.format(guide.document) == CMark.referenceHTML(kitchenSink))
    }

    @Test("raw HTML can be escaped instead of omitted, and headings can carry anchors")
    func options() throws {
        let guide = try #require(validGuide(markdown("# Hello <b>x</b>", "", "<p>raw</p>")))
        let anchors = Dictionary(uniqueKeysWithValues: guide.headings.map { ($0.line, $0.anchor) })
        #expect(HTMLFormatter.format(guide.document, rawHTML: .escape, headingAnchors: anchors)
            == "<h1 id=\"hello-x\">Hello &lt;b&gt;x&lt;/b&gt;</h1>\n&lt;p&gt;raw&lt;/p&gt;\n")
        #expect(HTMLFormatter.format(guide.document)
            == "<h1>Hello <!-- raw HTML omitted -->x<!-- raw HTML omitted --></h1>\n<!-- raw HTML omitted -->\n")
    }

    @Test("a code block renderer replaces code blocks it handles")
    func codeBlockRenderer() throws {
        let guide = try #require(validGuide(markdown("# T", "```swift id=a", "x()", "```", "```sh", "ls", "```")))
        let html = HTMLFormatter.format(guide.document) { node, info, literal in
            info.hasPrefix("swift") ? "<div class=\"snippet\" data-line=\"\(node.line)\">\(literal.count)</div>" : nil
        }
        #expect(html == "<h1>T</h1>\n<div class=\"snippet\" data-line=\"2\">4</div>\n<pre><code class=\"language-sh\">ls\n</code></pre>\n")
    }

    @Test("a delegate overrides headings, links, images and raw HTML, keeps state, and the rest stays cmark's")
    func delegate() throws {
        struct Site: HTMLFormatterDelegate {
            var links: [String] = []
            func headingID(_ node: Node, level: Int) -> String? { "h\(node.line)" }
            func headingSuffix(_ node: Node, level: Int, id: String?) -> String { "<a href=\"#\(id ?? "")\">¶</a>" }
            mutating func link(_ node: Node, destination: String, title: String) -> (href: String, attributes: String) {
                links.append(destination)
                return (destination.replacingOccurrences(of: ".md", with: ".html"), " class=\"x\"")
            }
            func image(_ node: Node, source: String, title: String) -> String? { "[img \(source)]" }
            func rawHTML(_ node: Node, html: String, isBlock: Bool) -> String { isBlock ? "" : "(raw)" }
        }
        let guide = try #require(validGuide(markdown("# T", "", "See [a](a.md) ![i](p.png) <b>x</b> \"q\".", "", "<div>gone</div>")))
        var formatter = HTMLFormatter(delegate: Site())
        guide.document.accept(&formatter)
        #expect(formatter.result == "<h1 id=\"h1\">T<a href=\"#h1\">¶</a></h1>\n"
            + "<p>See <a href=\"a.html\" class=\"x\">a</a> [img p.png] (raw)x(raw) &quot;q&quot;.</p>\n")
        #expect(formatter.delegate.links == ["a.md"])
        // Dangerous link destinations are dropped by the default link override.
        let dangerous = try #require(validGuide(markdown("# D", "", "[x](javascript:alert(1))")))
        #expect(HTMLFormatter.format(dangerous.document) == "<h1>D</h1>\n<p><a href=\"\">x</a></p>\n")
    }

    @Test("a walker visits every node in document order; a visitor can return values")
    func visitors() throws {
        struct Collector: MarkupWalker {
            var links: [String] = []
            var codeLines: [Int] = []
            mutating func visitLink(_ node: Node, destination: String, title: String) {
                links.append(destination)
                descendInto(node)
            }
            mutating func visitCodeBlock(_ node: Node, info: String, literal: String) {
                codeLines.append(node.line)
            }
        }
        struct Counter: MarkupVisitor {
            mutating func defaultVisit(_ node: Node) -> Int {
                1 + node.children.reduce(0) { total, child in
                    var counter = self
                    return total + counter.visit(child)
                }
            }
            mutating func visitText(_ node: Node, text: String) -> Int { 0 }
        }
        let guide = try #require(validGuide(kitchenSink))
        var collector = Collector()
        guide.document.accept(&collector)
        #expect(collector.links == ["https://libvirt.org/a b?x=1&y='2'", "https://example.org/ä", "javascript:alert(1)",
                                    "data:text/html,x", "FILE:///etc", "/url", "/with space"])
        #expect(collector.codeLines == guide.codeBlocks.map(\.line))

        var counter = Counter()
        let count = counter.visit(guide.document)
        var all = 0
        var textNodes = 0
        var stack = [guide.document]
        while let node = stack.popLast() {
            all += 1
            if case .text = node.kind { textNodes += 1 }
            stack += node.children
        }
        #expect(count == all - textNodes)
        #expect(guide.document.children.allSatisfy { $0.isBlock })
    }

    @Test("plain text of a heading keeps code spans and drops raw HTML")
    func plainText() throws {
        let guide = try #require(validGuide(markdown("# A `b` <i>c</i> *d*")))
        #expect(guide.title == "A b c d")
    }
}
