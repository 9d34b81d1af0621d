import CArchive
import Foundation

/// One archive entry's header, as the caller wants it written.
///
/// Nothing is normalised: the name, link target and ids go into the header exactly as given, so
/// tests can build hostile archives (`../../etc/passwd`, `/abs`, names with newlines or terminal
/// escapes). The one rewrite is libarchive's own: a directory's name always gets a trailing `/`.
public struct WriteEntry: Sendable, Hashable {
    /// The entry name, written verbatim (UTF-8).
    public var name: String
    /// When set, the name's exact bytes, which need not be valid UTF-8; `name` is then ignored.
    public var nameBytes: [UInt8]?
    /// The kind of entry; `.socket` and `.unknown` cannot be written to tar.
    public var type: EntryType
    /// Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000).
    public var permissions: UInt32
    /// Numeric owner.
    public var uid: Int64
    /// Numeric group.
    public var gid: Int64
    /// Owner name, or nil for an empty field.
    public var uname: String?
    /// Group name, or nil for an empty field.
    public var gname: String?
    /// Modification time; nanoseconds are kept only by the pax formats.
    public var mtime: Timestamp
    /// Access time; pax only (it forces a PAX record).
    public var atime: Timestamp?
    /// Status-change time; pax only (it forces a PAX record).
    public var ctime: Timestamp?
    /// The symlink target (for `.symlink`) or the name linked to (for `.hardlink`), verbatim.
    public var linkTarget: String?
    /// Extended attributes (pax only, as `SCHILY.xattr.<name>` records), written in name order.
    public var xattrs: [String: Data]
    /// The size recorded in the header; nil means the length of the data (0 for non-files).
    /// A size that disagrees with the data is written as given: libarchive truncates longer data
    /// and pads shorter data with zeros.
    public var size: Int64?
    /// Device major number (character and block devices).
    public var rdevMajor: UInt64
    /// Device minor number (character and block devices).
    public var rdevMinor: UInt64

    /// Creates an entry header; every field but name and type has a neutral default.
    public init(name: String, type: EntryType = .file, permissions: UInt32? = nil,
                uid: Int64 = 0, gid: Int64 = 0, uname: String? = nil, gname: String? = nil,
                mtime: Timestamp = Timestamp(seconds: 0), atime: Timestamp? = nil, ctime: Timestamp? = nil,
                linkTarget: String? = nil, xattrs: [String: Data] = [:], size: Int64? = nil,
                rdevMajor: UInt64 = 0, rdevMinor: UInt64 = 0, nameBytes: [UInt8]? = nil) {
        self.name = name
        self.nameBytes = nameBytes
        self.type = type
        self.permissions = permissions ?? WriteEntry.defaultPermissions(for: type)
        self.uid = uid
        self.gid = gid
        self.uname = uname
        self.gname = gname
        self.mtime = mtime
        self.atime = atime
        self.ctime = ctime
        self.linkTarget = linkTarget
        self.xattrs = xattrs
        self.size = size
        self.rdevMajor = rdevMajor
        self.rdevMinor = rdevMinor
    }

    /// 0o755 for directories, 0o777 for symlinks, 0o644 otherwise.
    public static func defaultPermissions(for type: EntryType) -> UInt32 {
        switch type {
        case .directory: return 0o755
        case .symlink: return 0o777
        default: return 0o644
        }
    }
}

/// Writes tar archives (or one raw stream), optionally gzip- or zstd-compressed, to a file or into
/// memory. Owns the libarchive `archive *` and frees it in `deinit`; not thread-safe.
///
/// Output is byte-deterministic: the gzip header carries no timestamp, xattrs are written in name
/// order, and nothing depends on the clock, the locale's time zone or the process.
public final class ArchiveWriter {
    /// The archive format.
    public enum Format: Sendable, Hashable {
        /// POSIX pax as bsdtar writes it: plain ustar headers, preceded by a PAX record only for
        /// what ustar cannot hold (long or non-ASCII names, large ids, xattrs, times before 1970 or
        /// after 2038). Unlike libarchive's restricted pax, nanoseconds, atime and ctime are always
        /// recorded when the entry has them; entries without them come out byte-identical.
        case pax
        /// libarchive's "restricted pax" exactly (bsdtar's default): nanoseconds, atime and ctime
        /// are dropped unless the entry needs a PAX record for another reason.
        case paxRestricted
        /// POSIX ustar: no PAX records, names up to 255 bytes split at a `/`, no xattrs.
        case ustar
        /// GNU tar: `././@LongLink` entries for long names, no xattrs.
        case gnu
        /// A single unstructured stream written with `writeRaw(_:)`: compresses arbitrary bytes.
        case raw
    }

    /// The compression filter applied to the whole output.
    public enum Compression: Sendable, Hashable {
        /// No filter.
        case none
        /// gzip (zlib deflate), level 0–9, with a zero timestamp in the header.
        case gzip(level: Int = 6)
        /// zstd at a libzstd level (negative fast levels up to 22; 0 means libzstd's default, 3).
        case zstd(level: Int = 3)
    }

    /// Where the bytes go.
    private enum Destination {
        case file(String)
        case memory(Unmanaged<MemorySink>)
    }

    private let handle: OpaquePointer
    private let destination: Destination
    /// The format written.
    public let format: Format
    /// The compression written.
    public let compression: Compression
    /// libarchive warnings met so far (e.g. a name that could not be converted to UTF-8 and was
    /// stored with `hdrcharset=BINARY`). Warnings do not stop writing.
    public private(set) var warnings: [String] = []
    private var finished = false
    private var rawHeaderWritten = false
    private let utf8Locale: locale_t?

    /// Creates a writer that writes the archive to `path` (created or truncated).
    ///
    /// - Parameter padToBlock: pads the output (after compression) with zeros to a multiple of
    ///   10240 bytes, as tar does writing to a tape; by default the output ends with the tar end
    ///   marker (or the compressed stream's trailer).
    public init(path: String, format: Format, compression: Compression = .none, padToBlock: Bool = false) throws(ArchiveError) {
        guard let a = archive_write_new() else { throw .allocationFailed }
        handle = a
        self.format = format
        self.compression = compression
        destination = .file(path)
        utf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
        try inUTF8Locale { () throws(ArchiveError) in
            try configure(padToBlock: padToBlock)
            let code = path.withCString { archive_write_open_filename(a, $0) }
            try check(code, "cannot open \(path) for writing")
        }
    }

    /// Creates a writer that collects the archive in memory; read it from `data` after `finish()`.
    public init(format: Format, compression: Compression = .none, padToBlock: Bool = false) throws(ArchiveError) {
        guard let a = archive_write_new() else { throw .allocationFailed }
        handle = a
        self.format = format
        self.compression = compression
        let sink = Unmanaged.passRetained(MemorySink())
        destination = .memory(sink)
        utf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
        try inUTF8Locale { () throws(ArchiveError) in
            try configure(padToBlock: padToBlock)
            let code = archive_write_open2(a, sink.toOpaque(), nil, memoryWriteCallback, nil, nil)
            try check(code, "cannot open the in-memory archive")
        }
    }

    deinit {
        // archive_write_free closes an unfinished archive, which may still call the write
        // callback: the sink must outlive it.
        if let utf8Locale {
            let previous = uselocale(utf8Locale)
            archive_write_free(handle)
            uselocale(previous)
            freelocale(utf8Locale)
        } else {
            archive_write_free(handle)
        }
        if case .memory(let sink) = destination { sink.release() }
    }

    /// Runs libarchive calls with this thread's LC_CTYPE set to C.UTF-8.
    ///
    /// libarchive converts names between "the current locale" and UTF-8. A Swift process runs in
    /// the C locale, where any non-ASCII name fails that conversion and is stored with
    /// `hdrcharset=BINARY` (and a non-ASCII name set through `archive_entry_set_pathname_utf8`
    /// makes libarchive 3.6.2's pax writer dereference a NULL pathname).
    /// `uselocale` changes only the calling thread, and only for the duration of the call, unlike
    /// a process-wide `setlocale`. Without a C.UTF-8 locale, non-ASCII names fall back to BINARY.
    private func inUTF8Locale<T>(_ body: () throws(ArchiveError) -> T) throws(ArchiveError) -> T {
        guard let utf8Locale else { return try body() }
        let previous = uselocale(utf8Locale)
        defer { uselocale(previous) }
        return try body()
    }

    /// The bytes written so far into memory (the whole archive once `finish()` returned); empty for
    /// a writer that writes to a file.
    public var data: Data {
        if case .memory(let sink) = destination { return sink.takeUnretainedValue().data }
        return Data()
    }

    private func configure(padToBlock: Bool) throws(ArchiveError) {
        let a = handle
        switch format {
        case .pax:
            try check(archive_write_set_format_pax(a), "cannot select the pax format")
        case .paxRestricted:
            try check(archive_write_set_format_pax_restricted(a), "cannot select the restricted pax format")
        case .ustar:
            try check(archive_write_set_format_ustar(a), "cannot select the ustar format")
        case .gnu:
            try check(archive_write_set_format_gnutar(a), "cannot select the GNU tar format")
        case .raw:
            try check(archive_write_set_format_raw(a), "cannot select the raw format")
        }
        if format == .pax || format == .paxRestricted {
            // Docker, BuildKit and Go's archive/tar write SCHILY.xattr only; libarchive's default
            // adds a second, base64 LIBARCHIVE.xattr record for each attribute.
            try setOption(archive_write_set_format_option, "pax", "xattrheader", "SCHILY")
        }
        switch compression {
        case .none:
            break
        case .gzip(let level):
            guard (0...9).contains(level) else { throw .writeFailed(message: "gzip level \(level) is out of range (0–9)") }
            try check(archive_write_add_filter_gzip(a), "cannot add the gzip filter")
            try setOption(archive_write_set_filter_option, "gzip", "compression-level", String(level))
            // "!timestamp": zero MTIME in the gzip header instead of the wall clock.
            try setOption(archive_write_set_filter_option, "gzip", "timestamp", nil)
        case .zstd(let level):
            try check(archive_write_add_filter_zstd(a), "cannot add the zstd filter")
            try setOption(archive_write_set_filter_option, "zstd", "compression-level", String(level))
        }
        // libarchive pads the last block to 10240 bytes by default when writing to memory (and
        // after the compressor, too); 1 means "no padding".
        try check(archive_write_set_bytes_in_last_block(a, padToBlock ? 0 : 1), "cannot set block padding")
    }

    private typealias OptionSetter = (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32

    private func setOption(_ setter: OptionSetter, _ module: String, _ key: String, _ value: String?) throws(ArchiveError) {
        let code: Int32 = module.withCString { m in
            key.withCString { k in
                if let value { return value.withCString { v in setter(handle, m, k, v) } }
                return setter(handle, m, k, nil)
            }
        }
        // ARCHIVE_WARN here means "no module took the option": for us, a wrong option is a bug.
        if code != ARCHIVE_OK {
            throw .writeFailed(message: "libarchive refused option \(module):\(key)=\(value ?? "(off)"): \(errorString(handle))")
        }
    }

    private func check(_ code: Int32, _ what: String) throws(ArchiveError) {
        if code == ARCHIVE_WARN {
            warnings.append(errorString(handle))
        } else if code < ARCHIVE_WARN {
            throw .writeFailed(message: "\(what): \(errorString(handle))")
        }
    }

    private func ensureOpen() throws(ArchiveError) {
        if finished { throw .writeFailed(message: "the archive was already finished") }
    }

    /// Writes one entry: its header, then its data (regular files only; ignored otherwise).
    public func write(entry: WriteEntry, data: Data? = nil) throws(ArchiveError) {
        var header = entry
        if header.size == nil, entry.type == .file { header.size = Int64(data?.count ?? 0) }
        try writeHeader(header)
        if let data, !data.isEmpty, entry.type == .file { try writeData(data) }
        try check(archive_write_finish_entry(handle), "cannot finish entry \(describe(entry))")
    }

    /// Writes one entry's header; follow with `writeData(_:)` calls for a regular file's content
    /// (in chunks, for content too large to hold at once). `size` must be set for a file.
    public func writeHeader(_ entry: WriteEntry) throws(ArchiveError) {
        try ensureOpen()
        guard let e = archive_entry_new() else { throw .allocationFailed }
        defer { archive_entry_free(e) }
        try Self.fill(e, from: entry)
        noteDroppedFields(of: entry)
        try inUTF8Locale { () throws(ArchiveError) in
            try check(archive_write_header(handle, e), "cannot write the header of \(describe(entry))")
        }
    }

    /// Appends content to the current entry (bytes beyond its recorded size are dropped by
    /// libarchive), or, in the raw format, to the stream.
    public func writeData(_ data: Data) throws(ArchiveError) {
        try ensureOpen()
        var failed = false
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = archive_write_data(handle, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { failed = true; return }
                if n == 0 { return }  // entry full: libarchive drops the rest
                offset += n
            }
        }
        if failed { throw .writeFailed(message: "cannot write data: \(errorString(handle))") }
    }

    /// Appends bytes to a raw-format stream (the first call writes libarchive's one raw entry).
    public func writeRaw(_ data: Data) throws(ArchiveError) {
        guard format == .raw else { throw .writeFailed(message: "writeRaw needs the raw format, not \(format)") }
        try ensureOpen()
        if !rawHeaderWritten {
            try writeHeader(WriteEntry(name: "data", type: .file))
            rawHeaderWritten = true
        }
        try writeData(data)
    }

    /// Writes the end of the archive (tar end marker, compressor trailer) and closes the output.
    /// Nothing can be written afterwards.
    public func finish() throws(ArchiveError) {
        try ensureOpen()
        finished = true
        if format == .raw && !rawHeaderWritten {
            // An empty raw stream still needs its one entry for the filters to emit a valid frame.
            try writeHeader(WriteEntry(name: "data", type: .file))
            rawHeaderWritten = true
        }
        try inUTF8Locale { () throws(ArchiveError) in
            try check(archive_write_close(handle), "cannot finish the archive")
        }
    }

    /// Records, as warnings, what the format cannot store and libarchive silently drops.
    private func noteDroppedFields(of entry: WriteEntry) {
        guard format == .ustar || format == .gnu else { return }
        var dropped: [String] = []
        if !entry.xattrs.isEmpty { dropped.append("xattrs") }
        if entry.atime != nil { dropped.append("atime") }
        if entry.ctime != nil { dropped.append("ctime") }
        if entry.mtime.nanoseconds != 0 { dropped.append("mtime nanoseconds") }
        if !dropped.isEmpty {
            warnings.append("\(format) cannot store the \(dropped.joined(separator: ", ")) of \(describe(entry)): dropped")
        }
    }

    private func describe(_ entry: WriteEntry) -> String {
        // debugDescription quotes the name and escapes newlines and terminal escapes.
        (entry.nameBytes.map { decodeLossless($0) } ?? entry.name).debugDescription
    }

    static func fill(_ e: OpaquePointer, from entry: WriteEntry) throws(ArchiveError) {
        // Strings go in as the locale's multibyte form (UTF-8, see `inUTF8Locale`), which libarchive
        // stores as given and converts only when writing the header.
        let nameBytes = entry.nameBytes ?? Array(entry.name.utf8)
        guard !nameBytes.contains(0), !nameBytes.isEmpty else {
            throw .writeFailed(message: "an entry name must be non-empty and cannot contain a NUL byte")
        }
        (nameBytes + [0]).withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { archive_entry_copy_pathname(e, $0) }
        }
        let filetype: UInt32
        switch entry.type {
        case .file, .hardlink: filetype = 0o100000
        case .directory: filetype = 0o040000
        case .symlink: filetype = 0o120000
        case .characterDevice: filetype = 0o020000
        case .blockDevice: filetype = 0o060000
        case .fifo: filetype = 0o010000
        case .socket: filetype = 0o140000
        case .unknown: throw .writeFailed(message: "an entry of unknown type cannot be written")
        }
        archive_entry_set_filetype(e, filetype)
        archive_entry_set_perm(e, mode_t(entry.permissions & 0o7777))
        archive_entry_set_uid(e, entry.uid)
        archive_entry_set_gid(e, entry.gid)
        if let uname = entry.uname { uname.withCString { archive_entry_copy_uname(e, $0) } }
        if let gname = entry.gname { gname.withCString { archive_entry_copy_gname(e, $0) } }
        archive_entry_set_mtime(e, time_t(entry.mtime.seconds), Int(entry.mtime.nanoseconds))
        if let t = entry.atime { archive_entry_set_atime(e, time_t(t.seconds), Int(t.nanoseconds)) }
        if let t = entry.ctime { archive_entry_set_ctime(e, time_t(t.seconds), Int(t.nanoseconds)) }
        switch entry.type {
        case .symlink:
            (entry.linkTarget ?? "").withCString { archive_entry_copy_symlink(e, $0) }
        case .hardlink:
            guard let target = entry.linkTarget else { throw .writeFailed(message: "hardlink \(entry.name) has no target") }
            // A hardlink is a regular-file header with a link name and no data.
            target.withCString { archive_entry_copy_hardlink(e, $0) }
        case .characterDevice, .blockDevice:
            archive_entry_set_rdevmajor(e, dev_t(entry.rdevMajor))
            archive_entry_set_rdevminor(e, dev_t(entry.rdevMinor))
        default:
            break
        }
        archive_entry_set_size(e, entry.size ?? 0)
        // A dictionary's order changes from run to run: sort for byte-identical output. libarchive
        // prepends each attribute to its list, so adding in reverse order writes them sorted.
        for name in entry.xattrs.keys.sorted().reversed() {
            let value = entry.xattrs[name]!
            value.withUnsafeBytes { v in
                name.withCString { archive_entry_xattr_add_entry(e, $0, v.baseAddress, v.count) }
            }
        }
    }
}

extension ArchiveWriter {
    /// A whole tar archive built in memory from entries and their contents.
    public static func tar(_ entries: [(WriteEntry, Data?)], format: Format = .pax,
                           compression: Compression = .none) throws(ArchiveError) -> Data {
        let writer = try ArchiveWriter(format: format, compression: compression)
        for (entry, data) in entries { try writer.write(entry: entry, data: data) }
        try writer.finish()
        return writer.data
    }

    /// Compresses arbitrary bytes as one gzip or zstd stream (deterministically).
    public static func compress(_ data: Data, with compression: Compression) throws(ArchiveError) -> Data {
        if compression == .none { return data }
        let writer = try ArchiveWriter(format: .raw, compression: compression)
        try writer.writeRaw(data)
        try writer.finish()
        return writer.data
    }
}

// MARK: - libarchive write callback (top-level; the sink travels through `Unmanaged`)

final class MemorySink {
    var data = Data()
}

func memoryWriteCallback(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
                         _ buffer: UnsafeRawPointer?, _ length: Int) -> la_ssize_t {
    guard let context else { return -1 }
    let sink = Unmanaged<MemorySink>.fromOpaque(context).takeUnretainedValue()
    if let buffer, length > 0 {
        sink.data.append(buffer.assumingMemoryBound(to: UInt8.self), count: length)
    }
    return la_ssize_t(length)
}
