import Foundation

/// What to start: a program, its arguments and environment, and where its three standard streams go.
///
/// ```swift
/// var spec = ProcessSpec("qemu-img", ["info", "--output=json", path])
/// spec.errorOutput = .capture
/// let result = try Subprocess.run(spec, timeout: .seconds(60))
/// ```
public struct ProcessSpec: Sendable {
    /// Where standard input comes from.
    public enum Input: Sendable {
        /// `/dev/null`.
        case null
        /// A file, read from its start.
        case file(String)
        /// These bytes (written to a scratch file first, so the child can never block a writer).
        case data(Data)
    }

    /// Where standard output or standard error goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case null
        /// A file, truncated first or appended to.
        case file(String, append: Bool)
        /// A scratch file read back into the result (never a pipe: a grandchild that keeps a pipe open
        /// could make the caller wait forever).
        case capture
        /// This process's standard error (progress a user should see).
        case parentStandardError
        /// For standard error only: wherever standard output goes.
        case sameAsOutput
    }

    /// The program: a path, or a name looked up with ``Executable/find(_:)``.
    public var executable: String
    /// The arguments, without argv[0].
    public var arguments: [String]
    /// The whole environment; nil: this process's.
    public var environment: [String: String]?
    /// Variables added to (or replacing some of) the environment.
    public var addedEnvironment: [String: String] = [:]
    /// Standard input.
    public var input: Input = .null
    /// Standard output.
    public var output: Output = .capture
    /// Standard error.
    public var errorOutput: Output = .capture
    /// The working directory; nil: this process's.
    public var currentDirectory: String?
    /// Start the program in a session (and process group) of its own, like `setsid`: it does not get the
    /// terminal's signals, and signalling `-pid` reaches everything in its group.
    public var newSession = false
    /// Mark every descriptor of this process above 2 close-on-exec first, so that a long-lived child (a
    /// daemon) never inherits one (an inherited lock file would stay held for the daemon's lifetime).
    public var closeInheritedDescriptors = false

    /// A program with its arguments; the other settings at their defaults (input from `/dev/null`, both
    /// outputs captured, this process's environment and directory, same session).
    public init(_ executable: String, _ arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }

    /// The command line, shell-quoted, for messages.
    public var commandLine: String {
        ([executable] + arguments).map(Self.quoted).joined(separator: " ")
    }

    /// A shell-like rendering of one argument, for messages only.
    public static func quoted(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
