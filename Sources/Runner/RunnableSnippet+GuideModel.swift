import GuideModel

extension RunnableSnippet {
    /// The runnable form of a guide-model snippet, with its context resolved: the prelude of its context,
    /// then the snippets it continues (first to last), then its own lines.
    public init(_ snippet: Snippet, in set: GuideSet) {
        var lines: [SourceLine] = []
        if let prelude = snippet.prelude {
            lines += prelude.lines.map { SourceLine(file: prelude.guide, line: $0.markdownLine, text: $0.text, isOwn: false) }
        }
        for earlier in set.continuationChain(of: snippet.id) where earlier.id != snippet.id {
            lines += earlier.lines.map { SourceLine(file: earlier.guide, line: $0.markdownLine, text: $0.text, isOwn: false) }
        }
        lines += snippet.lines.map { SourceLine(file: snippet.guide, line: $0.markdownLine, text: $0.text, isOwn: true) }

        self.init(id: snippet.id, guide: snippet.guide, line: snippet.line, sourceLines: lines,
                  attributes: snippet.attributes,
                  expectedOutput: snippet.expectedOutput.map {
                      ExpectedOutput(text: $0.text, masked: $0.isMasked, line: $0.line)
                  })
    }

    /// Every snippet of a guide set, in the set's order (by guide path, then document order).
    public static func all(in set: GuideSet) -> [RunnableSnippet] {
        set.snippets.map { RunnableSnippet($0, in: set) }
    }
}
