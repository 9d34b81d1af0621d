import DriftscopeArchive
import Foundation

/// A compact binary form of a `LayerIndex`, for the layer cache: a nightly check over a stable
/// base loads tens of thousands of records per layer, which JSON decodes at about 25 MB/s.
///
/// Little-endian, length-prefixed, versioned by the caller (the cache's format name). A reader
/// never trusts lengths: anything out of bounds or malformed is `nil`, and the cache rebuilds the
/// entry. The body's integrity is the cache's to check (it keeps the body's SHA-256).
public enum IndexCodec {
    /// Encodes an index.
    public static func encode(_ index: LayerIndex) -> Data {
        var w = Writer()
        w.digest(index.digest)
        w.digest(index.diffID)
        w.string(index.mediaType)
        w.string(index.detectedCompression.rawValue)
        w.int(index.compressedSize)
        w.int(index.uncompressedSize)
        w.int(Int64(index.entryCount))
        w.count(index.entries.count)
        for r in index.entries { w.record(r) }
        w.count(index.whiteouts.count)
        for x in index.whiteouts {
            w.string(x.path)
            w.byte(x.opaque ? 1 : 0)
            w.string(x.rawName)
        }
        w.count(index.findings.count)
        for f in index.findings {
            w.string(f.kind.rawValue)
            w.string(f.path)
            w.optionalInt(f.layer.map(Int64.init))
            w.string(f.message)
        }
        w.count(index.captured.count)
        for (path, data) in index.captured.sorted(by: { $0.key < $1.key }) {
            w.string(path)
            w.bytes(data)
        }
        return w.data
    }

    /// Decodes an index, or nil when the bytes are not one.
    public static func decode(_ data: Data) -> LayerIndex? {
        data.withUnsafeBytes { raw -> LayerIndex? in
            var r = Reader(raw)
            guard let digest = r.digest(), let diffID = r.digest(), let mediaType = r.string(),
                  let compression = r.string().flatMap(Compression.init(rawValue:)),
                  let compressedSize = r.int(), let uncompressedSize = r.int(), let entryCount = r.int(),
                  let entryTotal = r.count() else { return nil }
            var entries: [FileRecord] = []
            entries.reserveCapacity(entryTotal)
            for _ in 0..<entryTotal {
                guard let record = r.record() else { return nil }
                entries.append(record)
            }
            guard let whiteoutTotal = r.count() else { return nil }
            var whiteouts: [Whiteout] = []
            for _ in 0..<whiteoutTotal {
                guard let path = r.string(), let opaque = r.byte(), let rawName = r.string() else { return nil }
                whiteouts.append(Whiteout(path: path, opaque: opaque == 1, rawName: rawName))
            }
            guard let findingTotal = r.count() else { return nil }
            var findings: [Finding] = []
            for _ in 0..<findingTotal {
                guard let kind = r.string().flatMap(Finding.Kind.init(rawValue:)), let path = r.string(),
                      let layer = r.optionalInt(), let message = r.string() else { return nil }
                findings.append(Finding(kind: kind, path: path, layer: layer.map { Int($0) }, message: message))
            }
            guard let capturedTotal = r.count() else { return nil }
            var captured: [String: Data] = [:]
            for _ in 0..<capturedTotal {
                guard let path = r.string(), let bytes = r.bytes() else { return nil }
                captured[path] = bytes
            }
            guard r.atEnd else { return nil }
            return LayerIndex(digest: digest, diffID: diffID, mediaType: mediaType, detectedCompression: compression,
                              compressedSize: compressedSize, uncompressedSize: uncompressedSize, entries: entries,
                              whiteouts: whiteouts, findings: findings, captured: captured, entryCount: Int(entryCount))
        }
    }

    private struct Writer {
        var data = Data()

        mutating func byte(_ b: UInt8) { data.append(b) }
        mutating func word(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        mutating func int(_ v: Int64) { word(UInt64(bitPattern: v)) }
        mutating func count(_ n: Int) { word(UInt64(n)) }
        mutating func bytes(_ d: Data) { count(d.count); data.append(d) }
        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { count($0.count); data.append($0.baseAddress!, count: $0.count) }
        }
        mutating func optionalString(_ s: String?) {
            if let s { byte(1); string(s) } else { byte(0) }
        }
        mutating func optionalInt(_ v: Int64?) {
            if let v { byte(1); int(v) } else { byte(0) }
        }
        mutating func time(_ t: Timestamp?) {
            if let t { byte(1); int(t.seconds); int(t.nanoseconds) } else { byte(0) }
        }
        mutating func digest(_ d: Digest) {
            if let (a, b, c, e) = d.sha256Words {
                byte(1); word(a.bigEndian); word(b.bigEndian); word(c.bigEndian); word(e.bigEndian)
            } else {
                byte(2); string(d.description)
            }
        }
        mutating func optionalDigest(_ d: Digest?) {
            if let d { digest(d) } else { byte(0) }
        }
        mutating func record(_ r: FileRecord) {
            string(r.path)
            // The stored name costs nothing when it is the plain spelling of the path.
            let plain = r.path == "/" ? "" : String(r.path.dropFirst())
            let raw = r.rawName
            if raw == plain { byte(0) } else if raw == plain + "/" { byte(1) } else { byte(2); string(raw) }
            string(r.type.rawValue)
            word(UInt64(r.mode))
            int(r.uid)
            int(r.gid)
            optionalString(r.uname)
            optionalString(r.gname)
            int(r.size)
            time(r.mtime)
            optionalDigest(r.digest)
            int(Int64(r.order))
            let hasRare = r.atime != nil || r.ctime != nil || r.linkTarget != nil || !r.xattrs.isEmpty
                || r.devMajor != 0 || r.devMinor != 0 || r.pycBodyDigest != nil
            byte(hasRare ? 1 : 0)
            guard hasRare else { return }
            time(r.atime)
            time(r.ctime)
            optionalString(r.linkTarget)
            count(r.xattrs.count)
            for (k, v) in r.xattrs.sorted(by: { $0.key < $1.key }) { string(k); string(v) }
            word(r.devMajor)
            word(r.devMinor)
            optionalDigest(r.pycBodyDigest)
        }
    }

    private struct Reader {
        let raw: UnsafeRawBufferPointer
        var offset = 0
        init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

        var atEnd: Bool { offset == raw.count }

        mutating func byte() -> UInt8? {
            guard offset < raw.count else { return nil }
            defer { offset += 1 }
            return raw[offset]
        }
        mutating func word() -> UInt64? {
            guard raw.count - offset >= 8 else { return nil }
            defer { offset += 8 }
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        mutating func int() -> Int64? { word().map { Int64(bitPattern: $0) } }
        /// A count or length, bounded by what is left (each item takes at least one byte).
        mutating func count() -> Int? {
            guard let n = word(), n <= UInt64(raw.count - offset) else { return nil }
            return Int(n)
        }
        mutating func span() -> UnsafeRawBufferPointer? {
            guard let n = count() else { return nil }
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)])
        }
        mutating func string() -> String? { span().map { String(decoding: $0, as: UTF8.self) } }
        mutating func bytes() -> Data? { span().map { Data($0) } }
        mutating func optionalString() -> String?? {
            switch byte() {
            case 0: return .some(nil)
            case 1: return string().map { .some($0) }
            default: return nil
            }
        }
        mutating func optionalInt() -> Int64?? {
            switch byte() {
            case 0: return .some(nil)
            case 1: return int().map { .some($0) }
            default: return nil
            }
        }
        mutating func time() -> Timestamp?? {
            switch byte() {
            case 0: return .some(nil)
            case 1:
                guard let s = int(), let ns = int() else { return nil }
                return .some(Timestamp(seconds: s, nanoseconds: ns))
            default: return nil
            }
        }
        mutating func digest(tag: UInt8) -> Digest? {
            switch tag {
            case 1:
                guard let a = word(), let b = word(), let c = word(), let d = word() else { return nil }
                return Digest(sha256Words: (UInt64(bigEndian: a), UInt64(bigEndian: b), UInt64(bigEndian: c), UInt64(bigEndian: d)))
            case 2:
                return string().flatMap { try? Digest(parsing: $0) }
            default:
                return nil
            }
        }
        mutating func digest() -> Digest? { byte().flatMap { digest(tag: $0) } }
        mutating func optionalDigest() -> Digest?? {
            guard let tag = byte() else { return nil }
            if tag == 0 { return .some(nil) }
            return digest(tag: tag).map { .some($0) }
        }
        mutating func record() -> FileRecord? {
            guard let path = string(), let form = byte() else { return nil }
            let plain = path == "/" ? "" : String(path.dropFirst())
            let raw: String
            switch form {
            case 0: raw = plain
            case 1: raw = plain + "/"
            case 2:
                guard let s = string() else { return nil }
                raw = s
            default: return nil
            }
            guard let type = string().flatMap(EntryType.init(rawValue:)), let mode = word(), mode <= UInt64(UInt32.max),
                  let uid = int(), let gid = int(), let uname = optionalString(), let gname = optionalString(),
                  let size = int(), let mtime = time(), let digest = optionalDigest(), let order = int(),
                  let hasRare = byte() else { return nil }
            var record = FileRecord(path: path, rawName: raw, type: type, mode: UInt32(mode), uid: uid, gid: gid,
                                    uname: uname, gname: gname, size: size, mtime: mtime, digest: digest, order: Int(order))
            guard hasRare == 1 else { return hasRare == 0 ? record : nil }
            guard let atime = time(), let ctime = time(), let link = optionalString(), let xattrCount = count() else { return nil }
            var xattrs: [String: String] = [:]
            for _ in 0..<xattrCount {
                guard let k = string(), let v = string() else { return nil }
                xattrs[k] = v
            }
            guard let major = word(), let minor = word(), let pyc = optionalDigest() else { return nil }
            record.atime = atime
            record.ctime = ctime
            record.linkTarget = link
            record.xattrs = xattrs
            record.devMajor = major
            record.devMinor = minor
            record.pycBodyDigest = pyc
            return record
        }
    }
}
