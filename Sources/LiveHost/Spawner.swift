import Foundation
import Support

/// Starts long-running daemons detached from the caller: in a new session, with standard input from
/// /dev/null, standard output and error appended to a log file, and no inherited descriptor.
///
/// The pid returned is exactly the daemon's (`posix_spawn` through `Support.Subprocess`: no intermediate
/// `setsid` process that may fork), and no pipe ties the daemon to the `rewind` process that started it.
enum Spawner {
    /// Spawns `executable` with `arguments` (not including argv[0]) in a new session.
    /// Returns the pid of the new process.
    static func spawnDetached(executable: String, arguments: [String], logFile: String) throws(LiveHostError) -> Int32 {
        var spec = ProcessSpec(executable, arguments)
        spec.output = .file(logFile, append: true)
        spec.errorOutput = .sameAsOutput
        spec.newSession = true
        spec.closeInheritedDescriptors = true
        do {
            return try Subprocess.spawn(spec).pid
        } catch {
            throw LiveHostError(error.notFound ? .missingProgram : .commandFailed, error.description)
        }
    }
}
