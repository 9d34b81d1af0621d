import Foundation

/// A content digest in the OCI form `algorithm:encoded` (OCI image-spec, descriptor.md, "Digests").
///
/// Only `sha256` is verified by driftscope; other registered algorithms parse so that the error can
/// name them, and are refused when a blob must be checked.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The algorithm part, e.g. `sha256`.
    public let algorithm: String
    /// The lowercase hex part.
    public let encoded: String

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
        self.algorithm = "sha256"
        self.encoded = hex
    }

    /// A sha256 digest from hex this module produced itself (always 64 lowercase hex digits).
    init(computedSHA256Hex hex: String) {
        self.algorithm = "sha256"
        self.encoded = hex
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
        if algorithm == "sha256" && !Digest.isSHA256Hex(encoded) { throw .badSHA256(string) }
        self.algorithm = algorithm
        self.encoded = encoded
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
