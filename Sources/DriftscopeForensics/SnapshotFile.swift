import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import Foundation

/// Writes, reads and recognises snapshot files: gzip (through libarchive) over JSON Lines, byte
/// for byte the same for the same image and release.
public enum SnapshotFile {
    /// The longest line read: a platform line holds the inventory and every layer's path list.
    static let lineLimit = 512 << 20
    /// The most bytes of a header line read to recognise a snapshot.
    static let headerLimit = 1 << 20

    /// The snapshot format version of the file at `path`, or nil when it is not a snapshot.
    /// Decided by content, never by name: gzip magic, then a first line that is a JSON object
    /// with a `driftscopeSnapshot` field.
    public static func formatVersion(at path: String) -> Int? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        let magic = handle.readData(ofLength: 2)
        try? handle.close()
        guard magic == Data([0x1f, 0x8b]) else { return nil }
        struct Probe: Decodable { var driftscopeSnapshot: Int }
        // A gzipped image tarball also starts 1f 8b; its first decompressed byte is not `{`.
        guard let lines = try? LineReader(path: path),
              let first = try? lines.next(limit: headerLimit), first.first == UInt8(ascii: "{"),
              let probe = try? JSONDecoder().decode(Probe.self, from: Data(first)) else { return nil }
        return probe.driftscopeSnapshot
    }

    /// Whether the file at `path` is a driftscope snapshot (of any format version).
    public static func isSnapshot(at path: String) -> Bool {
        formatVersion(at: path) != nil
    }

    /// Writes every present platform of `side` (each walked: it needs its merged filesystem) to
    /// `path`, created or truncated.
    public static func write(_ side: PreparedSide, release: String?, to path: String) throws(ForensicsError) {
        var keys: [String] = []
        var images: [PreparedImage] = []
        for key in side.platforms.keys.sorted() {
            guard let image = side.platforms[key] ?? nil else { continue }
            guard image.filesystem != nil else {
                throw .snapshotIO(path: path, reason: "platform \(key) was not walked, so its file tree is unknown")
            }
            keys.append(key)
            images.append(image)
        }
        let header = SnapshotHeader(driftscopeSnapshot: SnapshotHeader.currentFormat, tool: "driftscope",
                                    toolVersion: driftscopeVersion, release: release, image: side.summary,
                                    platforms: keys)
        do {
            let writer = try ArchiveWriter(path: path, format: .raw, compression: .gzip(level: 6))
            var lines = LineWriter(writer: writer)
            try lines.add(header)
            for image in images {
                let entries = image.filesystem?.entries ?? .empty
                try lines.add(PlatformSection(
                    platform: image.platform, manifestDigest: image.manifestDigest, configDigest: image.configDigest,
                    config: image.configJSON, manifestAnnotations: image.manifestAnnotations, layers: image.layers,
                    layerOrders: image.layerOrders, findings: image.findings,
                    inventory: try image.inventory.map { try jsonValue($0) }, files: entries.count))
                for p in entries.keys.sorted() { try lines.add(entries[p]!) }
            }
            try lines.flush()
            try writer.finish()
        } catch let error as ForensicsError {
            throw error
        } catch {
            throw .snapshotIO(path: path, reason: "\(error)")
        }
    }

    /// Reads a snapshot whole. Its integrity against a record is the caller's to check
    /// (`sha256(of:)`); this checks its structure.
    public static func read(_ path: String) throws(ForensicsError) -> Snapshot {
        guard let version = formatVersion(at: path) else {
            if !FileManager.default.fileExists(atPath: path) { throw .invalidSnapshot(path: path, reason: "no such file") }
            throw .invalidSnapshot(path: path, reason: "it does not start with a gzip-compressed driftscopeSnapshot header")
        }
        guard version <= SnapshotHeader.currentFormat else { throw .unsupportedSnapshotVersion(path: path, version: version) }
        let decoder = JSONDecoder()
        let lines: LineReader
        do {
            lines = try LineReader(path: path)
        } catch {
            throw .invalidSnapshot(path: path, reason: error.description)
        }
        func next<T: Decodable>(_ type: T.Type, _ what: String) throws(ForensicsError) -> T {
            let line: [UInt8]?
            do {
                line = try lines.next(limit: lineLimit)
            } catch {
                throw .invalidSnapshot(path: path, reason: "line \(lines.lineNumber + 1): \(error)")
            }
            guard let line else { throw .invalidSnapshot(path: path, reason: "it ends before \(what) (truncated?)") }
            do {
                return try decoder.decode(T.self, from: Data(line))
            } catch {
                throw .invalidSnapshot(path: path, reason: "line \(lines.lineNumber) (\(what)): \(ReleaseLog.reason(error))")
            }
        }
        let header = try next(SnapshotHeader.self, "the header")
        var images: [PreparedImage] = []
        for key in header.platforms {
            let section = try next(PlatformSection.self, "the section of platform \(key)")
            guard let listed = Platform(parsing: key), listed.os == section.platform.os,
                  listed.architecture == section.platform.architecture else {
                throw .invalidSnapshot(path: path, reason: "line \(lines.lineNumber): platform \(section.platform) where the header lists \(key)")
            }
            var entries: [String: MergedEntry] = [:]
            entries.reserveCapacity(section.files)
            for _ in 0..<section.files {
                let entry = try next(MergedEntry.self, "file \(entries.count + 1) of \(section.files) of \(key)")
                entries[entry.record.path] = entry
            }
            var image = PreparedImage(
                platform: section.platform, manifestDigest: section.manifestDigest, configDigest: section.configDigest,
                configJSON: section.config, manifestAnnotations: section.manifestAnnotations, layers: section.layers,
                filesystem: MergedFilesystem(entries: entries), inventory: nil, findings: section.findings,
                layerOrders: section.layerOrders, resolved: nil)
            if let inventory = section.inventory {
                do {
                    image.inventory = try decode(inventory)
                } catch {
                    throw .invalidSnapshot(path: path, reason: "the package inventory of \(key): \(ReleaseLog.reason(error))")
                }
            }
            images.append(image)
        }
        do {
            if let extra = try lines.next(limit: lineLimit), !extra.isEmpty {
                throw ForensicsError.invalidSnapshot(path: path, reason: "line \(lines.lineNumber): more lines than the header announces")
            }
        } catch let error as ForensicsError {
            throw error
        } catch {
            throw .invalidSnapshot(path: path, reason: "\(error)")
        }
        return Snapshot(path: path, header: header, images: images)
    }

    /// SHA-256 of a file's bytes, read in chunks.
    public static func sha256(of path: String) throws(ForensicsError) -> Digest {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .invalidSnapshot(path: path, reason: "cannot open it")
        }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw .invalidSnapshot(path: path, reason: "cannot read it: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            hasher.update(chunk)
        }
        return hasher.finalize()
    }

    static func jsonValue<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    static func decode<T: Decodable>(_ value: JSONValue) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }
}

/// Encodes values as JSON lines (compact, sorted keys: deterministic) into a raw archive
/// stream, buffered so that libarchive sees large writes.
struct LineWriter {
    let writer: ArchiveWriter
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
    var buffer = Data()

    init(writer: ArchiveWriter) {
        self.writer = writer
    }

    mutating func add<T: Encodable>(_ value: T) throws {
        buffer.append(try encoder.encode(value))
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try writer.writeRaw(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a gzip stream (through libarchive) line by line, without holding more than one line
/// and one chunk.
final class LineReader {
    private let reader: ArchiveReader
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    private var bytes: [UInt8] = []
    /// The start of the unread part of `bytes`.
    private var start = 0
    /// Where the search for the next newline resumes.
    private var scan = 0
    private var ended = false
    /// Lines returned so far.
    private(set) var lineNumber = 0

    init(path: String) throws(ArchiveError) {
        reader = try ArchiveReader(mode: .raw, path: path)
        if try reader.nextHeader() == nil { ended = true }
    }

    deinit { chunk.deallocate() }

    /// The next line without its newline; nil at the end. Throws when a line exceeds `limit`.
    func next(limit: Int) throws -> [UInt8]? {
        while true {
            if let newline = bytes[scan...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(bytes[start..<newline])
                start = newline + 1
                scan = start
                if start >= 1 << 20 {
                    bytes.removeFirst(start)
                    start = 0
                    scan = 0
                }
                lineNumber += 1
                return line
            }
            scan = bytes.count
            if bytes.count - start > limit {
                throw ArchiveError.corrupt(what: reader.what, message: "line \(lineNumber + 1) is longer than \(limit) bytes")
            }
            if ended {
                guard start < bytes.count else { return nil }
                let line = Array(bytes[start...])
                start = bytes.count
                scan = start
                lineNumber += 1
                return line
            }
            let n = try reader.readData(into: chunk)
            if n == 0 {
                ended = true
            } else {
                bytes.append(contentsOf: UnsafeRawBufferPointer(start: chunk.baseAddress, count: n))
            }
        }
    }
}
