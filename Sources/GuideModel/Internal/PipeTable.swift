// GitHub-flavoured Markdown's pipe tables, recognised in the lines of a paragraph cmark produced.
// CommonMark has no tables, so cmark reads a table as one paragraph; the converter (CMark.swift) asks this
// file whether a paragraph's lines are a table and, if so, for its cells, then parses each cell's text as
// inline Markdown with cmark.

/// A pipe table's source: its column alignments and the cell texts of each row (header row first).
struct PipeTable: Equatable {
    let alignments: [Node.TableAlignment]
    /// The header row, then each body row, as raw cell texts (unescaped `\|` turned into `|`).
    let rows: [[String]]

    /// Reads a table from the lines of one paragraph, or returns nil when they are no table: the first
    /// line is the header row, the second the delimiter row (`| --- | :-: |`) with as many cells as the
    /// header, every other line a body row. `quoteDepth` block-quote markers are removed from each line.
    static func parse(lines: [Substring], quoteDepth: Int) -> PipeTable? {
        let stripped = lines.map { strip($0, quoteDepth: quoteDepth) }
        guard stripped.count >= 2, stripped[0].contains("|") else { return nil }
        let header = cells(of: stripped[0])
        guard let alignments = delimiterRow(stripped[1]), alignments.count == header.count else { return nil }
        let body = stripped.dropFirst(2).map(cells(of:))
        return PipeTable(alignments: alignments, rows: [header] + body)
    }

    /// The line without leading blanks and `quoteDepth` levels of `>` markers, and without trailing blanks.
    private static func strip(_ line: Substring, quoteDepth: Int) -> Substring {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        for _ in 0..<quoteDepth where rest.first == ">" {
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        }
        while let last = rest.last, last == " " || last == "\t" || last == "\r" { rest = rest.dropLast() }
        return rest
    }

    /// The alignments of a delimiter row, or nil when the line is not one.
    private static func delimiterRow(_ line: Substring) -> [Node.TableAlignment]? {
        guard line.contains("-") else { return nil }
        var alignments: [Node.TableAlignment] = []
        for cell in cells(of: line) {
            let text = cell.trimmingBlanks
            let left = text.hasPrefix(":"), right = text.hasSuffix(":")
            let dashes = text.dropFirst(left ? 1 : 0).dropLast(right && text.count > 1 ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
        }
        return alignments.isEmpty ? nil : alignments
    }

    /// The cells of a row: split at every `|` not escaped by a backslash (code spans included, as in
    /// GitHub's rule), the optional leading and trailing pipe removed, `\|` turned into `|`, each cell
    /// trimmed.
    static func cells(of line: Substring) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                if character != "|" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current)
        if line.first == "|" { cells.removeFirst() }
        if line.last == "|", !line.hasSuffix("\\|"), !cells.isEmpty { cells.removeLast() }
        return cells.map { $0.trimmingBlanks }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingBlanks: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
