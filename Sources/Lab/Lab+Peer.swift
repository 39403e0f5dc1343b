import Foundation
import GuideModel
import Libvirt

// A second host in the same snippet: the other end of a migration.

extension Lab {
    /// A lab on another live QEMU host of the run: its own connection, host access and lab directory, the
    /// same run id and tag, and a teardown that runs with this lab's (so a guest that moved there is removed
    /// there). The fence must declare `needs=peer-host`; when the run has no second host with a host name of
    /// its own, the snippet is *unsupported*, saying so.
    ///
    /// ```swift
    /// let destination = try lab.peer()                 // e.g. qemu+tcp://127.0.0.1:16612/system (sid)
    /// let moved = try dom.migrate(to: destination.connection, flags: [.live, .nonSharedDisk])
    /// ```
    ///
    /// The peer's lab directory is the same path as this lab's when both hosts are not this machine
    /// (`HostAccess.remoteLabDirectory`), so a guest's image paths hold on both ends.
    public func peer(file: String = #filePath, line: Int = #line) throws -> Lab {
        try require(GuideModel.Capability.peerHost.rawValue, file: file, line: line)
        guard let uri = peers.first else {
            throw Unsupported(capability: GuideModel.Capability.peerHost.rawValue, reason: "needs peer-host; the runner passed no other host")
        }
        let access = HostAccess.resolve(uri: uri)
        if case .unavailable(let reason) = access {
            throw Unsupported(capability: HostAccess.capability, reason: "the peer \(uri): \(reason)")
        }
        let connection = try Connection(uri: uri)
        let localDir = localDirectory.appendingPathComponent("peer", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: localDir, withIntermediateDirectories: true)
        } catch {
            throw LabFailure("cannot create the peer's local lab directory \(localDir.path): \(error)", file: file, line: line)
        }
        let dir = access.isLocal ? localDir : URL(fileURLWithPath: HostAccess.remoteLabDirectory(runID: runID), isDirectory: true)
        let peer = Lab(connection: connection, directory: dir, localDirectory: localDir, host: access, runID: runID,
                       snippetID: snippetID, declaredNeeds: declaredNeeds, missingCapabilities: missingCapabilities,
                       attributes: attributes)
        if !access.isLocal {
            try peer.makeHostDirectory(dir.path, file: file, line: line)
            peer.onTeardown { try peer.removeFile(dir.path) }
        }
        onTeardown {
            let errors = await peer.runTeardown()
            peer.releaseRunLock()
            if !errors.isEmpty { throw LabFailure("teardown on the peer \(uri): " + errors.joined(separator: "; "), file: file, line: line) }
        }
        note("peer host \(uri) (\(access))")
        return peer
    }

    /// Makes, on this (destination) lab's host, the files a guest of `source` needs to run here at the same
    /// paths: an empty image of each disk's format and virtual size (libvirt creates destination images only
    /// for storage-pool volumes), and the lab guests' firmware. Returns the image paths.
    ///
    /// ```swift
    /// let destination = try lab.peer()
    /// try destination.prepareIncoming(dom, from: lab)     // then migrate with .nonSharedDisk
    /// ```
    @discardableResult
    public func prepareIncoming(_ domain: Domain, from source: Lab, file: String = #filePath, line: Int = #line) throws -> [String] {
        let definition = try DomainDefinition(xml: domain.xmlDescription())
        var made: [String] = []
        for disk in definition.disks where !disk.readOnly {
            guard let image = disk.source else { continue }
            let size = try source.imageInfo(image, file: file, line: line).virtualSize
            try makeParentDirectory(of: image, file: file, line: line)
            try createImage(at: image, sizeMiB: Int(size >> 20), format: disk.format, backing: nil, file: file, line: line)
            made.append(image)
        }
        if let rom = definition.firmwareROM {
            let local = try source.localPath("incoming-firmware.rom", file: file, line: line)
            try source.download(rom, to: local, file: file, line: line)
            try makeParentDirectory(of: rom, file: file, line: line)
            try writeFile(rom, contents: try Data(contentsOf: URL(fileURLWithPath: local)), file: file, line: line)
        }
        return made
    }

    /// Makes the directory a file goes in when it does not exist on the host, and removes it in teardown
    /// (after what is put in it, since hooks run newest first).
    private func makeParentDirectory(of path: String, file: String, line: Int) throws(LabFailure) {
        let parent = (path as NSString).deletingLastPathComponent
        guard try !fileExists(parent, file: file, line: line) else { return }
        try makeHostDirectory(parent, file: file, line: line)
        onTeardown { [self] in try removeFile(parent) }
    }

    /// Takes charge of a guest that arrived on this lab's host (a migration's result): it must carry this
    /// run's tag, and it is removed here after the snippet.
    public func adopt(_ domain: Domain, file: String = #filePath, line: Int = #line) throws {
        guard try Lab.isOwned(domain, run: runID) else {
            throw LabFailure("\(domain.name) on \(uri) does not carry this run's tag; not taking it", file: file, line: line)
        }
        let run = runID
        onTeardown { try Lab.remove(domain, run: run, file: file, line: line) }
    }

    /// The newest versioned q35 machine type (`pc-q35-X.Y`) that both this lab's host and `other`'s offer for
    /// x86_64: what a guest that must run on both is defined with. A guest defined as plain `q35` gets its
    /// host's newest machine type, which an older QEMU does not know (libvirt then refuses the migration with
    /// `VIR_ERR_CONFIG_UNSUPPORTED`).
    public func commonMachineType(with other: Lab, file: String = #filePath, line: Int = #line) throws -> String {
        let shared = try machineTypes().intersection(try other.machineTypes())
        guard let newest = Self.newest(of: shared) else {
            throw LabFailure("\(uri) and \(other.uri) share no pc-q35 machine type", file: file, line: line)
        }
        return newest
    }

    /// The versioned `pc-q35-X.Y` machine types this host's QEMU offers for x86_64 (`virConnectGetCapabilities`).
    public func machineTypes() throws -> Set<String> {
        let caps = try Capabilities(xml: try connection.capabilitiesXML())
        return Set(caps.guests.filter { $0.arch == "x86_64" }.flatMap(\.machines).map(\.name)
            .filter { $0.hasPrefix("pc-q35-") })
    }

    /// This host's newest `pc-q35-X.Y` machine type: what plain `q35` means here.
    public func newestMachineType(file: String = #filePath, line: Int = #line) throws -> String {
        guard let newest = Self.newest(of: try machineTypes()) else {
            throw LabFailure("\(uri) offers no pc-q35 machine type", file: file, line: line)
        }
        return newest
    }

    /// Whether this host's QEMU offers the machine type `name`.
    public func knowsMachineType(_ name: String) throws -> Bool {
        try machineTypes().contains(name)
    }

    /// The newest of `pc-q35-X.Y` names, by version.
    static func newest(of names: Set<String>) -> String? {
        func key(_ name: String) -> [Int] { name.dropFirst("pc-q35-".count).split(separator: ".").map { Int($0) ?? 0 } }
        return names.max(by: { key($0).lexicographicallyPrecedes(key($1)) })
    }
}
