@testable import DriftscopeDiff
import Foundation
import Testing

@Suite("Binary diff")
struct BinaryDiffTests {
    /// 0x00, 0x01, ... 0xFF, repeated to `count` bytes.
    static func ramp(_ count: Int) -> Data { Data((0..<count).map { UInt8(truncatingIfNeeded: $0) }) }

    static func changing(_ data: Data, at offsets: [Int]) -> Data {
        var copy = data
        for offset in offsets { copy[offset] ^= 0xFF }
        return copy
    }

    @Test func equalDataHasNoRegions() {
        let diff = BinaryDiff.compute(old: Self.ramp(5000), new: Self.ramp(5000))
        #expect(diff == BinaryDiff(oldSize: 5000, newSize: 5000, regions: [], truncated: false))
        #expect(BinaryDiff.compute(old: Data(), new: Data()).regions.isEmpty)
    }

    @Test func oneByteWithRowsAroundIt() {
        let old = Self.ramp(256)
        let diff = BinaryDiff.compute(old: old, new: Self.changing(old, at: [100]))
        #expect(diff.regions.count == 1)
        let region = diff.regions[0]
        #expect(region.offset == 100 && region.length == 1)
        // 16 bytes of context each side (84..<117), rounded out to whole rows: 80..<128.
        #expect(region.oldHex == """
            00000050: 5051 5253 5455 5657 5859 5a5b 5c5d 5e5f  PQRSTUVWXYZ[\\]^_
            00000060: 6061 6263 6465 6667 6869 6a6b 6c6d 6e6f  `abcdefghijklmno
            00000070: 7071 7273 7475 7677 7879 7a7b 7c7d 7e7f  pqrstuvwxyz{|}~.

            """)
        #expect(region.newHex.split(separator: "\n")[1] == "00000060: 6061 6263 9b65 6667 6869 6a6b 6c6d 6e6f  `abc.efghijklmno")
    }

    @Test func nearbyDifferencesMerge() {
        let old = Self.ramp(4096)
        // 32 equal bytes between 200 and 233 (= 2 * context): merged. 300 is farther: its own region.
        let diff = BinaryDiff.compute(old: old, new: Self.changing(old, at: [200, 233, 234, 300]))
        #expect(diff.regions.map(\.offset) == [200, 300])
        #expect(diff.regions.map(\.length) == [35, 1])
        let tight = BinaryDiff.compute(old: old, new: Self.changing(old, at: [200, 233]), context: 0)
        #expect(tight.regions.map(\.offset) == [200, 233])
        #expect(tight.regions[0].oldHex == "000000c0: c0c1 c2c3 c4c5 c6c7 c8c9 cacb cccd cecf  ................\n")
    }

    @Test func regionCapSetsTruncated() {
        let old = Self.ramp(10_000)
        let offsets = Array(stride(from: 50, to: 10_000, by: 500))  // 20 far-apart differences
        let diff = BinaryDiff.compute(old: old, new: Self.changing(old, at: offsets), maxRegions: 8)
        #expect(diff.regions.map(\.offset) == Array(offsets.prefix(8)))
        #expect(diff.truncated)
        let all = BinaryDiff.compute(old: old, new: Self.changing(old, at: offsets), maxRegions: 20)
        #expect(all.regions.count == 20 && !all.truncated)
        let none = BinaryDiff.compute(old: old, new: Self.changing(old, at: offsets), maxRegions: 0)
        #expect(none.regions.isEmpty && none.truncated)
    }

    @Test func sizeDifferenceIsATailRegion() {
        let old = Self.ramp(40)
        let new = Self.ramp(70)
        let diff = BinaryDiff.compute(old: old, new: new)
        #expect(diff.oldSize == 40 && diff.newSize == 70)
        #expect(diff.regions.count == 1)
        #expect(diff.regions[0].offset == 40 && diff.regions[0].length == 30)
        // Rows 16..<80: the old side ends at 40, the new side at 70.
        #expect(diff.regions[0].oldHex == """
            00000010: 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f  ................
            00000020: 2021 2223 2425 2627                       !"#$%&'

            """)
        #expect(diff.regions[0].newHex.split(separator: "\n").count == 4)
        #expect(diff.regions[0].newHex.hasSuffix("00000040: 4041 4243 4445                           @ABCDE\n"))
        // A change just before the shorter end merges with the tail.
        let merged = BinaryDiff.compute(old: Self.changing(old, at: [30]), new: new)
        #expect(merged.regions.map(\.offset) == [30] && merged.regions[0].length == 40)
    }

    @Test func oneSideEmpty() {
        let diff = BinaryDiff.compute(old: Data(), new: Data([0x7F, 0x45, 0x4C, 0x46]))
        #expect(diff.regions == [BinaryDiff.Region(
            offset: 0, length: 4, oldHex: "",
            newHex: "00000000: 7f45 4c46                                .ELF\n")])
        let reverse = BinaryDiff.compute(old: Data([1]), new: Data())
        #expect(reverse.regions.map(\.length) == [1] && reverse.regions[0].newHex.isEmpty)
    }

    @Test func longRegionsAreDumpedUpToTheLimit() {
        let old = Data(repeating: 0, count: 3000)
        let new = Data(repeating: 0xFF, count: 3000)
        let diff = BinaryDiff.compute(old: old, new: new, maxDumpBytes: 64)
        #expect(diff.regions.count == 1 && diff.regions[0].length == 3000 && !diff.truncated)
        let rows = diff.regions[0].newHex.split(separator: "\n")
        #expect(rows.count == 5)
        #expect(rows.last == "... 2936 more bytes")
        let nothing = BinaryDiff.compute(old: old, new: new, maxDumpBytes: 0)
        #expect(nothing.regions[0].oldHex.isEmpty && nothing.regions[0].newHex.isEmpty)
    }

    @Test func differencesAcrossBlockBoundaries() {
        // The scan skips equal 4 KiB blocks with memcmp; differences at block edges must be found.
        let old = Self.ramp(20_000)
        let offsets = [0, 4095, 4096, 8191, 12_288, 19_999]
        let diff = BinaryDiff.compute(old: old, new: Self.changing(old, at: offsets), maxRegions: 10, context: 0)
        #expect(diff.regions.map(\.offset) == [0, 4095, 8191, 12_288, 19_999])
        #expect(diff.regions.map(\.length) == [1, 2, 1, 1, 1])
    }

    @Test func codableRoundTrip() throws {
        let diff = BinaryDiff.compute(old: Self.ramp(100), new: Self.changing(Self.ramp(100), at: [7]))
        #expect(try JSONDecoder().decode(BinaryDiff.self, from: JSONEncoder().encode(diff)) == diff)
    }

    @Test func partialRowIsPaddedLikeXXD() {
        // What `printf A | xxd` prints.
        let row = [UInt8(ascii: "A")].withUnsafeBytes { HexDump.rows($0, from: 0, to: 16, limit: 16) }
        #expect(row == "00000000: 41" + String(repeating: " ", count: 39) + "A\n")
    }
}
