import ArgumentParser
import Foundation
import Libvirt

/// `rewind capabilities [--connect URI]`: what a libvirt connection offers for domain state capture.
struct CapabilitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities",
        abstract: "Prints a capability report for a libvirt connection: driver, versions, virt types, backup, domains.")

    @Option(name: [.customLong("connect"), .customShort("c")], help: "The libvirt connection URI.")
    var uri = "test:///default"

    /// Domain types looked for in the capabilities XML.
    static let virtTypes = ["kvm", "qemu", "hvf", "lxc", "xen", "test"]

    func run() throws {
        let conn: Connection
        do {
            conn = try Connection(uri: uri)
        } catch {
            fail("cannot open \(uri): \(error.code.name) (code \(error.code.rawValue), from \(error.domain.name)): \(error.message)")
        }
        do throws(LibvirtError) {
            let caps = try conn.capabilitiesXML()
            // Presence tests on libvirt's fixed serialization (`<domain type='kvm'>`), not XML parsing.
            // To be replaced by RewindXML queries once that module lands.
            let types = Self.virtTypes.filter {
                caps.contains("<domain type='\($0)'") || caps.contains("<domain type=\"\($0)\"")
            }
            let backup: String
            do throws(LibvirtError) {
                let domCaps = try conn.domainCapabilitiesXML()
                // Presence test as above: `<backup supported='yes'/>` in <features>.
                backup = domCaps.contains("<backup supported='yes'/>") ? "supported (push and pull)"
                                                                        : "not advertised"
            } catch {
                guard error.meansUnsupported else { throw error }
                backup = "unknown: this driver has no domain capabilities (\(error.code.name))"
            }
            let domains = try conn.listDomains()
            var active = 0
            for domain in domains where try domain.isActive() { active += 1 }

            let rows: [(String, String)] = [
                ("connection", "\(uri) (canonical \(try conn.canonicalURI))"),
                ("driver", try conn.hypervisorType),
                ("libvirt", "\(try conn.libraryVersion)"),
                ("hypervisor", "\(try conn.hypervisorType) \(try conn.hypervisorVersion)"),
                ("virt types", types.isEmpty ? "none found" : types.joined(separator: ", ")),
                ("backup API", backup),
                ("domains", "\(domains.count) (\(active) active)"),
            ]
            let width = rows.map(\.0.count).max() ?? 0
            for (label, value) in rows {
                print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
            }
        } catch {
            fail("\(uri): \(error.code.name) (code \(error.code.rawValue)): \(error.message)")
        }
    }

    /// Writes the message to standard error and exits with status 1.
    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("rewind capabilities: \(message)\n".utf8))
        Self.exit(withError: ExitCode.failure)
    }
}
