/// Fragment ids for generated headings (sections of the catalog, measurement names).
enum Slug {
    /// Lowercase letters and digits, other runs turned into one `-`: `guest pause (ms)` → `guest-pause-ms`.
    static func make(_ text: String) -> String {
        var out = ""
        var dash = false
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                if dash && !out.isEmpty { out.append("-") }
                out.append(ch)
                dash = false
            } else {
                dash = true
            }
        }
        return out.isEmpty ? "section" : out
    }

    /// Makes `slug` unique among `used` by appending `-1`, `-2`, ….
    static func unique(_ slug: String, _ used: inout Set<String>) -> String {
        var candidate = slug
        var n = 0
        while !used.insert(candidate).inserted {
            n += 1
            candidate = "\(slug)-\(n)"
        }
        return candidate
    }
}
