// Validating the attribute tokens of a `swift` fence.

extension SnippetAttributes {
    /// Validates `tokens` against the vocabulary. Returns the attributes that are valid (a bad one is left
    /// out) and one message per problem, in the order found.
    static func parse(_ tokens: [FenceToken]) -> (attributes: SnippetAttributes, problems: [String]) {
        var problems: [String] = []
        var written: [FenceAttribute] = []

        var id: String?
        var needs: [Capability] = []
        var isCompileOnly = false
        var compileFailure: String?
        var isIgnored = false
        var expectedError: String?
        var timeout: Duration?
        var context: String?
        var isPrelude = false
        var continues: String?
        var isStandalone = false
        var finding: String?
        var claims: [String] = []
        var tier: SnippetTier?
        var since: String?
        var until: String?
        var fixedIn: String?
        var notReproducedIn: String?
        var recipe: String?

        for token in tokens {
            guard let attribute = FenceAttribute(rawValue: token.key) else {
                var message = "unknown fence attribute \(Vocabulary.quoted(token.key))"
                if let suggestion = Vocabulary.suggestion(
                    for: token.key, among: FenceAttribute.allCases.map(\.rawValue)) {
                    message += "; did you mean '\(suggestion)'?"
                }
                problems.append(message)
                continue
            }
            guard !written.contains(attribute) else {
                problems.append("duplicate fence attribute '\(attribute.rawValue)'")
                continue
            }
            written.append(attribute)

            guard attribute.takesValue else {
                if token.value != nil {
                    problems.append("fence attribute '\(attribute.rawValue)' takes no value")
                    continue
                }
                switch attribute {
                case .compileOnly: isCompileOnly = true
                case .ignore: isIgnored = true
                case .prelude: isPrelude = true
                case .standalone: isStandalone = true
                default: break
                }
                continue
            }
            guard let value = token.value, !value.isEmpty else {
                problems.append("fence attribute '\(attribute.rawValue)' needs a value (\(attribute.syntax))")
                continue
            }

            switch attribute {
            case .id:
                if Vocabulary.isSlug(value) {
                    id = value
                } else {
                    problems.append("bad id \(Vocabulary.quoted(value)): use lowercase letters, digits and hyphens, starting with a letter or digit")
                }
            case .needs:
                var list: [Capability] = []
                var valid = true
                for name in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                    guard let capability = Capability(rawValue: name) else {
                        valid = false
                        if name.isEmpty {
                            problems.append("bad value for 'needs': empty capability in \(Vocabulary.quoted(value))")
                            continue
                        }
                        var message = "bad value for 'needs': unknown capability \(Vocabulary.quoted(name))"
                        if let suggestion = Vocabulary.suggestion(for: name, among: Capability.allCases.map(\.rawValue)) {
                            message += "; did you mean '\(suggestion)'?"
                        } else {
                            message += " (known: \(Capability.allCases.map(\.rawValue).joined(separator: ", ")))"
                        }
                        problems.append(message)
                        continue
                    }
                    if list.contains(capability) {
                        valid = false
                        problems.append("bad value for 'needs': capability '\(name)' is listed twice")
                        continue
                    }
                    list.append(capability)
                }
                if valid { needs = list }
            case .compileFail:
                compileFailure = value
            case .expectError:
                if Vocabulary.isErrorName(value) {
                    expectedError = value
                } else {
                    problems.append("bad value for 'expect-error': \(Vocabulary.quoted(value)) is not a libvirt error name (VIR_ERR_<NAME>)")
                }
            case .timeout:
                if let duration = Vocabulary.timeout(value) {
                    timeout = duration
                } else {
                    problems.append("bad value for 'timeout': \(Vocabulary.quoted(value)) is not a positive number of seconds (at most \(Int(Vocabulary.maximumTimeout)))")
                }
            case .context:
                if Vocabulary.isSlug(value) {
                    context = value
                } else {
                    problems.append("bad value for 'context': \(Vocabulary.quoted(value)) is not a name of lowercase letters, digits and hyphens")
                }
            case .continues:
                if Vocabulary.isSlug(value) {
                    continues = value
                } else {
                    problems.append("bad value for 'continues': \(Vocabulary.quoted(value)) is not a snippet id")
                }
            case .finding:
                if Vocabulary.isClaimID(value) {
                    finding = value
                } else {
                    problems.append("bad value for 'finding': \(Vocabulary.quoted(value)) is not a claim id (like snap.revert.external)")
                }
            case .claims:
                var list: [String] = []
                var valid = true
                for claim in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                    if !Vocabulary.isClaimID(claim) {
                        valid = false
                        problems.append("bad value for 'claims': \(Vocabulary.quoted(claim)) is not a claim id (like snap.revert.external)")
                    } else if list.contains(claim) {
                        valid = false
                        problems.append("bad value for 'claims': claim '\(claim)' is listed twice")
                    } else {
                        list.append(claim)
                    }
                }
                if valid { claims = list }
            case .tier:
                if let parsed = SnippetTier(rawValue: value) {
                    tier = parsed
                } else {
                    problems.append("bad value for 'tier': \(Vocabulary.quoted(value)) (use test, qemu or agent)")
                }
            case .recipe:
                if Vocabulary.isSlug(value) {
                    recipe = value
                } else {
                    problems.append("bad recipe name \(Vocabulary.quoted(value)): use lowercase letters, digits and hyphens, starting with a letter or digit")
                }
            case .since, .until, .fixedIn, .notReproducedIn:
                if Vocabulary.isVersion(value) {
                    switch attribute {
                    case .since: since = value
                    case .until: until = value
                    case .notReproducedIn: notReproducedIn = value
                    default: fixedIn = value
                    }
                } else {
                    problems.append("bad value for '\(attribute.rawValue)': \(Vocabulary.quoted(value)) is not a libvirt version (like 9.9.0)")
                }
            case .compileOnly, .ignore, .prelude, .standalone:
                break
            }
        }

        problems += contradictions(in: written)
        if let tier, tier == SnippetTier.implied(by: needs) {
            problems.append("'tier=\(tier.rawValue)' repeats what needs= implies; remove it (write tier= only when it says something else)")
        }

        // A recipe is named by its recipe name.
        if id == nil, let recipe { id = "recipe-" + recipe }
        let attributes = SnippetAttributes(
            id: id, needs: needs, isCompileOnly: isCompileOnly, compileFailure: compileFailure,
            isIgnored: isIgnored, expectedError: expectedError, timeout: timeout, context: context,
            isPrelude: isPrelude, continues: continues, isStandalone: isStandalone, finding: finding,
            claims: claims, tier: tier, since: since, until: until, fixedIn: fixedIn,
            notReproducedIn: notReproducedIn, recipe: recipe)
        if let since, let until, !Vocabulary.versionIsLess(since, until) {
            problems.append("'since=\(since)' is not before 'until=\(until)': no libvirt version is in that range")
        }
        return (attributes, problems)
    }

    /// The pairs of attributes that cannot be written together, as messages.
    private static func contradictions(in written: [FenceAttribute]) -> [String] {
        var problems: [String] = []
        let present = Set(written)
        func conflicts(_ with: [FenceAttribute]) -> [FenceAttribute] {
            written.filter { with.contains($0) }
        }

        if present.contains(.recipe) {
            // A recipe is a program on its own: it names its inputs on its command line, and a snippet that
            // runs it says what it needs and checks.
            for other in written where ![.recipe, .id, .since, .until].contains(other) {
                problems.append("fence attribute '\(other.rawValue)' is not allowed on a recipe (a whole program, run by a snippet that says what it needs and checks)")
            }
            return problems
        }
        if present.contains(.prelude) {
            for other in written where other != .prelude && other != .context {
                problems.append("fence attribute '\(other.rawValue)' is not allowed on a prelude (hidden setup code that is never run on its own)")
            }
            if !present.contains(.context) {
                problems.append("a prelude needs context=<name>")
            }
            return problems
        }
        if present.contains(.ignore) {
            for other in conflicts([.needs, .compileOnly, .compileFail, .expectError, .timeout, .context, .continues,
                                    .standalone, .finding, .claims]) {
                problems.append("'ignore' contradicts '\(other.rawValue)': an ignored snippet is neither compiled nor run")
            }
            return problems
        }
        if present.contains(.fixedIn) && !present.contains(.finding) {
            problems.append("'fixed-in' needs 'finding=': only a finding (a deviation from the documentation) is fixed")
        }
        if present.contains(.notReproducedIn) && !present.contains(.finding) {
            problems.append("'not-reproduced-in' needs 'finding=': only a finding (a deviation from the documentation) can stop reproducing")
        }
        if present.contains(.notReproducedIn) && present.contains(.fixedIn) {
            problems.append("'not-reproduced-in' contradicts 'fixed-in': a deviation is either fixed (a named fix) or only not reproduced")
        }
        if present.contains(.notReproducedIn) && present.contains(.until) {
            problems.append("'not-reproduced-in' contradicts 'until': the check keeps running on newer hosts, not skipped")
        }
        if present.contains(.fixedIn) && present.contains(.until) {
            problems.append("'fixed-in' contradicts 'until': a fixed finding is checked as fixed on newer hosts, not skipped")
        }
        if present.contains(.compileOnly) {
            for other in conflicts([.compileFail, .needs, .expectError, .timeout]) {
                problems.append("'compile-only' contradicts '\(other.rawValue)': a compile-only snippet is not run")
            }
        }
        if present.contains(.compileFail) {
            for other in conflicts([.needs, .expectError, .timeout]) {
                problems.append("'compile-fail' contradicts '\(other.rawValue)': a snippet that must fail to compile is not run")
            }
        }
        return problems
    }
}
