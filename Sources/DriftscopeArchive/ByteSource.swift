import CArchive
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A pull stream of bytes that libarchive reads through its callbacks.
///
/// Sources hash what they hand over, so that one pass yields a blob's digest, its decompressed
/// stream and the tar entries at once (the compressed digest, the diff_id and per-file digests).
public protocol ByteSource: AnyObject {
    /// Returns the next bytes (valid until the next call), or an empty buffer at the end.
    func next() throws -> UnsafeRawBufferPointer
    /// The first error met, if the stream had to stop early.
    var failure: Error? { get }
}

/// A byte range of a file (a blob inside an archive, or a whole blob file), read in large chunks,
/// optionally hashed as it is read.
public final class FileRangeSource: ByteSource {
    /// The path, for messages.
    public let path: String
    private let fd: Int32
    private var position: UInt64
    private let end: UInt64
    private let buffer: UnsafeMutableRawBufferPointer
    /// Hashes every byte handed over, when set.
    public let hasher: SHA256Hasher?
    /// Bytes handed over so far.
    public private(set) var bytesRead: UInt64 = 0
    public private(set) var failure: Error?

    /// Opens `path` for reading `length` bytes from `offset`.
    public init(path: String, offset: UInt64, length: UInt64, hash: Bool, chunkSize: Int = 1 << 20) throws(ArchiveError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, message: String(cString: strerror(errno))) }
        self.fd = fd
        self.path = path
        self.position = offset
        self.end = offset &+ length
        self.buffer = .allocate(byteCount: chunkSize, alignment: 16)
        self.hasher = hash ? SHA256Hasher() : nil
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    public func next() throws -> UnsafeRawBufferPointer {
        if position >= end { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let want = Int(min(UInt64(buffer.count), end - position))
        var got = 0
        while got < want {
            let n = pread(fd, buffer.baseAddress! + got, want - got, off_t(position) + off_t(got))
            if n < 0 {
                if errno == EINTR { continue }
                let err = ArchiveError.io(path: path, message: String(cString: strerror(errno)))
                failure = err
                throw err
            }
            if n == 0 {
                let err = ArchiveError.io(path: path, message: "file ends at \(position + UInt64(got)), before the \(end - position - UInt64(got)) bytes the blob needs (truncated?)")
                failure = err
                throw err
            }
            got += n
        }
        position += UInt64(got)
        bytesRead += UInt64(got)
        let chunk = UnsafeRawBufferPointer(start: buffer.baseAddress, count: got)
        hasher?.update(chunk)
        return chunk
    }

    /// Skips forward without reading, when nothing is being hashed (libarchive's skip callback).
    public func skip(_ count: Int64) -> Int64 {
        guard hasher == nil, count > 0 else { return 0 }
        let n = min(UInt64(count), end - position)
        position += n
        return Int64(n)
    }

    /// Reads and hashes whatever the consumer left unread, so the digest covers the whole range.
    public func drain() throws {
        while try next().count > 0 {}
    }
}

/// The decompressed data of a single-entry ("raw" format) archive reader, handed on to another
/// reader and hashed on the way (the layer's diff_id). Blocks are passed through without copying:
/// libarchive keeps a block valid until the next read on the raw reader, which only this source
/// makes, on the consumer's next request.
public final class DecompressedSource: ByteSource {
    private let reader: ArchiveReader
    /// Hashes the uncompressed stream.
    public let hasher = SHA256Hasher()
    /// Uncompressed bytes handed over.
    public private(set) var bytesRead: UInt64 = 0
    public private(set) var failure: Error?

    /// Wraps a reader opened in raw mode whose single entry's header has been read.
    public init(reader: ArchiveReader) {
        self.reader = reader
    }

    public func next() throws -> UnsafeRawBufferPointer {
        do {
            while let chunk = try reader.nextBlock() {
                if chunk.count == 0 { continue } // an empty block is not the end; nil is
                bytesRead += UInt64(chunk.count)
                hasher.update(chunk)
                return chunk
            }
            return UnsafeRawBufferPointer(start: nil, count: 0)
        } catch {
            failure = error
            throw error
        }
    }

    /// Reads and hashes whatever follows what the tar reader consumed (an eStargz footer, padding),
    /// because the diff_id covers the whole decompressed stream.
    public func drain() throws {
        while try next().count > 0 {}
    }
}

/// Bytes already in memory (a small file read for a content rule), handed over in one piece.
public final class MemorySource: ByteSource {
    private let buffer: UnsafeMutableRawBufferPointer
    private var done = false
    public private(set) var failure: Error?

    /// Copies `data` into a buffer this source owns, so the pointer handed to libarchive stays valid.
    public init(_ data: Data) {
        buffer = .allocate(byteCount: max(1, data.count), alignment: 16)
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), count: data.count)
        count = data.count
    }

    private let count: Int

    deinit { buffer.deallocate() }

    public func next() throws -> UnsafeRawBufferPointer {
        if done || count == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        done = true
        return UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)
    }
}

// MARK: - libarchive callbacks (top-level functions; the source travels through `Unmanaged`)

final class SourceBox {
    let source: ByteSource
    init(_ source: ByteSource) { self.source = source }
}

func sourceSkipCallback(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ request: la_int64_t) -> la_int64_t {
    guard let context else { return 0 }
    let box = Unmanaged<SourceBox>.fromOpaque(context).takeUnretainedValue()
    guard let file = box.source as? FileRangeSource else { return 0 }
    return file.skip(request)
}

func sourceReadCallback(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
                        _ out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> la_ssize_t {
    guard let context, let out else { return -1 }
    let box = Unmanaged<SourceBox>.fromOpaque(context).takeUnretainedValue()
    do {
        let chunk = try box.source.next()
        out.pointee = chunk.baseAddress.map { UnsafeRawPointer($0) }
        return la_ssize_t(chunk.count)
    } catch {
        // archive_set_error is variadic and not imported: the source keeps the real error in
        // `failure`, which ArchiveReader reports in preference to libarchive's own text.
        _ = archive
        return -1
    }
}
