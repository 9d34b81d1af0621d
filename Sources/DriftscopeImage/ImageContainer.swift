import DriftscopeArchive
import Foundation

/// Where the bytes of one blob live: a byte range of a file on disk.
public struct BlobLocation: Sendable, Hashable, Codable {
    /// The file holding the blob (the archive itself, or a blob file of a layout directory).
    public var file: String
    /// Offset of the first byte.
    public var offset: UInt64
    /// Length in bytes.
    public var length: UInt64

    public init(file: String, offset: UInt64, length: UInt64) {
        self.file = file
        self.offset = offset
        self.length = length
    }
}

extension BlobLocation {
    /// The SHA-256 of the stored bytes, read in one streaming pass (nothing decompressed).
    public func sha256() throws -> Digest {
        let source = try FileRangeSource(path: file, offset: offset, length: length, hash: true)
        try source.drain()
        return source.hasher!.finalize()
    }
}

/// The files of an input, by path: an OCI layout directory, or a tar archive (possibly compressed
/// as a whole) indexed once so that every blob can be read later at random, without extracting.
///
/// Paths inside are normalised (no leading `./` or `/`); symlinks inside an archive are followed
/// only within the archive; a directory's files are opened only below the directory itself.
public final class ImageContainer: @unchecked Sendable {
    // Immutable after init: shared read-only between concurrent layer readers.

    /// The path the user gave.
    public let path: String
    /// Whether the input is a directory.
    public let isDirectory: Bool
    /// Whether the input tar was compressed as a whole (it was decompressed into a private
    /// temporary folder, removed when this container goes away).
    public let wasCompressed: String?

    private enum Entry {
        case blob(BlobLocation)
        case link(String)
        case directory
    }
    private let entries: [String: Entry]
    private let scratch: ScratchDirectory?
    private let rootRealPath: String?

    /// Opens and indexes an input.
    public init(path: String) throws(InputError) {
        self.path = path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        if isDir.boolValue {
            isDirectory = true
            wasCompressed = nil
            scratch = nil
            entries = [:]
            rootRealPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            return
        }
        isDirectory = false
        rootRealPath = nil
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        let size = fileSize(path)
        if size == 0 { throw .emptyFile(path: path) }
        do {
            let probe = try ArchiveReader(mode: .compressedTar, path: path)
            let filter = probe.filterCode
            if filter != 0 {
                // A whole `docker save | gzip`: decompress once into a private folder, then index.
                let name = probe.filterName
                let scratch = try ScratchDirectory()
                let plain = scratch.url.appendingPathComponent("archive.tar").path
                try ImageContainer.decompress(path, to: plain)
                self.scratch = scratch
                self.wasCompressed = name
                self.entries = try ImageContainer.index(tar: plain, displayPath: path)
            } else {
                self.scratch = nil
                self.wasCompressed = nil
                self.entries = try ImageContainer.index(tar: path, displayPath: path)
            }
        } catch let error as InputError {
            throw error
        } catch let error as ArchiveError {
            throw ImageContainer.classify(error, path: path)
        } catch {
            throw .corruptArchive(path: path, reason: "\(error)")
        }
    }

    static func classify(_ error: ArchiveError, path: String) -> InputError {
        switch error {
        case .io(_, let message): return .unreadable(path: path, reason: message)
        case .corrupt(_, let message):
            if message.contains("Unrecognized archive format") {
                return .notAnImage(path: path, reason: "not a tar archive (expected an OCI or docker-archive image tarball, or a layout directory)")
            }
            return .corruptArchive(path: path, reason: message)
        default: return .corruptArchive(path: path, reason: "\(error)")
        }
    }

    private static func decompress(_ path: String, to output: String) throws {
        let reader = try ArchiveReader(mode: .raw, path: path)
        guard try reader.nextHeader() != nil else { throw InputError.corruptArchive(path: path, reason: "empty compressed stream") }
        guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: output)
        else { throw InputError.unreadable(path: output, reason: "cannot create a temporary file") }
        defer { try? handle.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try reader.readData(into: buffer)
            if n == 0 { break }
            try handle.write(contentsOf: Data(bytesNoCopy: buffer.baseAddress!, count: n, deallocator: .none))
        }
    }

    /// One pass over the tar headers. A member's data starts where the next header starts, less its
    /// padded size: libarchive reports header positions, and every blob read later is verified
    /// against its digest, so an offset can never silently point at the wrong bytes.
    private static func index(tar: String, displayPath: String) throws -> [String: Entry] {
        let reader = try ArchiveReader(mode: .tar, path: tar, what: displayPath)
        var entries: [String: Entry] = [:]
        var pending: (name: String, size: Int64)?
        func settle(nextHeaderAt position: Int64) {
            guard let p = pending else { return }
            let padded = (p.size + 511) / 512 * 512
            let start = position - padded
            entries[p.name] = .blob(BlobLocation(file: tar, offset: UInt64(max(0, start)), length: UInt64(p.size)))
            pending = nil
        }
        var count = 0
        while let header = try reader.nextHeader() {
            count += 1
            settle(nextHeaderAt: reader.headerPosition)
            let name = normalizeArchiveName(header.name)
            if name.isEmpty { continue }
            switch header.type {
            case .file:
                if header.isSparse {
                    throw InputError.corruptArchive(path: displayPath, reason: "member \(name) is stored sparse; image archives never are")
                }
                pending = (name, header.size)
            case .symlink:
                let target = header.linkTarget ?? ""
                let base = (name as NSString).deletingLastPathComponent
                entries[name] = .link(target.hasPrefix("/") ? normalizeArchiveName(target) : joinArchivePath(base, target))
            case .hardlink:
                entries[name] = .link(normalizeArchiveName(header.linkTarget ?? ""))
            case .directory:
                entries[name] = .directory
            default:
                break
            }
            try reader.skipData()
        }
        // After the end marker libarchive reports the marker's own position: the last member ends there.
        settle(nextHeaderAt: reader.headerPosition)
        if count == 0 {
            throw InputError.notAnImage(path: displayPath, reason: "the archive has no members")
        }
        return entries
    }

    /// Whether a member or file exists.
    public func exists(_ name: String) -> Bool {
        (try? location(of: name)) != nil
    }

    /// Top-level names, for messages.
    public var topLevelNames: [String] {
        if isDirectory {
            return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        }
        return Set(entries.keys.map { String($0.split(separator: "/").first ?? "") }).sorted()
    }

    /// All member paths (archives) or nil (directories).
    public var memberNames: [String] { entries.keys.sorted() }

    /// Where the bytes of `name` are, or nil when absent. Throws when the name escapes the input.
    public func location(of name: String) throws(InputError) -> BlobLocation? {
        let normalized = normalizeArchiveName(name)
        guard isSafeRelative(normalized) else { throw .unsafeReference(path: path, reference: name) }
        if isDirectory {
            let full = URL(fileURLWithPath: path).appendingPathComponent(normalized)
            let real = full.resolvingSymlinksInPath().path
            guard let root = rootRealPath, real == root || real.hasPrefix(root + "/") else {
                throw .unsafeReference(path: path, reference: name)
            }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir), !isDir.boolValue else { return nil }
            return BlobLocation(file: real, offset: 0, length: fileSize(real))
        }
        var current = normalized
        for _ in 0..<16 {
            switch entries[current] {
            case .blob(let loc): return loc
            case .link(let target):
                guard isSafeRelative(target) else { throw .unsafeReference(path: path, reference: name) }
                current = target
            case .directory, .none: return nil
            }
        }
        throw .unsafeReference(path: path, reference: name)
    }

    /// Reads a small member whole (manifests, configs, indexes), refusing more than `limit` bytes.
    public func read(_ name: String, limit: Int = 64 << 20) throws(InputError) -> Data? {
        guard let loc = try location(of: name) else { return nil }
        return try read(loc, limit: limit, role: name)
    }

    /// Reads a byte range whole, refusing more than `limit` bytes.
    public func read(_ loc: BlobLocation, limit: Int, role: String) throws(InputError) -> Data {
        guard loc.length <= UInt64(limit) else {
            throw .corruptArchive(path: path, reason: "\(role) is \(loc.length) bytes, more than the \(limit)-byte limit for metadata")
        }
        do {
            let source = try FileRangeSource(path: loc.file, offset: loc.offset, length: loc.length, hash: false)
            var data = Data(capacity: Int(loc.length))
            while true {
                let chunk = try source.next()
                if chunk.count == 0 { break }
                data.append(chunk.bindMemory(to: UInt8.self))
            }
            return data
        } catch let e as ArchiveError {
            throw ImageContainer.classify(e, path: path)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }
}

/// Removes `./` and `/` prefixes and collapses `//` and `.` components of a member name.
func normalizeArchiveName(_ name: String) -> String {
    name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
}

/// Joins a relative link target onto a directory, resolving `..` lexically; returns a path that may
/// start with `..` when it escapes, which `isSafeRelative` then refuses.
func joinArchivePath(_ base: String, _ target: String) -> String {
    var parts = base.split(separator: "/").map(String.init)
    for component in target.split(separator: "/") where component != "." {
        if component == ".." {
            if parts.isEmpty || parts.last == ".." { parts.append("..") } else { parts.removeLast() }
        } else {
            parts.append(String(component))
        }
    }
    return parts.joined(separator: "/")
}

func isSafeRelative(_ normalized: String) -> Bool {
    !normalized.isEmpty && !normalized.hasPrefix("/") && !normalized.split(separator: "/").contains("..")
}

func fileSize(_ path: String) -> UInt64 {
    var st = stat()
    guard stat(path, &st) == 0 else { return 0 }
    return UInt64(st.st_size)
}

/// A private temporary folder (mode 0700) removed when the value goes away: the only place
/// driftscope ever writes image content.
public final class ScratchDirectory: @unchecked Sendable {
    /// The folder.
    public let url: URL

    /// Creates the folder under the system temporary directory.
    public init() throws(InputError) {
        var template = Array((NSTemporaryDirectory() + "/driftscope.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buf -> Bool in
            mkdtemp(buf.baseAddress!) != nil
        }
        guard made else { throw .unreadable(path: NSTemporaryDirectory(), reason: "cannot create a private temporary folder") }
        let bytes = template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        url = URL(fileURLWithPath: String(decoding: bytes, as: UTF8.self))
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
