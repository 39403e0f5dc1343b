import Foundation
import Support
import Glibc
import Libvirt
import Runner

/// The machine and software versions a bench ran on, printed above its table.
public struct MachineInfo: Sendable, Hashable {
    /// The kernel release (`uname -r`).
    public var kernel: String
    /// The CPU model, from `/proc/cpuinfo`.
    public var cpuModel: String
    /// Online CPUs.
    public var cpuCount: Int
    /// Physical memory in GiB.
    public var memoryGiB: Double
    /// The libvirt client library's version.
    public var libvirt: String
    /// The live host's daemon libvirt version, hypervisor version and virtualization type, or why not.
    public var liveHost: String
    /// `swift --version`, first line.
    public var swift: String
    /// `nbdcopy --version`, first line.
    public var nbdcopy: String
    /// `cmark --version`, first line.
    public var cmark: String
    /// How this `rewind` binary was built (`debug` or `release`).
    public var buildConfiguration: String
    /// The 1, 5 and 15 minute load averages when the bench started.
    public var loadAverage: [Double]

    /// Gathers the facts; a live host that does not answer is described, not fatal.
    public static func gather(liveURI: String?) -> MachineInfo {
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var live = "not measured"
        if let liveURI {
            do {
                let host = try HostProbe.probe(uri: liveURI)
                live = "\(liveURI): libvirtd \(host.libvirtVersion), \(host.driver) \(host.hypervisorVersion), "
                    + (host.virtType == "kvm" ? "KVM" : host.virtType == "qemu" ? "TCG (no KVM)" : host.virtType)
            } catch {
                live = "\(liveURI) unreachable (\(error))"
            }
        }
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        return MachineInfo(
            kernel: kernel, cpuModel: model, cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30),
            libvirt: Libvirt.libraryVersion.description, liveHost: live,
            swift: firstLine(of: "swift", ["--version"]), nbdcopy: firstLine(of: "nbdcopy", ["--version"]),
            cmark: firstLine(of: "cmark", ["--version"]), buildConfiguration: configuration,
            loadAverage: currentLoadAverage())
    }

    /// The 1, 5 and 15 minute load averages now.
    public static func currentLoadAverage() -> [Double] {
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        return load
    }

    /// The Markdown list printed above the table.
    public var markdown: String {
        let load = loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ")
        return """
            - Machine: \(cpuCount) CPUs (\(cpuModel)), \(String(format: "%.0f", memoryGiB)) GiB, kernel \(kernel); load average at start \(load)
            - libvirt \(libvirt) (client library); live host \(liveHost)
            - \(swift); rewind built \(buildConfiguration)
            - \(nbdcopy); \(cmark)
            """
    }

    /// The first line a tool prints, or `<tool>: not found`.
    static func firstLine(of tool: String, _ arguments: [String]) -> String {
        guard let path = Executable.find(tool),
              let result = try? Subprocess.run(path, arguments, captureOutput: true) else { return "\(tool): not found" }
        let line = result.output.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "\(tool): no version" : line.trimmingCharacters(in: .whitespaces)
    }
}
