import Foundation

/// Where two byte strings differ, with `xxd`-style dumps of each place from both sides.
public struct BinaryDiff: Codable, Sendable, Equatable {
    /// One run of differences (nearby ones merged) and the bytes around it.
    public struct Region: Codable, Sendable, Equatable {
        /// Offset of the region's first differing byte.
        public var offset: Int
        /// Bytes from the first to the last differing byte, equal bytes in between included. Where
        /// one side is longer, its whole tail past the shorter side's end is one difference.
        public var length: Int
        /// The old side's bytes around the region, as `xxd` rows (16 bytes each, absolute offsets,
        /// `context` bytes either side, rounded out to whole rows, clipped to the side's size and to
        /// `maxDumpBytes`). Empty when the old side has no bytes there.
        public var oldHex: String
        /// The same rows from the new side.
        public var newHex: String

        /// Creates a region.
        public init(offset: Int, length: Int, oldHex: String, newHex: String) {
            self.offset = offset
            self.length = length
            self.oldHex = oldHex
            self.newHex = newHex
        }
    }

    /// Size of the old data in bytes.
    public var oldSize: Int
    /// Size of the new data in bytes.
    public var newSize: Int
    /// The first differing regions, in offset order; empty when the data are equal.
    public var regions: [Region]
    /// More differences follow the last region (`maxRegions` was reached).
    public var truncated: Bool

    /// Creates a value (mostly for tests and fixtures; use `compute` to compare data).
    public init(oldSize: Int, newSize: Int, regions: [Region], truncated: Bool) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.regions = regions
        self.truncated = truncated
    }

    /// Compares two byte strings position by position (no alignment of insertions: for binaries a
    /// shifted tail shows as one long region, which is what a reproducibility report needs to know).
    ///
    /// - Parameters:
    ///   - maxRegions: regions reported; `truncated` says whether more exist.
    ///   - context: equal bytes shown either side of a region; differences at most `2 * context`
    ///     equal bytes apart are merged into one region, as hunks are for text.
    ///   - maxDumpBytes: bytes dumped per side per region; a longer dump ends with a
    ///     `... N more bytes` line.
    public static func compute(
        old: Data, new: Data, maxRegions: Int = 8, context: Int = 16, maxDumpBytes: Int = 256
    ) -> BinaryDiff {
        old.withUnsafeBytes { oldBytes in
            new.withUnsafeBytes { newBytes in
                let bytes = BytePair(old: oldBytes, new: newBytes)
                let context = min(max(0, context), bytes.longest)
                let dumpLimit = min(max(0, maxDumpBytes), bytes.longest)
                var regions: [Region] = []
                var truncated = false
                var next = bytes.nextDifference(from: 0)
                while let start = next {
                    if regions.count >= max(0, maxRegions) {
                        truncated = true
                        break
                    }
                    var end = bytes.endOfDifference(at: start)
                    next = bytes.nextDifference(from: end)
                    while let candidate = next, candidate - end - context <= context {
                        end = bytes.endOfDifference(at: candidate)
                        next = bytes.nextDifference(from: end)
                    }
                    let rowsStart = (max(0, start - context) / 16) * 16
                    // end and context are both bounded by the longer size: no overflow.
                    let rowsEnd = (end + context + 15) / 16 * 16
                    regions.append(Region(
                        offset: start, length: end - start,
                        oldHex: HexDump.rows(oldBytes, from: rowsStart, to: rowsEnd, limit: dumpLimit),
                        newHex: HexDump.rows(newBytes, from: rowsStart, to: rowsEnd, limit: dumpLimit)))
                }
                return BinaryDiff(oldSize: oldBytes.count, newSize: newBytes.count, regions: regions, truncated: truncated)
            }
        }
    }
}

/// The two sides being compared, and how to find where they differ.
struct BytePair {
    let old: UnsafeRawBufferPointer
    let new: UnsafeRawBufferPointer
    /// Bytes both sides have.
    let common: Int
    /// Size of the longer side.
    let longest: Int

    init(old: UnsafeRawBufferPointer, new: UnsafeRawBufferPointer) {
        self.old = old
        self.new = new
        common = min(old.count, new.count)
        longest = max(old.count, new.count)
    }

    /// The first offset at or after `start` where the sides differ; past the shorter side's end
    /// every offset differs.
    func nextDifference(from start: Int) -> Int? {
        var position = start
        if position < common, let o = old.baseAddress, let n = new.baseAddress {
            // Skip equal blocks with memcmp, then find the byte in the first unequal block.
            let block = 4096
            while position < common {
                let length = min(block, common - position)
                if memcmp(o + position, n + position, length) != 0 {
                    for offset in position..<(position + length) where old[offset] != new[offset] {
                        return offset
                    }
                }
                position += length
            }
        }
        let tail = max(position, common)
        return tail < longest ? tail : nil
    }

    /// Just past the run of differing bytes starting at `start`.
    func endOfDifference(at start: Int) -> Int {
        if start >= common { return longest }
        var end = start + 1
        while end < common && old[end] != new[end] { end += 1 }
        return end == common ? longest : end
    }
}

/// `xxd`-style rows: `00000010: 4865 6c6c 6f0a 0000 0000 0000 0000 0000  Hello...........`
enum HexDump {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Rows of `bytes[from..<to]` (clipped to the data), `from` a multiple of 16, at most `limit`
    /// bytes, then `... N more bytes` if the limit cut the range.
    static func rows(_ bytes: UnsafeRawBufferPointer, from start: Int, to wantedEnd: Int, limit: Int) -> String {
        let end = min(wantedEnd, bytes.count)
        guard start < end, limit > 0 else { return "" }
        let rowLimit = (limit + 15) / 16 * 16
        let shownEnd = end - start > rowLimit ? start + rowLimit : end
        var out: [UInt8] = []
        out.reserveCapacity((shownEnd - start) / 16 * 68 + 80)
        var rowStart = start
        while rowStart < shownEnd {
            let rowEnd = min(rowStart + 16, shownEnd)
            appendOffset(rowStart, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
            for k in 0..<16 {
                if rowStart + k < rowEnd {
                    let byte = bytes[rowStart + k]
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 0xF)])
                } else {
                    out.append(UInt8(ascii: " "))
                    out.append(UInt8(ascii: " "))
                }
                if k % 2 == 1 && k < 15 { out.append(UInt8(ascii: " ")) }
            }
            out.append(UInt8(ascii: " "))
            out.append(UInt8(ascii: " "))
            for offset in rowStart..<rowEnd {
                let byte = bytes[offset]
                out.append((0x20...0x7E).contains(byte) ? byte : UInt8(ascii: "."))
            }
            out.append(UInt8(ascii: "\n"))
            rowStart = rowEnd
        }
        var text = String(decoding: out, as: UTF8.self)
        if shownEnd < end {
            let more = end - shownEnd
            text += "... \(more) more byte\(more == 1 ? "" : "s")\n"
        }
        return text
    }

    /// At least 8 hex digits, more for offsets past 4 GiB (as xxd does).
    private static func appendOffset(_ offset: Int, to out: inout [UInt8]) {
        var digitsNeeded = 8
        while digitsNeeded < 16 && offset >> (4 * digitsNeeded) != 0 { digitsNeeded += 1 }
        for shift in stride(from: 4 * (digitsNeeded - 1), through: 0, by: -4) {
            out.append(digits[(offset >> shift) & 0xF])
        }
    }
}
