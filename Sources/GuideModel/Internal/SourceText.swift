// The raw bytes of one Markdown file, split into lines the way cmark counts them.
//
// cmark reports positions as (line, byte column), both 1-based. Some facts are only visible in the
// raw text (the fence characters, the verbatim info string, whether a fence was closed), so the
// parser keeps the source lines at hand and reads them with the positions cmark gives.

/// The source of one guide: its bytes and its lines (without line terminators).
struct SourceText {
    /// The file's bytes, with a leading UTF-8 byte order mark removed (cmark skips it too).
    let bytes: [UInt8]

    /// Byte ranges of the lines in `bytes`, without their terminators. A line ends at `\n`, `\r\n` or `\r`,
    /// exactly as cmark counts lines.
    let lineRanges: [Range<Int>]

    /// Splits `bytes` into lines.
    init(bytes input: [UInt8]) {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
        }
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                ranges.append(start..<index)
                index += 1
                start = index
            case UInt8(ascii: "\r"):
                ranges.append(start..<index)
                index += (index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n")) ? 2 : 1
                start = index
            default:
                index += 1
            }
        }
        if start < bytes.count {
            ranges.append(start..<bytes.count)
        }
        self.bytes = bytes
        self.lineRanges = ranges
    }

    /// The number of lines (a final line without a terminator counts).
    var lineCount: Int { lineRanges.count }

    /// The bytes of the 1-based `line`, or an empty slice when the line does not exist.
    func line(_ line: Int) -> ArraySlice<UInt8> {
        guard line >= 1, line <= lineRanges.count else { return [] }
        return bytes[lineRanges[line - 1]]
    }

    /// The bytes of the 1-based `line` from the 1-based byte `column` on (empty when out of range).
    func line(_ line: Int, fromColumn column: Int) -> ArraySlice<UInt8> {
        let whole = self.line(line)
        let offset = max(column, 1) - 1
        guard offset <= whole.count else { return [] }
        return whole.dropFirst(offset)
    }

    /// The 1-based line that holds the byte at `offset` of the original input (before a byte order mark
    /// was removed).
    static func lineNumber(ofOffset offset: Int, in input: [UInt8]) -> Int {
        var line = 1
        var index = 0
        while index < min(offset, input.count) {
            if input[index] == UInt8(ascii: "\n") {
                line += 1
            } else if input[index] == UInt8(ascii: "\r") {
                if index + 1 < input.count, input[index + 1] == UInt8(ascii: "\n") {
                    index += 1
                }
                line += 1
            }
            index += 1
        }
        return line
    }

    /// The byte offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
    /// overlong forms, no surrogates, nothing above U+10FFFF), or `nil` when all of `bytes` is valid.
    static func firstInvalidUTF8Offset(in bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            // Only the first continuation byte has a narrowed range.
            let second = bytes[index + 1]
            guard second >= lower, second <= upper else { return index }
            for offset in 2..<max(length, 2) where bytes[index + offset] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }
}

extension ArraySlice where Element == UInt8 {
    /// The slice without leading spaces and tabs.
    var droppingLeadingBlanks: ArraySlice<UInt8> {
        drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Whether the slice holds only spaces and tabs.
    var isBlank: Bool {
        allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// The slice decoded as UTF-8 (invalid sequences are repaired; callers validate first).
    var string: String { String(decoding: self, as: UTF8.self) }
}
