import DriftscopeArchive
import DriftscopeDiff
import DriftscopeImage
import Foundation

/// Builds the diff attached to a content difference (what changed inside the file).
enum ContentDiffer {
    static func diff(path: String, a: Data, b: Data, limit: Int, depth: Int = 0) -> ContentDiff {
        if path.hasSuffix(".pyc"), a.count >= 16, b.count >= 16 {
            var diff = bytesDiff(a, b)
            diff.type = "pyc"
            diff.members = ["header A: \(pycHeader(a))", "header B: \(pycHeader(b))"]
            return diff
        }
        if depth < 3, Compression.sniffGzip(a), Compression.sniffGzip(b),
           let da = ContentRules.decompress(a, limit: limit * 4), let db = ContentRules.decompress(b, limit: limit * 4) {
            var inner = diff(path: String(path.dropLast(3)), a: da, b: db, limit: limit, depth: depth + 1)
            inner.note = [inner.note, "decompressed gzip content"].compactMap { $0 }.joined(separator: "; ")
            return inner
        }
        if depth < 3, !ContentKind.isText(a) || !ContentKind.isText(b),
           let ma = ContentRules.members(a, limit: limit * 4), let mb = ContentRules.members(b, limit: limit * 4) {
            var lines: [String] = []
            for name in Set(ma.keys).union(mb.keys).sorted() {
                switch (ma[name], mb[name]) {
                case (nil, _?): lines.append("+ \(name)")
                case (_?, nil): lines.append("- \(name)")
                case let (x?, y?) where x != y: lines.append("~ \(name)")
                default: break
                }
            }
            let cut = lines.count > 500
            return ContentDiff(type: "archive", members: Array(lines.prefix(500)),
                               note: lines.isEmpty ? "the members are equal; only archive metadata (timestamps, order, extra fields) differs" : (cut ? "first 500 of \(lines.count) member differences" : nil))
        }
        if ContentKind.isText(a) && ContentKind.isText(b) {
            let ta = String(decoding: a, as: UTF8.self), tb = String(decoding: b, as: UTF8.self)
            // Canonical JSON sorts keys through Foundation's locale-aware compare: fine for config
            // files, slow on megabyte lock files, which get a plain line diff.
            if path.hasSuffix(".json"), a.count <= 256 << 10, b.count <= 256 << 10, let ca = canonicalJSON(a), let cb = canonicalJSON(b) {
                if ca == cb {
                    return ContentDiff(type: "json", note: "equal as JSON: only key order or formatting differs")
                }
                return ContentDiff(type: "json", text: TextDiff.compute(old: ca, new: cb), note: "compared with keys sorted")
            }
            return ContentDiff(type: "text", text: TextDiff.compute(old: ta, new: tb))
        }
        return bytesDiff(a, b)
    }

    static func bytesDiff(_ a: Data, _ b: Data) -> ContentDiff {
        ContentDiff(type: "binary", binary: BinaryDiff.compute(old: a, new: b))
    }

    /// The PEP 552 header: magic, flags, then source mtime and size (or a source hash).
    static func pycHeader(_ d: Data) -> String {
        let bytes = [UInt8](d.prefix(16))
        func le32(_ i: Int) -> UInt32 { UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24 }
        let magic = hexString(bytes[0..<4])
        let flags = le32(4)
        if flags & 1 == 1 {
            return "magic \(magic), flags \(flags) (hash-based, check_source=\(flags & 2 != 0)), source hash \(hexString(bytes[8..<16]))"
        }
        let mtime = Timestamp(seconds: Int64(le32(8)))
        return "magic \(magic), flags \(flags), source mtime \(mtime), source size \(le32(12))"
    }

    static func canonicalJSON(_ d: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: d, options: [.fragmentsAllowed]),
              let out = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
