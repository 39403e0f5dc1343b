import Foundation
import Glibc

// Files on the host of the connection, through `lab.host` (this machine, a release root, or ssh): whether
// one exists, its size, a directory's names, copies, removal, uploads and downloads. A snippet uses these
// instead of `FileManager`, which sees only the machine the snippet runs on.

extension Lab {
    /// Whether a file (or directory, or socket) exists at `path` on the host.
    ///
    /// ```swift
    /// try lab.expect(try lab.fileExists(scratch), "libvirt created the scratch file")
    /// ```
    public func fileExists(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> Bool {
        if host.isLocal {
            var s = stat()
            return lstat(path, &s) == 0
        }
        let r = try Tool.shell.run(["-c", "test -e \"$1\" || test -L \"$1\"", "sh", path], on: host, file: file, line: line)
        switch r.status {
        case 0: return true
        case 1: return false
        default: throw LabFailure("`\(r.commandLine)` exited with status \(r.status): \(r.stderr)", file: file, line: line)
        }
    }

    /// The size in bytes of the file at `path` on the host (what `ls -l` shows, not its allocation).
    ///
    /// ```swift
    /// let size = try lab.fileSize(saveImage)
    /// lab.record("save image size", Double(size) / 1048576, unit: "MiB")
    /// ```
    public func fileSize(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> UInt64 {
        if host.isLocal {
            var s = stat()
            guard stat(path, &s) == 0 else {
                throw LabFailure("cannot stat \(path): \(String(cString: strerror(errno)))", file: file, line: line)
            }
            return UInt64(s.st_size)
        }
        let r = try Tool.stat.runChecked(["-L", "-c", "%s", "--", path], on: host, file: file, line: line)
        guard let size = UInt64(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LabFailure("unexpected output of `\(r.commandLine)`: \(r.stdout)", file: file, line: line)
        }
        return size
    }

    /// The bytes the file at `path` occupies on the host's disk (`st_blocks` × 512): less than its size
    /// when it is sparse.
    public func allocatedSize(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> UInt64 {
        if host.isLocal {
            var s = stat()
            guard stat(path, &s) == 0 else {
                throw LabFailure("cannot stat \(path): \(String(cString: strerror(errno)))", file: file, line: line)
            }
            return UInt64(s.st_blocks) * 512
        }
        let r = try Tool.stat.runChecked(["-L", "-c", "%b %B", "--", path], on: host, file: file, line: line)
        let parts = r.stdout.split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard parts.count == 2 else {
            throw LabFailure("unexpected output of `\(r.commandLine)`: \(r.stdout)", file: file, line: line)
        }
        return parts[0] * parts[1]
    }

    /// When a host file was born (created) and last modified, in seconds since the epoch with nanoseconds
    /// (`stat -c '%.9W %.9Y'`); `born` is nil where the file system does not record creation times.
    ///
    /// ```swift
    /// let memory = try lab.fileTimes(memoryFile), overlay = try lab.fileTimes(overlayFile)
    /// try lab.expect(overlay.born! >= memory.modified, "the overlay was made after the memory was written")
    /// ```
    public func fileTimes(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> (born: Double?, modified: Double) {
        let r = try Tool.stat.runChecked(["-L", "-c", "%.9W %.9Y", "--", path], on: host, file: file, line: line)
        let parts = r.stdout.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard parts.count == 2, let modified = parts[1] else {
            throw LabFailure("unexpected output of `\(r.commandLine)`: \(r.stdout)", file: file, line: line)
        }
        let born = parts[0].flatMap { $0 > 0 ? $0 : nil }
        return (born, modified)
    }

    /// The names in a directory on the host (the lab directory when `path` is nil), sorted.
    ///
    /// ```swift
    /// let before = try lab.directoryNames()
    /// // … an API call that must not create files …
    /// try lab.expectEqual(try lab.directoryNames(), before)
    /// ```
    public func directoryNames(_ path: String? = nil, file: String = #filePath, line: Int = #line) throws(LabFailure) -> [String] {
        let dir = path ?? directory.path
        if host.isLocal {
            do {
                return try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            } catch {
                throw LabFailure("cannot list \(dir): \(error)", file: file, line: line)
            }
        }
        // One name per NUL-terminated record, so that any file name survives.
        let r = try Tool.shell.runChecked(["-c", "cd \"$1\" && for f in * .[!.]* ..?*; do [ -e \"$f\" ] || [ -L \"$f\" ] && printf '%s\\0' \"$f\"; done; true",
                                           "sh", dir], on: host, file: file, line: line)
        return r.stdout.split(separator: "\0").map(String.init).sorted()
    }

    /// Copies a file on the host to another path on the host (`cp --sparse=always`), removing the copy in teardown.
    public func copyFile(_ source: String, to destination: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        try copyFile(source, to: destination, removeInTeardown: true, file: file, line: line)
    }

    /// `copyFile`, optionally keeping the copy after the teardown (for files kept between runs).
    func copyFile(_ source: String, to destination: String, removeInTeardown: Bool, file: String, line: Int) throws(LabFailure) {
        if removeInTeardown { onTeardown { [self] in try removeFile(destination) } }
        if host.isLocal {
            do {
                try FileManager.default.copyItem(atPath: source, toPath: destination)
            } catch {
                throw LabFailure("cannot copy \(source) to \(destination): \(error)", file: file, line: line)
            }
            return
        }
        _ = try Tool(name: "cp").runChecked(["--sparse=always", "--", source, destination], on: host, timeout: .seconds(300),
                                            file: file, line: line)
    }

    /// Removes a file or directory tree on the host; nothing happens when it does not exist.
    public func removeFile(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        if host.isLocal {
            var s = stat()
            guard lstat(path, &s) == 0 else { return }
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                // Gone meanwhile is removed: a server (qemu-nbd, QEMU) may delete its own socket as it exits.
                guard lstat(path, &s) == 0 else { return }
                throw LabFailure("cannot remove \(path): \(error)", file: file, line: line)
            }
            return
        }
        _ = try Tool(name: "rm").runChecked(["-rf", "--one-file-system", "--", path], on: host, file: file, line: line)
    }

    /// Writes `contents` to a file on the host (replacing it), removed in teardown.
    ///
    /// ```swift
    /// try lab.writeFile(overlay, contents: Data("not an image".utf8))
    /// ```
    public func writeFile(_ path: String, contents: Data, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        onTeardown { [self] in try removeFile(path) }
        let local = host.isLocal ? path : localDirectory.appendingPathComponent("upload-\(UUID().uuidString)").path
        do {
            try contents.write(to: URL(fileURLWithPath: local))
        } catch {
            throw LabFailure("cannot write \(local): \(error)", file: file, line: line)
        }
        if !host.isLocal {
            defer { try? FileManager.default.removeItem(atPath: local) }
            _ = try Tool.shell.runChecked(["-c", "cat > \"$1\"", "sh", path], on: host, input: local, file: file, line: line)
        }
    }

    /// Creates an empty file (or truncates one) on the host, removed in teardown.
    public func createEmptyFile(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        onTeardown { [self] in try removeFile(path) }
        if host.isLocal {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw LabFailure("cannot create \(path)", file: file, line: line)
            }
            return
        }
        _ = try Tool(name: "truncate").runChecked(["-s", "0", "--", path], on: host, file: file, line: line)
    }

    /// Creates a directory (and its parents) on the host.
    public func makeHostDirectory(_ path: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        if host.isLocal {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw LabFailure("cannot create \(path): \(error)", file: file, line: line)
            }
            return
        }
        _ = try Tool(name: "mkdir").runChecked(["-p", "--", path], on: host, file: file, line: line)
    }

    /// Copies a file of the machine the snippet runs on to `destination` on the host (removed in teardown).
    /// On a local host it is a plain copy.
    public func upload(_ localPath: String, to destination: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        try upload(localPath, to: destination, removeInTeardown: true, file: file, line: line)
    }

    /// `upload`, optionally keeping the copy after the teardown (for files kept between runs).
    func upload(_ localPath: String, to destination: String, removeInTeardown: Bool, file: String, line: Int) throws(LabFailure) {
        if host.isLocal {
            try copyFile(localPath, to: destination, removeInTeardown: removeInTeardown, file: file, line: line)
            return
        }
        if removeInTeardown { onTeardown { [self] in try removeFile(destination) } }
        _ = try Tool.shell.runChecked(["-c", "cat > \"$1\"", "sh", destination], on: host, timeout: .seconds(600),
                                      input: localPath, file: file, line: line)
    }

    /// Copies a file of the host to `localPath` on the machine the snippet runs on. On a local host it is a
    /// plain copy.
    public func download(_ path: String, to localPath: String, file: String = #filePath, line: Int = #line) throws(LabFailure) {
        if host.isLocal {
            do {
                try? FileManager.default.removeItem(atPath: localPath)
                try FileManager.default.copyItem(atPath: path, toPath: localPath)
            } catch {
                throw LabFailure("cannot copy \(path) to \(localPath): \(error)", file: file, line: line)
            }
            return
        }
        _ = try Tool(name: "cat").runChecked(["--", path], on: host, timeout: .seconds(600), output: localPath,
                                             file: file, line: line)
    }

    /// The path of a file called `name` in the lab's directory on the machine the snippet runs on: where a
    /// backup tool writes what it read from an NBD export. On a local host it is `path(name)`.
    ///
    /// ```swift
    /// let raw = try lab.localPath("vda.raw")          // the backup tool's own file
    /// // … export.readAll(to: FileHandle(forWritingTo: URL(fileURLWithPath: raw)), sparse: true) …
    /// let onHost = try lab.placeOnHost(raw)           // for qemu-img on the host
    /// ```
    public func localPath(_ name: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        guard Self.isPlainFileName(name) else {
            throw LabFailure("lab.localPath(\"\(name)\"): expected a plain file name (no '/', not '.' or '..')",
                             file: file, line: line)
        }
        return localDirectory.appendingPathComponent(name).path
    }

    /// Makes a file of `localDirectory` available on the host, under the same name in `directory`, and returns
    /// its host path: the file itself on a local host, an upload otherwise.
    public func placeOnHost(_ localPath: String, file: String = #filePath, line: Int = #line) throws(LabFailure) -> String {
        if host.isLocal { return localPath }
        let name = URL(fileURLWithPath: localPath).lastPathComponent
        let destination = try path(name, file: file, line: line)
        try upload(localPath, to: destination, file: file, line: line)
        return destination
    }

    /// The bytes of a host file from `offset` on (all of it when the file is now shorter, e.g. rotated);
    /// empty when it does not exist.
    func readHostFile(_ path: String, from offset: UInt64, file: String, line: Int) throws(LabFailure) -> String {
        if host.isLocal {
            guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            let from = size >= offset ? offset : 0
            guard (try? handle.seek(toOffset: from)) != nil, let data = try? handle.readToEnd() else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
        let r = try Tool.shell.run(["-c", "[ -e \"$1\" ] || exit 0; s=$(stat -c %s \"$1\"); o=$2; [ \"$s\" -ge \"$o\" ] || o=0; tail -c +$((o + 1)) \"$1\"",
                                    "sh", path, String(offset)], on: host, file: file, line: line)
        guard r.status == 0 else {
            throw LabFailure("`\(r.commandLine)` exited with status \(r.status): \(r.stderr)", file: file, line: line)
        }
        return r.stdout
    }

    /// The size of a host file, 0 when it does not exist.
    func hostFileSizeOrZero(_ path: String, file: String, line: Int) throws(LabFailure) -> UInt64 {
        if host.isLocal { return try fileExists(path, file: file, line: line) ? fileSize(path, file: file, line: line) : 0 }
        // One command on another host, not two.
        let r = try Tool.shell.run(["-c", "stat -c %s \"$1\" 2>/dev/null || echo 0", "sh", path], on: host, file: file, line: line)
        return UInt64(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
