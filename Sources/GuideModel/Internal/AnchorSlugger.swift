// GitHub-style heading anchors.

/// Computes heading anchors the way GitHub's Markdown renderer does, and keeps them unique within one
/// document.
struct AnchorSlugger {
    /// How often each base anchor was produced so far.
    private var occurrences: [String: Int] = [:]

    /// The anchor of `text`: lowercased; spaces become `-`; letters, marks, decimal and letter numbers,
    /// `_` and `-` are kept; everything else is dropped. Empty results become `section`.
    static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " || scalar == "-" {
                slug += "-"
                continue
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber,
                 .connectorPunctuation:
                slug.unicodeScalars.append(scalar)
            default:
                break
            }
        }
        return slug.isEmpty ? "section" : slug
    }

    /// A unique anchor for `text`: the slug, or the slug followed by `-1`, `-2`, … when it is taken.
    mutating func anchor(for text: String) -> String {
        let base = Self.slug(text)
        var anchor = base
        while occurrences[anchor] != nil {
            occurrences[base, default: 0] += 1
            anchor = "\(base)-\(occurrences[base]!)"
        }
        occurrences[anchor] = 0
        return anchor
    }
}
