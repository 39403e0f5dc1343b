import ArgumentParser
import Foundation
import Runner

/// `rewind capabilities [--connect URI …]`: what a libvirt connection offers for domain state capture.
struct CapabilitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities",
        abstract: "Prints what each libvirt connection offers: driver, versions, virt type, and every need= a snippet can declare.",
        discussion: """
            The answers are the host probe's, the same `rewind verify` uses to call a snippet unsupported: each \
            need with yes, no or unknown and its evidence (the driver, or the domain capabilities XML read with \
            libxml2). Exit status 2 when a URI cannot be opened (its libvirt error code is printed).
            """)

    @OptionGroup var hosts: ConnectOptions

    func run() throws {
        var unreachable = false
        for (index, uri) in hosts.uris.enumerated() {
            if index > 0 { print("") }
            let host: HostInfo
            do {
                host = try HostProbe.probe(uri: uri)
            } catch {
                FileHandle.standardError.write(Data("rewind capabilities: \(error)\n".utf8))
                unreachable = true
                continue
            }
            var rows: [(String, String)] = [
                ("connection", uri),
                ("driver", host.driver),
                ("libvirt", host.libvirtVersion),
                ("hypervisor", host.hypervisorVersion.isEmpty ? "-" : "\(host.driver) \(host.hypervisorVersion)"),
                ("virt type", host.virtType),
            ]
            for name in HostProbe.knownCapabilities {
                guard let answer = host.capabilities[name] else { continue }
                let verdict = answer.available.map { $0 ? "yes" : "no" } ?? "unknown"
                rows.append(("needs=\(name)", "\(verdict): \(answer.reason)"))
            }
            let width = rows.map(\.0.count).max() ?? 0
            for (label, value) in rows {
                print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
            }
        }
        if unreachable { throw ExitCode(2) }
    }
}
