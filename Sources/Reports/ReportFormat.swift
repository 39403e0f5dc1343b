import Foundation

/// Formatting shared by the report writers.
enum ReportFormat {
    /// `2026-11-27T15:40:00Z`
    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
