/// Compares a snippet's standard output with the expected-output block of its guide.
///
/// Lines are compared after trimming trailing whitespace; empty lines at the end are ignored. In a
/// masked block, `{{...}}` inside a line matches any text within that line (never a line break):
///
/// ```text
/// created snapshot {{name}} at {{time}}
/// ```
///
/// On a mismatch, `diff` is a unified-style difference (`-` expected, `+` actual, two lines of context).
public struct OutputComparison: Sendable, Hashable {
    /// The expected lines (patterns, when masked).
    public var expected: [String]
    /// The actual lines.
    public var actual: [String]
    /// Whether `{{...}}` masks are active.
    public var masked: Bool

    /// Compares `actual` output with `expected` text.
    public init(expected: String, actual: String, masked: Bool) {
        self.expected = Self.normalizedLines(expected)
        self.actual = Self.normalizedLines(actual)
        self.masked = masked
    }

    /// Splits into lines, trims trailing whitespace of each, drops trailing empty lines.
    public static func normalizedLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var l = Substring(line)
            while let last = l.last, last.isWhitespace { l = l.dropLast() }
            return String(l)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Whether the output matches.
    public var matches: Bool {
        expected.count == actual.count && zip(expected, actual).allSatisfy { lineMatches($0, $1) }
    }

    /// Whether one actual line matches one expected line (a pattern when masked).
    public func lineMatches(_ pattern: String, _ line: String) -> Bool {
        masked ? Self.maskedMatch(pattern, line) : pattern == line
    }

    /// Matches `line` against `pattern`, where each `{{...}}` stands for any text.
    public static func maskedMatch(_ pattern: String, _ line: String) -> Bool {
        let literals = literalParts(of: pattern)
        if literals.count == 1 { return pattern == line }
        var rest = Substring(line)
        guard rest.hasPrefix(literals[0]) else { return false }
        rest = rest.dropFirst(literals[0].count)
        for middle in literals.dropFirst().dropLast() {
            guard let r = rest.range(of: middle) else { return false }
            rest = rest[r.upperBound...]
        }
        return rest.hasSuffix(literals.last!)
    }

    /// The literal text between masks: `a{{x}}b{{y}}c` → `["a", "b", "c"]`.
    static func literalParts(of pattern: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(pattern)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            parts.append(String(rest[..<open.lowerBound]))
            rest = rest[close.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    /// One step of the alignment of expected and actual lines.
    enum Step: Equatable {
        case same(expected: Int, actual: Int)
        case removed(Int)   // an expected line that is missing
        case added(Int)     // an actual line that was not expected
    }

    /// The longest-common-subsequence alignment (small inputs: a snippet's output).
    func alignment() -> [Step] {
        let n = expected.count, m = actual.count
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = lineMatches(expected[i], actual[j]) ? table[i + 1][j + 1] + 1
                    : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var steps: [Step] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, lineMatches(expected[i], actual[j]) {
                steps.append(.same(expected: i, actual: j)); i += 1; j += 1
            } else if i < n, j == m || table[i + 1][j] >= table[i][j + 1] {
                steps.append(.removed(i)); i += 1   // removals first, as in a unified diff
            } else {
                steps.append(.added(j)); j += 1
            }
        }
        return steps
    }

    /// A unified-style diff (`--- expected` / `+++ actual`, hunks with two lines of context), or nil when
    /// the output matches.
    public var diff: String? {
        if matches { return nil }
        let steps = alignment()
        let context = 2
        var show = Array(repeating: false, count: steps.count)
        for (k, step) in steps.enumerated() {
            if case .same = step { continue }
            for c in max(0, k - context)...min(steps.count - 1, k + context) { show[c] = true }
        }
        var out = ["--- expected", "+++ actual"]
        var k = 0
        while k < steps.count {
            guard show[k] else { k += 1; continue }
            let start = k
            while k < steps.count && show[k] { k += 1 }
            let hunk = steps[start..<k]
            let firstExpected = hunk.compactMap { s -> Int? in
                switch s { case .same(let e, _), .removed(let e): e; case .added: nil }
            }.first ?? 0
            let firstActual = hunk.compactMap { s -> Int? in
                switch s { case .same(_, let a), .added(let a): a; case .removed: nil }
            }.first ?? 0
            let expectedCount = hunk.filter { if case .added = $0 { false } else { true } }.count
            let actualCount = hunk.filter { if case .removed = $0 { false } else { true } }.count
            out.append("@@ -\(firstExpected + 1),\(expectedCount) +\(firstActual + 1),\(actualCount) @@")
            for s in hunk {
                switch s {
                case .same(_, let a): out.append(" " + actual[a])
                case .removed(let e): out.append("-" + expected[e])
                case .added(let a): out.append("+" + actual[a])
                }
            }
        }
        return out.joined(separator: "\n")
    }

    /// The text an updated block should hold: the actual lines, except that in a masked block an expected
    /// line that still matches is kept as written (so its masks survive).
    public var updatedText: String {
        guard masked else { return actual.joined(separator: "\n") }
        var lines: [String] = []
        for step in alignment() {
            switch step {
            case .same(let e, _): lines.append(expected[e])
            case .added(let a): lines.append(actual[a])
            case .removed: break
            }
        }
        return lines.joined(separator: "\n")
    }
}
