internal import CNBD
import Glibc

/// A connection to one export of an NBD server, through libnbd (`struct nbd_handle *`).
///
/// This is the reader the guide uses to show what a third-party backup tool sees during a libvirt
/// pull-mode backup (`virDomainBackupBegin` with `<backup mode='pull'>`): QEMU exports each disk
/// over NBD, together with the `base:allocation` context and, for an incremental backup, a
/// `qemu:dirty-bitmap:<exportbitmap>` context that marks the blocks changed since the checkpoint.
///
/// ```swift
/// let nbd = try NBDClient(uri: "nbd://localhost:10917/vda",
///                         metaContexts: ["base:allocation", "qemu:dirty-bitmap:backup-vda"])
/// print(nbd.size, nbd.isReadOnly)                          // 268435456 true
/// for extent in try nbd.blockStatus(context: "qemu:dirty-bitmap:backup-vda") where extent.isDirty {
///     let bytes = try nbd.read(offset: extent.offset, length: Int(extent.length))
///     // … store the changed block …
/// }
/// ```
///
/// Metadata contexts must be requested before the connection is made, so every initializer takes
/// `metaContexts`; `canMetaContext(_:)` then tells which ones the server agreed to. The size,
/// the read-only flag and the export name are fixed by the handshake and read once.
///
/// The handle is closed in `deinit` (the corresponding C function is `nbd_close`). libnbd handles
/// are thread-safe: calls from several threads are serialized by libnbd's handle lock.
public final class NBDClient: @unchecked Sendable {
    /// The libnbd handle; never nil, closed exactly once in `deinit`.
    let handle: OpaquePointer

    /// The export's size in bytes, as announced in the handshake (the corresponding C function is `nbd_get_size`).
    public let size: UInt64

    /// Whether the server exports the disk read-only, as a pull-mode backup export always is
    /// (the corresponding C function is `nbd_is_read_only`).
    public let isReadOnly: Bool

    /// The name of the export this client is connected to, e.g. `vda` for libvirt's default pull-mode
    /// export of disk `vda`; empty for a server's default export (the corresponding C function is
    /// `nbd_get_export_name`).
    public let exportName: String

    /// The metadata contexts requested before connecting (each passed to `nbd_add_meta_context`).
    /// Use `canMetaContext(_:)` to learn which ones the server agreed to.
    public let requestedMetaContexts: [String]

    /// The metadata contexts requested when `metaContexts` is not given: `base:allocation`, which tells
    /// holes and zeroes from data (the libnbd constant is `LIBNBD_CONTEXT_BASE_ALLOCATION`).
    public static let defaultMetaContexts = ["base:allocation"]

    /// Connects with an NBD URI (the corresponding C function is `nbd_connect_uri`).
    ///
    /// Examples: `nbd://localhost:10917/vda` (TCP, export `vda`), `nbd+unix:///vda?socket=/run/backup.sock`
    /// (UNIX socket, export `vda`), `nbd+unix:///?socket=/tmp/s.sock` (the default export).
    ///
    /// - Parameters:
    ///   - uri: An NBD URI as defined by the NBD URI specification.
    ///   - metaContexts: Metadata contexts to request before connecting, e.g.
    ///     `["base:allocation", "qemu:dirty-bitmap:backup-vda"]` (each passed to `nbd_add_meta_context`).
    public convenience init(uri: String, metaContexts: [String] = NBDClient.defaultMetaContexts) throws(NBDError) {
        try self.init(metaContexts: metaContexts, exportName: nil) { h throws(NBDError) in
            try check(nbd_connect_uri(h, uri), "nbd_connect_uri", subject: uri)
        }
    }

    /// Connects to a server listening on a UNIX domain socket (the corresponding C functions are
    /// `nbd_set_export_name` and `nbd_connect_unix`).
    ///
    /// - Parameters:
    ///   - unixSocket: The socket's path, e.g. the `socket` attribute of a pull-mode backup's `<server transport='unix'>`.
    ///   - exportName: The export to open; libvirt names a pull-mode export after the disk target (`vda`).
    ///     The empty string selects the server's default export.
    ///   - metaContexts: Metadata contexts to request before connecting (each passed to `nbd_add_meta_context`).
    public convenience init(unixSocket: String, exportName: String = "",
                            metaContexts: [String] = NBDClient.defaultMetaContexts) throws(NBDError) {
        try self.init(metaContexts: metaContexts, exportName: exportName) { h throws(NBDError) in
            try check(nbd_connect_unix(h, unixSocket), "nbd_connect_unix", subject: unixSocket)
        }
    }

    /// Connects to a server listening on TCP (the corresponding C functions are `nbd_set_export_name`
    /// and `nbd_connect_tcp`).
    ///
    /// - Parameters:
    ///   - host: A host name or address, e.g. `localhost` (libvirt's default for a pull-mode backup server).
    ///   - port: The TCP port, e.g. the `port` attribute of the backup's `<server>` element.
    ///   - exportName: The export to open (`vda`); the empty string selects the server's default export.
    ///   - metaContexts: Metadata contexts to request before connecting (each passed to `nbd_add_meta_context`).
    ///   - tlsCertificates: A directory with `ca-cert.pem`, `client-cert.pem` and `client-key.pem`: the
    ///     connection then requires TLS and checks the server's certificate against that CA and `host`
    ///     (the corresponding C functions are `nbd_set_tls` with `LIBNBD_TLS_REQUIRE` and
    ///     `nbd_set_tls_certificates`), as a pull-mode backup's `<server … tls='yes'>` needs.
    public convenience init(host: String, port: Int, exportName: String = "",
                            metaContexts: [String] = NBDClient.defaultMetaContexts,
                            tlsCertificates: String? = nil) throws(NBDError) {
        try self.init(metaContexts: metaContexts, exportName: exportName) { h throws(NBDError) in
            if let tlsCertificates {
                try check(nbd_set_tls(h, LIBNBD_TLS_REQUIRE), "nbd_set_tls", subject: "require")
                try check(nbd_set_tls_certificates(h, tlsCertificates), "nbd_set_tls_certificates", subject: tlsCertificates)
            }
            try check(nbd_connect_tcp(h, host, String(port)), "nbd_connect_tcp", subject: "\(host):\(port)")
        }
    }

    /// Creates a handle, requests the metadata contexts, sets the export name when given, runs
    /// `connect`, and reads what the handshake fixed. Closes the handle on any failure.
    private init(metaContexts: [String], exportName: String?,
                 connect: (OpaquePointer) throws(NBDError) -> Void) throws(NBDError) {
        guard let h = nbd_create() else { throw NBDError.last("nbd_create", subject: nil) }
        do {
            for context in metaContexts {
                try check(nbd_add_meta_context(h, context), "nbd_add_meta_context", subject: context)
            }
            if let exportName {
                try check(nbd_set_export_name(h, exportName), "nbd_set_export_name", subject: exportName)
            }
            try connect(h)
            size = UInt64(try check(nbd_get_size(h), "nbd_get_size"))
            isReadOnly = try check(nbd_is_read_only(h), "nbd_is_read_only") == 1
            self.exportName = try checkString(nbd_get_export_name(h), "nbd_get_export_name")
        } catch {
            nbd_close(h)
            throw error
        }
        handle = h
        requestedMetaContexts = metaContexts
    }

    deinit {
        nbd_close(handle)
    }

    /// Whether the server agreed to a metadata context requested before connecting, e.g.
    /// `base:allocation` or `qemu:dirty-bitmap:backup-vda` (the corresponding C function is
    /// `nbd_can_meta_context`). A context that was not requested, or that the server does not
    /// know, gives `false`.
    public func canMetaContext(_ name: String) throws(NBDError) -> Bool {
        try check(nbd_can_meta_context(handle, name), "nbd_can_meta_context", subject: name) == 1
    }

    /// Asks the server to end the session cleanly (NBD_CMD_DISC) after in-flight requests finish
    /// (the corresponding C function is `nbd_shutdown`). Later requests fail; the handle itself is
    /// still released in `deinit`.
    public func shutdown() throws(NBDError) {
        try check(nbd_shutdown(handle, 0), "nbd_shutdown")
    }
}
