import DriftscopeArchive
import Foundation

/// One entry of a layer as recorded by the walk: its metadata and the SHA-256 of its content,
/// never its bytes.
///
/// An index holds one of these per entry of every layer (hundreds of thousands on large images),
/// so the layout is compact: the fields every entry has are stored inline, the name as stored is
/// kept only when it is not the plain spelling of the path, and the fields few entries have
/// (access and change times, link targets, xattrs, device numbers, the `.pyc` body digest) live in
/// one shared, immutable box that most records do not have. The public surface is unchanged.
public struct FileRecord: Sendable, Hashable {
    private var storedPath: String
    /// The normalised absolute image path (`/etc/passwd`; the root is `/`).
    public var path: String {
        get { storedPath }
        set {
            let raw = rawName
            storedPath = newValue
            rawName = raw
        }
    }
    /// The entry type.
    public var type: EntryType
    private var spelling: Spelling
    /// The content was proven byte for byte equal to the file at the same path in the layer at
    /// the same position of the other image, while both streamed (see `PairExchange`), and was
    /// not hashed: `digest` is then a stand-in that only the other file shares
    /// (a label and a counter), never a SHA-256 of the content. Such records live only within
    /// one comparison: they are never stored (the cache and snapshots see real digests), and the
    /// comparison reads back and hashes any twin it must weigh against anything but its partner.
    public var twin = false
    /// Permission bits including setuid/setgid/sticky.
    public var mode: UInt32
    public var uid: Int64
    public var gid: Int64
    public var uname: String?
    public var gname: String?
    /// Content size (0 for non-files).
    public var size: Int64
    public var mtime: Timestamp?
    /// SHA-256 of the content, for regular files (and hardlinks, the target's once merged).
    public var digest: Digest?
    /// Position of the entry in its layer.
    public var order: Int
    private var rare: RareFields?

    /// How the tar spelled the name, relative to the normalised path.
    private enum Spelling: UInt8, Sendable, Hashable {
        /// `usr/bin/x` (or `usr/bin/` for a directory): the path without its leading slash.
        case plain, plainSlash
        /// `./usr/bin/x`, `./usr/bin/`.
        case dot, dotSlash
        /// `/usr/bin/x`, `/usr/bin/`.
        case absolute, absoluteSlash
        /// Anything else: kept whole in the rare fields.
        case other
    }

    /// The fields few entries have, shared between copies and replaced whole when one changes.
    private final class RareFields: Sendable, Hashable {
        let value: Values
        init(_ value: Values) { self.value = value }
        static func == (a: RareFields, b: RareFields) -> Bool { a === b || a.value == b.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }

    private struct Values: Sendable, Hashable {
        var rawName: String?
        var atime: Timestamp?
        var ctime: Timestamp?
        var linkTarget: String?
        var xattrs: [String: String] = [:]
        var devMajor: UInt64 = 0
        var devMinor: UInt64 = 0
        var pycBodyDigest: Digest?
        var isEmpty: Bool {
            rawName == nil && atime == nil && ctime == nil && linkTarget == nil && xattrs.isEmpty && devMajor == 0
                && devMinor == 0 && pycBodyDigest == nil
        }
    }

    private var values: Values { rare?.value ?? Values() }

    private mutating func update(_ change: (inout Values) -> Void) {
        var v = values
        change(&v)
        rare = v.isEmpty ? nil : RareFields(v)
    }

    /// The name exactly as the tar stores it.
    public var rawName: String {
        get {
            let bare = String(Self.bare(storedPath))
            switch spelling {
            case .plain: return bare
            case .plainSlash: return bare + "/"
            case .dot: return "./" + bare
            case .dotSlash: return "./" + bare + (bare.isEmpty ? "" : "/")
            case .absolute: return "/" + bare
            case .absoluteSlash: return "/" + bare + (bare.isEmpty ? "" : "/")
            case .other: return values.rawName ?? bare
            }
        }
        set {
            let form = Self.spelling(of: newValue, path: storedPath)
            spelling = form
            let keep = form == .other ? newValue : nil
            if keep != rare?.value.rawName { update { $0.rawName = keep } }
        }
    }

    /// The path without its leading slash (paths are normalised absolute; anything else is kept).
    private static func bare(_ path: String) -> Substring {
        path.utf8.first == UInt8(ascii: "/") ? path[path.utf8.index(after: path.utf8.startIndex)...] : path[...]
    }

    /// Whether two records store the same name (cheap when both are spelled the usual way).
    public func hasSameRawName(as other: FileRecord) -> Bool {
        if spelling != .other, other.spelling != .other, storedPath == other.storedPath { return spelling == other.spelling }
        return rawName == other.rawName
    }

    private static func spelling(of raw: String, path: String) -> Spelling {
        // Fast path, nearly every name a builder writes: the path without its leading slash (and
        // a trailing one for folders), compared as bytes.
        let rawCount = raw.utf8.count, pathCount = path.utf8.count
        if rawCount + 1 == pathCount || (rawCount == pathCount && pathCount > 1 && raw.utf8.last == UInt8(ascii: "/")) {
            var r = raw, p = path
            let same = r.withUTF8 { rb in
                p.withUTF8 { pb in
                    pb.first == UInt8(ascii: "/") && (pb.count == 1 || memcmp(rb.baseAddress!, pb.baseAddress! + 1, pb.count - 1) == 0)
                }
            }
            if same { return rawCount + 1 == pathCount ? .plain : .plainSlash }
        }
        let bare = Self.bare(path).utf8
        let name = raw.utf8
        func matches(_ prefix: String, slash: Bool) -> Bool {
            let p = prefix.utf8
            let expected = p.count + bare.count + (slash ? 1 : 0)
            guard name.count == expected, name.starts(with: p) else { return false }
            let middle = name.dropFirst(p.count).prefix(bare.count)
            guard middle.elementsEqual(bare) else { return false }
            return !slash || name.last == UInt8(ascii: "/")
        }
        guard path != "/" else {
            switch raw {
            case "": return .plain
            case "./": return .dotSlash
            case "/": return .absoluteSlash
            default: return .other
            }
        }
        if matches("", slash: false) { return .plain }
        if matches("", slash: true) { return .plainSlash }
        if matches("./", slash: false) { return .dot }
        if matches("./", slash: true) { return .dotSlash }
        if matches("/", slash: false) { return .absolute }
        if matches("/", slash: true) { return .absoluteSlash }
        return .other
    }

    public var atime: Timestamp? {
        get { rare?.value.atime }
        set { if newValue != atime { update { $0.atime = newValue } } }
    }
    public var ctime: Timestamp? {
        get { rare?.value.ctime }
        set { if newValue != ctime { update { $0.ctime = newValue } } }
    }
    /// A symlink's target as stored, or a hardlink's normalised absolute target.
    public var linkTarget: String? {
        get { rare?.value.linkTarget }
        set { if newValue != linkTarget { update { $0.linkTarget = newValue } } }
    }
    /// Extended attributes: name → hex of the value (values are small: capabilities, ACLs, labels).
    public var xattrs: [String: String] {
        get { rare?.value.xattrs ?? [:] }
        set { if newValue != xattrs { update { $0.xattrs = newValue } } }
    }
    /// Device numbers, for device nodes.
    public var devMajor: UInt64 {
        get { rare?.value.devMajor ?? 0 }
        set { if newValue != devMajor { update { $0.devMajor = newValue } } }
    }
    public var devMinor: UInt64 {
        get { rare?.value.devMinor ?? 0 }
        set { if newValue != devMinor { update { $0.devMinor = newValue } } }
    }
    /// For `.pyc` files: SHA-256 of the bytes after the 16-byte PEP 552 header.
    public var pycBodyDigest: Digest? {
        get { rare?.value.pycBodyDigest }
        set { if newValue != pycBodyDigest { update { $0.pycBodyDigest = newValue } } }
    }

    public init(path: String, rawName: String, type: EntryType, mode: UInt32, uid: Int64, gid: Int64,
                uname: String? = nil, gname: String? = nil, size: Int64, mtime: Timestamp? = nil,
                atime: Timestamp? = nil, ctime: Timestamp? = nil, linkTarget: String? = nil,
                xattrs: [String: String] = [:], digest: Digest? = nil, devMajor: UInt64 = 0, devMinor: UInt64 = 0,
                order: Int = 0, pycBodyDigest: Digest? = nil) {
        storedPath = path
        spelling = Self.spelling(of: rawName, path: path)
        self.type = type; self.mode = mode; self.uid = uid; self.gid = gid
        self.uname = uname; self.gname = gname; self.size = size; self.mtime = mtime
        self.digest = digest; self.order = order
        let v = Values(rawName: spelling == .other ? rawName : nil, atime: atime, ctime: ctime, linkTarget: linkTarget,
                       xattrs: xattrs, devMajor: devMajor, devMinor: devMinor, pycBodyDigest: pycBodyDigest)
        rare = v.isEmpty ? nil : RareFields(v)
    }
}

// The stored form (snapshots, the layer cache) names every field, as the first layout did.
extension FileRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case path, rawName, type, mode, uid, gid, uname, gname, size, mtime, atime, ctime, linkTarget, xattrs, digest
        case devMajor, devMinor, order, pycBodyDigest
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = try c.decode(String.self, forKey: .path)
        self.init(
            path: path, rawName: try c.decodeIfPresent(String.self, forKey: .rawName) ?? String(path.dropFirst()),
            type: try c.decode(EntryType.self, forKey: .type), mode: try c.decode(UInt32.self, forKey: .mode),
            uid: try c.decode(Int64.self, forKey: .uid), gid: try c.decode(Int64.self, forKey: .gid),
            uname: try c.decodeIfPresent(String.self, forKey: .uname), gname: try c.decodeIfPresent(String.self, forKey: .gname),
            size: try c.decode(Int64.self, forKey: .size), mtime: try c.decodeIfPresent(Timestamp.self, forKey: .mtime),
            atime: try c.decodeIfPresent(Timestamp.self, forKey: .atime), ctime: try c.decodeIfPresent(Timestamp.self, forKey: .ctime),
            linkTarget: try c.decodeIfPresent(String.self, forKey: .linkTarget),
            xattrs: try c.decodeIfPresent([String: String].self, forKey: .xattrs) ?? [:],
            digest: try c.decodeIfPresent(Digest.self, forKey: .digest),
            devMajor: try c.decodeIfPresent(UInt64.self, forKey: .devMajor) ?? 0,
            devMinor: try c.decodeIfPresent(UInt64.self, forKey: .devMinor) ?? 0,
            order: try c.decodeIfPresent(Int.self, forKey: .order) ?? 0,
            pycBodyDigest: try c.decodeIfPresent(Digest.self, forKey: .pycBodyDigest))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(rawName, forKey: .rawName)
        try c.encode(type, forKey: .type)
        try c.encode(mode, forKey: .mode)
        try c.encode(uid, forKey: .uid)
        try c.encode(gid, forKey: .gid)
        try c.encodeIfPresent(uname, forKey: .uname)
        try c.encodeIfPresent(gname, forKey: .gname)
        try c.encode(size, forKey: .size)
        try c.encodeIfPresent(mtime, forKey: .mtime)
        try c.encodeIfPresent(atime, forKey: .atime)
        try c.encodeIfPresent(ctime, forKey: .ctime)
        try c.encodeIfPresent(linkTarget, forKey: .linkTarget)
        try c.encode(xattrs, forKey: .xattrs)
        // A twin's stand-in is no SHA-256 and never leaves the comparison that made it.
        if !twin { try c.encodeIfPresent(digest, forKey: .digest) }
        try c.encode(devMajor, forKey: .devMajor)
        try c.encode(devMinor, forKey: .devMinor)
        try c.encode(order, forKey: .order)
        try c.encodeIfPresent(pycBodyDigest, forKey: .pycBodyDigest)
    }
}

/// A whiteout: a deletion recorded in a layer (`.wh.<name>`) or an opaque directory (`.wh..wh..opq`).
public struct Whiteout: Sendable, Codable, Hashable {
    /// The path deleted, or the directory made opaque.
    public var path: String
    /// Whether it is an opaque-directory marker.
    public var opaque: Bool
    /// The name as stored.
    public var rawName: String
}

/// Something unsafe or odd in an image: data to report, never a path that driftscope follows.
public struct Finding: Sendable, Codable, Hashable {
    /// Kinds of finding.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// A name that escapes the root (`../../etc/passwd`).
        case unsafePath = "unsafe-path"
        /// A name stored absolute (`/etc/x`).
        case absolutePath = "absolute-path"
        /// A symlink whose target climbs above the root.
        case unsafeSymlink = "unsafe-symlink"
        /// An entry whose path goes through a symlink (written through it on extraction).
        case writeThroughSymlink = "write-through-symlink"
        /// A hardlink to a path that does not exist.
        case missingHardlinkTarget = "missing-hardlink-target"
        /// The same path twice in one layer (the last wins).
        case duplicatePath = "duplicate-path"
        /// The media type declares one compression, the bytes show another.
        case compressionMismatch = "compression-mismatch"
        /// A device node, fifo or socket.
        case specialFile = "special-file"
    }
    /// The kind.
    public var kind: Kind
    /// The image path concerned (as stored when it cannot be normalised safely).
    public var path: String
    /// The layer index, when the finding belongs to one layer.
    public var layer: Int?
    /// What it means.
    public var message: String

    public init(kind: Kind, path: String, layer: Int?, message: String) {
        self.kind = kind; self.path = path; self.layer = layer; self.message = message
    }
}

/// Everything the walk learns of one layer: the index of its entries, not their bytes, plus the
/// content of the few small files asked for (package databases).
public struct LayerIndex: Sendable, Codable {
    /// The layer's blob digest (verified).
    public var digest: Digest
    /// The layer's diff_id (verified).
    public var diffID: Digest
    /// The declared media type.
    public var mediaType: String
    /// The compression the bytes show.
    public var detectedCompression: Compression
    /// The compressed (stored) size.
    public var compressedSize: Int64
    /// The uncompressed tar stream's size.
    public var uncompressedSize: Int64
    /// Entries in layer order, duplicates resolved (the last wins).
    public var entries: [FileRecord]
    /// Whiteouts in layer order.
    public var whiteouts: [Whiteout]
    /// Findings of this layer.
    public var findings: [Finding]
    /// Captured contents, by absolute path.
    public var captured: [String: Data]
    /// How many tar entries the layer has (whiteouts included).
    public var entryCount: Int
    /// Files whose digests the other walk at the same position settles after this walk ended
    /// (path → index in `entries`): filled in by `settle` once both walks are done. Not stored.
    package var awaiting: [String: Int] = [:]

    private enum CodingKeys: String, CodingKey {
        case digest, diffID, mediaType, detectedCompression, compressedSize, uncompressedSize, entries, whiteouts
        case findings, captured, entryCount
    }

    /// Whether any record's digest is a twin's stand-in (such an index is never cached).
    public var hasTwins: Bool { entries.contains { $0.twin } }

    /// Fills in the digests settled for the files in `awaiting`, and hardlinks to them.
    package mutating func settle(_ found: [String: PairExchange.Settled]) {
        guard !awaiting.isEmpty else { return }
        for (path, settled) in found {
            guard let i = awaiting.removeValue(forKey: path) else { continue }
            entries[i].digest = settled.digest
            entries[i].twin = settled.twin
            if entries[i].path.hasSuffix(".pyc") { entries[i].pycBodyDigest = settled.body }
        }
        LayerIndex.linkHardlinks(&entries)
    }

    /// Gives hardlinks without a digest their target's digest, when the target is a file of the
    /// same layer that was settled after the hardlink was read.
    static func linkHardlinks(_ entries: inout [FileRecord]) {
        var files: [String: Int]?
        for i in entries.indices where entries[i].type == .hardlink && entries[i].digest == nil {
            if files == nil {
                files = [:]
                for (j, e) in entries.enumerated() where e.type == .file { files![e.path] = j }
            }
            if let target = entries[i].linkTarget, let t = files?[target], entries[t].digest != nil {
                entries[i].digest = entries[t].digest
                entries[i].twin = entries[t].twin
            }
        }
    }
}
