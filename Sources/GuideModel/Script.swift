/// A shell script of a guide: a ```` ```sh script=NAME ```` block, the `virsh` sequence shown beside a
/// recipe, which the snippets run too (`lab.runScript("NAME", …)`), so that the commands a reader copies are
/// checked like the program beside them. Its inputs are environment variables (`$URI`, `$DOMAIN`, …) named in
/// its first comment lines.
///
/// ```swift
/// let script = guides.script(name: "move-disk-virsh")   // Guides/recipes.md:412
/// print(script?.code ?? "")
/// ```
public struct Script: Sendable, Hashable {
    /// The name after `script=`, unique across the guides.
    public let name: String
    /// The guide's path relative to the package root.
    public let guide: String
    /// The 1-based line of the opening fence.
    public let line: Int
    /// The script, exactly as shown.
    public let code: String

    /// `Guides/recipes.md:412`.
    public var location: String { "\(guide):\(line)" }
}
