// The attributes of an `output` fence: `output`, `output for=<id>`, `output mask` / `output masked`.

/// The validated attributes of an `output` fence.
struct OutputAttributes: Equatable {
    /// The names an `output` fence accepts.
    static let vocabulary = ["for", "mask", "masked"]

    /// `for=<id>`: the snippet the output belongs to (otherwise the snippet just before it).
    var snippetID: String?
    /// `mask` (or its synonym `masked`): lines may hold `{{…}}` wildcards.
    var isMasked = false

    /// Validates `tokens`, returning what is valid and one message per problem.
    static func parse(_ tokens: [FenceToken]) -> (attributes: OutputAttributes, problems: [String]) {
        var attributes = OutputAttributes()
        var problems: [String] = []
        var written: Set<String> = []
        for token in tokens {
            guard vocabulary.contains(token.key) else {
                var message = "unknown output fence attribute \(Vocabulary.quoted(token.key))"
                if let suggestion = Vocabulary.suggestion(for: token.key, among: vocabulary) {
                    message += "; did you mean '\(suggestion)'?"
                }
                problems.append(message)
                continue
            }
            let canonical = token.key == "masked" ? "mask" : token.key
            guard written.insert(canonical).inserted else {
                problems.append("duplicate fence attribute '\(token.key)'")
                continue
            }
            switch token.key {
            case "for":
                guard let value = token.value, !value.isEmpty else {
                    problems.append("fence attribute 'for' needs a value (for=<id>)")
                    continue
                }
                if Vocabulary.isSlug(value) {
                    attributes.snippetID = value
                } else {
                    problems.append("bad value for 'for': \(Vocabulary.quoted(value)) is not a snippet id")
                }
            default:
                if token.value != nil {
                    problems.append("fence attribute '\(token.key)' takes no value")
                    continue
                }
                attributes.isMasked = true
            }
        }
        return (attributes, problems)
    }
}
