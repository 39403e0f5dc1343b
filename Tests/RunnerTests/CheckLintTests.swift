import GuideModel
import Testing
@testable import Runner

/// `CheckLint` catches each class of check that cannot fail, on a planted example, at the right Markdown
/// line; and it leaves the honest versions of the same snippets alone.
@Suite("Checks that cannot fail (CheckLint)")
struct CheckLintTests {
    static func snippets(_ markdown: String) throws -> [RunnableSnippet] {
        RunnableSnippet.all(in: try GuideSet.parse(sources: ["Guides/planted.md": "# Planted\n\n" + markdown]))
    }

    static func rules(_ markdown: String) throws -> [String] {
        CheckLint.problems(in: try snippets(markdown)).map { "\($0.location) \($0.rule)" }
    }

    @Test("a constant recorded as a measurement")
    func constant() throws {
        let planted = """
            ```swift id=a claims=x.y
            let n = 3
            lab.record("guest paused", 0, unit: "ms")
            lab.record("with \\(n) interpolations", -1.5, unit: "s")
            try lab.expect(n == 3)
            ```
            """
        #expect(try Self.rules(planted) == ["Guides/planted.md:5 constant-measurement", "Guides/planted.md:6 constant-measurement"])
        let honest = """
            ```swift id=a claims=x.y
            let pauses = 0
            lab.record("guest paused", Double(pauses), unit: "events")   // 0 in a comment is fine
            lab.record("call", seconds(end - start), unit: "s")
            try lab.expectEqual(pauses, 0)
            ```
            """
        #expect(try Self.rules(honest) == [])
    }

    @Test("try? deciding an expectation")
    func tryQuestion() throws {
        let planted = """
            ```swift id=b claims=x.y
            let complete = (try? lab.imageHasPattern(target, pattern: 1, offset: 0, length: 512)) ?? false
            try lab.expect(complete)
            try lab.expect((try? dom.isActive()) == true, "running")
            ```
            """
        #expect(try Self.rules(planted) == ["Guides/planted.md:4 try-in-expectation", "Guides/planted.md:6 try-in-expectation"])
        let honest = """
            ```swift id=b claims=x.y
            do { try dom.beginBackup(xml: xml) } catch {
                _ = try? dom.thawFilesystems()      // cleanup on the way out is not a verdict
                throw error
            }
            try lab.expect(try dom.isActive(), "running")
            ```
            """
        #expect(try Self.rules(honest) == [])
    }

    @Test("a claim with no assertion at all")
    func noAssertion() throws {
        let planted = """
            ```swift id=c claims=x.y,x.z
            let dom = try lab.makeDomain()
            _ = try dom.createSnapshot(xml: "<domainsnapshot/>")
            lab.record("snapshots", Double(try dom.numberOfSnapshots()), unit: "snapshots")
            ```
            """
        #expect(try Self.rules(planted) == ["Guides/planted.md:3 claim-without-assertion"])
        // An expected output, an expected error, a helper named expect…, or lab.fail each count as asserting.
        let honest = """
            ```swift id=c1 claims=x.y
            print("done")
            ```

            ```output
            done
            ```

            ```swift id=c2 claims=x.y expect-error=VIR_ERR_NO_DOMAIN
            _ = try lab.connection.lookupDomain(name: "none")
            ```

            ```swift id=c3 claims=x.y
            try expectConsistent(capture)
            ```

            ```swift id=c4 finding=x.w
            if broken { try lab.fail("it broke") }
            ```

            ```swift id=c5
            print("no claim, nothing to assert")
            ```
            """
        #expect(try Self.rules(honest) == [])
    }

    @Test("a finding that is also one of the snippet's claims")
    func findingIsClaim() throws {
        let planted = """
            ```swift id=d finding=x.y claims=x.y,x.z
            try lab.expect(true)
            ```
            """
        #expect(try Self.rules(planted) == ["Guides/planted.md:3 finding-is-claim"])
        #expect(try Self.rules(planted.replacingOccurrences(of: "claims=x.y,x.z", with: "claims=x.z")) == [])
    }

    @Test("a compile-only snippet must say why it is not run")
    func compileOnly() throws {
        let planted = """
            ```swift id=e compile-only
            let dom = try lab.makeDomain()
            ```
            """
        #expect(try Self.rules(planted) == ["Guides/planted.md:3 unexplained-compile-only"])
        let honest = """
            ```swift id=e compile-only
            // compile-only: needs a Windows guest with VSS, which no host here runs
            let dom = try lab.makeDomain()
            ```
            """
        #expect(try Self.rules(honest) == [])
    }

    @Test("a // inside a string is not a comment; a literal after it in a comment is not a value")
    func comments() {
        #expect(CheckLint.codePart(#"let u = "qemu:///system" // the URI"#) == #"let u = "qemu:///system" "#)
        #expect(CheckLint.constantRecorded(in: #"lab.record("x", value, unit: "s")"#) == nil)
        #expect(CheckLint.constantRecorded(in: #"lab.record("x", 1_000, unit: "s")"#) == "1_000")
        #expect(CheckLint.hasAssertion("try lab.expectEqual(a, b)"))
        #expect(!CheckLint.hasAssertion("let expected = 3; unexpected(1)"))
    }
}
