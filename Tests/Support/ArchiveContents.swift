import DriftscopeArchive
import Foundation

/// A `ByteSource` over bytes in memory, for reading fixtures with `ArchiveReader`.
public final class DataSource: ByteSource {
    private let data: Data
    private var offset = 0
    private let chunkSize: Int
    private let buffer: UnsafeMutableRawBufferPointer
    /// Never set: memory cannot fail to read.
    public private(set) var failure: Error?

    /// Serves `data` in chunks of `chunkSize` bytes (small chunks exercise block boundaries).
    public init(_ data: Data, chunkSize: Int = 64 * 1024) {
        self.data = data
        self.chunkSize = max(1, chunkSize)
        buffer = .allocate(byteCount: self.chunkSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    public func next() throws -> UnsafeRawBufferPointer {
        let n = min(chunkSize, data.count - offset)
        if n <= 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset..<(offset + n))
        offset += n
        return UnsafeRawBufferPointer(start: buffer.baseAddress, count: n)
    }
}

/// One entry read back from an archive, with its content.
public struct ArchiveMember: Sendable {
    /// The header as `ArchiveReader` reports it.
    public var header: ArchiveEntryHeader
    /// The entry's data (empty for non-files).
    public var data: Data
    /// The name (shortcut for `header.name`).
    public var name: String { header.name }
}

/// Reads a whole archive into memory, for assertions on small fixtures.
public enum ArchiveContents {
    /// Every entry of an archive held in memory.
    public static func read(_ data: Data, mode: ArchiveReadMode = .compressedTar, limit: Int = 256 << 20) throws -> [ArchiveMember] {
        try read(ArchiveReader(mode: mode, source: DataSource(data), what: "fixture archive"), limit: limit)
    }

    /// Every entry of an archive file.
    public static func read(_ url: URL, mode: ArchiveReadMode = .compressedTar, limit: Int = 256 << 20) throws -> [ArchiveMember] {
        try read(ArchiveReader(mode: mode, path: url.path), limit: limit)
    }

    /// The entries as a name → content map (later duplicates win).
    public static func files(_ url: URL, mode: ArchiveReadMode = .compressedTar) throws -> [String: Data] {
        Dictionary(try read(url, mode: mode).map { ($0.name, $0.data) }, uniquingKeysWith: { _, last in last })
    }

    private static func read(_ reader: ArchiveReader, limit: Int) throws -> [ArchiveMember] {
        var members: [ArchiveMember] = []
        while let header = try reader.nextHeader() {
            members.append(ArchiveMember(header: header, data: try reader.readAll(limit: limit)))
        }
        return members
    }
}
