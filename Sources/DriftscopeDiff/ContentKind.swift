import Foundation

/// Decides whether file content is shown as a line diff or as a binary diff.
public enum ContentKind {
    /// How much of the start is searched for NUL bytes (git searches its first 8000 bytes the same way).
    static let sniffLength = 8192

    /// True when the data has no NUL byte in its first 8 KiB and is valid UTF-8 throughout.
    ///
    /// The NUL test is git's binary heuristic. UTF-8 is checked over the whole data, not just the
    /// first 8 KiB, so that text can be decoded without loss: otherwise two files differing only in
    /// an invalid byte past 8 KiB would both decode to U+FFFD there and show an empty line diff.
    /// Empty data is text.
    public static func isText(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            let head = UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, sniffLength)])
            if let base = head.baseAddress, memchr(base, 0, head.count) != nil { return false }
            return isValidUTF8(bytes)
        }
    }

    /// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var i = 0
        while i < count {
            // ASCII runs 8 bytes at a time.
            while i + 8 <= count && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < count else { break }
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard i + length <= count else { return false }
            let second = bytes[i + 1]
            guard second >= low && second <= high else { return false }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}
