import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// The reader's raw mode and byte sources: the one-pass path that yields a blob's digest, its
/// diff_id and its entries together.
@Suite struct ArchiveReaderSourceTests {
    static let entries: [(WriteEntry, Data?)] = [
        (WriteEntry(name: "etc", type: .directory), nil),
        (WriteEntry(name: "etc/data"), Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })),
        (WriteEntry(name: "etc/link", type: .symlink, linkTarget: "data"), nil),
    ]

    @Test("raw mode over a gzip of a tar yields exactly the tar bytes",
          arguments: [ArchiveWriter.Compression.gzip(), .zstd(), .none])
    func rawModeYieldsTheTar(compression: ArchiveWriter.Compression) throws {
        let tar = try ArchiveWriter.tar(Self.entries)
        let compressed = try ArchiveWriter.compress(tar, with: compression)
        let dir = try TemporaryDirectory()
        let url = dir.path("layer")
        try compressed.write(to: url)
        let reader = try ArchiveReader(mode: .raw, path: url.path)
        let header = try #require(try reader.nextHeader())
        #expect(header.type == .file)
        #expect(try reader.readAll(limit: 1 << 20) == tar)
        #expect(try reader.nextHeader() == nil)
    }

    @Test("one pass: compressed digest, diff_id incl. trailing bytes, and the entries")
    func onePassDigests() throws {
        let trailer = Data("eStargz-like footer".utf8)
        let uncompressed = try ArchiveWriter.tar(Self.entries) + trailer
        let blob = try ArchiveWriter.compress(uncompressed, with: .gzip())
        let dir = try TemporaryDirectory()
        let url = dir.path("blob")
        try blob.write(to: url)

        let file = try FileRangeSource(path: url.path, offset: 0, length: UInt64(blob.count), hash: true, chunkSize: 4096)
        let raw = try ArchiveReader(mode: .raw, source: file, what: "blob")
        _ = try #require(try raw.nextHeader())
        let decompressed = DecompressedSource(reader: raw)
        let tar = try ArchiveReader(mode: .tar, source: decompressed, what: "layer")
        var names: [String] = []
        while let h = try tar.nextHeader() {
            names.append(h.name)
            try tar.skipData()
        }
        try decompressed.drain()
        try file.drain()
        #expect(names == ["etc/", "etc/data", "etc/link"])
        #expect(decompressed.bytesRead == UInt64(uncompressed.count))
        #expect(decompressed.hasher.finalize() == SHA256Hasher.hash(uncompressed))
        #expect(file.hasher?.finalize() == SHA256Hasher.hash(blob))
    }

    @Test func fileRangeSourceHashesASubRange() throws {
        let prefix = Data(repeating: 0xAA, count: 1_000)
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let suffix = Data(repeating: 0xBB, count: 777)
        let dir = try TemporaryDirectory()
        let url = dir.path("file")
        try (prefix + payload + suffix).write(to: url)

        let source = try FileRangeSource(path: url.path, offset: UInt64(prefix.count), length: UInt64(payload.count),
                                         hash: true, chunkSize: 4096)
        var seen = Data()
        while true {
            let chunk = try source.next()
            if chunk.count == 0 { break }
            seen.append(contentsOf: chunk)
        }
        #expect(seen == payload)
        #expect(source.bytesRead == UInt64(payload.count))
        #expect(source.hasher?.finalize() == SHA256Hasher.hash(payload))
    }

    @Test func fileRangeSourceReportsATruncatedFile() throws {
        let dir = try TemporaryDirectory()
        let url = dir.path("short")
        try Data(count: 100).write(to: url)
        let source = try FileRangeSource(path: url.path, offset: 50, length: 100, hash: true)
        #expect(throws: ArchiveError.self) { try source.drain() }
        #expect(source.failure != nil)
    }

    @Test func readerOverATarEmbeddedInALargerFile() throws {
        let tar = try ArchiveWriter.tar(Self.entries)
        let dir = try TemporaryDirectory()
        let url = dir.path("outer")
        try (Data(repeating: 1, count: 512) + tar + Data(repeating: 2, count: 512)).write(to: url)
        let source = try FileRangeSource(path: url.path, offset: 512, length: UInt64(tar.count), hash: true)
        let reader = try ArchiveReader(mode: .tar, source: source, what: "embedded")
        var sizes: [Int64] = []
        while let h = try reader.nextHeader() { sizes.append(h.size) }
        try source.drain()
        #expect(sizes == [0, 50_000, 0])
        #expect(source.hasher?.finalize() == SHA256Hasher.hash(tar))
    }
}
