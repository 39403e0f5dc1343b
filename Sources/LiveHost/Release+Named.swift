import HostRecords

extension Release {
    /// The release called `name`.
    public static func named(_ name: String) throws(LiveHostError) -> Release {
        guard let r = known.first(where: { $0.name == name }) else {
            throw LiveHostError(.conflict, "unknown release '\(name)'; known: \(known.map(\.name).joined(separator: ", "))")
        }
        return r
    }
}
