internal import CNBD
import Glibc

// The error funnel. Every libnbd call whose failure must become an `NBDError` goes through one of
// these helpers, so libnbd's thread-local error (message and errno) is read in the same frame as
// the failing call, before any other libnbd call can overwrite it.

extension NBDError {
    /// Reads libnbd's thread-local last error (`nbd_get_error`, `nbd_get_errno`).
    /// Call it right after the failing C function, with no other libnbd call in between.
    /// `subject` is evaluated only after the error has been read.
    static func last(_ function: String, subject: @autoclosure () -> String?) -> NBDError {
        let message = nbd_get_error().map { String(cString: $0) } ?? "\(function) failed without a libnbd error"
        let errno = nbd_get_errno()
        return NBDError(message: message, errno: errno, function: function, subject: subject())
    }

    /// An error raised by this module for a misuse or an inconsistency that libnbd did not report.
    static func misuse(_ function: String, _ message: String, errno: Int32 = EINVAL, subject: String? = nil) -> NBDError {
        NBDError(message: message, errno: errno, function: function, subject: subject)
    }
}

/// Checks a libnbd call that returns -1 on failure (and 0, or a boolean 0/1, on success).
@inline(__always)
@discardableResult
func check(_ result: Int32, _ function: String, subject: @autoclosure () -> String? = nil) throws(NBDError) -> Int32 {
    if result < 0 { throw NBDError.last(function, subject: subject()) }
    return result
}

/// Checks a libnbd call that returns a 64-bit value, or -1 on failure (`nbd_get_size`, `nbd_aio_pread`).
@inline(__always)
@discardableResult
func check(_ result: Int64, _ function: String, subject: @autoclosure () -> String? = nil) throws(NBDError) -> Int64 {
    if result < 0 { throw NBDError.last(function, subject: subject()) }
    return result
}

/// Checks a libnbd call that returns a malloc'ed C string (or NULL on failure), and frees it.
@inline(__always)
func checkString(_ result: UnsafeMutablePointer<CChar>?, _ function: String,
                 subject: @autoclosure () -> String? = nil) throws(NBDError) -> String {
    guard let p = result else { throw NBDError.last(function, subject: subject()) }
    defer { free(p) }
    return String(cString: p)
}
