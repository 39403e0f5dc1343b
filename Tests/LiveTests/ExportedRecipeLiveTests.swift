import Foundation
import GuideModel
@testable import Lab
import Libvirt
import Runner
import Support
import Testing

/// A recipe as a reader takes it: exported into a folder outside the repository, built there with
/// `swift build` against Rewind's libraries, and run against qemu:///system on a lab guest. Slow (a package
/// build), so in the live tier (`REWIND_LIVE=1`).
@Suite("Exported recipe (live, qemu:///system)", .serialized, .enabled(if: liveTestsEnabled), .timeLimit(.minutes(15)))
struct ExportedRecipeLiveTests {
    /// The repository root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("full-backup, exported and built outside the repository, backs up a lab guest's two disks")
    func exportedFullBackupRuns() async throws {
        let set = try GuideSet.load(directory: Self.root.appendingPathComponent("Guides"), root: Self.root)
        let folder = URL(fileURLWithPath: "/tmp/rewind-exported-\(UUID().uuidString.prefix(8).lowercased())")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try RecipeExport.export(name: "full-backup", from: set, to: folder, rewind: Self.root)
        #expect(!folder.path.hasPrefix(Self.root.path), "outside the repository")

        var build = ProcessSpec(Executable.find("swift") ?? "swift", ["build", "--package-path", folder.path])
        build.errorOutput = .sameAsOutput
        let built = try Subprocess.run(build, timeout: .seconds(900))
        try #require(built.status == 0, "swift build: \(built.output.suffix(2000))")
        let binary = folder.appendingPathComponent(".build/debug/full-backup").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "no \(binary)")

        try await LabTestSupport.withQemuLab("exported") { lab in
            let dom = try lab.makeDomain(disks: 2)
            try lab.write(dom, disk: "vda", pattern: 0x6e, offset: 0, length: 1 << 20)
            try lab.write(dom, disk: "vdb", pattern: 0x6f, offset: 2 << 20, length: 1 << 20)
            let run = try Subprocess.run(ProcessSpec(binary, ["--connect", "qemu:///system", "--domain", dom.name,
                                                              "--target-dir", lab.directory.path]), timeout: .seconds(300))
            #expect(run.status == 0, "the exported program: \(run.output) \(run.errorOutput)")
            #expect(run.output.contains("<domainbackup"), "it printed the XML it sent")
            #expect(try lab.imageHasPattern(lab.directory.path + "/\(dom.name)-vda.qcow2", pattern: 0x6e, offset: 0, length: 1 << 20))
            #expect(try lab.imageHasPattern(lab.directory.path + "/\(dom.name)-vdb.qcow2", pattern: 0x6f, offset: 2 << 20, length: 1 << 20))
            // Bad arguments: the usage line and exit status 2, as a reader's shell sees them.
            let usage = try Subprocess.run(ProcessSpec(binary, ["--connect"]), timeout: .seconds(30))
            #expect(usage.status == 2 && usage.output.hasPrefix("usage: full-backup"), "usage: \(usage.output)")
        }
    }
}
