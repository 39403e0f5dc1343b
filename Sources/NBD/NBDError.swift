import Glibc

/// An error reported by libnbd, mirroring what the C library keeps for the failing call.
///
/// libnbd stores its last error in thread-local storage: a message (`nbd_get_error`) and an
/// `errno` value (`nbd_get_errno`). Every throwing API of this module reads both right after the
/// failing C call, in the same stack frame, and adds which libnbd function failed and what it was
/// working on (a socket path, a URI, an offset range), because libnbd's own message often names
/// neither.
///
/// ```swift
/// do {
///     _ = try NBDClient(unixSocket: "/run/missing.sock")
/// } catch {
///     print(error)            // nbd_connect_unix(/run/missing.sock): nbd_connect_unix: connect: No such file or directory
///     print(error.errno)      // 2 (ENOENT)
/// }
/// ```
public struct NBDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libnbd's error message for the failing call, verbatim (the corresponding C function is `nbd_get_error`).
    public var message: String
    /// The `errno` value libnbd recorded for the failing call, or 0 when it recorded none
    /// (the corresponding C function is `nbd_get_errno`).
    public var errno: Int32
    /// The libnbd function that failed, e.g. `nbd_connect_unix`, or the Swift API for a misuse that
    /// libnbd never saw.
    public var function: String
    /// What the failing call was working on: a socket path, a URI, `host:port`, a metadata context
    /// name or an offset range; `nil` when there is nothing useful to add.
    public var subject: String?

    /// Creates an error value; the module creates them from libnbd's thread-local error.
    public init(message: String, errno: Int32, function: String, subject: String? = nil) {
        self.message = message
        self.errno = errno
        self.function = function
        self.subject = subject
    }

    /// The `errno` value as a `POSIXErrorCode`, when it is non-zero and known to the platform.
    public var code: POSIXErrorCode? {
        errno == 0 ? nil : POSIXErrorCode(rawValue: errno)
    }

    /// The function, its subject and libnbd's message, e.g.
    /// `nbd_connect_unix(/tmp/x.sock): nbd_connect_unix: connect: No such file or directory`.
    public var description: String {
        let head = subject.map { "\(function)(\($0))" } ?? function
        return "\(head): \(message)"
    }
}
