import Foundation
import HostRecords

extension ReleaseHost.State {
    /// Writes the record where `load` reads it.
    func save(_ path: String) throws(LiveHostError) {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        do {
            try e.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LiveHostError(.fileSystem, "cannot write \(path): \(error)")
        }
    }
}
