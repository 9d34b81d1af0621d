import Foundation

/// One block of `Field: value` lines: a Debian control stanza or the header of an email-style
/// metadata file (python METADATA / PKG-INFO).
struct ControlStanza {
    /// The fields in file order; a continuation line is appended to its field's value after a newline.
    var fields: [(name: String, value: String)] = []
    /// The 1-based line number where the stanza starts, for messages.
    var line: Int

    /// The first value of `name`, compared case-insensitively as both formats require.
    subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// The result of reading a control-format text: what parsed, and which lines did not.
struct ControlText {
    var stanzas: [ControlStanza] = []
    /// 1-based numbers of lines that are neither a field, a continuation nor blank.
    var malformedLines: [Int] = []

    /// A problem message summarising the malformed lines, or `nil` when there are none.
    var malformedSummary: String? {
        guard let first = malformedLines.first else { return nil }
        let more = malformedLines.count > 1 ? " (and \(malformedLines.count - 1) more lines)" : ""
        return "line \(first) is not a 'Field: value' line\(more)"
    }

    /// Parses `text` into stanzas separated by blank lines. With `headerOnly`, reading stops at the first
    /// blank line after a field, as an email parser does (the rest is the message body).
    init(_ text: String, headerOnly: Bool = false) {
        var current: ControlStanza?
        var lineNumber = 0
        for rawLine in TextLines(text) {
            lineNumber += 1
            let line = rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if let stanza = current {
                    stanzas.append(stanza)
                    current = nil
                    if headerOnly { return }
                }
                continue
            }
            if line.first == " " || line.first == "\t" {
                if var stanza = current, !stanza.fields.isEmpty {
                    stanza.fields[stanza.fields.count - 1].value += "\n" + Self.trimmed(line)
                    current = stanza
                } else {
                    malformedLines.append(lineNumber)
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":"), Self.isFieldName(line[..<colon]) else {
                malformedLines.append(lineNumber)
                continue
            }
            let field = (name: String(line[..<colon]), value: Self.trimmed(line[line.index(after: colon)...]))
            if current == nil { current = ControlStanza(line: lineNumber) }
            current?.fields.append(field)
        }
        if let stanza = current { stanzas.append(stanza) }
    }

    /// deb822 and RFC 5322 agree: a field name is one or more printable ASCII characters other than colon.
    private static func isFieldName(_ name: Substring) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    static func trimmed(_ text: Substring) -> String {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

/// The lines of a text, split at `\n` with a trailing `\r` removed, and without the empty line that
/// follows a final newline.
struct TextLines: Sequence {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    func makeIterator() -> AnyIterator<Substring> {
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)[...]
        if lines.last?.isEmpty == true { lines = lines.dropLast() }
        let text = self.text
        return AnyIterator {
            guard let bytes = lines.popFirst() else { return nil }
            var line = Substring(text[bytes.startIndex..<bytes.endIndex])
            if line.utf8.last == UInt8(ascii: "\r") {
                line = line[..<line.utf8.index(before: line.utf8.endIndex)]
            }
            return line
        }
    }
}

extension Data {
    /// Whether the bytes hold a NUL (one `memchr`, not a byte-by-byte walk of the collection).
    var containsNUL: Bool {
        withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
    }
}

/// Text decoding shared by the text-format readers.
enum DatabaseText {
    /// Decodes a text database, or says why it is not one. Real text databases never hold a NUL byte, so
    /// one is taken as proof of binary data rather than decoding garbage into a stream of bad lines;
    /// invalid UTF-8 elsewhere is replaced, since old dpkg descriptions are often Latin-1.
    static func decode(_ data: Data) -> Result<String, TextError> {
        if data.containsNUL { return .failure(.binary) }
        return .success(String(decoding: data, as: UTF8.self))
    }

    /// Why a file is not text.
    enum TextError: Error, CustomStringConvertible {
        /// The file holds NUL bytes.
        case binary

        var description: String {
            switch self {
            case .binary: return "contains binary data (NUL bytes), not a text package database"
            }
        }
    }
}
