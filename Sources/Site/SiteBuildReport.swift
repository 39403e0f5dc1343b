/// What a site build did: the pages, how many were rendered or reused from the cache, and how long it took.
public struct SiteBuildReport: Sendable, Hashable {
    /// Time spent in each phase, in seconds.
    public struct Timings: Sendable, Hashable {
        /// Reading templates, guides, results and the catalog.
        public var load = 0.0
        /// Rendering pages (or reading them from the cache).
        public var render = 0.0
        /// Building the search index.
        public var index = 0.0
        /// Checking links.
        public var check = 0.0
        /// Writing files.
        public var write = 0.0
        /// Creates zero timings.
        public init() {}
    }

    /// The absolute path of the output folder.
    public var output: String
    /// Every page's site path, in reading order.
    public var pages: [String]
    /// How many pages were rendered.
    public var rendered: Int
    /// How many pages came from the cache.
    public var reused: Int
    /// How many files were (re)written.
    public var filesWritten: Int
    /// The size of the search index in bytes.
    public var searchIndexBytes: Int
    /// The whole build's wall time, in seconds.
    public var duration: Double
    /// Per-phase times.
    public var timings: Timings
    /// Problems that did not stop the build (broken links with ``SiteBuilder/BrokenLinkPolicy/warn``).
    public var warnings: [SiteError] = []

    /// `12 pages (3 rendered, 9 cached), 14 files written, in 85 ms`.
    public var summary: String {
        "\(pages.count) pages (\(rendered) rendered, \(reused) cached), \(filesWritten) files written, in \(Format.seconds(duration))"
            + " [load \(Format.seconds(timings.load)), render \(Format.seconds(timings.render)), index \(Format.seconds(timings.index)), check \(Format.seconds(timings.check)), write \(Format.seconds(timings.write))]"
    }
}
