import Foundation
import Testing
@testable import Libvirt

/// The error-name table (`.ci/generate-error-names`): every code up to libvirt 12.x by name, the version that
/// added it, and a clear word for a code newer than the table.
@Suite("Error names")
struct ErrorNameTests {
    @Test("codes above 110 have names: the agent errors of libvirt 11.2, the key secret of 12.1")
    func newerCodes() {
        #expect(LibvirtError.Code(rawValue: 111).name == "VIR_ERR_NO_NETWORK_METADATA")
        #expect(LibvirtError.Code(rawValue: 112).name == "VIR_ERR_AGENT_COMMAND_TIMEOUT")
        #expect(LibvirtError.Code(rawValue: 113).name == "VIR_ERR_AGENT_COMMAND_FAILED")
        #expect(LibvirtError.Code.agentCommandFailed.since == "11.2.0")
        #expect(LibvirtError.Code(rawValue: 114) == .invalidEncrKeySecret)
        #expect(LibvirtError.Code(name: "VIR_ERR_AGENT_COMMAND_FAILED") == .agentCommandFailed)
    }

    @Test("a code this build does not know is shown as its number, unknown to this build")
    func unknown() {
        let code = LibvirtError.Code(rawValue: 999)
        #expect(!code.isKnown)
        #expect(code.name == "VIR_ERR_999 (unknown to this build)")
        #expect(LibvirtError.ErrorDomain(rawValue: 999).name == "VIR_FROM_999 (unknown to this build)")
    }

    @Test("the table agrees with this machine's virterror.h, number for number")
    func matchesHeader() throws {
        let text = try String(contentsOfFile: "/usr/include/libvirt/virterror.h", encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { " \t=,".contains($0) })
            guard words.count >= 2, let name = words.first, name.hasPrefix("VIR_ERR_") || name.hasPrefix("VIR_FROM_"),
                  let value = Int32(words[1]),
                  !["VIR_ERR_NONE", "VIR_ERR_WARNING", "VIR_ERR_ERROR"].contains(name) else { continue }   // virErrorLevel
            if name.hasPrefix("VIR_ERR_") {
                #expect(LibvirtError.Code(rawValue: value).name == String(name))
            } else {
                #expect(LibvirtError.ErrorDomain(rawValue: value).name == String(name))
            }
            checked += 1
        }
        #expect(checked > 150)
    }
}
