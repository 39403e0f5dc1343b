internal import CLibvirt
import Glibc

// The error funnel. Every C call whose failure must become a `LibvirtError` goes through
// one of these helpers, so the thread-local last error is read in the same frame as the call.

extension LibvirtError {
    /// Reads and resets libvirt's thread-local last error (`virGetLastError`, `virResetLastError`).
    /// Call it right after the failing C function, with no suspension point in between.
    static func last(function: String = #function) -> LibvirtError {
        guard let e = virGetLastError() else {
            return LibvirtError(code: .internalError, message: "\(function) failed without a libvirt error")
        }
        let err = e.pointee
        let value = LibvirtError(
            code: Code(rawValue: err.code),
            domain: ErrorDomain(rawValue: err.domain),
            message: err.message.map { String(cString: $0) } ?? "(no message)",
            level: Level(rawValue: Int32(err.level.rawValue)) ?? .error,
            str1: err.str1.map { String(cString: $0) },
            str2: err.str2.map { String(cString: $0) },
            str3: err.str3.map { String(cString: $0) },
            int1: err.int1)
        virResetLastError()
        return value
    }

    /// An error raised by Rewind itself for a misuse that libvirt never saw (for example a closed connection).
    static func misuse(_ code: Code, _ message: String) -> LibvirtError {
        LibvirtError(code: code, domain: .none, message: message)
    }
}

/// Checks a C call that returns -1 on failure.
@inline(__always)
@discardableResult
func check(_ result: Int32) throws(LibvirtError) -> Int32 {
    if result < 0 { throw LibvirtError.last() }
    return result
}

/// Checks a C call that returns NULL on failure.
@inline(__always)
func check<T>(_ result: T?) throws(LibvirtError) -> T {
    guard let value = result else { throw LibvirtError.last() }
    return value
}

/// Checks a C call that returns a malloc'ed C string (or NULL on failure), and frees it.
@inline(__always)
func checkString(_ result: UnsafeMutablePointer<CChar>?) throws(LibvirtError) -> String {
    guard let p = result else { throw LibvirtError.last() }
    defer { free(p) }
    return String(cString: p)
}

/// Converts a malloc'ed array of C strings, freeing each string and the array.
func takeStrings(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, count: Int32) -> [String] {
    guard let array else { return [] }
    defer { free(array) }
    var out: [String] = []
    for i in 0..<Int(max(count, 0)) {
        if let s = array[i] { out.append(String(cString: s)); free(s) }
    }
    return out
}
