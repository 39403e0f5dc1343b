import Foundation
import Support

/// A rendered page as the cache keeps it: the final HTML and what the search index and the asset
/// copier need from it.
struct CachedPage: Sendable, Codable {
    /// The hash of every input of the page.
    var key: String
    /// The page's HTML.
    var html: String
    /// Its search sections.
    var sections: [SearchSection]
    /// Files it shows.
    var assets: [SiteAsset]
    /// Where its guide's links come from, by href.
    var linkOrigins: [String: String]
}

/// Rendered pages on disk, by key (`<key>.json`). Reading or writing the cache never fails a build: a
/// missing or unreadable entry is a miss.
struct PageCache: Sendable {
    let directory: URL

    func load(key: String) -> CachedPage? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(key + ".json").path),
              let page = try? JSONDecoder().decode(CachedPage.self, from: data), page.key == key else { return nil }
        return page
    }

    func store(_ page: CachedPage) {
        guard let data = try? JSONEncoder().encode(page) else { return }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? data.write(to: directory.appendingPathComponent(page.key + ".json"))
    }

    /// Removes every entry whose key is not in `keys`.
    func prune(keeping keys: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasSuffix(".json") && !keys.contains(String(name.dropLast(5))) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}

/// Writes the site's files, skipping those whose content has not changed since the last build, and
/// removes the files an earlier build wrote that this one no longer produces (only those: a file the
/// builder did not write is never touched).
struct SiteWriter {
    let output: URL
    /// Where the manifest of written files is kept (nil: write everything, remove nothing).
    let manifestDirectory: URL?
    private var files: [(path: String, digest: String?, contents: () -> Data)] = []

    init(output: URL, manifestDirectory: URL?) {
        self.output = output
        self.manifestDirectory = manifestDirectory
    }

    /// Adds a file; `digest` identifies its content (computed from the content when nil).
    mutating func add(path: String, digest: String?, contents: @escaping () -> Data) {
        files.append((path, digest, contents))
    }

    private var manifestURL: URL? {
        manifestDirectory?.appendingPathComponent("manifest-" + String(SHA256.hex(output.standardizedFileURL.path).prefix(16)) + ".json")
    }

    /// Writes the files; returns how many were written.
    func commit() throws -> Int {
        let fm = FileManager.default
        var previous: [String: String] = [:]
        if let url = manifestURL, let data = fm.contents(atPath: url.path),
           let decoded = try? JSONDecoder().decode([String: String].self, from: data) {
            previous = decoded
        }
        var manifest: [String: String] = [:]
        var written = 0
        try fm.createDirectory(at: output, withIntermediateDirectories: true)
        for file in files {
            var data: Data?
            let digest: String
            if let d = file.digest {
                digest = d
            } else {
                let contents = file.contents()
                data = contents
                var hasher = SHA256()
                hasher.update(contents)
                digest = hasher.finalizeHex()
            }
            manifest[file.path] = digest
            let url = output.appendingPathComponent(file.path)
            if previous[file.path] == digest, fm.fileExists(atPath: url.path) { continue }
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (data ?? file.contents()).write(to: url)
            written += 1
        }
        for path in previous.keys where manifest[path] == nil {
            try? fm.removeItem(at: output.appendingPathComponent(path))
        }
        if let url = manifestURL {
            try? fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try? encoder.encode(manifest).write(to: url, options: .atomic)
        }
        return written
    }
}
