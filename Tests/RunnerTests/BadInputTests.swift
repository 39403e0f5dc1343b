import Foundation
import Glibc
import Reports
import Testing
@testable import Lab
import Libvirt
@testable import Runner

extension SafetyTests {
    /// Bad guides and bad arguments given to the built `rewind` binary: each ends with a message that names
    /// the file and line (or the URI and the libvirt error code), a non-zero exit status, and nothing left
    /// behind. The guide parser's own randomized inputs are in GuideModelTests (`RandomizedTests`).
    @Suite("Bad input")
    struct BadInput {
        /// One bad input and what `rewind` must say about it.
        struct Case: Sendable, CustomStringConvertible {
            var name: String
            /// Guide files (under `Guides/`), raw bytes.
            var guides: [String: Data] = [:]
            /// Arguments after `rewind`; `ROOT` is replaced by the project root.
            var arguments: [String]
            var status: Int32
            /// Text that standard error (or, with `inStdout`, standard output) must contain.
            var messages: [String]
            var inStdout = false
            /// The longest the run may take, in seconds.
            var within: Double = 60

            var description: String { name }
        }

        static func guide(_ text: String) -> Data { Data(text.utf8) }

        /// 20 MB of prose, then a fence that never closes.
        static let largeGuide: Data = {
            var text = "# Large\n\n"
            let paragraph = String(repeating: "lorem ipsum dolor sit amet ", count: 40) + "\n\n"
            for _ in 0..<19_000 { text += paragraph }
            text += "```swift id=at-the-end\nprint(1)\n"
            return Data(text.utf8)
        }()

        static var largeGuideFenceLine: Int { 3 + 19_000 * 2 }

        static let ok = guide("# Fine\n\n```swift id=fine\nprint(1)\n```\n")

        static let cases: [Case] = [
            Case(name: "unterminated fence", guides: ["unterminated.md": guide("# T\n\n```swift id=a\nprint(1)\n")],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/unterminated.md:3: unterminated code fence", "nothing was compiled or run"]),
            Case(name: "unterminated quoted attribute", guides: ["quote.md": guide("# T\n\n```swift id=\"open\nprint(1)\n```\n")],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/quote.md:3: unterminated quoted value of fence attribute 'id'"]),
            Case(name: "unknown attribute", guides: ["unknown.md": guide("# T\n\n```swift id=a frobnicate=yes\nprint(1)\n```\n")],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/unknown.md:3: unknown fence attribute 'frobnicate'"]),
            Case(name: "misspelled attribute",
                 guides: ["typo.md": guide("# T\n\ntext\n\n```swift id=a expect-eror=VIR_ERR_NO_DOMAIN\nprint(1)\n```\n")],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/typo.md:5: unknown fence attribute 'expect-eror'; did you mean 'expect-error'?"]),
            Case(name: "snippet without id", guides: ["noid.md": guide("# T\n\n```swift\nprint(1)\n```\n")],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/noid.md:3: swift snippet has no id"]),
            Case(name: "duplicate ids across guides",
                 guides: ["a.md": guide("# A\n\n```swift id=same\nprint(1)\n```\n"),
                          "b.md": guide("# B\n\n\n```swift id=same\nprint(2)\n```\n")],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/b.md:4: duplicate snippet id 'same': already used at Guides/a.md:3"]),
            Case(name: "not UTF-8", guides: ["latin1.md": Data("# T\n\n```swift id=a\nprint(\"".utf8) + Data([0xff, 0xfe]) + Data("\")\n```\n".utf8)],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/latin1.md:4: the file is not valid UTF-8 (byte 0xFF at offset 26)"]),
            Case(name: "20 MB guide", guides: ["large.md": largeGuide],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/large.md:\(largeGuideFenceLine): unterminated code fence"], within: 30),
            Case(name: "guide path with a double quote", guides: ["say \"hi\".md": ok],
                 arguments: ["verify", "--root", "ROOT"], status: 1,
                 messages: ["Guides/say \"hi\".md:3: the guide's path contains a double quote"]),
            Case(name: "bogus URI", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "--connect", "bogus://"],
                 status: 2, messages: ["cannot connect to bogus://: VIR_ERR_"]),   // NO_CONNECT from a daemon, SYSTEM_ERROR without one
            Case(name: "unreachable URI", guides: ["ok.md": ok],
                 arguments: ["verify", "--root", "ROOT", "--connect", "qemu+tcp://127.0.0.1:1/system"],
                 status: 2, messages: ["cannot connect to qemu+tcp://127.0.0.1:1/system: VIR_ERR_SYSTEM_ERROR", "127.0.0.1:1"]),
            Case(name: "wrong QEMU URI path", guides: ["ok.md": ok],
                 arguments: ["verify", "--root", "ROOT", "--connect", "qemu:///nonexistent"],
                 status: 2, messages: ["cannot connect to qemu:///nonexistent: VIR_ERR_"]),
            Case(name: "empty URI", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "--connect", ""],
                 status: 64, messages: ["--connect needs a URI"]),
            Case(name: "no jobs", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "--jobs", "0"],
                 status: 64, messages: ["--jobs must be at least 1"]),
            Case(name: "zero timeout", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "--timeout", "0"],
                 status: 64, messages: ["--timeout must be positive"]),
            Case(name: "bad configuration", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "--configuration", "fast"],
                 status: 64, messages: ["--configuration must be debug or release"]),
            Case(name: "-c is --connect, in every command", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "-c", "fast"],
                 status: 2, messages: ["cannot connect to fast: VIR_ERR_"]),
            Case(name: "guest boot-check on two hosts", arguments: ["guest", "boot-check", "-c", "test:///default", "-c", "test:///default"],
                 status: 64, messages: ["guest boot-check acts on one host; give one --connect (got 2)"]),
            Case(name: "capabilities of an unreachable URI", arguments: ["capabilities", "-c", "qemu+tcp://127.0.0.1:1/system"],
                 status: 2, messages: ["cannot connect to qemu+tcp://127.0.0.1:1/system: VIR_ERR_SYSTEM_ERROR"]),
            Case(name: "hostile session id", guides: ["ok.md": ok],
                 arguments: ["verify", "--root", "ROOT", "--session-id", "../x"],
                 status: 64, messages: ["--session-id must be 1 to 16 lower-case letters and digits"]),
            Case(name: "missing root", arguments: ["verify", "--root", "/nonexistent-rewind-root"],
                 status: 64, messages: ["/nonexistent-rewind-root/Guides: no such directory"]),
            Case(name: "missing guide argument", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "ROOT/Guides/nope.md"],
                 status: 64, messages: ["Guides/nope.md: no guide there"]),
            Case(name: "unknown option", guides: ["ok.md": ok], arguments: ["verify", "--root", "ROOT", "--frobnicate"],
                 status: 64, messages: ["Unknown option '--frobnicate'"]),
            Case(name: "a filter that selects nothing", guides: ["ok.md": ok],
                 arguments: ["verify", "--root", "ROOT", "--filter", "typo"],
                 status: 2, messages: ["--filter 'typo' selects no snippet"]),
            Case(name: "foreign work directory", guides: ["ok.md": ok],
                 arguments: ["verify", "--root", "ROOT", "--work-dir", "ROOT/Guides"],
                 status: 1, messages: ["/Guides is not empty and was not made by rewind"]),
            Case(name: "lab clean on a bogus URI", arguments: ["lab", "clean", "--connect", "bogus://"],
                 status: 2, messages: ["rewind lab clean: cannot inventory bogus://: VIR_ERR_"]),
            Case(name: "lab clean on an unreachable URI", arguments: ["lab", "clean", "--connect", "qemu+tcp://127.0.0.1:1/system"],
                 status: 2, messages: ["cannot inventory qemu+tcp://127.0.0.1:1/system: VIR_ERR_SYSTEM_ERROR"]),
        ]

        @Test("bad guides and arguments are refused with a located message", arguments: cases)
        func refused(_ c: Case) async throws {
            let root = try Safety.makeRoot(c.guides)
            defer { try? FileManager.default.removeItem(at: root) }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("Guides"), withIntermediateDirectories: true)
            let arguments = c.arguments.map { $0.replacingOccurrences(of: "ROOT", with: root.path) }
            let run = try await Safety.rewind(arguments, timeout: 120)
            #expect(run.status == c.status, "\(c.name): \(run)")
            let text = c.inStdout ? run.stdout : run.stderr
            for m in c.messages { #expect(text.contains(m), "\(c.name): expected \"\(m)\" in:\n\(run)") }
            #expect(run.seconds < c.within, "\(c.name) took \(run.seconds) s")
            // Nothing was generated for a guide error: no work directory in the root.
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".rewind").path))
        }

        /// A snippet that does not compile fails the build; the failure names the Markdown line and column.
        @Test("a snippet that does not compile")
        func doesNotCompile() async throws {
            let text = "# Broken\n\nProse.\n\n```swift id=fine\nprint(1)\n```\n\n```swift id=broken\nlet n = 1\nlet x: Int = \"text\"\n```\n"
            let root = try Safety.makeRoot(["broken.md": Self.guide(text)])
            defer { try? FileManager.default.removeItem(at: root) }
            let session = Safety.sessionID()
            let run = try await Safety.verify(root: root, extra: ["--session-id", session])
            #expect(run.status == 1, "\(run)")
            #expect(run.stdout.contains("Guides/broken.md:11:14: error: cannot convert value of type 'String' to specified type 'Int'"), "\(run)")
            #expect(run.stdout.contains("FAIL"), "\(run)")
            #expect(run.stdout.contains("broken  Guides/broken.md:11: does not compile"), "\(run)")
            try Self.expectNothingLeft(session: session, uri: "test:///default")
        }

        /// Snippets with hostile names, a guide file with a hostile name, a crash: each result names the
        /// guide's file and line, and nothing is left behind.
        static let hostileGuideName = "sp ace & <x> ü's.md"
        static let hostileGuide = "# Hostile\n\n" + Safety.prelude + #"""
            ```swift id=hostile-names context=safe
            for suffix in ["it's \"quoted\"", "a&b", "<tag>", "with space", "ünïcødé-名前"] {
                let dom = try labDomain(suffix)
                try lab.expectEqual(dom.name, lab.name(suffix))
                try lab.expectEqual(try lab.connection.lookupDomain(name: lab.name(suffix)).uuid, dom.uuid)
            }
            ```

            ```swift id=slash-in-name context=safe
            _ = try labDomain("../escape")
            ```

            ```swift id=fails-in-hostile-guide
            try lab.expect(false, "failed inside a guide with a hostile file name")
            ```

            ```swift id=crashes context=safe
            _ = try labDomain("before-crash")
            let values: [Int] = []
            print(values[1])
            ```

            ```swift id=leaves-files
            let images = "/var/lib/libvirt/images/rewind/\(lab.runID)"
            try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: images + "/forgotten.qcow2", contents: Data("x".utf8))
            try FileManager.default.createDirectory(atPath: "/run/rewind", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: "/run/rewind/\(lab.runID)-forgotten.sock", contents: nil)
            ```

            ```swift id=hostile-paths
            let odd = try lab.path("it's \"q\" & <x> ü.img")
            try lab.expect(FileManager.default.createFile(atPath: odd, contents: Data("x".utf8)))
            try lab.expectEqual(URL(fileURLWithPath: odd).deletingLastPathComponent().path, lab.directory.path)
            _ = try lab.path("../escape.img")
            ```
            """#

        @Test("hostile names and a crash on test:///default")
        func hostileTestDriver() async throws {
            try await hostile(uri: "test:///default")
        }

        @Test("hostile names and a crash on qemu:///system", .enabled(if: Safety.live))
        func hostileLive() async throws {
            try await hostile(uri: "qemu:///system")
        }

        func hostile(uri: String) async throws {
            let root = try Safety.makeRoot([Self.hostileGuideName: Self.guide(Self.hostileGuide)])
            defer { try? FileManager.default.removeItem(at: root) }
            let session = Safety.sessionID()
            let json = root.appendingPathComponent("results.json").path
            let run = try await Safety.verify(root: root, uri: uri, extra: ["--session-id", session, "--json", json])
            defer { Self.removeLeftovers(session: session, uri: uri) }
            #expect(run.status == 1, "\(run)")
            let results = try JSONWriter.decode(Data(contentsOf: URL(fileURLWithPath: json)))
            let byID = Dictionary(uniqueKeysWithValues: results.hosts[0].results.map { ($0.id, $0) })
            let guide = "Guides/" + Self.hostileGuideName
            func line(_ marker: String) -> Int {
                Self.hostileGuide.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker) }! + 1
            }
            #expect(byID["hostile-names"]?.verdict == .pass, "\(String(describing: byID["hostile-names"]))")
            let slash = try #require(byID["slash-in-name"])
            #expect(slash.verdict == .fail)
            #expect(slash.errorCode == "VIR_ERR_XML_ERROR", "\(slash)")
            #expect(slash.message?.contains("cannot contain '/'") == true, "\(slash)")
            #expect(slash.location == "\(guide):\(line("id=slash-in-name"))", "\(slash)")
            let failed = try #require(byID["fails-in-hostile-guide"])
            #expect(failed.location == "\(guide):\(line("failed inside a guide"))", "\(failed)")
            let crashed = try #require(byID["crashes"])
            #expect(crashed.message?.hasPrefix("crashed with SIG") == true, "\(crashed)")
            #expect(crashed.message?.contains("Index out of range") == true, "\(crashed)")
            #expect(crashed.location == "\(guide):\(line("print(values[1])"))", "\(crashed)")
            #expect(run.stdout.contains("\(guide):\(line("print(values[1])")): crashed with SIG"), "\(run)")
            let careless = try #require(byID["leaves-files"])
            let run4 = "\(session)-0-4"
            #expect(careless.verdict == .fail, "\(careless)")
            #expect(careless.message?.hasPrefix("the snippet left things behind after its teardown (removed by the runner): ") == true, "\(careless)")
            #expect(careless.message?.contains("removed /var/lib/libvirt/images/rewind/\(run4)") == true, "\(careless)")
            #expect(careless.message?.contains("removed /run/rewind/\(run4)-forgotten.sock") == true, "\(careless)")
            #expect(careless.location == "\(guide):\(line("id=leaves-files"))")
            let paths = try #require(byID["hostile-paths"])
            #expect(paths.verdict == .fail)
            #expect(paths.message?.contains("lab.path(\"../escape.img\"): expected a plain file name") == true, "\(paths)")
            #expect(paths.location == "\(guide):\(line("lab.path(\"../escape.img\")"))", "\(paths)")
            #expect(!FileManager.default.fileExists(atPath: Safety.workDirectory.appendingPathComponent("labs/escape.img").path))
            if uri != "test:///default" {
                let cleanup = crashed.cleanup ?? []
                #expect(cleanup.contains("destroyed rewind-\(session)-0-3-before-crash"), "\(cleanup)")
                #expect(cleanup.contains("undefined rewind-\(session)-0-3-before-crash"), "\(cleanup)")
            }
            try Self.expectNothingLeft(session: session, uri: uri)
        }

        /// No domain, lab directory, image directory, run lock or process of the session remains.
        static func expectNothingLeft(session: String, uri: String) throws {
            let fm = FileManager.default
            #expect(try Safety.domains(on: uri, prefix: "rewind-\(session)-").isEmpty)
            let labs = (try? fm.contentsOfDirectory(atPath: Safety.workDirectory.appendingPathComponent("labs").path)) ?? []
            #expect(!labs.contains { $0.hasPrefix(session) }, "\(labs)")
            let images = (try? fm.contentsOfDirectory(atPath: "/var/lib/libvirt/images/rewind")) ?? []
            #expect(!images.contains { $0.hasPrefix(session) }, "\(images)")
            #expect(!RunLock.recordedRuns().contains { $0.hasPrefix(session) })
            let sockets = (try? fm.contentsOfDirectory(atPath: "/run/rewind")) ?? []
            #expect(!sockets.contains { $0.hasPrefix(session) }, "\(sockets)")
            #expect(Safety.processes(containing: session).isEmpty)
        }

        /// Removes whatever the session left, if a test failed (never anything without the lab tag).
        static func removeLeftovers(session: String, uri: String) {
            for run in (0..<8).map({ "\(session)-0-\($0)" }) {
                _ = LabCleanup.run(uri: uri, runID: run, labDirectory: nil)
            }
        }
    }
}
