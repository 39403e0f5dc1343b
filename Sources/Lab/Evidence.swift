import Foundation

/// What a snippet's lab recorded while it ran: measurements, disk extents, event traces and notes.
///
/// The child process writes it into its result file; `rewind verify` copies it into every report
/// (JSON in full, TAP and JUnit as a summary), so that a guide's claim can show the numbers behind it.
///
/// ```swift
/// lab.record("pause window", 0.012, unit: "s")
/// lab.recordExtent("dirty", offset: 0, length: 1 << 20)
/// lab.note("the backup job finished before the write")
/// ```
public struct Evidence: Codable, Sendable, Hashable {
    /// A named number with its unit, e.g. `pause window = 0.012 s`.
    public struct Measurement: Codable, Sendable, Hashable {
        /// What was measured.
        public var name: String
        /// The value, in `unit`.
        public var value: Double
        /// The unit, e.g. `s`, `ms`, `bytes`, `count`.
        public var unit: String
        /// Creates a measurement.
        public init(name: String, value: Double, unit: String) {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    /// A byte range of a disk or file, with a label saying what it is (`dirty`, `data`, `zero`, …).
    public struct Extent: Codable, Sendable, Hashable {
        /// What the range is.
        public var label: String
        /// The first byte.
        public var offset: UInt64
        /// The number of bytes.
        public var length: UInt64
        /// Creates an extent.
        public init(label: String, offset: UInt64, length: UInt64) {
            self.label = label
            self.offset = offset
            self.length = length
        }
    }

    /// One event seen during the run, with its time since the lab started.
    public struct Event: Codable, Sendable, Hashable {
        /// Seconds since the lab was created.
        public var time: Double
        /// The event's name, e.g. `SUSPENDED` or `BLOCK_JOB_2 COMPLETED`.
        public var name: String
        /// Anything else worth keeping (domain, disk, detail code).
        public var detail: String?
        /// Creates an event record.
        public init(time: Double, name: String, detail: String? = nil) {
            self.time = time
            self.name = name
            self.detail = detail
        }
    }

    /// An XML document a program sent to libvirt, as the program printed it: the recipe, the libvirt
    /// function it went to and the text. The site shows them beside the recipe ("the XML libvirt received").
    public struct Document: Codable, Sendable, Hashable {
        /// The recipe that sent it (`full-backup`).
        public var program: String
        /// The libvirt function it went to, as the program named it (`virDomainBackupBegin`).
        public var call: String
        /// The document, as printed.
        public var xml: String
        /// Creates a document record.
        public init(program: String, call: String, xml: String) {
            self.program = program
            self.call = call
            self.xml = xml
        }

        /// The name of the document's root element (`domainbackup`).
        public var rootName: String {
            String(xml.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" })
        }

        /// The documents a program printed in the recipes' convention: a line naming the libvirt function and
        /// ending with a colon (`virDomainBackupBegin:`, `virDomainBlockCopy destination:`), then one or more
        /// XML documents, each from its root's opening tag to the line that closes it (blank lines between
        /// documents are allowed). Text that does not follow the convention is skipped.
        ///
        /// ```swift
        /// let docs = Evidence.Document.extract(from: "virDomainBackupBegin:\n<domainbackup/>\n", program: "full-backup")
        /// // [Document(program: "full-backup", call: "virDomainBackupBegin", xml: "<domainbackup/>")]
        /// ```
        public static func extract(from output: String, program: String) -> [Document] {
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var documents: [Document] = []
            var index = 0
            while index < lines.count {
                let header = lines[index].trimmingCharacters(in: .whitespaces)
                index += 1
                guard header.hasPrefix("vir"), header.hasSuffix(":"), header.count > 4,
                      header.dropFirst(3).first?.isUppercase == true else { continue }
                let call = String(header.dropLast().split(separator: " ").first ?? "")
                while true {
                    var next = index
                    while next < lines.count, lines[next].trimmingCharacters(in: .whitespaces).isEmpty { next += 1 }
                    guard next < lines.count, lines[next].hasPrefix("<"), !lines[next].hasPrefix("</") else { break }
                    let first = lines[next]
                    let root = Document(program: program, call: call, xml: first).rootName
                    guard !root.isEmpty else { break }
                    var body = [first]
                    var end = next
                    let selfClosing = first.trimmingCharacters(in: .whitespaces).hasSuffix("/>")
                        && !first.contains("</")
                    let closed = selfClosing || first.trimmingCharacters(in: .whitespaces).hasSuffix("</\(root)>")
                    if !closed {
                        var found = false
                        while end + 1 < lines.count {
                            end += 1
                            body.append(lines[end])
                            if lines[end].trimmingCharacters(in: .whitespaces) == "</\(root)>" { found = true; break }
                        }
                        guard found else { return documents }   // cut off: keep what was whole
                    }
                    documents.append(Document(program: program, call: call, xml: body.joined(separator: "\n")))
                    index = end + 1
                }
            }
            return documents
        }
    }

    /// The measurements, in the order they were recorded.
    public var measurements: [Measurement] = []
    /// The extents, in the order they were recorded.
    public var extents: [Extent] = []
    /// The event trace, in the order the events arrived.
    public var events: [Event] = []
    /// Free-form notes.
    public var notes: [String] = []
    /// What this host did where the guide says hosts differ, in a few words ("refused:
    /// VIR_ERR_CONFIG_UNSUPPORTED", "accepted"): the site shows it beside the verdict, so that two hosts
    /// that pass by behaving differently are never shown alike. Nil when the snippet records none.
    public var outcome: String?
    /// The XML documents the recipes this snippet ran sent to libvirt, in the order they were printed (nil
    /// when none: results files written before documents were recorded have no such key).
    public var documents: [Document]?

    /// Creates empty evidence.
    public init() {}

    /// Whether nothing was recorded.
    public var isEmpty: Bool {
        measurements.isEmpty && extents.isEmpty && events.isEmpty && notes.isEmpty && outcome == nil
            && (documents ?? []).isEmpty
    }
}
