import CArchive
import Foundation

/// What an archive reader accepts.
public enum ArchiveReadMode: Sendable {
    /// Tar (ustar, pax, GNU incl. sparse and long names), no compression filter: a layer's
    /// decompressed stream.
    case tar
    /// Tar behind any compression filter libarchive knows (gzip, zstd, xz, bzip2): an image archive.
    case compressedTar
    /// One entry holding the decompressed bytes of whatever the input is: used to decompress a
    /// layer while hashing both sides of the decompression.
    case raw
    /// Any archive format libarchive reads (tar, zip/jar/wheel, cpio, ...), behind any filter: used
    /// to list the members of nested archives found inside images.
    case anyArchive
}

/// The kind of an archive entry.
public enum EntryType: String, Codable, Sendable, Hashable {
    case file, directory, symlink, hardlink, characterDevice, blockDevice, fifo, socket, unknown
}

/// One archive entry's header, copied out of libarchive.
public struct ArchiveEntryHeader: Sendable {
    /// The name exactly as stored (invalid UTF-8 bytes shown as `\xNN`).
    public var name: String
    public var type: EntryType
    /// Permission bits including setuid/setgid/sticky (`mode & 0o7777`).
    public var permissions: UInt32
    public var uid: Int64
    public var gid: Int64
    public var uname: String?
    public var gname: String?
    public var size: Int64
    /// Seconds and nanoseconds since the epoch.
    public var mtime: Timestamp?
    public var atime: Timestamp?
    public var ctime: Timestamp?
    /// Symlink target (for symlinks) or the linked-to name (for hardlinks), as stored.
    public var linkTarget: String?
    /// Extended attributes: name → value.
    public var xattrs: [String: Data]
    /// Device numbers for character and block devices.
    public var rdevMajor: UInt64
    public var rdevMinor: UInt64
    /// Whether the entry was stored sparse.
    public var isSparse: Bool
}

/// A point in time with nanoseconds, as tar headers and PAX records give it.
public struct Timestamp: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    public var nanoseconds: Int64
    public init(seconds: Int64, nanoseconds: Int64 = 0) { self.seconds = seconds; self.nanoseconds = nanoseconds }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds) }
    /// ISO 8601 in UTC, with nanoseconds when present. Formatted by hand (days to civil date,
    /// after Howard Hinnant): reports print one per differing file, tens of thousands at a time.
    public var description: String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Written into one stack buffer: reports format tens of thousands of these.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 96) { buffer -> String in
            var n = 0
            func put(_ byte: UInt8) { buffer[n] = byte; n += 1 }
            func digits(_ value: Int64, _ width: Int) {
                if value < 0 { put(UInt8(ascii: "-")) }
                var v = value.magnitude
                var count = 0
                var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                              UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                    (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                withUnsafeMutableBytes(of: &scratch) { s in
                    repeat {
                        s[count] = UInt8(48 + v % 10)
                        v /= 10
                        count += 1
                    } while v > 0 && count < 20
                    while count < width { s[count] = UInt8(ascii: "0"); count += 1 }
                    for i in stride(from: count - 1, through: 0, by: -1) { put(s[i]) }
                }
            }
            digits(year, 4); put(UInt8(ascii: "-")); digits(month, 2); put(UInt8(ascii: "-")); digits(day, 2)
            put(UInt8(ascii: "T")); digits(secondOfDay / 3600, 2); put(UInt8(ascii: ":"))
            digits(secondOfDay / 60 % 60, 2); put(UInt8(ascii: ":")); digits(secondOfDay % 60, 2)
            if nanoseconds != 0 { put(UInt8(ascii: ".")); digits(nanoseconds, 9) }
            put(UInt8(ascii: "Z"))
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<n]), as: UTF8.self)
        }
    }
}

/// A libarchive read handle. Owns the `archive *` and frees it in `deinit`; not thread-safe.
public final class ArchiveReader {
    let handle: OpaquePointer
    private var sourceBox: Unmanaged<SourceBox>?
    /// What the reader is reading, for messages.
    public let what: String
    private var entry: OpaquePointer?

    /// Creates a reader in the given mode over a byte source.
    public init(mode: ArchiveReadMode, source: ByteSource, what: String, blockSize: Int = 1 << 20) throws(ArchiveError) {
        guard let a = archive_read_new() else { throw .allocationFailed }
        handle = a
        self.what = what
        switch mode {
        case .tar:
            archive_read_support_format_tar(a)
            archive_read_support_format_gnutar(a)
            archive_read_support_format_empty(a)
            archive_read_support_filter_none(a)
        case .compressedTar:
            archive_read_support_format_tar(a)
            archive_read_support_format_gnutar(a)
            archive_read_support_format_empty(a)
            archive_read_support_filter_all(a)
        case .raw:
            archive_read_support_format_raw(a)
            archive_read_support_format_empty(a)
            archive_read_support_filter_all(a)
        case .anyArchive:
            archive_read_support_format_all(a)
            archive_read_support_filter_all(a)
        }
        let box = Unmanaged.passRetained(SourceBox(source))
        sourceBox = box
        let code = archive_read_open2(a, box.toOpaque(), nil, sourceReadCallback, sourceSkipCallback, nil)
        if code != ARCHIVE_OK {
            if let failure = source.failure as? ArchiveError { throw failure }
            throw .corrupt(what: what, message: errorString(a))
        }
    }

    /// Opens a whole file.
    public convenience init(mode: ArchiveReadMode, path: String, what: String? = nil) throws(ArchiveError) {
        let size: UInt64
        do {
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            size = (attrs[.size] as? NSNumber)?.uint64Value ?? 0
        } catch {
            throw .io(path: path, message: "cannot stat: \(error.localizedDescription)")
        }
        let source = try FileRangeSource(path: path, offset: 0, length: size, hash: false)
        try self.init(mode: mode, source: source, what: what ?? path)
    }

    deinit {
        archive_read_free(handle)
        sourceBox?.release()
    }

    private var source: ByteSource? { sourceBox?.takeUnretainedValue().source }

    private func fail() -> ArchiveError {
        if let failure = source?.failure as? ArchiveError { return failure }
        if let failure = source?.failure { return .corrupt(what: what, message: "\(failure)") }
        return .corrupt(what: what, message: errorString(handle))
    }

    /// The name of the first compression filter detected (`gzip`, `zstd`, `none`, ...).
    public var filterName: String {
        let count = archive_filter_count(handle)
        guard count > 1, let name = archive_filter_name(handle, 0) else { return "none" }
        return String(cString: name)
    }

    /// The libarchive code of the outermost filter (ARCHIVE_FILTER_NONE, _GZIP, _ZSTD, ...).
    public var filterCode: Int32 { archive_filter_count(handle) > 1 ? archive_filter_code(handle, 0) : ARCHIVE_FILTER_NONE }

    /// The offset in the (decompressed) stream of the current entry's first header block.
    public var headerPosition: Int64 { archive_read_header_position(handle) }

    /// Reads the next header; nil at the end of the archive.
    public func nextHeader() throws(ArchiveError) -> ArchiveEntryHeader? {
        var e: OpaquePointer?
        let code = archive_read_next_header(handle, &e)
        if code == ARCHIVE_EOF { return nil }
        // ARCHIVE_RETRY is a damaged header that libarchive would skip past: for a verifier that is
        // corruption, not an entry.
        if code == ARCHIVE_RETRY || code < ARCHIVE_WARN || e == nil { throw fail() }
        entry = e
        return Self.header(of: e!)
    }

    /// Reads data of the current entry into `buffer`; 0 at its end.
    public func readData(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n < 0 {
            if n == la_ssize_t(ARCHIVE_WARN) { return 0 }
            throw fail()
        }
        return n
    }

    /// The next block of the current entry's data, without copying: valid until the next call
    /// on this reader. Empty at the end. For single-stream (raw) readers, where blocks are
    /// contiguous. Nil at the end.
    public func nextBlock() throws(ArchiveError) -> UnsafeRawBufferPointer? {
        var buff: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        let code = archive_read_data_block(handle, &buff, &size, &offset)
        if code == ARCHIVE_EOF { return nil }
        if code < ARCHIVE_WARN { throw fail() }
        return UnsafeRawBufferPointer(start: buff, count: size)
    }

    /// Reads the current entry's data block by block without copying; sparse holes show as gaps
    /// between `offset`s. The closure sees each block with its offset in the entry.
    public func forEachBlock(_ body: (UnsafeRawBufferPointer, Int64) throws -> Void) throws {
        while true {
            var buff: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let code = archive_read_data_block(handle, &buff, &size, &offset)
            if code == ARCHIVE_EOF { return }
            if code < ARCHIVE_WARN { throw fail() }
            if size > 0 { try body(UnsafeRawBufferPointer(start: buff, count: size), offset) }
        }
    }

    /// Skips the current entry's data.
    public func skipData() throws(ArchiveError) {
        if archive_read_data_skip(handle) < ARCHIVE_WARN { throw fail() }
    }

    /// Reads the current entry's data whole, refusing more than `limit` bytes.
    public func readAll(limit: Int) throws(ArchiveError) -> Data {
        var out = Data()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try readData(into: chunk)
            if n == 0 { break }
            if out.count + n > limit {
                throw .corrupt(what: what, message: "an entry is larger than the \(limit)-byte limit for metadata")
            }
            out.append(chunk.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        }
        return out
    }

    static func header(of e: OpaquePointer) -> ArchiveEntryHeader {
        let filetype = archive_entry_filetype(e)
        let hardlink = entryText(e, raw: archive_entry_hardlink, utf8: archive_entry_hardlink_utf8)
        let type: EntryType
        if hardlink != nil {
            type = .hardlink
        } else {
            switch filetype {
            case 0o100000: type = .file
            case 0o040000: type = .directory
            case 0o120000: type = .symlink
            case 0o020000: type = .characterDevice
            case 0o060000: type = .blockDevice
            case 0o010000: type = .fifo
            case 0o140000: type = .socket
            default: type = .unknown
            }
        }
        let name = entryText(e, raw: archive_entry_pathname, utf8: archive_entry_pathname_utf8) ?? ""
        var symlink: String?
        if type == .symlink {
            symlink = entryText(e, raw: archive_entry_symlink, utf8: archive_entry_symlink_utf8) ?? ""
        }
        var xattrs: [String: Data] = [:]
        if archive_entry_xattr_reset(e) > 0 {
            var xname: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while archive_entry_xattr_next(e, &xname, &value, &size) == ARCHIVE_OK {
                guard let xname else { continue }
                let key = String(decoding: UnsafeRawBufferPointer(start: xname, count: strlen(xname)), as: UTF8.self)
                xattrs[key] = value.map { Data(bytes: $0, count: size) } ?? Data()
            }
        }
        func time(_ isSet: Int32, _ s: Int, _ ns: Int) -> Timestamp? {
            isSet != 0 ? Timestamp(seconds: Int64(s), nanoseconds: Int64(ns)) : nil
        }
        return ArchiveEntryHeader(
            name: name,
            type: type,
            permissions: UInt32(archive_entry_perm(e)) & 0o7777,
            uid: archive_entry_uid(e),
            gid: archive_entry_gid(e),
            uname: entryText(e, raw: archive_entry_uname, utf8: archive_entry_uname_utf8),
            gname: entryText(e, raw: archive_entry_gname, utf8: archive_entry_gname_utf8),
            size: archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0,
            mtime: time(archive_entry_mtime_is_set(e), archive_entry_mtime(e), archive_entry_mtime_nsec(e)),
            atime: time(archive_entry_atime_is_set(e), archive_entry_atime(e), archive_entry_atime_nsec(e)),
            ctime: time(archive_entry_ctime_is_set(e), archive_entry_ctime(e), archive_entry_ctime_nsec(e)),
            linkTarget: type == .hardlink ? hardlink : symlink,
            xattrs: xattrs,
            rdevMajor: UInt64(archive_entry_rdevmajor(e)),
            rdevMinor: UInt64(archive_entry_rdevminor(e)),
            isSparse: archive_entry_sparse_count(e) > 0
        )
    }
}

/// A name libarchive holds, as text: the stored bytes when they are ASCII (the same in every
/// character set, and nearly every name an image has), else the UTF-8 form libarchive converts to
/// (which costs a multibyte-conversion call per character), else the raw bytes made visible.
func entryText(_ e: OpaquePointer, raw: (OpaquePointer) -> UnsafePointer<CChar>?, utf8: (OpaquePointer) -> UnsafePointer<CChar>?) -> String? {
    if let p = raw(e) {
        let bytes = UnsafeRawBufferPointer(start: p, count: strlen(p))
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    }
    return cString(utf8(e)) ?? cStringBytes(raw(e))
}

/// A C string as UTF-8 when it is valid UTF-8.
func cString(_ p: UnsafePointer<CChar>?) -> String? {
    guard let p else { return nil }
    let bytes = UnsafeRawBufferPointer(start: p, count: strlen(p))
    return String(validating: bytes, as: UTF8.self)
}

/// A C string's raw bytes, with each byte that is not part of valid UTF-8 shown as `\xNN`, so that
/// distinct names stay distinct and nothing invisible reaches a report.
func cStringBytes(_ p: UnsafePointer<CChar>?) -> String? {
    guard let p else { return nil }
    let bytes = Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
    return decodeLossless(bytes)
}

/// Decodes UTF-8, writing each invalid byte as `\xNN`.
public func decodeLossless(_ bytes: [UInt8]) -> String {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    var out = ""
    var i = 0
    while i < bytes.count {
        // Find the longest valid UTF-8 scalar at i.
        var decoded = false
        for len in 1...4 where i + len <= bytes.count {
            if let s = String(validating: bytes[i..<(i + len)], as: UTF8.self), s.unicodeScalars.count == 1 {
                out += s
                i += len
                decoded = true
                break
            }
        }
        if !decoded {
            out += String(format: "\\x%02X", bytes[i])
            i += 1
        }
    }
    return out
}
