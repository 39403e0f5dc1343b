import Foundation
import GuideModel
import Testing
@testable import Runner

/// A file added to the Rewind package must reach the next incremental snippet build.
///
/// SwiftPM plans a build again only when the root package's target folders or manifest change, not when
/// a path dependency gains a file; without the source-list digest in the generated manifest, the second
/// build below fails with "cannot find 'Added' in scope".
@Suite("Incremental snippet builds and the Rewind package's file list")
struct StaleBuildTests {
    /// A scratch folder holding a small stand-in for the Rewind package (`Rewind/`) and the work directory.
    struct Scratch {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewind-stale-\(UUID().uuidString.prefix(8))")
        var rewind: URL { root.appendingPathComponent("Rewind") }
        var work: URL { root.appendingPathComponent("work") }

        func write(_ text: String, _ relative: String) throws {
            let url = rewind.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        /// The three products the generated manifest names, with just what generated code uses from `Lab`.
        func makeRewindPackage() throws {
            try write("""
                // swift-tools-version: 6.1
                import PackageDescription
                let package = Package(
                    name: "Rewind",
                    products: [
                        .library(name: "Libvirt", targets: ["Libvirt"]),
                        .library(name: "NBD", targets: ["NBD"]),
                        .library(name: "RewindLab", targets: ["Lab"]),
                    ],
                    targets: [.target(name: "Libvirt"), .target(name: "NBD"), .target(name: "Lab")],
                    swiftLanguageModes: [.v6]
                )
                """, "Package.swift")
            try write("/// The Libvirt product the generated manifest names.\npublic enum LibvirtStandIn {}\n",
                      "Sources/Libvirt/Libvirt.swift")
            try write("/// The NBD product the generated manifest names.\npublic enum NBDStandIn {}\n", "Sources/NBD/NBD.swift")
            try write("""
                public final class Lab: Sendable {
                    public init() {}
                    public var answer: Int { 41 }
                }
                public enum SnippetMain {
                    public typealias Body = @Sendable (Lab) async throws -> Void
                    public static func run(registry: [String: Body]) async {
                        for (_, body) in registry { try? await body(Lab()) }
                    }
                }
                """, "Sources/Lab/Lab.swift")
        }
    }

    static func snippets(using expression: String) throws -> [RunnableSnippet] {
        let guide = "# S\n\n```swift id=uses-lab\nprint(\(expression))\n```\n"
        return RunnableSnippet.all(in: try GuideSet.parse(sources: ["Guides/s.md": guide]))
    }

    @Test("the digest follows the file list and the manifest, not file contents")
    func digest() throws {
        let s = Scratch()
        defer { try? FileManager.default.removeItem(at: s.root) }
        try s.makeRewindPackage()
        let first = SourceListDigest(packageRoot: s.rewind)
        #expect(first.hex.count == 16)
        #expect(first.entryCount == 6, "three folders and three files")
        #expect(SourceListDigest(packageRoot: s.rewind) == first)

        try s.write("public enum LibvirtStandIn { case edited }\n", "Sources/Libvirt/Libvirt.swift")
        #expect(SourceListDigest(packageRoot: s.rewind) == first, "an edited file keeps the digest")
        try s.write("swap", "Sources/Lab/.Lab.swift.swp")
        #expect(SourceListDigest(packageRoot: s.rewind) == first, "hidden files are not sources")

        try s.write("public enum Added {}\n", "Sources/Lab/Added.swift")
        let added = SourceListDigest(packageRoot: s.rewind)
        #expect(added != first)
        try FileManager.default.removeItem(at: s.rewind.appendingPathComponent("Sources/Lab/Added.swift"))
        #expect(SourceListDigest(packageRoot: s.rewind) == first)

        let manifest = s.rewind.appendingPathComponent("Package.swift")
        try Data((try String(contentsOf: manifest, encoding: .utf8) + "\n// changed\n").utf8).write(to: manifest)
        #expect(SourceListDigest(packageRoot: s.rewind) != first, "a changed manifest changes the digest")

        #expect(SourceListDigest(packageRoot: s.root.appendingPathComponent("missing")).entryCount == 0)
    }

    @Test("a file added to the Rewind package is compiled by the next incremental build")
    func addedFileReachesTheBuild() async throws {
        let s = Scratch()
        defer { try? FileManager.default.removeItem(at: s.root) }
        try s.makeRewindPackage()
        let generator = SnippetPackageGenerator(workDirectory: s.work, rewindPackage: s.rewind)
        let compiler = SnippetCompiler()

        let before = try Self.snippets(using: "lab.answer")
        let first = try generator.generate(before)
        let firstBuild = await compiler.build(first, snippets: before)
        try #require(firstBuild.succeeded, "\(firstBuild.invocations.map { $0.logTail ?? "" })")
        let firstManifest = try String(contentsOf: s.work.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(firstManifest.contains(SnippetPackageGenerator.digestLinePrefix + SourceListDigest(packageRoot: s.rewind).hex))
        // The build right after a planning plans again anyway; the one after it trusts the stored plan.
        let unchanged = try generator.generate(before)
        #expect(unchanged.written.isEmpty)
        let noOp = await compiler.build(unchanged, snippets: before)
        try #require(noOp.succeeded)

        // As in the Lab target: a new file, used by an existing file of the same module and by a snippet.
        try s.write("public enum Added { public static let one = 1 }\n", "Sources/Lab/Added.swift")
        let lab = try String(contentsOf: s.rewind.appendingPathComponent("Sources/Lab/Lab.swift"), encoding: .utf8)
        try s.write(lab.replacingOccurrences(of: "{ 41 }", with: "{ 41 + Added.one }"), "Sources/Lab/Lab.swift")
        let after = try Self.snippets(using: "lab.answer + Added.one")
        let second = try generator.generate(after)
        #expect(second.written.contains("Package.swift"), "the new digest rewrites the manifest")
        let secondBuild = await compiler.build(second, snippets: after)
        #expect(secondBuild.succeeded, "\(secondBuild.invocations.map { $0.logTail ?? "" })")
        #expect(secondBuild.unattributedErrors.isEmpty, "\(secondBuild.unattributedErrors)")

        let exe = try #require(secondBuild.executables["uses-lab"])
        #expect(FileManager.default.isExecutableFile(atPath: exe))
    }
}
