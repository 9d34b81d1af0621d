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

    static let format = "driftscope-layer-index-v1"

    func url(for layer: LayerRef) -> URL {
        // The digest was validated as 64 hex digits, so it is a safe file name.
        directory.appendingPathComponent("\(layer.digest.algorithm)-\(layer.digest.encoded).json")
    }

    private struct Envelope: Codable {
        var format: String
        var settings: String
        var digest: Digest
        var diffID: Digest
        var size: Int64
        var bodySHA256: Digest
        var body: Data
    }

    /// The cached index for a layer, if present and intact.
    func load(_ layer: LayerRef) -> LayerIndex? {
        let url = url(for: layer)
        guard let data = try? Data(contentsOf: url) else { return nil }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data),
              envelope.format == Self.format, envelope.settings == settingsKey,
              envelope.digest == layer.digest, envelope.diffID == layer.diffID, envelope.size == layer.size,
              SHA256Hasher.hash(envelope.body) == envelope.bodySHA256,
              var index = try? JSONDecoder().decode(LayerIndex.self, from: envelope.body),
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
        guard let body = try? JSONEncoder().encode(index) else { return }
        let envelope = Envelope(format: Self.format, settings: settingsKey, digest: layer.digest, diffID: layer.diffID,
                                size: layer.size, bodySHA256: SHA256Hasher.hash(body), body: body)
        guard let data = try? JSONEncoder().encode(envelope) else { return }
        let url = url(for: layer)
        let temp = directory.appendingPathComponent(".tmp-\(UUID().uuidString)")
        // rename(2) replaces atomically: a reader sees the old entry or the new one, never half.
        guard (try? data.write(to: temp)) != nil, rename(temp.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            return
        }
    }
}
