import DriftscopeArchive
import DriftscopeImage
import Foundation

/// An on-disk cache of layer indexes, keyed by the layer's verified digest, so that a nightly check
/// over a stable base reads only the layers that changed.
///
/// An entry is written only after its layer was verified (blob digest and diff_id), and holds the
/// SHA-256 of its own body: a corrupted or tampered entry fails that check on load and is rebuilt
/// from the layer, never trusted. The key also binds the walker settings that shape the index.
public final class LayerCache: @unchecked Sendable {
    // Immutable after init; files are written atomically (rename), so concurrent use is safe.

    /// The cache folder.
    public let directory: URL
    private let settingsKey: String

    /// Opens (creating) a cache folder. `settings` names what shapes an index (e.g. the capture rules' version).
    public init(directory: URL, settings: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.directory = directory
        self.settingsKey = settings
    }

    /// The default folder: `$XDG_CACHE_HOME/driftscope` or `~/.cache/driftscope`.
    public static var defaultDirectory: URL {
        if let xdg = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("driftscope")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/driftscope")
    }

    /// v2: a one-line JSON header, a newline, then the index in `IndexCodec`'s binary form (v1
    /// was JSON throughout, and decoded at about 25 MB/s: most of a warm run).
    static let format = "driftscope-layer-index-v2"

    func url(for layer: LayerRef) -> URL {
        // The digest was validated as 64 hex digits, so it is a safe file name.
        directory.appendingPathComponent("\(layer.digest.algorithm)-\(layer.digest.encoded).index")
    }

    private struct Header: Codable {
        var format: String
        var settings: String
        var digest: Digest
        var diffID: Digest
        var size: Int64
        var bodySHA256: Digest
    }

    /// The cached index for a layer, if present and intact.
    func load(_ layer: LayerRef) -> LayerIndex? {
        let url = url(for: layer)
        guard let data = try? Data(contentsOf: url) else { return nil }
        let newline = data.firstIndex(of: UInt8(ascii: "\n"))
        guard let newline, let header = try? JSONDecoder().decode(Header.self, from: data[..<newline]),
              header.format == Self.format, header.settings == settingsKey,
              header.digest == layer.digest, header.diffID == layer.diffID, header.size == layer.size,
              case let body = data[data.index(after: newline)...],
              SHA256Hasher.hash(body) == header.bodySHA256,
              var index = IndexCodec.decode(Data(body)),
              index.digest == layer.digest, index.diffID == layer.diffID
        else {
            // Damaged, tampered or from another version: drop it; the caller rebuilds it.
            try? FileManager.default.removeItem(at: url)
            return nil
        }
        // The media type is the manifest's, which may differ for the same blob.
        index.mediaType = layer.mediaType
        return index
    }

    /// Stores a verified index.
    func store(_ index: LayerIndex, for layer: LayerRef) {
        // Twins' stand-in digests mean something only beside their partner in one comparison.
        guard index.awaiting.isEmpty, !index.hasTwins else { return }
        let body = IndexCodec.encode(index)
        let header = Header(format: Self.format, settings: settingsKey, digest: layer.digest, diffID: layer.diffID,
                            size: layer.size, bodySHA256: SHA256Hasher.hash(body))
        guard var data = try? JSONEncoder().encode(header) else { return }
        data.append(UInt8(ascii: "\n"))
        data.append(body)
        let url = url(for: layer)
        let temp = directory.appendingPathComponent(".tmp-\(UUID().uuidString)")
        // rename(2) replaces atomically: a reader sees the old entry or the new one, never half.
        guard (try? data.write(to: temp)) != nil, rename(temp.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            return
        }
    }
}
