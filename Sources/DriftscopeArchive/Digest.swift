import Foundation

/// A content digest in the OCI form `algorithm:encoded` (OCI image-spec, descriptor.md, "Digests").
///
/// Only `sha256` is verified by driftscope; other registered algorithms parse so that the error can
/// name them, and are refused when a blob must be checked.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    // A sha256 digest is kept as its 32 bytes (no heap allocation, cheap to hash and compare):
    // every file of every layer carries one, so this is most of an index's memory.
    private enum Storage: Hashable, Sendable {
        case sha256(UInt64, UInt64, UInt64, UInt64)
        case other(algorithm: String, encoded: String)
    }
    private let storage: Storage

    /// The algorithm part, e.g. `sha256`.
    public var algorithm: String {
        switch storage {
        case .sha256: return "sha256"
        case .other(let algorithm, _): return algorithm
        }
    }

    /// The lowercase hex part.
    public var encoded: String {
        switch storage {
        case .sha256(let a, let b, let c, let d):
            var bytes = [UInt8]()
            bytes.reserveCapacity(32)
            for word in [a, b, c, d] {
                for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
            }
            return hexString(bytes)
        case .other(_, let encoded): return encoded
        }
    }

    private init(storage: Storage) { self.storage = storage }

    /// A sha256 digest from its 32 raw bytes.
    public init(sha256Bytes bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32, "a sha256 digest has 32 bytes")
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, byte) in bytes.enumerated() { words[i / 8] = words[i / 8] << 8 | UInt64(byte) }
        self.init(storage: .sha256(words[0], words[1], words[2], words[3]))
    }

    /// The 32 bytes of a sha256 digest as four big-endian words (nil for other algorithms): for
    /// compact binary stores.
    public var sha256Words: (UInt64, UInt64, UInt64, UInt64)? {
        if case .sha256(let a, let b, let c, let d) = storage { return (a, b, c, d) }
        return nil
    }

    /// A sha256 digest from the four words `sha256Words` gives.
    public init(sha256Words words: (UInt64, UInt64, UInt64, UInt64)) {
        self.init(storage: .sha256(words.0, words.1, words.2, words.3))
    }

    /// Why a string is not a digest.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The string has no `algorithm:` prefix or an empty part.
        case malformed(String)
        /// A sha256 digest whose hex part is not 64 lowercase hex characters.
        case badSHA256(String)

        public var description: String {
            switch self {
            case .malformed(let s): return "'\(s.prefix(100))' is not a digest of the form sha256:<64 hex digits>"
            case .badSHA256(let s): return "'\(s.prefix(100))' is not a valid sha256 digest (64 lowercase hex digits expected)"
            }
        }
    }

    /// Builds a sha256 digest from raw hex, which must be 64 lowercase hex digits.
    public init(sha256Hex hex: String) throws(ParseError) {
        guard Digest.isSHA256Hex(hex) else { throw .badSHA256(hex) }
        self.init(validatedHex: hex)
    }

    private init(validatedHex hex: String) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        var high: UInt8 = 0
        for (i, c) in hex.utf8.enumerated() {
            let nibble = c <= 57 ? c - 48 : c - 87
            if i % 2 == 0 { high = nibble } else { bytes.append(high << 4 | nibble) }
        }
        self.init(sha256Bytes: bytes)
    }

    /// Parses `algorithm:encoded`, validating sha256 digests strictly so that a digest can safely
    /// become a file name (`blobs/sha256/<hex>`) without any path traversal.
    public init(parsing string: String) throws(ParseError) {
        guard let colon = string.firstIndex(of: ":") else { throw .malformed(string) }
        let algorithm = String(string[..<colon])
        let encoded = String(string[string.index(after: colon)...])
        guard !algorithm.isEmpty, !encoded.isEmpty,
              algorithm.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "+._-".contains($0)) }),
              encoded.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "=_-".contains($0)) })
        else { throw .malformed(string) }
        if algorithm == "sha256" {
            guard Digest.isSHA256Hex(encoded) else { throw .badSHA256(string) }
            self.init(validatedHex: encoded)
        } else {
            self.init(storage: .other(algorithm: algorithm, encoded: encoded))
        }
    }

    static func isSHA256Hex(_ hex: String) -> Bool {
        hex.utf8.count == 64 && hex.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// `sha256:…`.
    public var description: String { "\(algorithm):\(encoded)" }

    /// The first 12 hex digits, for tables.
    public var short: String { String(encoded.prefix(12)) }

    /// The path of this blob inside an OCI layout: `blobs/<algorithm>/<encoded>`.
    public var layoutPath: String { "blobs/\(algorithm)/\(encoded)" }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(parsing: string)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
