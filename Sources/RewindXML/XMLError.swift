/// An error reported by libxml2 while parsing a document or evaluating an XPath expression,
/// or a misuse detected by RewindXML itself.
///
/// For a parse error, `line` and `column` give the position libxml2 reported (1-based; 0 when unknown).
///
/// ```swift
/// do { _ = try XMLDocument(parsing: "<a>\n<b></a>") }
/// catch { print(error.line, error.message) }   // 2 Opening and ending tag mismatch: b line 2 and a
/// ```
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public enum Kind: String, Sendable, Hashable {
        /// The document is not well-formed XML (or could not be read).
        case parse
        /// An XPath expression is invalid or could not be evaluated.
        case xpath
        /// An input file could not be opened.
        case io
        /// A document does not match a schema, or a schema could not be read.
        case validation
    }

    /// What failed.
    public var kind: Kind
    /// libxml2's message, without its trailing newline.
    public var message: String
    /// The 1-based line of the error in the input, or 0 when unknown.
    public var line: Int
    /// The 1-based column of the error in the input, or 0 when unknown.
    public var column: Int
    /// libxml2's numeric error code (an `xmlParserErrors` value), or 0 when RewindXML raised the error.
    public var code: Int

    /// Creates an error value.
    public init(kind: Kind, message: String, line: Int = 0, column: Int = 0, code: Int = 0) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.code = code
    }

    /// `parse error at line 3, column 7: …`.
    public var description: String {
        var where_ = ""
        if line > 0 {
            where_ = " at line \(line)"
            if column > 0 { where_ += ", column \(column)" }
        }
        return "\(kind.rawValue) error\(where_): \(message)"
    }
}
