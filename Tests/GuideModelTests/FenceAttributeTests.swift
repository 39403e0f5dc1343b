import GuideModel
import Testing

/// A guide whose only snippet fence (line 3) has the info string `swift <attributes>`.
private func fence(_ attributes: String) -> String {
    markdown("# T", "", "```swift \(attributes)", "x()", "```")
}

/// The errors of `fence(attributes)`.
private func fenceErrors(_ attributes: String) -> [String] {
    errors(in: fence(attributes))
}

@Suite("Fence attributes")
struct FenceAttributeTests {
    @Test("every attribute of the vocabulary is parsed")
    func fullVocabulary() throws {
        let text = markdown(
            "# T",                                                         // 1
            "```swift context=lab prelude",                                // 2
            "# import Libvirt",                                            // 3
            "```",                                                         // 4
            "```swift id=prev context=lab",                                // 5
            "let c = 1",                                                   // 6
            "```",                                                         // 7
            "```swift id=full needs=qemu,snapshot-external,events timeout=2.5 continues=prev standalone "
                + "finding=snap.revert.external claims=snap.revert.external,snap.revert.internal+checkpoint "
                + "tier=agent expect-error=VIR_ERR_OPERATION_UNSUPPORTED", // 8
            "try revert()",                                                // 9
            "```",                                                         // 10
            "```swift id=fails compile-fail=\"cannot convert value of type \\\"Int\\\" to \\\\ 'String'\"", // 11
            "let s: String = 1",                                           // 12
            "```",                                                         // 13
            "```swift\tid=only-compiled\t compile-only  tier=qemu",        // 14
            "```",                                                         // 15
            "~~~swift id=shown ignore tier=agent",                         // 16
            "~~~",                                                         // 17
        )
        let guide = try #require(validGuide(text))
        let full = try #require(guide.snippet(id: "full")).attributes
        #expect(full.id == "full")
        #expect(full.needs == [.qemu, .snapshotExternal, .events])
        #expect(full.timeout == .milliseconds(2500))
        #expect(full.context == nil)
        #expect(full.continues == "prev")
        #expect(full.isStandalone)
        #expect(full.finding == "snap.revert.external")
        #expect(full.claims == ["snap.revert.external", "snap.revert.internal+checkpoint"])
        #expect(full.tier == .agent)
        #expect(full.expectedError == "VIR_ERR_OPERATION_UNSUPPORTED")
        #expect(full.mode == .run)
        #expect(!full.isCompileOnly && !full.isIgnored && !full.isPrelude && full.compileFailure == nil)

        let fails = try #require(guide.snippet(id: "fails"))
        #expect(fails.attributes.compileFailure == "cannot convert value of type \"Int\" to \\ 'String'")
        #expect(fails.mode == .compileFail(expectedDiagnostic: "cannot convert value of type \"Int\" to \\ 'String'"))
        #expect(guide.codeBlock(atLine: 11)?.info == "swift id=fails compile-fail=\"cannot convert value of type \\\"Int\\\" to \\\\ 'String'\"")

        let compiled = try #require(guide.snippet(id: "only-compiled"))
        #expect(compiled.mode == .compileOnly)
        #expect(compiled.attributes.tier == .qemu)
        #expect(compiled.mode.isCompiled && !compiled.mode.isRun)

        let shown = try #require(guide.snippet(id: "shown"))
        #expect(shown.mode == .ignore)
        #expect(!shown.mode.isCompiled)
        #expect(guide.codeBlock(atLine: 16)?.role == .snippet(id: "shown"))
        #expect(guide.codeBlock(atLine: 2)?.role == .prelude(context: "lab"))
    }

    @Test("timeouts accept whole and fractional seconds")
    func timeouts() throws {
        for (value, duration) in [("1", Duration.seconds(1)), ("0.5", .milliseconds(500)), ("86400", .seconds(86400))] {
            let guide = try #require(validGuide(fence("id=a timeout=\(value)")))
            #expect(guide.snippet(id: "a")?.attributes.timeout == duration)
        }
    }

    @Test("an unknown attribute is an error, with the closest known one suggested")
    func unknownAttributes() {
        #expect(fenceErrors("id=a neeeds=qemu") == ["Guides/t.md:3: unknown fence attribute 'neeeds'; did you mean 'needs'?"])
        #expect(fenceErrors("id=a compileonly") == ["Guides/t.md:3: unknown fence attribute 'compileonly'; did you mean 'compile-only'?"])
        #expect(fenceErrors("id=a ignroe") == ["Guides/t.md:3: unknown fence attribute 'ignroe'; did you mean 'ignore'?"])
        #expect(fenceErrors("id=a frobnicate") == ["Guides/t.md:3: unknown fence attribute 'frobnicate'"])
        #expect(fenceErrors("id=a no_run") == ["Guides/t.md:3: unknown fence attribute 'no_run'"])
    }

    @Test("a missing value is an error")
    func missingValues() {
        #expect(fenceErrors("id=a timeout") == ["Guides/t.md:3: fence attribute 'timeout' needs a value (timeout=<seconds>)"])
        #expect(fenceErrors("id=a needs=") == ["Guides/t.md:3: fence attribute 'needs' needs a value (needs=<capability>[,<capability>...])"])
        #expect(fenceErrors("id=") == ["Guides/t.md:3: fence attribute 'id' needs a value (id=<slug>)"])
        #expect(fenceErrors("id=a compile-fail=\"\"") == ["Guides/t.md:3: fence attribute 'compile-fail' needs a value (compile-fail=\"<expected diagnostic>\")"])
    }

    @Test("a value on a flag is an error")
    func valueNotAllowed() {
        #expect(fenceErrors("id=a compile-only=true") == ["Guides/t.md:3: fence attribute 'compile-only' takes no value"])
        #expect(fenceErrors("id=a standalone=\"yes\"") == ["Guides/t.md:3: fence attribute 'standalone' takes no value"])
    }

    @Test("bad values are errors")
    func badValues() {
        #expect(fenceErrors("id=a needs=qemu,floppy") == ["Guides/t.md:3: bad value for 'needs': unknown capability 'floppy' (known: qemu, backup, checkpoint, blockjob, monitor, agent, save, snapshot-external, events, peer-host, uefi, backup-tls)"])
        #expect(fenceErrors("id=a needs=qemu,bakup") == ["Guides/t.md:3: bad value for 'needs': unknown capability 'bakup'; did you mean 'backup'?"])
        #expect(fenceErrors("id=a needs=qemu,,save") == ["Guides/t.md:3: bad value for 'needs': empty capability in 'qemu,,save'"])
        #expect(fenceErrors("id=a needs=save,save") == ["Guides/t.md:3: bad value for 'needs': capability 'save' is listed twice"])
        for timeout in ["abc", "-1", "0", "0.0", "1e3", "inf", "nan", "0x10", "86401", "1.2.3", "."] {
            #expect(fenceErrors("id=a timeout=\(timeout)") == ["Guides/t.md:3: bad value for 'timeout': '\(timeout)' is not a positive number of seconds (at most 86400)"])
        }
        for id in ["Bad", "-lead", "under_score", "dot.ted", "ü"] {
            #expect(fenceErrors("id=\(id)") == ["Guides/t.md:3: bad id '\(id)': use lowercase letters, digits and hyphens, starting with a letter or digit"])
        }
        for name in ["VIR_ERR_", "ERR_NO_DOMAIN", "VIR_ERR_no_domain", "VIR_ERR_NO-DOMAIN", "VIR_ERR_1"] {
            #expect(fenceErrors("id=a expect-error=\(name)") == ["Guides/t.md:3: bad value for 'expect-error': '\(name)' is not a libvirt error name (VIR_ERR_<NAME>)"])
        }
        #expect(fenceErrors("id=a tier=live") == ["Guides/t.md:3: bad value for 'tier': 'live' (use test, qemu or agent)"])
        // tier= only when it says something needs= does not.
        #expect(fenceErrors("id=a needs=qemu,events tier=qemu") == ["Guides/t.md:3: 'tier=qemu' repeats what needs= implies; remove it (write tier= only when it says something else)"])
        #expect(fenceErrors("id=a needs=agent tier=test") == [])
        #expect(fenceErrors("id=a finding=snap") == ["Guides/t.md:3: bad value for 'finding': 'snap' is not a claim id (like snap.revert.external)"])
        #expect(fenceErrors("id=a claims=snap.a,snap.a") == ["Guides/t.md:3: bad value for 'claims': claim 'snap.a' is listed twice"])
        #expect(fenceErrors("id=a claims=snap.a,Snap.B") == ["Guides/t.md:3: bad value for 'claims': 'Snap.B' is not a claim id (like snap.revert.external)"])
        #expect(fenceErrors("id=a continues=Up") == ["Guides/t.md:3: bad value for 'continues': 'Up' is not a snippet id"])
        #expect(fenceErrors("id=a context=\"two words\"") == [
            "Guides/t.md:3: bad value for 'context': 'two words' is not a name of lowercase letters, digits and hyphens",
        ])
    }

    @Test("a repeated attribute is an error")
    func duplicates() {
        #expect(fenceErrors("id=a id=b") == ["Guides/t.md:3: duplicate fence attribute 'id'"])
        #expect(fenceErrors("id=a ignore ignore") == ["Guides/t.md:3: duplicate fence attribute 'ignore'"])
    }

    @Test("a snippet that is compiled or run needs an id")
    func missingID() {
        let message = "Guides/t.md:3: swift snippet has no id: add id=<slug>, or mark it ignore to show it without compiling it"
        #expect(fenceErrors("") == [message])
        #expect(fenceErrors("needs=qemu timeout=3") == [message])
    }

    @Test("contradictory attributes are errors")
    func contradictions() {
        #expect(fenceErrors("id=a compile-only expect-error=VIR_ERR_NO_DOMAIN") == [
            "Guides/t.md:3: 'compile-only' contradicts 'expect-error': a compile-only snippet is not run",
        ])
        #expect(fenceErrors("id=a compile-only compile-fail=oops") == [
            "Guides/t.md:3: 'compile-only' contradicts 'compile-fail': a compile-only snippet is not run",
        ])
        #expect(fenceErrors("id=a compile-only timeout=5") == [
            "Guides/t.md:3: 'compile-only' contradicts 'timeout': a compile-only snippet is not run",
        ])
        #expect(fenceErrors("id=a compile-fail=oops needs=qemu") == [
            "Guides/t.md:3: 'compile-fail' contradicts 'needs': a snippet that must fail to compile is not run",
        ])
        #expect(fenceErrors("id=a ignore needs=qemu timeout=3") == [
            "Guides/t.md:3: 'ignore' contradicts 'needs': an ignored snippet is neither compiled nor run",
            "Guides/t.md:3: 'ignore' contradicts 'timeout': an ignored snippet is neither compiled nor run",
        ])
        #expect(fenceErrors("id=a ignore compile-only") == [
            "Guides/t.md:3: 'ignore' contradicts 'compile-only': an ignored snippet is neither compiled nor run",
        ])
        #expect(fenceErrors("context=c prelude id=p needs=qemu") == [
            "Guides/t.md:3: fence attribute 'id' is not allowed on a prelude (hidden setup code that is never run on its own)",
            "Guides/t.md:3: fence attribute 'needs' is not allowed on a prelude (hidden setup code that is never run on its own)",
            "Guides/t.md:3: the prelude of context 'c' is not used by any snippet",
        ])
        #expect(fenceErrors("prelude") == ["Guides/t.md:3: a prelude needs context=<name>"])
    }

    @Test("malformed info strings are errors")
    func malformedInfoStrings() {
        #expect(fenceErrors("id=a compile-fail=\"oops") == ["Guides/t.md:3: unterminated quoted value of fence attribute 'compile-fail'"])
        #expect(fenceErrors("id=a compile-fail=\"x\"y") == ["Guides/t.md:3: unexpected text after the quoted value of fence attribute 'compile-fail'"])
        #expect(fenceErrors("id=a =x") == ["Guides/t.md:3: fence attribute with no name before '='"])
        #expect(fenceErrors("id=a compile-fail=a\"b") == ["Guides/t.md:3: stray quote in the value of fence attribute 'compile-fail' (quote the whole value: compile-fail=\"…\")"])
        #expect(fenceErrors("id=a \"quoted\"") == ["Guides/t.md:3: unexpected quote in the fence's info string (quote only a value: key=\"…\")"])
    }

    @Test("a language that almost says swift or output is an error")
    func nearMissLanguages() {
        #expect(errors(in: markdown("# T", "```Swift id=a", "```")) == [
            "Guides/t.md:2: fence language 'Swift' is not 'swift': write 'swift' followed by space-separated attributes",
        ])
        #expect(errors(in: markdown("# T", "```swift,ignore", "```")) == [
            "Guides/t.md:2: fence language 'swift,ignore' is not 'swift': write 'swift' followed by space-separated attributes",
        ])
        #expect(errors(in: markdown("# T", "```swift id=a", "```", "```output,mask", "```")) == [
            "Guides/t.md:4: fence language 'output,mask' is not 'output': write 'output' followed by space-separated attributes",
        ])
        #expect(errors(in: markdown("# T", "```id=a", "```")) == [
            "Guides/t.md:2: fence info 'id=a' starts with an attribute: write the language first (swift id=…)",
        ])
        // Other languages that merely start with the same letters are display blocks.
        #expect(errors(in: markdown("# T", "```swiftui", "```", "```swift5", "```")) == [])
    }

    @Test("the vocabulary describes itself")
    func vocabularyDescriptions() {
        #expect(FenceAttribute.allCases.count == 19)
        #expect(FenceAttribute.allCases.allSatisfy { !$0.summary.isEmpty && $0.syntax.hasPrefix($0.rawValue) })
        #expect(FenceAttribute.allCases.filter { !$0.takesValue } == [.compileOnly, .ignore, .prelude, .standalone])
        #expect(Capability.allCases.map(\.rawValue) == [
            "qemu", "backup", "checkpoint", "blockjob", "monitor", "agent", "save", "snapshot-external", "events", "peer-host", "uefi", "backup-tls",
        ])
        #expect(Capability.allCases.allSatisfy { !$0.summary.isEmpty })
        #expect(Capability.allCases.sorted() == Capability.allCases)
    }

    @Test("since=, until= and fixed-in= take libvirt versions; fixed-in needs finding=")
    func versions() throws {
        let guide = try #require(validGuide(fence("id=v needs=qemu since=9.9.0 until=12.8")))
        let a = try #require(guide.snippet(id: "v")).attributes
        #expect(a.since == "9.9.0")
        #expect(a.until == "12.8")
        let fixed = try #require(validGuide(fence("id=f finding=snap.revert.external fixed-in=9.9.0")))
        #expect(try #require(fixed.snippet(id: "f")).attributes.fixedIn == "9.9.0")

        #expect(fenceErrors("id=v since=nine").contains { $0.contains("bad value for 'since'") && $0.contains("not a libvirt version") })
        #expect(fenceErrors("id=v until=1.2.3.4").contains { $0.contains("bad value for 'until'") })
        #expect(fenceErrors("id=v since=12.0 until=9.9").contains { $0.contains("is not before") })
        #expect(fenceErrors("id=v fixed-in=9.9.0").contains { $0.contains("'fixed-in' needs 'finding='") })
        #expect(fenceErrors("id=v finding=a.b fixed-in=9.9 until=12.0").contains { $0.contains("'fixed-in' contradicts 'until'") })
        // not-reproduced-in: a finding that stopped reproducing with no fix named.
        let unseen = try #require(validGuide(fence("id=n finding=a.b not-reproduced-in=12.8.0")))
        #expect(try #require(unseen.snippet(id: "n")).attributes.notReproducedIn == "12.8.0")
        #expect(fenceErrors("id=v not-reproduced-in=12.8.0").contains { $0.contains("'not-reproduced-in' needs 'finding='") })
        #expect(fenceErrors("id=v finding=a.b not-reproduced-in=12.8.0 fixed-in=12.8.0").contains { $0.contains("contradicts 'fixed-in'") })
        // Every error names the guide and the fence's line.
        #expect(fenceErrors("id=v since=x").allSatisfy { $0.contains(":3:") })
    }
}
