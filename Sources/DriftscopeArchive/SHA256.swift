import CCrypto
import Foundation

/// Incremental SHA-256 over OpenSSL's EVP interface (SHA-NI accelerated where the CPU has it).
///
/// One hasher owns one `EVP_MD_CTX`; it is not thread-safe and is meant to live inside one stream.
public final class SHA256Hasher {
    // OpaquePointer is not Sendable; the context never leaves this object.
    private let context: OpaquePointer
    private var finished = false

    /// Creates a hasher. Allocation failure of a 200-byte context is not recoverable and traps.
    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        guard EVP_DigestInit_ex(ctx, sha256Implementation.md, nil) == 1 else { fatalError("EVP_DigestInit_ex(sha256) failed") }
        context = ctx
    }

    /// Starts over, for the next stream: reuses the context (one per walk, not one per file).
    public func reset() {
        guard EVP_DigestInit_ex(context, sha256Implementation.md, nil) == 1 else { fatalError("EVP_DigestInit_ex(sha256) failed") }
        finished = false
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes.
    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        EVP_DigestUpdate(context, base, buffer.count)
    }

    /// Feeds bytes.
    public func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// Finishes and returns the digest; the hasher must not be used afterwards.
    public func finalize() -> Digest {
        precondition(!finished, "SHA256Hasher finalized twice")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Digest(sha256Bytes: out)
    }

    /// The digest of a whole buffer.
    public static func hash(_ data: Data) -> Digest {
        let h = SHA256Hasher()
        h.update(data)
        return h.finalize()
    }

    /// The digest of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> Digest { hash(Data(string.utf8)) }
}

/// SHA-256 fetched from the default provider once: OpenSSL 3 otherwise looks the implementation up
/// (under a lock) at every EVP_DigestInit_ex, which is once per file of every layer.
private final class FetchedDigest: @unchecked Sendable {
    // The EVP_MD is immutable and reference-counted by OpenSSL; it is shared read-only.
    let md: OpaquePointer
    init() {
        guard let found = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256() else { fatalError("libcrypto has no SHA-256") }
        md = found
    }
}

private let sha256Implementation = FetchedDigest()

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Lowercase hex of bytes.
public func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
