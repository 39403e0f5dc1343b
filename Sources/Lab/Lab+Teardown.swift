import Foundation

// Running a lab's teardown from a host other than `SnippetMain` (the benchmark harness, tests).

extension Lab {
    /// Runs the teardown hooks registered so far (newest first) and forgets them, as `SnippetMain` does
    /// after a snippet; returns the errors the hooks threw, as text.
    ///
    /// For programs that make a `Lab` themselves, such as `rewind bench`:
    ///
    /// ```swift
    /// let lab = Lab(connection: try Connection(uri: "qemu:///system"), directory: dir,
    ///               runID: "bench-1a2b", snippetID: "pull-backup")
    /// let dom = try lab.makeDomain(diskSizeMiB: 1024)
    /// // … measure …
    /// for problem in await lab.tearDown() { print("teardown:", problem) }
    /// ```
    ///
    /// Calling it again runs only the hooks registered since. It does not remove `directory`; use
    /// `LabCleanup.run(uri:runID:labDirectory:)` for that (it also removes domains left by a crash).
    public func tearDown() async -> [String] {
        await runTeardown()
    }
}
