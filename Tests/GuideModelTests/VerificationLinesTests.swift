import Testing
@testable import GuideModel

@Suite("Verification lines")
struct VerificationLinesTests {
    @Test("the lab's checks, their continuation lines and everything after // Check: are verification; API calls are not")
    func classify() {
        let lines = [
            "let dom = try lab.makeDomain()",                                  // API/setup
            "try dom.beginBackup(xml: push.xml())",                            // API
            "let stats = try await lab.backupEnded(events)",                   // a lab helper the reader needs
            "try lab.expectEqual(stats.success, true,",                        // check, continues
            "                    \"the job (\\(stats.operation)) succeeded\")", // continuation
            "lab.record(\"copy\", seconds(d), unit: \"s\")",                    // check
            "_ = try await lab.waitFor(events) { $0.kind.jobCompleted != nil }", // API-side waiting
            "print(stats)",                                                    // check
            "try dom.abortJob() // lab.expect in a comment is not a check",    // API
            "// Check: the backup holds the data",                             // marker
            "let bytes = try lab.fileSize(target)",                            // after the marker
        ]
        #expect(Snippet.verificationLines(lines) == [false, false, false, true, true, true, false, true, false, true, true])
    }

    @Test("parentheses inside strings and interpolations do not end or extend a check")
    func balance() {
        #expect(Snippet.parenthesisBalance("lab.expect(x, \"a ( in text\")") == 0)
        #expect(Snippet.parenthesisBalance("lab.expect(f(x), \"\\(g(y)) done\"") == 1)
        #expect(Snippet.parenthesisBalance("lab.note(\"x\") // (") == 0)
    }
}
