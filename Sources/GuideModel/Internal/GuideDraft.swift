// Parsing one guide happens in two phases. The draft (this file) parses the Markdown, reads every code
// fence and checks everything that concerns one block at a time. `finish(foreign:)` then resolves the
// references between blocks (ids, contexts, continuations, outputs) and builds the immutable `Guide`.
// `GuideSet` runs the first phase for all files before the second, so that a reference to a snippet of
// another guide is reported as such.

/// Where a snippet is defined.
struct SnippetSite: Hashable {
    let file: String
    let line: Int
}

/// A guide parsed but not yet resolved.
struct GuideDraft {
    /// A code block and what its fence says it is.
    struct Fence {
        enum Kind {
            /// A `swift` block with an id (ignored ones included).
            case snippet(SnippetAttributes)
            /// A `swift … prelude` block with a valid context.
            case prelude(context: String)
            /// An `output` block.
            case output(OutputAttributes)
            /// A `sh script=NAME` block: a script the snippets run.
            case script(name: String)
            /// A block shown as is.
            case display
            /// A block whose fence is in error (already reported).
            case invalid
        }

        let line: Int
        let endLine: Int
        let isFenced: Bool
        let info: String
        let language: String?
        let literal: String
        let kind: Kind
    }

    /// The guide's path relative to the package root.
    let path: String
    /// Problems found so far.
    private(set) var errors: [GuideError] = []
    /// The converted document, `nil` when the source could not be parsed at all.
    private var document: Node?
    private var title: String?
    private var headings: [Heading] = []
    private var fences: [Fence] = []

    /// Parses `bytes` as the guide at `path`.
    init(path: String, bytes: [UInt8]) {
        self.path = path
        if let offset = SourceText.firstInvalidUTF8Offset(in: bytes) {
            report(SourceText.lineNumber(ofOffset: offset, in: bytes),
                   "the file is not valid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at offset \(offset))")
            return
        }
        let source = SourceText(bytes: bytes)
        let parsed: CMarkDocument
        do {
            parsed = try CMark.parse(source.bytes, lineCount: source.lineCount)
        } catch {
            switch error {
            case .parserFailed:
                report(1, "cmark could not parse the file")
            case .nestedTooDeeply(let line):
                report(line, "the Markdown is nested more than \(CMark.maximumDepth) levels deep")
            }
            return
        }
        document = parsed.document
        collectHeadings(parsed.document)
        if let first = headings.first(where: { $0.level == 1 }) {
            title = first.text
        } else {
            report(1, "the guide has no title: it needs a level-1 heading (# Title)")
        }
        for block in parsed.codeBlocks {
            fences.append(readFence(block, in: source))
        }
    }

    /// The ids this guide defines, each with the line of its first definition, in document order.
    var definedIDs: [(id: String, line: Int)] {
        var seen: Set<String> = []
        var result: [(id: String, line: Int)] = []
        for fence in fences {
            if case .snippet(let attributes) = fence.kind, let id = attributes.id, seen.insert(id).inserted {
                result.append((id, fence.line))
            }
        }
        return result
    }

    private mutating func report(_ line: Int, _ message: String) {
        errors.append(GuideError(file: path, line: line, message: message))
    }

    // MARK: - Headings

    private mutating func collectHeadings(_ document: Node) {
        var collector = HeadingCollector()
        document.accept(&collector)
        var slugger = AnchorSlugger()
        headings = collector.headings.map { node, level in
            let text = node.plainText
            return Heading(level: level, text: text, anchor: slugger.anchor(for: text), line: node.line)
        }
    }

    private struct HeadingCollector: MarkupWalker {
        var headings: [(Node, Int)] = []
        mutating func visitHeading(_ node: Node, level: Int) {
            headings.append((node, level))
        }
    }

    // MARK: - Fences

    /// Reads a code block's fence from the raw source and classifies the block.
    private mutating func readFence(_ block: RawCodeBlock, in source: SourceText) -> Fence {
        let opening = source.line(block.startLine, fromColumn: block.startColumn)
        var isFenced = false
        var fenceCharacter: UInt8 = 0
        var fenceLength = 0
        var rawInfo = ""
        if let first = opening.first, first == UInt8(ascii: "`") || first == UInt8(ascii: "~") {
            let run = opening.prefix { $0 == first }.count
            let rest = opening.dropFirst(run)
            if run >= 3 {
                // An indented block can start with a line that looks like a fence; then that line is also
                // the block's first line of content (a fenced block's first content line can never be its
                // own opening fence: it would close the block).
                let firstContentLine = block.literal.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                isFenced = !block.info.isEmpty
                    || (rest.isBlank && Array(firstContentLine.utf8) != Array(opening))
                if isFenced {
                    fenceCharacter = first
                    fenceLength = run
                    rawInfo = rest.droppingLeadingBlanks.string
                    while let last = rawInfo.unicodeScalars.last, last == " " || last == "\t" {
                        rawInfo.unicodeScalars.removeLast()
                    }
                }
            }
        }

        let contentLines = block.literal.utf8.count(where: { $0 == UInt8(ascii: "\n") })
        var endLine = block.node.endLine
        if isFenced {
            let closed = block.endColumn > 0
                && block.endLine > block.startLine
                && contentLines == block.endLine - block.startLine - 1
                && Self.isClosingFence(
                    source.line(block.endLine), character: fenceCharacter, length: fenceLength,
                    quoteDepth: block.quoteDepth)
            if closed {
                endLine = max(block.endLine, block.startLine)
            } else {
                let fence = String(repeating: Character(Unicode.Scalar(fenceCharacter)), count: fenceLength)
                report(block.startLine, "unterminated code fence: no closing \(fence) before the end of the document or of its list item or block quote")
            }
        }

        let info = FenceInfo(rawInfo)
        let language = info.language.isEmpty ? nil : info.language
        func fence(_ kind: Fence.Kind) -> Fence {
            Fence(line: block.startLine, endLine: endLine, isFenced: isFenced, info: rawInfo, language: language,
                  literal: block.literal, kind: kind)
        }
        guard isFenced, let language else { return fence(.display) }

        if language.unicodeScalars.contains("=") {
            report(block.startLine, "fence info \(Vocabulary.quoted(language)) starts with an attribute: write the language first (swift id=…)")
            return fence(.invalid)
        }
        for expected in ["swift", "output"] where FenceInfo.isNearMiss(language, of: expected) {
            report(block.startLine, "fence language \(Vocabulary.quoted(language)) is not '\(expected)': write '\(expected)' followed by space-separated attributes")
            return fence(.invalid)
        }
        switch language {
        case "swift":
            for problem in info.problems { report(block.startLine, problem) }
            let (attributes, problems) = SnippetAttributes.parse(info.tokens)
            for problem in problems { report(block.startLine, problem) }
            if attributes.isPrelude {
                guard let context = attributes.context else { return fence(.invalid) }
                return fence(.prelude(context: context))
            }
            if attributes.id != nil {
                return fence(.snippet(attributes))
            }
            if attributes.isIgnored {
                return fence(.display)
            }
            if !info.tokens.contains(where: { $0.key == FenceAttribute.id.rawValue }) {
                report(block.startLine, "swift snippet has no id: add id=<slug>, or mark it ignore to show it without compiling it")
            }
            return fence(.invalid)
        case "output":
            for problem in info.problems { report(block.startLine, problem) }
            let (attributes, problems) = OutputAttributes.parse(info.tokens)
            for problem in problems { report(block.startLine, problem) }
            return fence(problems.isEmpty && info.problems.isEmpty ? .output(attributes) : .invalid)
        case "sh":
            // A plain `sh` block is shown; `sh script=NAME` is a script the snippets run (lab.runScript).
            guard !info.tokens.isEmpty || !info.problems.isEmpty else { return fence(.display) }
            for problem in info.problems { report(block.startLine, problem) }
            var name: String?
            for token in info.tokens {
                if token.key == "script", let value = token.value, Vocabulary.isSlug(value), name == nil {
                    name = value
                } else if token.key == "script" {
                    report(block.startLine, name == nil
                           ? "bad script name \(Vocabulary.quoted(token.value ?? "")): use lowercase letters, digits and hyphens, starting with a letter or digit"
                           : "a sh block names one script")
                } else {
                    report(block.startLine, "unknown attribute \(Vocabulary.quoted(token.key)) for a sh block: it takes only script=<name> (a script the snippets run with lab.runScript)")
                }
            }
            guard let name, info.problems.isEmpty, info.tokens.count == 1 else { return fence(.invalid) }
            return fence(.script(name: name))
        default:
            return fence(.display)
        }
    }

    /// Whether `line` closes a fence of `length` × `character`, inside `quoteDepth` block quotes.
    private static func isClosingFence(
        _ line: ArraySlice<UInt8>, character: UInt8, length: Int, quoteDepth: Int
    ) -> Bool {
        var rest = line
        for _ in 0..<quoteDepth {
            rest = rest.droppingLeadingBlanks
            guard rest.first == UInt8(ascii: ">") else { return false }
            rest = rest.dropFirst()
        }
        rest = rest.droppingLeadingBlanks
        let run = rest.prefix { $0 == character }.count
        return run >= length && rest.dropFirst(run).isBlank
    }

    // MARK: - Resolution

    /// Resolves the references between blocks and builds the guide.
    ///
    /// - Parameter foreign: the snippets defined by other guides, by id, to tell a reference to another
    ///   guide from an unknown id.
    /// - Returns: the guide when there is no error at all, and every error, sorted.
    func finish(foreign: [String: SnippetSite]) -> (guide: Guide?, errors: [GuideError]) {
        var errors = self.errors
        func report(_ line: Int, _ message: String) {
            errors.append(GuideError(file: path, line: line, message: message))
        }
        guard let document else { return (nil, errors.sorted()) }

        // Ids, unique within the guide.
        var snippetIndex: [String: Int] = [:]
        for (index, fence) in fences.enumerated() {
            guard case .snippet(let attributes) = fence.kind, let id = attributes.id else { continue }
            if let first = snippetIndex[id] {
                report(fence.line, "duplicate snippet id '\(id)' (first used at \(path):\(fences[first].line))")
            } else {
                snippetIndex[id] = index
            }
        }

        // One prelude per context.
        var preludeIndex: [String: Int] = [:]
        for (index, fence) in fences.enumerated() {
            guard case .prelude(let context) = fence.kind else { continue }
            if let first = preludeIndex[context] {
                report(fence.line, "context '\(context)' already has a prelude at line \(fences[first].line)")
            } else {
                preludeIndex[context] = index
            }
        }

        // Continuations and contexts, in document order (a snippet only continues an earlier one).
        var contexts: [Int: String] = [:]
        var usedContexts: Set<String> = []
        for (index, fence) in fences.enumerated() {
            guard case .snippet(let attributes) = fence.kind else { continue }
            var context = attributes.context
            if let target = attributes.continues {
                if let targetIndex = snippetIndex[target] {
                    let targetFence = fences[targetIndex]
                    if targetIndex == index {
                        report(fence.line, "a snippet cannot continue itself ('\(target)')")
                    } else if targetIndex > index {
                        report(fence.line, "continues '\(target)', which comes later (line \(targetFence.line)); a snippet can only continue an earlier one")
                    } else if case .snippet(let targetAttributes) = targetFence.kind {
                        if let problem = Self.continuationProblem(
                            target: target, targetAttributes: targetAttributes, continuing: attributes) {
                            report(fence.line, problem)
                        }
                        let inherited = contexts[targetIndex]
                        if let declared = attributes.context, declared != inherited {
                            let theirs = inherited.map { "context '\($0)'" } ?? "no context"
                            report(fence.line, "context '\(declared)' differs from the context of '\(target)', which it continues (\(theirs)); a continuing snippet takes the context of the snippet it continues")
                        }
                        context = inherited
                    }
                } else if let site = foreign[target] {
                    report(fence.line, "continues '\(target)', which is defined in \(site.file):\(site.line); a snippet can only continue a snippet of its own guide")
                } else {
                    report(fence.line, "continues unknown snippet '\(target)'")
                }
            }
            if let declared = attributes.context {
                // A declared context counts as used even when it is rejected, so that one mistake is
                // reported once.
                usedContexts.insert(declared)
                if preludeIndex[declared] == nil {
                    report(fence.line, "context '\(declared)' has no prelude in this guide (add a ```swift context=\(declared) prelude block)")
                }
            }
            if let context {
                contexts[index] = context
                usedContexts.insert(context)
            }
        }
        for (context, index) in preludeIndex where !usedContexts.contains(context) {
            report(fences[index].line, "the prelude of context '\(context)' is not used by any snippet")
        }

        // Expected outputs.
        var outputs: [Int: (output: ExpectedOutput, line: Int)] = [:]
        for (index, fence) in fences.enumerated() {
            guard case .output(let attributes) = fence.kind else { continue }
            var target: Int?
            if let id = attributes.snippetID {
                if let snippet = snippetIndex[id] {
                    if snippet > index {
                        report(fence.line, "output block for '\(id)' comes before the snippet (line \(fences[snippet].line))")
                    } else {
                        target = snippet
                    }
                } else {
                    report(fence.line, "output block for unknown snippet '\(id)' (no snippet of this guide has that id)")
                }
            } else if index > 0, case .snippet(let previous) = fences[index - 1].kind, previous.id != nil {
                target = index - 1
            } else {
                report(fence.line, "output block has no preceding snippet: put it right after a ```swift block with an id, or name one with for=<id>")
            }
            guard let target, case .snippet(let snippet) = fences[target].kind, let id = snippet.id else { continue }
            if !snippet.mode.isRun {
                report(fence.line, "output block for '\(id)', which is not run (\(Self.describe(snippet.mode)))")
            } else if let existing = outputs[target] {
                report(fence.line, "snippet '\(id)' already has an expected output at line \(existing.line)")
            } else {
                outputs[target] = (ExpectedOutput(text: fence.literal, isMasked: attributes.isMasked, line: fence.line), fence.line)
            }
        }

        guard errors.isEmpty, let title else { return (nil, errors.sorted()) }

        // Everything resolved: build the immutable guide.
        var preludes: [String: Prelude] = [:]
        for (context, index) in preludeIndex {
            let fence = fences[index]
            preludes[context] = Prelude(context: context, guide: path, line: fence.line, code: fence.literal)
        }
        var snippets: [Snippet] = []
        var scripts: [Script] = []
        var codeBlocks: [CodeBlock] = []
        for (index, fence) in fences.enumerated() {
            let role: CodeBlock.Role
            switch fence.kind {
            case .snippet(let attributes):
                let id = attributes.id!
                role = .snippet(id: id)
                let context = contexts[index]
                snippets.append(Snippet(
                    id: id, guide: path, line: fence.line, code: fence.literal, attributes: attributes,
                    expectedOutput: outputs[index]?.output, context: context,
                    prelude: context.flatMap { preludes[$0] }))
            case .prelude(let context):
                role = .prelude(context: context)
            case .output(let attributes):
                let owner = attributes.snippetID ?? { () -> String in
                    if case .snippet(let previous) = fences[index - 1].kind { return previous.id! }
                    return ""
                }()
                role = .expectedOutput(snippetID: owner)
            case .script(let name):
                role = .script(name: name)
                scripts.append(Script(name: name, guide: path, line: fence.line, code: fence.literal))
            case .display, .invalid:
                role = .display
            }
            codeBlocks.append(CodeBlock(
                line: fence.line, endLine: fence.endLine, isFenced: fence.isFenced, info: fence.info,
                language: fence.language, literal: fence.literal, role: role))
        }
        let guide = Guide(
            path: path, title: title, headings: headings, document: document, codeBlocks: codeBlocks,
            snippets: snippets, preludes: preludes.values.sorted { $0.line < $1.line }, scripts: scripts)
        return (guide, [])
    }

    /// Why `continuing` cannot continue the snippet `target`, if it cannot.
    private static func continuationProblem(
        target: String, targetAttributes: SnippetAttributes, continuing: SnippetAttributes
    ) -> String? {
        switch targetAttributes.mode {
        case .ignore:
            return "continues '\(target)', which is ignored (neither compiled nor run)"
        case .compileFail:
            return "continues '\(target)', which must fail to compile"
        case .compileOnly where continuing.mode.isRun:
            return "continues '\(target)', which is compile-only and never runs (make this snippet compile-only too, or run '\(target)')"
        default:
            break
        }
        if targetAttributes.expectedError != nil {
            return "continues '\(target)', which is expected to end by throwing \(targetAttributes.expectedError!)"
        }
        return nil
    }

    private static func describe(_ mode: SnippetMode) -> String {
        switch mode {
        case .run: "run"
        case .compileOnly: "compile-only"
        case .compileFail: "compile-fail"
        case .ignore: "ignore"
        }
    }
}
