// Image references as the distribution reference grammar writes them:
//   [registry[:port]/]repository[:tag][@algorithm:hex]
// (https://github.com/distribution/reference/blob/main/reference.go). Only what pinning needs is parsed.

struct ImageReference: Equatable {
    /// Registry and repository, without tag or digest.
    var name: String
    /// The tag, when one is written.
    var tag: String?
    /// Everything after `@`, when present.
    var digest: String?

    init(_ reference: String) {
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        // A colon after the last slash starts the tag; one before it belongs to a registry port.
        let lastSlash = rest.lastIndex(of: "/")
        let searchStart = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[searchStart...].firstIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        name = String(rest)
    }

    /// True when the digest is a well-formed sha256 (or sha512) content digest.
    var hasValidDigest: Bool {
        guard let digest else { return false }
        return Self.isContentDigest(digest)
    }

    /// True when the reference has no tag or the tag is `latest`, and no digest overrides it.
    var isFloating: Bool { digest == nil && (tag == nil || tag == "latest") }

    /// `sha256:` and 64 lowercase hex digits, or `sha512:` and 128.
    static func isContentDigest(_ text: some StringProtocol) -> Bool {
        if text.hasPrefix("sha256:") { return isLowerHex(text.dropFirst(7), count: 64) }
        if text.hasPrefix("sha512:") { return isLowerHex(text.dropFirst(7), count: 128) }
        return false
    }

    /// True when `text` holds exactly `count` lowercase hex digits.
    static func isLowerHex(_ text: some StringProtocol, count: Int) -> Bool {
        text.count == count && text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// True when `text` contains a literal `@sha256:<64 hex>` (or sha512) digest: the content is fixed whatever
    /// build arguments change around it.
    static func containsLiteralDigest(_ text: String) -> Bool {
        guard let at = text.firstIndex(of: "@") else { return false }
        return isContentDigest(text[text.index(after: at)...])
    }
}
