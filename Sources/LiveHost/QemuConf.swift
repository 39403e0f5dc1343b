import Foundation
import Glibc

/// Idempotent edits of libvirt's QEMU driver configuration (`/etc/libvirt/qemu.conf`).
///
/// Rewind needs a few settings to run QEMU as root without a security driver (see
/// `QemuConf.rewindSettings`). It adds each one only if the file does not already assign that
/// key outside Rewind's block, so an administrator's choices are never overwritten. The added
/// lines live in one marked block, so running the edit again changes nothing and removing the
/// block undoes it:
///
/// ```
/// # BEGIN rewind: settings added by `rewind host start` (delete this block to undo)
/// security_driver = "none"
/// # END rewind
/// ```
public enum QemuConf {
    /// One `key = value` assignment; `value` is written verbatim (`"root"` with its quotes, `0`, `[]`).
    public struct Setting: Sendable, Hashable {
        /// The configuration key, e.g. `security_driver`.
        public var key: String
        /// The value as it appears in the file, e.g. `"none"`.
        public var value: String
        /// Creates a setting.
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
        /// The line written to the file: `key = value`.
        public var line: String { "\(key) = \(value)" }
    }

    /// What the live host needs: QEMU runs as root with no security driver, libvirt does not
    /// remember and restore file owners, and QEMU gets no private mount namespace (needed inside
    /// containers and chroots, harmless elsewhere).
    public static let rewindSettings: [Setting] = [
        Setting("user", "\"root\""),
        Setting("group", "\"root\""),
        Setting("security_driver", "\"none\""),
        Setting("remember_owner", "0"),
        Setting("namespaces", "[]"),
    ]

    /// The first line of Rewind's block.
    public static let blockBegin = "# BEGIN rewind: settings added by `rewind host start` (delete this block to undo)"
    /// The last line of Rewind's block.
    public static let blockEnd = "# END rewind"

    /// The outcome of an edit.
    public struct Edit: Sendable, Hashable {
        /// The new file text.
        public var text: String
        /// Whether `text` differs from the input.
        public var changed: Bool
        /// The keys whose lines are in Rewind's block (added now or earlier).
        public var managed: [String]
        /// Keys the file already assigned outside the block, with the assigned value, left untouched.
        public var alreadySet: [String: String]
    }

    /// The value assigned to `key` by an active (uncommented) line, or nil. Only the line with the
    /// key is looked at; for a multi-line list the value is its first line.
    public static func value(of key: String, in lines: some Sequence<Substring>) -> String? {
        for line in lines {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard trimmed.hasPrefix(key) else { continue }
            let after = trimmed.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
            guard after.first == "=" else { continue }
            return after.dropFirst().trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Applies `settings` to the text of a qemu.conf (see the type's description). Pure: the same
    /// input always gives the same output, and applying the result again changes nothing.
    public static func apply(_ settings: [Setting] = rewindSettings, to text: String) -> Edit {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A text ending in a newline splits into a last empty element; drop it and restore at the end.
        if lines.last == "" { lines.removeLast() }

        let begin = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == blockBegin }
        var outside = lines
        var block: ArraySlice<Substring> = []
        if let begin {
            let end = lines[(begin + 1)...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == blockEnd }
                ?? lines.endIndex
            block = lines[(begin + 1)..<end]
            outside = Array(lines[..<begin]) + Array(lines[min(end + 1, lines.endIndex)...])
        }

        var newBlock: [Substring] = []
        var managed: [String] = []
        var alreadySet: [String: String] = [:]
        for setting in settings {
            if let existing = value(of: setting.key, in: outside) {
                alreadySet[setting.key] = existing
            } else if let kept = block.first(where: { value(of: setting.key, in: [$0]) != nil }) {
                newBlock.append(kept)
                managed.append(setting.key)
            } else {
                newBlock.append(Substring(setting.line))
                managed.append(setting.key)
            }
        }

        var result: [Substring]
        if newBlock.isEmpty {
            result = outside
        } else {
            let wrapped = [Substring(blockBegin)] + newBlock + [Substring(blockEnd)]
            if let begin {
                result = Array(outside[..<begin]) + wrapped + Array(outside[begin...])
            } else {
                result = outside
                if let last = result.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { result.append("") }
                result += wrapped
            }
        }
        let newText = result.isEmpty ? "" : result.joined(separator: "\n") + "\n"
        return Edit(text: newText, changed: newText != text, managed: managed, alreadySet: alreadySet)
    }

    /// Applies `settings` to the file at `path` (a missing file counts as empty). The file is
    /// rewritten, atomically and keeping its permissions, only when the text changes.
    @discardableResult
    public static func update(path: String, settings: [Setting] = rewindSettings) throws(LiveHostError) -> Edit {
        let url = URL(fileURLWithPath: path)
        let old: String
        var mode: Int = 0o644
        if FileManager.default.fileExists(atPath: path) {
            do {
                old = try String(contentsOf: url, encoding: .utf8)
                if let m = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int { mode = m }
            } catch {
                throw LiveHostError(.fileSystem, "cannot read \(path): \(error)")
            }
        } else {
            old = ""
        }
        let edit = apply(settings, to: old)
        guard edit.changed else { return edit }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(edit.text.utf8).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        } catch {
            throw LiveHostError(.fileSystem, "cannot write \(path): \(error)")
        }
        return edit
    }
}
