import DriftscopeArchive
import Foundation

/// Damage for bad-input tests: truncated files, flipped bytes, broken or missing blobs.
public enum FixtureCorruption {
    /// Cuts a file down to `fraction` (0...1) of its size, rounded down.
    public static func truncate(_ url: URL, toFraction fraction: Double) throws {
        precondition((0...1).contains(fraction), "fraction must be within 0...1")
        let size = try fileSize(url)
        try truncate(url, toSize: Int(Double(size) * fraction))
    }

    /// Cuts a file down to `size` bytes.
    public static func truncate(_ url: URL, toSize size: Int) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(size))
    }

    /// Inverts every bit of the byte at `offset`; a negative offset counts from the end (-1 is
    /// the last byte).
    public static func flipByte(in url: URL, at offset: Int) throws {
        var data = try Data(contentsOf: url)
        let index = offset < 0 ? data.count + offset : offset
        guard data.indices.contains(index) else {
            throw FixtureError.io("offset \(offset) is outside \(url.path) (\(data.count) bytes)")
        }
        data[index] ^= 0xFF
        try data.write(to: url)
    }

    /// Flips one byte of a blob in an OCI layout directory (so its digest no longer matches);
    /// negative offsets count from the end.
    public static func corruptBlob(_ digest: Digest, inLayout layout: URL, at offset: Int = 0) throws {
        try flipByte(in: layout.appendingPathComponent(digest.layoutPath), at: offset)
    }

    /// Replaces a blob's bytes in an OCI layout directory, keeping its file name.
    public static func replaceBlob(_ digest: Digest, inLayout layout: URL, with data: Data) throws {
        try data.write(to: layout.appendingPathComponent(digest.layoutPath))
    }

    /// Deletes a blob from an OCI layout directory.
    public static func removeBlob(_ digest: Digest, inLayout layout: URL) throws {
        try FileManager.default.removeItem(at: layout.appendingPathComponent(digest.layoutPath))
    }

    /// Appends bytes to a file (e.g. garbage after an archive's end).
    public static func append(_ data: Data, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// The size of a file in bytes.
    public static func fileSize(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
