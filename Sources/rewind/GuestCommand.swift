import AgentGuest
import ArgumentParser
import Foundation
import Lab
import Libvirt
import LiveHost

/// `rewind guest build|boot-check`: the agent guest used to check freeze/thaw and QUIESCE.
struct GuestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guest",
        abstract: "Builds and boot-checks the agent guest (a tiny Linux running qemu-guest-agent).",
        discussion: """
            The guest is made from Debian packages only (a Debian kernel, busybox-static, qemu-guest-agent and \
            its libraries) plus Rewind's own /init and workload, and cached under .rewind/guest/ in the project \
            root until one of its inputs changes.
            """,
        subcommands: [Build.self, BootCheck.self])

    /// Options shared by the subcommands.
    struct CacheOptions: ParsableArguments {
        @Option(help: "The cache directory (default: <project root>/.rewind/guest).")
        var cacheDir: String?

        @Flag(help: "Print each build step.")
        var verbose = false

        /// The cache directory to use.
        func directory() throws -> URL {
            if let cacheDir { return URL(fileURLWithPath: cacheDir, isDirectory: true) }
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            guard let root = AgentGuest.projectRoot(startingAt: cwd) else {
                throw ValidationError("not inside the Rewind project: pass --cache-dir")
            }
            return AgentGuest.defaultCacheDirectory(projectRoot: root)
        }

        /// Builds or reuses the guest, logging steps to standard error when verbose.
        func image(force: Bool = false) throws -> GuideImage {
            let verbose = verbose
            return try AgentGuest.build(cacheDir: try directory(), force: force) { line in
                if verbose { FileHandle.standardError.write(Data("guest build: \(line)\n".utf8)) }
            }
        }
    }

    static func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
    static func secs(_ d: Duration) -> String { String(format: "%.2f s", AgentGuest.seconds(d)) }

    /// Prints what an image is made of.
    static func describe(_ image: GuideImage) {
        print("guest \(image.key.prefix(16)) in \(image.directory.path) (\(image.reused ? "cached" : "built now"))")
        print(String(format: "  build time   %.1f s (%@)", image.buildSeconds, ISO8601DateFormatter().string(from: image.builtAt)))
        print("  kernel       \(image.kernelRelease), \(mib(image.sizes.kernel))")
        print("  initramfs    \(mib(image.sizes.initramfs)) gzip, \(mib(image.sizes.initramfsUncompressed)) cpio")
        print("  data disk    \(mib(image.sizes.dataDiskFile)) qcow2 file, \(mib(image.sizes.dataDiskVirtual)) virtual, ext4")
        print("  modules      \(image.modules.joined(separator: " "))")
        print("  cmdline      \(image.kernelCommandLine)")
        for p in image.packages { print("  package      \(p)") }
    }
}

extension GuestCommand {
    /// `rewind guest build`.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Builds the agent guest, or reuses the cached one when its inputs are unchanged.")

        @OptionGroup var cache: GuestCommand.CacheOptions

        @Flag(help: "Rebuild even when the cache is current.")
        var force = false

        func run() throws {
            GuestCommand.describe(try cache.image(force: force))
        }
    }

    /// `rewind guest boot-check`.
    struct BootCheck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "boot-check",
            abstract: "Boots the agent guest once and checks its agent, freeze/thaw and workload.",
            discussion: """
                Builds the guest if needed, boots a transient domain rewind-guest-check-<random> with a copy of \
                the data disk under \(AgentGuestDomain.imageDirectory), waits for guest-ping, freezes and thaws \
                the guest's file systems (virDomainFSFreeze / virDomainFSThaw, as virsh domfsfreeze / domfsthaw), \
                checks that the workload stood still while frozen and goes on afterwards, then destroys the domain \
                and deletes the copy. Exit status: 0 all checks passed, 1 a check failed, 2 unsupported here \
                (the guest cannot be built, or the host cannot boot it; the reason is printed).
                """)

        @OptionGroup var cache: GuestCommand.CacheOptions

        @OptionGroup var hosts: ConnectOptions

        @Option(help: "kvm, tcg, or auto (KVM when /dev/kvm works and libvirt offers it).")
        var accelerator = "auto"

        @Option(help: "Guest RAM in MiB.")
        var memory = 128

        @Option(help: "How long to keep the file systems frozen, in seconds.")
        var hold = 1.0

        @Option(help: "How long to wait for the agent, in seconds.")
        var timeout = 90.0

        func validate() throws { try hosts.requireOne("guest boot-check") }

        func run() async throws {
            let uri = hosts.uri
            let image: GuideImage
            do {
                image = try cache.image()
            } catch let error as AgentGuest.BuildError where !error.meansUnsupported {
                throw failure("guest build: \(error)")
            } catch {
                throw unsupported("cannot build the guest: \(error)")
            }
            GuestCommand.describe(image)

            guard ["auto", "kvm", "tcg", "qemu"].contains(accelerator) else {
                throw ValidationError("--accelerator must be kvm, tcg or auto")
            }
            let connection: Connection
            let guest: AgentGuestDomain
            do {
                connection = try Connection(uri: uri)
                let driver = try connection.hypervisorType
                guard driver == "QEMU" else {
                    throw unsupported("\(uri) is libvirt's \(driver) driver, which does not boot guests; the agent guest "
                                      + "needs a QEMU host (--connect qemu:///system)")
                }
                let accel: Accelerator
                switch accelerator {
                case "kvm": accel = .kvm
                case "tcg", "qemu": accel = .tcg
                default:
                    let (preferred, why) = try AgentGuestDomain.preferredAccelerator(connection: connection)
                    print("accelerator  \(why)")
                    accel = preferred
                }
                guest = try AgentGuestDomain(image: image, connection: connection, namePrefix: "rewind-guest-check",
                                             accelerator: accel, memoryMiB: memory)
            } catch {
                throw unsupported("cannot boot the guest on \(uri): \(error)")
            }
            defer { guest.cleanUp() }
            print("domain \(guest.name): \(guest.accelerator), \(memory) MiB, created in \(GuestCommand.secs(guest.createDuration))")

            let ready: Duration
            do {
                ready = try await guest.waitForAgent(timeout: .milliseconds(Int64(timeout * 1000)))
            } catch let error as AgentGuestError {
                if case .stopped = error { throw unsupported("\(error)") }
                throw failure("\(error)")
            }
            print("agent ready  \(GuestCommand.secs(ready)) after create (\(try guest.agent.version()))")

            let check: AgentGuestDomain.FreezeCheck
            do {
                check = try guest.freezeCheck(hold: .milliseconds(Int64(hold * 1000)))
            } catch {
                throw failure("freeze check: \(error)\nconsole tail:\n\(guest.consoleTail())")
            }
            print("freeze       \(check.frozen) file system(s) in \(GuestCommand.secs(check.freezeCall)); agent status \(check.statusWhileFrozen)")
            print("thaw         \(check.thawed) file system(s) after \(GuestCommand.secs(check.frozenWindow)) frozen")
            let log = check.after
            let period = log.medianGapNanoseconds.map { String(format: "%.1f ms", Double($0) / 1e6) } ?? "?"
            print("workload     \(check.before.records.count) → \(log.records.count) records, "
                  + "\(log.isConsistent ? "consistent" : "INCONSISTENT: \(log.problems.prefix(3))"), median period \(period)")
            if let gap = check.largestGap {
                print(String(format: "largest gap  %.3f s, between records %llu and %llu (frozen window %.3f s, outer %.3f s)",
                             gap.seconds, gap.before.index, gap.after.index,
                             AgentGuest.seconds(check.frozenWindow), AgentGuest.seconds(check.outerWindow)))
            }

            var failures: [String] = []
            if check.frozen < 1 { failures.append("freeze counted \(check.frozen) file systems") }
            if check.thawed != check.frozen { failures.append("thaw counted \(check.thawed), freeze \(check.frozen)") }
            if check.statusWhileFrozen != "frozen" { failures.append("agent status while frozen: \(check.statusWhileFrozen)") }
            if !log.isConsistent { failures.append("workload log inconsistent: \(log.problems.prefix(5))") }
            if log.records.count <= check.before.records.count { failures.append("workload did not advance") }
            if !check.gapMatchesFreeze() { failures.append("the workload's largest pause does not match the freeze window") }
            guard failures.isEmpty else { throw failure(failures.joined(separator: "; ")) }
            print("result       ok")
        }

        private func unsupported(_ reason: String) -> ExitCode {
            print("result       unsupported: \(reason)")
            return ExitCode(2)
        }

        private func failure(_ reason: String) -> ExitCode {
            print("result       failed: \(reason)")
            return ExitCode(1)
        }
    }
}
