import DriftscopeArchive
import Foundation

/// One entry of a layer as recorded by the walk: its metadata and the SHA-256 of its content,
/// never its bytes.
public struct FileRecord: Sendable, Codable, Hashable {
    /// The normalised absolute image path (`/etc/passwd`; the root is `/`).
    public var path: String
    /// The name exactly as the tar stores it.
    public var rawName: String
    /// The entry type.
    public var type: EntryType
    /// Permission bits including setuid/setgid/sticky.
    public var mode: UInt32
    public var uid: Int64
    public var gid: Int64
    public var uname: String?
    public var gname: String?
    /// Content size (0 for non-files).
    public var size: Int64
    public var mtime: Timestamp?
    public var atime: Timestamp?
    public var ctime: Timestamp?
    /// A symlink's target as stored, or a hardlink's normalised absolute target.
    public var linkTarget: String?
    /// Extended attributes: name → hex of the value (values are small: capabilities, ACLs, labels).
    public var xattrs: [String: String]
    /// SHA-256 of the content, for regular files (and hardlinks, the target's once merged).
    public var digest: Digest?
    /// Device numbers, for device nodes.
    public var devMajor: UInt64
    public var devMinor: UInt64
    /// Position of the entry in its layer.
    public var order: Int
    /// For `.pyc` files: SHA-256 of the bytes after the 16-byte PEP 552 header.
    public var pycBodyDigest: Digest?

    public init(path: String, rawName: String, type: EntryType, mode: UInt32, uid: Int64, gid: Int64,
                uname: String? = nil, gname: String? = nil, size: Int64, mtime: Timestamp? = nil,
                atime: Timestamp? = nil, ctime: Timestamp? = nil, linkTarget: String? = nil,
                xattrs: [String: String] = [:], digest: Digest? = nil, devMajor: UInt64 = 0, devMinor: UInt64 = 0,
                order: Int = 0, pycBodyDigest: Digest? = nil) {
        self.path = path; self.rawName = rawName; self.type = type; self.mode = mode; self.uid = uid; self.gid = gid
        self.uname = uname; self.gname = gname; self.size = size; self.mtime = mtime; self.atime = atime
        self.ctime = ctime; self.linkTarget = linkTarget; self.xattrs = xattrs; self.digest = digest
        self.devMajor = devMajor; self.devMinor = devMinor; self.order = order; self.pycBodyDigest = pycBodyDigest
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
}
