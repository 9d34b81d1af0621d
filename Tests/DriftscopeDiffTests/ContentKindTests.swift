@testable import DriftscopeDiff
import Foundation
import Testing

@Suite("Text or binary")
struct ContentKindTests {
    @Test(arguments: [
        ([], true),
        (Array("plain ASCII\n".utf8), true),
        (Array("größe ✓ 日本 🇫🇷\r\n".utf8), true),
        ([0x61, 0x00, 0x62], false),            // NUL
        ([0xFF], false),                        // never valid
        ([0xC0, 0x80], false),                  // overlong NUL
        ([0xE0, 0x80, 0x80], false),            // overlong 3-byte
        ([0xED, 0xA0, 0x80], false),            // UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], false),      // above U+10FFFF
        ([0xF0, 0x9F, 0x98], false),            // cut short at the end
        ([0x80], false),                        // stray continuation byte
        ([0xF4, 0x8F, 0xBF, 0xBF], true),       // U+10FFFF
        ([0xEF, 0xBB, 0xBF, 0x61], true),       // BOM
    ] as [([UInt8], Bool)])
    func classifies(bytes: [UInt8], isText: Bool) {
        #expect(ContentKind.isText(Data(bytes)) == isText)
    }

    @Test func nulIsOnlySearchedInTheFirst8KiB() {
        var late = Data(repeating: 0x61, count: 10_000)
        late[9000] = 0
        #expect(ContentKind.isText(late))
        late[8191] = 0
        #expect(!ContentKind.isText(late))
    }

    @Test func invalidUTF8AnywhereIsBinary() {
        var data = Data(repeating: 0x61, count: 100_000)
        #expect(ContentKind.isText(data))
        data[99_999] = 0xFE
        #expect(!ContentKind.isText(data))
    }

    @Test func validatorAgreesWithTheStandardLibrary() {
        var random = SplitMix64(seed: 99)
        let pieces: [[UInt8]] = [[0x61], [0xC3, 0xA9], [0xE2, 0x9C, 0x93], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xC3], [0xED, 0xBF, 0xBF], [0xF5]]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 12) { bytes += pieces[Int(random.next() % UInt64(pieces.count))] }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let actual = bytes.withUnsafeBytes { ContentKind.isValidUTF8($0) }
            #expect(actual == expected, "\(bytes)")
        }
    }
}
