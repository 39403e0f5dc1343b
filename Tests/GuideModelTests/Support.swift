import GuideModel
import Testing

/// The path the tests give single guides.
let testPath = "Guides/t.md"

/// Joins `lines` with newlines and ends the text with one, so that `lines[i]` is line `i + 1`.
func markdown(_ lines: String...) -> String {
    lines.joined(separator: "\n") + "\n"
}

/// Parses `text` as the guide `testPath` and returns the rendered errors.
func errors(in text: String, path: String = testPath) -> [String] {
    Guide.parse(source: text, path: path).errors.map(\.description)
}

/// Parses `text`, which must be valid, and returns the guide (`nil` and a recorded issue otherwise).
func validGuide(_ text: String, path: String = testPath) -> Guide? {
    let (guide, errors) = Guide.parse(source: text, path: path)
    if !errors.isEmpty {
        Issue.record("unexpected errors:\n\(errors.map(\.description).joined(separator: "\n"))")
    }
    return guide
}
