import DriftscopeArchive
import Foundation

/// One entry of a fixture layer: a tar header and, for regular files, its content.
///
/// Paths are written exactly as given (pick `etc/x` or `./etc/x` yourself); nothing is normalised,
/// so hostile names (`../../etc/passwd`, `/abs`, names with newlines or terminal escapes) work.
/// libarchive's one rewrite: a directory's name always ends with `/` in the archive.
///
/// ```swift
/// let layer = FixtureLayer([
///     .dir("etc"),
///     .file("etc/os-release", "ID=debian\n"),
///     .file("usr/bin/su", "ELF", mode: 0o4755),
///     .symlink("bin", target: "usr/bin"),
///     .whiteout("var/cache/apt"),
/// ])
/// ```
public struct FixtureEntry: Sendable, Hashable {
    /// The header written for this entry.
    public var header: WriteEntry
    /// The content of a regular file (nil for other types).
    public var content: Data?

    /// The mtime fixtures use unless told otherwise: 2023-11-14T22:13:20Z.
    public static let defaultMTime: Int64 = 1_700_000_000

    /// Wraps a header and content as they are.
    public init(header: WriteEntry, content: Data? = nil) {
        self.header = header
        self.content = content
    }

    private static func make(_ path: String, _ type: EntryType, content: Data? = nil, mode: UInt32, uid: Int64,
                             gid: Int64, uname: String?, gname: String?, mtime: Int64,
                             xattrs: [String: Data] = [:], linkTarget: String? = nil,
                             major: UInt64 = 0, minor: UInt64 = 0) -> FixtureEntry {
        FixtureEntry(header: WriteEntry(
            name: path, type: type, permissions: mode, uid: uid, gid: gid, uname: uname, gname: gname,
            mtime: Timestamp(seconds: mtime), linkTarget: linkTarget, xattrs: xattrs,
            rdevMajor: major, rdevMinor: minor), content: content)
    }

    /// A regular file with text content.
    public static func file(_ path: String, _ content: String = "", mode: UInt32 = 0o644, uid: Int64 = 0,
                            gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                            mtime: Int64 = defaultMTime, xattrs: [String: Data] = [:]) -> FixtureEntry {
        make(path, .file, content: Data(content.utf8), mode: mode, uid: uid, gid: gid, uname: uname,
             gname: gname, mtime: mtime, xattrs: xattrs)
    }

    /// A regular file with binary content.
    public static func file(_ path: String, data: Data, mode: UInt32 = 0o644, uid: Int64 = 0, gid: Int64 = 0,
                            uname: String? = nil, gname: String? = nil, mtime: Int64 = defaultMTime,
                            xattrs: [String: Data] = [:]) -> FixtureEntry {
        make(path, .file, content: data, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname,
             mtime: mtime, xattrs: xattrs)
    }

    /// A directory (written with a trailing `/`).
    public static func dir(_ path: String, mode: UInt32 = 0o755, uid: Int64 = 0, gid: Int64 = 0,
                           uname: String? = nil, gname: String? = nil, mtime: Int64 = defaultMTime,
                           xattrs: [String: Data] = [:]) -> FixtureEntry {
        make(path, .directory, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime,
             xattrs: xattrs)
    }

    /// A symbolic link; the target is stored verbatim (relative, absolute or dangling).
    public static func symlink(_ path: String, target: String, mode: UInt32 = 0o777, uid: Int64 = 0,
                               gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                               mtime: Int64 = defaultMTime) -> FixtureEntry {
        make(path, .symlink, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime,
             linkTarget: target)
    }

    /// A hard link to an earlier entry's name (a header with size 0 and a link name).
    public static func hardlink(_ path: String, target: String, mode: UInt32 = 0o644, uid: Int64 = 0,
                                gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                                mtime: Int64 = defaultMTime) -> FixtureEntry {
        make(path, .hardlink, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime,
             linkTarget: target)
    }

    /// A named pipe.
    public static func fifo(_ path: String, mode: UInt32 = 0o644, uid: Int64 = 0, gid: Int64 = 0,
                            uname: String? = nil, gname: String? = nil, mtime: Int64 = defaultMTime) -> FixtureEntry {
        make(path, .fifo, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime)
    }

    /// A character device.
    public static func charDevice(_ path: String, major: UInt64, minor: UInt64, mode: UInt32 = 0o666,
                                  uid: Int64 = 0, gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                                  mtime: Int64 = defaultMTime) -> FixtureEntry {
        make(path, .characterDevice, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime,
             major: major, minor: minor)
    }

    /// A block device.
    public static func blockDevice(_ path: String, major: UInt64, minor: UInt64, mode: UInt32 = 0o660,
                                   uid: Int64 = 0, gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                                   mtime: Int64 = defaultMTime) -> FixtureEntry {
        make(path, .blockDevice, mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime,
             major: major, minor: minor)
    }

    /// An OCI whiteout deleting `path` from lower layers: an empty file `<dir>/.wh.<name>`
    /// (`./a/b` becomes `./a/.wh.b`; a trailing `/` is ignored).
    public static func whiteout(_ path: String, mode: UInt32 = 0o644, uid: Int64 = 0, gid: Int64 = 0,
                                uname: String? = nil, gname: String? = nil, mtime: Int64 = defaultMTime) -> FixtureEntry {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let name: String
        if let slash = trimmed.lastIndex(of: "/") {
            name = "\(trimmed[...slash]).wh.\(trimmed[trimmed.index(after: slash)...])"
        } else {
            name = ".wh.\(trimmed)"
        }
        return make(name, .file, content: Data(), mode: mode, uid: uid, gid: gid, uname: uname, gname: gname, mtime: mtime)
    }

    /// An OCI opaque-directory marker hiding everything lower layers put in `dir`:
    /// an empty file `<dir>/.wh..wh..opq`.
    public static func opaque(_ dir: String, mode: UInt32 = 0o644, uid: Int64 = 0, gid: Int64 = 0,
                              uname: String? = nil, gname: String? = nil, mtime: Int64 = defaultMTime) -> FixtureEntry {
        let prefix = dir.isEmpty || dir.hasSuffix("/") ? dir : dir + "/"
        return make(prefix + ".wh..wh..opq", .file, content: Data(), mode: mode, uid: uid, gid: gid, uname: uname,
                    gname: gname, mtime: mtime)
    }

    /// Any header, with its exact name: for sockets of the wrong type, sizes that disagree with the
    /// content, hardlinks to nowhere and the like.
    public static func raw(name: String, type: EntryType = .file, content: Data? = nil, mode: UInt32? = nil,
                           uid: Int64 = 0, gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                           mtime: Int64 = defaultMTime, linkTarget: String? = nil, size: Int64? = nil,
                           xattrs: [String: Data] = [:]) -> FixtureEntry {
        FixtureEntry(header: WriteEntry(
            name: name, type: type, permissions: mode, uid: uid, gid: gid, uname: uname, gname: gname,
            mtime: Timestamp(seconds: mtime), linkTarget: linkTarget, xattrs: xattrs, size: size), content: content)
    }

    /// A regular file whose name is arbitrary bytes (for names that are not valid UTF-8).
    public static func raw(nameBytes: [UInt8], content: Data = Data(), mode: UInt32 = 0o644,
                           mtime: Int64 = defaultMTime) -> FixtureEntry {
        FixtureEntry(header: WriteEntry(name: decodeLossless(nameBytes), type: .file, permissions: mode,
                                        mtime: Timestamp(seconds: mtime), nameBytes: nameBytes),
                     content: content)
    }

    /// A copy with any header field changed, e.g. `.with { $0.atime = Timestamp(seconds: 1, nanoseconds: 5) }`.
    public func with(_ change: (inout WriteEntry) -> Void) -> FixtureEntry {
        var copy = self
        change(&copy.header)
        return copy
    }

    /// A copy with a nanosecond-precision mtime (which forces a PAX record).
    public func mtime(_ seconds: Int64, nanoseconds: Int64) -> FixtureEntry {
        with { $0.mtime = Timestamp(seconds: seconds, nanoseconds: nanoseconds) }
    }
}

/// How a fixture layer's tar is compressed.
public enum FixtureCompression: Sendable, Hashable {
    /// A plain tar (`application/vnd.oci.image.layer.v1.tar`).
    case none
    /// gzip, level 6, no timestamp (`...tar+gzip`).
    case gzip
    /// zstd, level 3 (`...tar+zstd`).
    case zstd

    /// The writer's compression.
    public var archiveCompression: ArchiveWriter.Compression {
        switch self {
        case .none: return .none
        case .gzip: return .gzip(level: 6)
        case .zstd: return .zstd(level: 3)
        }
    }
}

/// The tar dialect of a fixture layer or archive.
public enum TarFlavor: Sendable, Hashable {
    /// POSIX pax (ustar headers, PAX records where needed, nanoseconds kept): as Docker and
    /// BuildKit write layers.
    case pax
    /// libarchive's restricted pax (bsdtar's default): nanoseconds dropped unless a PAX record is
    /// needed anyway.
    case paxRestricted
    /// Plain ustar: no xattrs, names up to 255 bytes.
    case ustar
    /// GNU tar: `././@LongLink` names.
    case gnu

    /// The writer's format.
    public var archiveFormat: ArchiveWriter.Format {
        switch self {
        case .pax: return .pax
        case .paxRestricted: return .paxRestricted
        case .ustar: return .ustar
        case .gnu: return .gnu
        }
    }
}

/// One layer of a fixture image.
public struct FixtureLayer: Sendable, Hashable {
    /// The entries, in archive order.
    public var entries: [FixtureEntry]
    /// The blob's compression. Docker-archives store layers uncompressed whatever this says, as
    /// `docker save` does, unless `FixtureOptions.compressDockerArchiveLayers` is set.
    public var compression: FixtureCompression
    /// The tar dialect.
    public var flavor: TarFlavor
    /// Bytes appended after the tar end marker inside the compressed stream (like an eStargz
    /// footer); the diff_id covers them.
    public var trailingBytes: Data?
    /// The descriptor's media type, overriding the one that follows from the compression.
    public var mediaType: String?
    /// Descriptor annotations for this layer in the manifest.
    public var annotations: [String: String]
    /// When set, the blob and its diff_id are used exactly as given and `entries` is ignored (for
    /// blobs that are not tars, or were made by a real tool).
    public var prebuilt: PrebuiltBlob?

    /// A layer blob taken as is.
    public struct PrebuiltBlob: Sendable, Hashable {
        /// The blob bytes as stored.
        public var blob: Data
        /// The diff_id to record in the config (SHA-256 of the uncompressed stream, or anything).
        public var diffID: Digest
        /// Creates a prebuilt blob.
        public init(blob: Data, diffID: Digest) {
            self.blob = blob
            self.diffID = diffID
        }
    }

    /// Creates a layer from entries.
    public init(_ entries: [FixtureEntry], compression: FixtureCompression = .gzip, flavor: TarFlavor = .pax,
                trailingBytes: Data? = nil, mediaType: String? = nil, annotations: [String: String] = [:]) {
        self.entries = entries
        self.compression = compression
        self.flavor = flavor
        self.trailingBytes = trailingBytes
        self.mediaType = mediaType
        self.annotations = annotations
        self.prebuilt = nil
    }

    /// Creates a layer from entries (the same as `init(_:...)`, with the label spelled out).
    public init(entries: [FixtureEntry], compression: FixtureCompression = .gzip, flavor: TarFlavor = .pax,
                trailingBytes: Data? = nil, mediaType: String? = nil, annotations: [String: String] = [:]) {
        self.init(entries, compression: compression, flavor: flavor, trailingBytes: trailingBytes,
                  mediaType: mediaType, annotations: annotations)
    }

    /// A layer whose blob is given byte for byte. `compression` only chooses the media type.
    public static func prebuilt(blob: Data, diffID: Digest, compression: FixtureCompression = .gzip,
                                mediaType: String? = nil) -> FixtureLayer {
        var layer = FixtureLayer([], compression: compression, mediaType: mediaType)
        layer.prebuilt = PrebuiltBlob(blob: blob, diffID: diffID)
        return layer
    }

    /// The uncompressed layer stream: the tar of `entries` followed by `trailingBytes`.
    public func tarBytes() throws -> Data {
        let writer = try ArchiveWriter(format: flavor.archiveFormat)
        for entry in entries { try writer.write(entry: entry.header, data: entry.content) }
        try writer.finish()
        var tar = writer.data
        if let trailingBytes { tar.append(trailingBytes) }
        return tar
    }
}
