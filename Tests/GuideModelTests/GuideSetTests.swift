import Foundation
import GuideModel
import Testing

@Suite("Guide sets")
struct GuideSetTests {
    /// A fresh package root in a temporary directory, removed by `body`'s caller.
    private func withPackageRoot(_ files: [String: [UInt8]], _ body: (URL) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-gm-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, bytes) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try body(root)
    }

    @Test("load reads every .md file under the directory, recursively, in path order")
    func loadsRecursively() throws {
        try withPackageRoot([
            "Guides/snapshots.md": Array(markdown("# Snapshots", "```swift id=snap-one", "x()", "```").utf8),
            "Guides/backup/push.md": Array(markdown("# Push", "```swift id=push-one", "```", "```swift id=push-two", "```").utf8),
            "Guides/notes.txt": Array("not a guide".utf8),
            "Guides/.drafts/wip.md": Array("hidden, not loaded".utf8),
            "Guides/.#snapshots.md": Array("editor lock file, not loaded".utf8),
            "Other/ignored.md": Array("no title, not loaded".utf8),
        ]) { root in
            let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
            #expect(set.guides.map(\.path) == ["Guides/backup/push.md", "Guides/snapshots.md"])
            #expect(set.guides.map(\.title) == ["Push", "Snapshots"])
            #expect(set.snippets.map(\.id) == ["push-one", "push-two", "snap-one"])
            #expect(set.snippet(id: "snap-one")?.guide == "Guides/snapshots.md")
            #expect(set.snippet(id: "snap-one")?.lines.first?.markdownLine == 3)
            #expect(set.snippet(id: "nope") == nil)
            #expect(set.guide(path: "Guides/snapshots.md")?.snippets.count == 1)
        }
    }

    @Test("load reports every error of every guide, sorted by file and line")
    func loadCollectsAllErrors() throws {
        try withPackageRoot([
            "Guides/a.md": Array(markdown("# A", "```swift id=shared", "```", "```swift id=x neeeds=qemu", "```").utf8),
            "Guides/b.md": Array(markdown("# B", "", "```swift id=shared", "```", "```swift id=c continues=x", "```").utf8),
            "Guides/c.md": Array(markdown("No title here.").utf8),
            "Guides/d.md": Array("# D\n\n".utf8) + [0xFE],
        ]) { root in
            #expect {
                try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
            } throws: { error in
                guard let errors = error as? GuideErrors else { return false }
                return errors.errors.map(\.description) == [
                    "Guides/a.md:4: unknown fence attribute 'neeeds'; did you mean 'needs'?",
                    "Guides/b.md:3: duplicate snippet id 'shared': already used at Guides/a.md:2",
                    "Guides/b.md:5: continues 'x', which is defined in Guides/a.md:4; a snippet can only continue a snippet of its own guide",
                    "Guides/c.md:1: the guide has no title: it needs a level-1 heading (# Title)",
                    "Guides/d.md:3: the file is not valid UTF-8 (byte 0xFE at offset 5)",
                ]
            }
        }
    }

    @Test("a missing directory is an error")
    func missingDirectory() throws {
        try withPackageRoot([:]) { root in
            #expect(throws: GuideErrors([GuideError(file: "Guides", line: 1, message: "no such directory")])) {
                try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
            }
        }
    }

    @Test("an empty directory is an empty set")
    func emptyDirectory() throws {
        try withPackageRoot(["Guides/readme.txt": []]) { root in
            let set = try GuideSet.load(directory: root.appendingPathComponent("Guides"), root: root)
            #expect(set.guides.isEmpty && set.snippets.isEmpty)
        }
    }

    @Test("ids must be unique across guides checked together")
    func duplicateIDsAcrossGuides() throws {
        #expect(throws: GuideErrors([
            GuideError(file: "Guides/z.md", line: 4, message: "duplicate snippet id 'same': already used at Guides/m.md:2"),
        ])) {
            try GuideSet.parse(sources: [
                "Guides/z.md": markdown("# Z", "", "", "```swift id=same", "```"),
                "Guides/m.md": markdown("# M", "```swift id=same", "```"),
            ])
        }
        let z = try #require(Guide.parse(source: markdown("# Z", "```swift id=same", "```"), path: "Guides/z.md").guide)
        let m = try #require(Guide.parse(source: markdown("# M", "", "```swift id=same", "```"), path: "Guides/m.md").guide)
        #expect(throws: GuideErrors([
            GuideError(file: "Guides/z.md", line: 2, message: "duplicate snippet id 'same': already used at Guides/m.md:3"),
        ])) {
            try GuideSet(guides: [z, m])
        }
    }

    @Test("parse(sources:) builds a set from text")
    func parseSources() throws {
        let set = try GuideSet.parse(sources: [
            "Guides/one.md": markdown("# One", "```swift id=a", "```"),
            "Guides/two.md": markdown("# Two", "```swift id=b", "```", "```swift id=c continues=b", "```"),
        ])
        #expect(set.snippets.map(\.location) == ["Guides/one.md:2", "Guides/two.md:2", "Guides/two.md:4"])
        #expect(set.continuationChain(of: "c").map(\.id) == ["b", "c"])
    }
}
