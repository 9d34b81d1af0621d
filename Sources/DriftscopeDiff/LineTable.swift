import Foundation

/// One text's lines as byte ranges into its UTF-8, so that no `String` is made for a line unless it
/// ends up in a hunk.
///
/// The buffer is borrowed from `String.withUTF8`: a table must not outlive that closure.
struct LineTable {
    /// The whole text.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Byte offset where each line starts.
    private(set) var starts: [Int] = []
    /// Byte offset just past each line's content (its `\n`, if any, is not included).
    private(set) var ends: [Int] = []
    /// The text is non-empty and its last line has no `\n`.
    private(set) var missingNewline = false

    /// Splits on `\n`; a `\r` stays part of its line. An empty text has no lines, and a final `\n`
    /// does not start another line.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let count = bytes.count
        starts.reserveCapacity(count / 32 + 1)
        ends.reserveCapacity(count / 32 + 1)
        var position = 0
        while position < count {
            let rest = count - position
            if let hit = memchr(base + position, 0x0A, rest) {
                let newline = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                starts.append(position)
                ends.append(newline)
                position = newline + 1
            } else {
                starts.append(position)
                ends.append(count)
                missingNewline = true
                position = count
            }
        }
    }

    /// Number of lines.
    var count: Int { starts.count }

    /// The bytes of line `index` (without its `\n`).
    func line(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[starts[index]..<ends[index]])
    }

    /// Line `index` as a string; the input came from a `String`, so it is valid UTF-8.
    func text(_ index: Int) -> String {
        String(decoding: line(index), as: UTF8.self)
    }
}

/// Maps each distinct line of both texts to a small integer once, so the diff compares integers.
enum LineInterner {
    /// A line's bytes as a dictionary key, compared by content.
    private struct Key: Hashable {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The unterminated last line is a different line from the same text with `\n`.
        let terminated: Bool

        static func == (lhs: Key, rhs: Key) -> Bool {
            guard lhs.bytes.count == rhs.bytes.count, lhs.terminated == rhs.terminated else { return false }
            guard let l = lhs.bytes.baseAddress, let r = rhs.bytes.baseAddress, lhs.bytes.count > 0 else { return true }
            return memcmp(l, r, lhs.bytes.count) == 0
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
            hasher.combine(terminated)
        }
    }

    /// The id of every line of each side, and how many distinct ids there are (ids are `0..<count`).
    static func intern(_ old: LineTable, _ new: LineTable) -> (old: [Int], new: [Int], count: Int) {
        var table: [Key: Int] = [:]
        table.reserveCapacity(old.count + new.count)
        func ids(_ lines: LineTable) -> [Int] {
            var result = [Int](repeating: 0, count: lines.count)
            for index in 0..<lines.count {
                let terminated = !(lines.missingNewline && index == lines.count - 1)
                let key = Key(bytes: lines.line(index), terminated: terminated)
                if let id = table[key] {
                    result[index] = id
                } else {
                    let id = table.count
                    table[key] = id
                    result[index] = id
                }
            }
            return result
        }
        let oldIDs = ids(old)
        let newIDs = ids(new)
        return (oldIDs, newIDs, table.count)
    }
}
