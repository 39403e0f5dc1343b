import Foundation
import Glibc

/// Finding programs: the one `which` of the project.
public enum Executable {
    /// Directories searched after `PATH`: root's sbin directories are not always on a user's `PATH`, and
    /// a process started with an empty environment has no `PATH` at all.
    public static let fallbackDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path of the executable `name`: itself when it contains a `/` (and is executable), else
    /// the first match in `PATH`, then in ``fallbackDirectories``; nil when there is none.
    ///
    /// ```swift
    /// Executable.find("qemu-img")   // "/usr/bin/qemu-img"
    /// ```
    public static func find(_ name: String) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") { return isExecutable(name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + fallbackDirectories where !dir.isEmpty {
            let candidate = dir + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file this process may execute.
    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
