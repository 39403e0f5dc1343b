import Foundation

/// Everything one `rewind bench` run measured: the machine, the rows, and detail sections, rendered
/// as Markdown.
public struct BenchReport: Sendable {
    /// The command line that produced it.
    public var command: String
    /// When the run started.
    public var startedAt: Date
    /// Wall time of the whole run, in seconds.
    public var duration: Double
    /// The machine and versions.
    public var machine: MachineInfo
    /// The rows, in section order.
    public var rows: [BenchRow]
    /// Extra Markdown sections after the table (e.g. where `rewind verify`'s time goes), by title.
    public var details: [(title: String, markdown: String)]
    /// The load averages when the run ended.
    public var loadAverageAtEnd: [Double]

    /// Creates a report.
    public init(command: String, startedAt: Date, duration: Double, machine: MachineInfo, rows: [BenchRow],
                details: [(title: String, markdown: String)], loadAverageAtEnd: [Double]) {
        self.command = command
        self.startedAt = startedAt
        self.duration = duration
        self.machine = machine
        self.rows = rows
        self.details = details
        self.loadAverageAtEnd = loadAverageAtEnd
    }

    /// The rows whose target is missed.
    public var missed: [BenchRow] { rows.filter { $0.verdict == .missed } }

    /// The report as Markdown: the machine, the command, the table, then the details.
    public var markdown: String {
        let date = ISO8601DateFormatter().string(from: startedAt)
        let load = loadAverageAtEnd.map { String(format: "%.2f", $0) }.joined(separator: " ")
        var out = """
            Measured \(date) with `\(command)` (\(Unit.seconds.format(duration)) in all; load average at end \(load)).

            \(machine.markdown)

            Figures are medians with (min–max, n = samples); ratio = Rewind ÷ peer, compared with the target.

            """
        out += "\n" + Self.table(rows) + "\n"
        for detail in details {
            out += "\n#### \(detail.title)\n\n\(detail.markdown.trimmingCharacters(in: .whitespacesAndNewlines))\n"
        }
        return out
    }

    /// The Markdown table of `rows`.
    public static func table(_ rows: [BenchRow]) -> String {
        var lines = ["| # | Metric | Rewind | Peer / floor | Ratio | Target | Met? | Notes |",
                     "|---|---|---|---|---|---|---|---|"]
        var last: BenchSection?
        for row in rows {
            let section = row.section == last ? "" : row.section.title
            last = row.section
            let cells = [section, row.metric, row.rewind, row.peer, row.ratio, row.target, row.verdict.rawValue, row.notes]
            lines.append("| " + cells.map(escape).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// A table cell: no line breaks, `|` escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}
