// swift-tools-version: 6.1
//
// Rewind: teaches and checks libvirt's domain state capture APIs.
//
// Layout (the pipeline, left to right):
//   C modules (CLibvirt, CLibvirtQemu, CNBD, CCMark, CLibXML2)
//   -> Swift wrappers (RewindXML, Libvirt, NBD)
//   -> Lab (fixtures the guide snippets use) and GuideModel (Markdown -> immutable model)
//   -> Runner (compile merged, run isolated, verdicts) -> Reports (TAP, JUnit, JSON) and Site
//   -> the `rewind` command line tool.
import PackageDescription

let package = Package(
    name: "Rewind",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Libvirt", targets: ["Libvirt"]),
        .library(name: "NBD", targets: ["NBD"]),
        .library(name: "RewindLab", targets: ["Lab"]),
        .executable(name: "rewind", targets: ["rewind"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // DocC for `rewind site --api` (swift package generate-documentation).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // C system libraries. Each has a tiny shim header and names its Debian package.
        .systemLibrary(name: "CLibvirt", pkgConfig: "libvirt", providers: [.apt(["libvirt-dev"])]),
        .systemLibrary(name: "CLibvirtQemu", pkgConfig: "libvirt-qemu", providers: [.apt(["libvirt-dev"])]),
        .systemLibrary(name: "CNBD", pkgConfig: "libnbd", providers: [.apt(["libnbd-dev"])]),
        .systemLibrary(name: "CCMark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        // Swift wrappers. C types never appear in their public API.
        // Foundation only, usable before libvirt is installed: starting programs, `which`, durations.
        .target(name: "Support"),
        .target(name: "RewindXML", dependencies: ["CLibXML2"]),
        .target(name: "Libvirt", dependencies: ["CLibvirt", "CLibvirtQemu", "RewindXML"]),
        .target(name: "NBD", dependencies: ["CNBD"]),

        // The agent guest: a tiny Linux guest running qemu-guest-agent, built from Debian packages (Foundation only).
        .target(name: "AgentGuest", dependencies: ["Support"]),

        // Lab fixtures (what guide snippets call) and the guide model.
        .target(name: "Lab", dependencies: ["Libvirt", "NBD", "RewindXML", "AgentGuest", "HostRecords", "GuideModel", "Support"]),
        .target(name: "GuideModel", dependencies: ["CCMark"]),

        // The one-command live host (packages, qemu.conf, virtlogd + libvirtd under tini).
        // Foundation only: it runs before any C library or daemon is installed.
        .target(name: "HostRecords"),
        .target(name: "LiveHost", dependencies: ["HostRecords", "Support"]),

        // Runner, reports, site.
        .target(name: "Runner", dependencies: ["GuideModel", "RewindXML", "Libvirt", "Lab", "Support"]),
        .target(name: "Reports", dependencies: ["Runner", "RewindXML", "Support"]),
        .target(name: "Site", dependencies: ["GuideModel", "Runner", "Reports", "Lab", "Support"]),

        // `rewind bench`: Rewind measured side by side with its peers (nbdcopy, cmark, per-snippet builds).
        .target(name: "Bench", dependencies: ["Runner", "GuideModel", "Libvirt", "NBD", "Lab", "Reports", "Support"]),

        // The command line tool: a thin layer over the libraries.
        .executableTarget(name: "rewind", dependencies: [
            "Libvirt", "NBD", "Lab", "GuideModel", "Runner", "Reports", "Site", "LiveHost", "AgentGuest", "Bench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "LibvirtTests", dependencies: ["Libvirt", "RewindXML"]),
        .testTarget(name: "NBDTests", dependencies: ["NBD"]),
        .testTarget(name: "GuideModelTests", dependencies: ["GuideModel"]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "Reports", "GuideModel", "RewindXML", "Lab"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Runner", "Lab"]),
        .testTarget(name: "LiveHostTests", dependencies: ["LiveHost", "Support"]),
        .testTarget(name: "AgentGuestTests", dependencies: ["AgentGuest"]),
        .testTarget(name: "SiteTests", dependencies: ["Site", "GuideModel", "Runner", "Lab", "Support"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "Libvirt", "Lab", "Support"]),
        .testTarget(name: "LiveTests", dependencies: ["Libvirt", "NBD", "Lab", "RewindXML", "AgentGuest", "LiveHost", "GuideModel", "Runner", "Support"]),
    ],
    swiftLanguageModes: [.v6]
)
