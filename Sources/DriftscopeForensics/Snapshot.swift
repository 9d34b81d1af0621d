import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import Foundation

/// The first line of a snapshot file: what it is, and which image it holds.
///
/// A snapshot is gzip-compressed JSON Lines: this header, then for each platform one
/// `PlatformSection` line followed by one line per path of its merged filesystem, sorted by path:
/// a `MergedEntry` as its own `Codable` gives it (`{"layer": 0, "record": {FileRecord}}`), so every
/// field the compare rules read (mtime, xattrs, pycBodyDigest, raw name, ...) is kept.
/// It holds enough to classify a later difference without the original image, but no file bytes.
public struct SnapshotHeader: Codable, Sendable, Equatable {
    /// The snapshot format this driftscope writes and reads.
    public static let currentFormat = 1

    /// The format version; the field's presence is what marks a file as a driftscope snapshot.
    public var driftscopeSnapshot: Int
    /// `driftscope`.
    public var tool: String
    /// The driftscope version that wrote it.
    public var toolVersion: String
    /// The release it was recorded for.
    public var release: String?
    /// The recorded image as the reports show a side (source, format, name, digests, notes).
    public var image: ImageSummary
    /// The platforms whose sections follow, in order, keyed as comparisons key them: as the index
    /// lists them (`linux/arm64/v8`), which may say more than the config (`linux/arm64`).
    public var platforms: [String]
}

/// One platform's metadata line. Everything `PreparedImage` holds except the file tree (which
/// follows, one line per path) and the layer blobs (which are gone).
struct PlatformSection: Codable {
    var platform: Platform
    var manifestDigest: Digest?
    var configDigest: Digest?
    /// The whole config, for field-by-field comparison.
    var config: JSONValue?
    var manifestAnnotations: [String: String]
    var layers: [LayerSummary]
    /// Paths per layer in tar order, for the entry-order rule.
    var layerOrders: [[String]]?
    var findings: [Finding]
    /// The `PackageInventory`, as JSON: this module reaches DriftscopePackages only through the
    /// values DriftscopeCompare hands it, so the type is never named here.
    var inventory: JSONValue?
    /// How many file lines follow.
    var files: Int
}

/// A snapshot read back: the recorded platforms, ready to compare.
public struct Snapshot: Sendable {
    /// The snapshot file.
    public var path: String
    /// Its header.
    public var header: SnapshotHeader
    /// One prepared image per recorded platform, in `header.platforms` order (no `resolved`
    /// image: the layers are not there to read again).
    public var images: [PreparedImage]

    /// Each recorded platform's key (`header.platforms`) with its image.
    public var platforms: [(key: String, image: PreparedImage)] {
        Array(zip(header.platforms, images)).map { (key: $0.0, image: $0.1) }
    }

    /// The manifest digest of each recorded platform, by key.
    public var manifestDigests: [String: Digest] {
        var out: [String: Digest] = [:]
        for (key, image) in platforms { out[key] = image.manifestDigest }
        return out
    }

    /// The snapshot as one side of a comparison, restricted to the platforms `requested` selects
    /// (as `ImageLoader` selects them: both the listed platform and the config's).
    public func side(platform requested: Platform? = nil) throws(ForensicsError) -> PreparedSide {
        let chosen = platforms.filter { key, image in
            guard let requested else { return true }
            let listed = Platform(parsing: key) ?? image.platform
            return requested.selects(listed) && requested.selects(image.platform)
        }
        guard !chosen.isEmpty else {
            throw .platformNotRecorded(path: path, requested: requested?.description ?? "any", recorded: header.platforms)
        }
        var summary = header.image
        let release = header.release.map { "release \($0)" } ?? "an image"
        summary.notes = ["snapshot of \(release), recorded by driftscope \(header.toolVersion) from \(summary.source) (\(summary.format))"]
            + summary.notes
        summary.source = path
        summary.format = SourceFormat.snapshot.rawValue
        summary.platforms = chosen.map(\.key)
        if chosen.count == 1 {
            summary.platform = chosen[0].key
            summary.manifestDigest = chosen[0].image.manifestDigest
            summary.configDigest = chosen[0].image.configDigest
        }
        var sides: [String: PreparedImage?] = [:]
        for (key, image) in chosen { sides[key] = .some(image) }
        return PreparedSide(summary: summary, platforms: sides)
    }
}
