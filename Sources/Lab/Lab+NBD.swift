import Foundation
import GuideModel
import HostRecords
import Support
import Libvirt
import NBD

// Reading a pull-mode backup's NBD export, as a backup tool would.

extension Lab {
    /// Connects to an NBD export on a UNIX socket, such as the one a pull-mode backup serves
    /// (`<server transport='unix' socket=…>`), and returns the client. Its session is ended
    /// (`NBDClient.shutdown()`) after the snippet, before lab domains are removed.
    ///
    /// ```swift
    /// let socket = try lab.unixSocketPath("backup.sock")
    /// let backup = BackupDefinition(mode: .pull, server: .unix(socket: socket), disks: [.init(name: "vda")])
    /// try dom.beginBackup(xml: backup.xml())
    /// let export = try lab.openExport(socket: socket)            // libvirt names the export after the disk
    /// try lab.expect(try lab.exportHasPattern(export, pattern: 0x11, offset: 0, length: 65536))
    /// ```
    ///
    /// - Parameters:
    ///   - exportName: the export to open; libvirt names a disk's export after its target, `vda`.
    ///   - metaContexts: metadata contexts to request, e.g. `["base:allocation", "qemu:dirty-bitmap:backup-vda"]`
    ///     to read an incremental backup's dirty bitmap with `dirtyRanges`.
    public func openExport(socket: String, exportName: String = "vda",
                           metaContexts: [String] = NBDClient.defaultMetaContexts) throws(NBDError) -> NBDClient {
        let client = try NBDClient(unixSocket: socket, exportName: exportName, metaContexts: metaContexts)
        onTeardown { try? client.shutdown() }
        return client
    }

    /// Connects to an NBD export over TCP (a pull-mode backup with `<server transport='tcp' name=… port=…>`,
    /// see `freeTCPPort()`); otherwise as `openExport(socket:exportName:metaContexts:)`.
    public func openExport(host: String = "127.0.0.1", port: Int, exportName: String = "vda",
                           metaContexts: [String] = NBDClient.defaultMetaContexts) throws(NBDError) -> NBDClient {
        let client = try NBDClient(host: host, port: port, exportName: exportName, metaContexts: metaContexts)
        onTeardown { try? client.shutdown() }
        return client
    }

    /// Whether `length` bytes at `offset` of the export all equal `pattern`.
    ///
    /// A pull-mode export shows the disk as it was when the backup began, whatever the guest wrote since:
    ///
    /// ```swift
    /// try lab.write(dom, pattern: 0x22, offset: 0, length: 65536)             // after beginBackup
    /// try lab.expect(try lab.exportHasPattern(export, pattern: 0x11, offset: 0, length: 65536))
    /// ```
    ///
    /// - Throws: `NBDError` if the read fails (for example a range beyond the end of the export).
    /// Opens the export of a pull backup's NBD server as libvirt describes it (`<server>` of the backup XML,
    /// or what `nbdServer(_:)` returned), over its UNIX socket or TCP address.
    ///
    /// ```swift
    /// let used = try BackupDefinition(xml: try dom.backupXMLDescription())
    /// let export = try lab.openExport(used.server!, exportName: "vda")
    /// ```
    public func openExport(_ server: BackupDefinition.Server, exportName: String = "vda",
                           metaContexts: [String] = NBDClient.defaultMetaContexts) throws(NBDError) -> NBDClient {
        switch server {
        case .unix(let socket):
            return try openExport(socket: socket, exportName: exportName, metaContexts: metaContexts)
        case .tcp(let name, let port):
            return try openExport(host: name, port: port ?? 10809, exportName: exportName, metaContexts: metaContexts)
        }
    }

    public func exportHasPattern(_ client: NBDClient, pattern: UInt8, offset: Int, length: Int) throws(NBDError) -> Bool {
        let chunk = NBDClient.maximumRequestLength
        var at = 0
        while at < length {
            let count = min(chunk, length - at)
            let bytes = try client.read(offset: UInt64(offset + at), length: count)
            if bytes.contains(where: { $0 != pattern }) { return false }
            at += count
        }
        return true
    }

    /// The ranges an incremental backup's dirty bitmap marks as changed since its checkpoint: the dirty
    /// extents of the metadata context `qemu:dirty-bitmap:<bitmap>`, adjacent ones merged.
    ///
    /// The client must have requested that context (`openExport(…, metaContexts:)`); libvirt's default
    /// export bitmap of disk `vda` is `backup-vda`:
    ///
    /// ```swift
    /// let export = try lab.openExport(socket: socket,
    ///                                 metaContexts: ["base:allocation", "qemu:dirty-bitmap:backup-vda"])
    /// let dirty = try lab.dirtyRanges(export, bitmap: "backup-vda")
    /// try lab.expectEqual(dirty, [0..<65536])        // the one cluster written since the checkpoint
    /// for r in dirty { lab.recordExtent("dirty", offset: r.lowerBound, length: UInt64(r.count)) }
    /// ```
    ///
    /// - Parameter bitmap: the export bitmap's name (`backup-vda`), or the whole context name
    ///   (`qemu:dirty-bitmap:backup-vda`).
    public func dirtyRanges(_ client: NBDClient, bitmap: String) throws(NBDError) -> [Range<UInt64>] {
        let prefix = "qemu:dirty-bitmap:"
        let context = bitmap.hasPrefix(prefix) ? bitmap : prefix + bitmap
        var ranges: [Range<UInt64>] = []
        for extent in try client.blockStatus(context: context) where extent.isDirty && extent.length > 0 {
            if let last = ranges.last, last.upperBound == extent.offset {
                ranges[ranges.count - 1] = last.lowerBound..<extent.end
            } else {
                ranges.append(extent.range)
            }
        }
        return ranges
    }
}

extension Lab {
    /// A folder on this machine with the client side of the host's backup TLS certificates (`ca-cert.pem`,
    /// `client-cert.pem`, `client-key.pem`, copied from `RewindPaths.backupTLSDirectory` through the host
    /// access), for an NBD client of a `<server … tls='yes'>` pull backup. The fence declares
    /// `needs=backup-tls`; a host without those certificates (one Rewind did not start, or one whose qemu.conf
    /// names no `backup_tls_x509_cert_dir`) makes the snippet unsupported, saying what is missing.
    ///
    /// ```swift
    /// let certificates = try lab.backupTLSClientDirectory()
    /// let export = try NBDClient(host: "127.0.0.1", port: port, exportName: "vda", tlsCertificates: certificates)
    /// ```
    public func backupTLSClientDirectory(file: String = #filePath, line: Int = #line) throws -> String {
        try require(GuideModel.Capability.backupTLS.rawValue, file: file, line: line)
        let remote = RewindPaths.backupTLSDirectory
        let local = try localPath("backup-tls", file: file, line: line)
        do {
            try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        } catch {
            throw LabFailure("cannot create \(local): \(error)", file: file, line: line)
        }
        for name in ["ca-cert.pem", "client-cert.pem", "client-key.pem"] {
            guard try fileExists(remote + "/" + name, file: file, line: line) else {
                throw Unsupported(capability: GuideModel.Capability.backupTLS.rawValue,
                                  reason: "the host has no \(remote)/\(name): Rewind makes backup TLS certificates on the hosts it "
                                  + "starts; elsewhere put a CA, a server and a client certificate there and name the folder "
                                  + "in qemu.conf (backup_tls_x509_cert_dir)")
            }
            try download(remote + "/" + name, to: local + "/" + name, file: file, line: line)
        }
        return local
    }
}

extension Lab {
    /// Makes, in `directory` on this machine, a client certificate signed by a CA of its own that no host
    /// trusts (`ca-cert.pem`, `client-cert.pem`, `client-key.pem`, with `openssl`): what a TLS export must
    /// refuse.
    ///
    /// ```swift
    /// let stranger = try lab.localPath("stranger-tls")
    /// try lab.makeClientCertificates(in: stranger)
    /// ```
    public func makeClientCertificates(in directory: String, file: String = #filePath, line: Int = #line) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "extendedKeyUsage=clientAuth\n".write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        } catch {
            throw LabFailure("cannot prepare \(directory): \(error)", file: file, line: line)
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + key + ["-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-days", "2", "-subj", "/CN=not the host's CA"],
            ["req"] + key + ["-keyout", "client-key.pem", "-out", "client.csr", "-subj", "/CN=stranger"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
             "-out", "client-cert.pem", "-days", "2", "-extfile", "client.ext"],
        ]
        for arguments in steps {
            var spec = ProcessSpec("openssl", arguments)
            spec.currentDirectory = directory
            let result: Subprocess.Result
            do { result = try Subprocess.run(spec, timeout: .seconds(60)) } catch {
                throw Unsupported(capability: "host-tool:openssl", reason: "needs openssl on this machine: \(error)")
            }
            guard result.status == 0 else {
                throw LabFailure("openssl \(arguments.joined(separator: " ")) exited with \(result.status): \(result.errorOutput)",
                                 file: file, line: line)
            }
        }
    }
}
