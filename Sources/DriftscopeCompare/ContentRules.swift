import DriftscopeArchive
import DriftscopeImage
import Foundation

/// Rules that need the bytes of both versions of a file, read in the targeted second pass.
enum ContentRules {
    /// Whether two gzip files decompress to the same bytes (only the header differs).
    static func gzipPayloadEqual(_ a: Data, _ b: Data, limit: Int) -> Bool {
        guard Compression.sniffGzip(a), Compression.sniffGzip(b),
              let da = decompress(a, limit: limit), let db = decompress(b, limit: limit) else { return false }
        return da == db
    }

    /// The decompressed bytes of a gzip/zstd/xz stream, or nil when not decompressible within `limit`.
    static func decompress(_ data: Data, limit: Int) -> Data? {
        guard let reader = try? ArchiveReader(mode: .raw, source: MemorySource(data), what: "nested file"),
              (try? reader.nextHeader()) != nil, reader.filterCode != 0 else { return nil }
        return try? reader.readAll(limit: limit)
    }

    /// The members of a nested archive (zip, jar, wheel, tar, ...): name → "type digest [mode]".
    /// Timestamps, order and extra fields are left out on purpose: they are the noise.
    static func members(_ data: Data, limit: Int) -> [String: String]? {
        guard let reader = try? ArchiveReader(mode: .anyArchive, source: MemorySource(data), what: "nested archive") else { return nil }
        var out: [String: String] = [:]
        var total = 0
        do {
            while let header = try reader.nextHeader() {
                let content = try reader.readAll(limit: max(0, limit - total))
                total += content.count
                let digest = header.type == .file ? SHA256Hasher.hash(content).description : (header.linkTarget ?? "")
                out[header.name] = "\(header.type.rawValue) \(digest)"
            }
        } catch {
            return nil
        }
        return out.isEmpty ? nil : out
    }

    /// Whether two /etc/shadow files differ only in field 3 (last password change, in days).
    static func shadowOnlyLastChange(_ a: Data, _ b: Data) -> Bool {
        guard let ta = String(data: a, encoding: .utf8), let tb = String(data: b, encoding: .utf8) else { return false }
        let la = ta.split(separator: "\n", omittingEmptySubsequences: false)
        let lb = tb.split(separator: "\n", omittingEmptySubsequences: false)
        guard la.count == lb.count else { return false }
        for (x, y) in zip(la, lb) where x != y {
            var fx = x.split(separator: ":", omittingEmptySubsequences: false)
            var fy = y.split(separator: ":", omittingEmptySubsequences: false)
            guard fx.count == fy.count, fx.count > 2 else { return false }
            fx[2] = ""
            fy[2] = ""
            if fx != fy { return false }
        }
        return true
    }

    /// Whether two texts differ only in date/time tokens on lines that otherwise match one to one.
    /// Lines are split at LF bytes (a CRLF line keeps its CR, on both sides alike) and compared as
    /// bytes; only lines that differ are decoded and masked.
    static func onlyTimestampsDiffer(_ a: Data, _ b: Data) -> Bool {
        guard let ta = String(data: a, encoding: .utf8), let tb = String(data: b, encoding: .utf8) else { return false }
        let newline = UInt8(ascii: "\n")
        let la = ta.utf8.split(separator: newline, omittingEmptySubsequences: false)
        let lb = tb.utf8.split(separator: newline, omittingEmptySubsequences: false)
        guard la.count == lb.count else { return false }
        var changed = 0
        for (x, y) in zip(la, lb) where !sameBytes(x, y) {
            changed += 1
            guard TimestampTokens.mask(String(Substring(x))) == TimestampTokens.mask(String(Substring(y))) else { return false }
        }
        return changed > 0
    }

    /// Whether two slices of text hold the same bytes (`memcmp` on native strings).
    private static func sameBytes(_ x: Substring.UTF8View, _ y: Substring.UTF8View) -> Bool {
        guard x.count == y.count else { return false }
        let fast = x.withContiguousStorageIfAvailable { px in
            y.withContiguousStorageIfAvailable { py in
                px.isEmpty || memcmp(px.baseAddress!, py.baseAddress!, px.count) == 0
            }
        }
        return (fast ?? nil) ?? x.elementsEqual(y)
    }
}

/// Date and time tokens that builds embed.
enum TimestampTokens {
    private static let month = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
    private static let day = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
    private static let patterns: [String] = [
        // RFC 2822: "Tue, 05 Mar 2024 10:11:12 +0000"
        "\(day),? +\\d{1,2} +\(month) +\\d{4} +\\d{1,2}:\\d{2}(?::\\d{2})?(?: *(?:[+-]\\d{4}|[A-Z]{2,5}))?",
        // date(1): "Tue Mar  5 10:11:12 UTC 2024"
        "\(day) +\(month) +\\d{1,2} +\\d{1,2}:\\d{2}:\\d{2}(?: +[A-Z]{2,5})? +\\d{4}",
        // "Mar  5 2024 10:11:12" (C __DATE__ __TIME__)
        "\(month) +\\d{1,2} +\\d{4}(?: +\\d{1,2}:\\d{2}:\\d{2})?",
        // ISO 8601 date with optional time, fraction and zone
        "\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2}| ?UTC)?)?",
        "\\d{4}\\d{2}\\d{2}T\\d{6}Z?",
        // a bare time of day
        "\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b",
    ]
    // NSRegularExpression is immutable after creation and documented thread-safe for matching.
    private static let regexes: [NSRegularExpression] = patterns.compactMap {
        try? NSRegularExpression(pattern: $0)
    }
    private static let epoch = try? NSRegularExpression(pattern: "\\b1\\d{9}(?:\\.\\d+)?\\b")
    private static let epochContext = try? NSRegularExpression(pattern: "(?i)date|time|build|stamp|epoch|generated")

    /// The line with every date/time token replaced by a placeholder.
    static func mask(_ line: String) -> String {
        var s = line
        for r in regexes {
            s = r.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "<TIME>")
        }
        if let ctx = epochContext, ctx.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil, let epoch {
            s = epoch.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "<TIME>")
        }
        return s
    }
}

extension Compression {
    static func sniffGzip(_ data: Data) -> Bool { data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b }
}
