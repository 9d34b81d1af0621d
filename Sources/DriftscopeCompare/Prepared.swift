import DriftscopeArchive
import DriftscopeImage
import DriftscopePackages
import Foundation

/// One platform of one side, ready to compare: from a walked image or from a release snapshot.
public struct PreparedImage: Sendable {
    /// The platform.
    public var platform: Platform
    /// The manifest digest (nil when unknown).
    public var manifestDigest: Digest?
    /// The config digest.
    public var configDigest: Digest?
    /// The config as JSON.
    public var configJSON: JSONValue?
    /// Manifest annotations.
    public var manifestAnnotations: [String: String]
    /// The layers, base first.
    public var layers: [LayerSummary]
    /// The merged filesystem (nil when the images were shown equal without it).
    public var filesystem: MergedFilesystem?
    /// The package inventory of the merged filesystem.
    public var inventory: PackageInventory?
    /// Findings of the layers and of merging them.
    public var findings: [Finding]
    /// Per-layer entry order (paths in tar order), for the entry-order rule.
    public var layerOrders: [[String]]?
    /// The resolved image, when its layers can be read again for content (nil for snapshots).
    public var resolved: ResolvedImage?
    /// The contents of differing files caught while both images' layers streamed side by side.
    public var exchange: PairExchange?

    public init(platform: Platform, manifestDigest: Digest?, configDigest: Digest?, configJSON: JSONValue?,
                manifestAnnotations: [String: String], layers: [LayerSummary], filesystem: MergedFilesystem?,
                inventory: PackageInventory?, findings: [Finding], layerOrders: [[String]]?, resolved: ResolvedImage?) {
        self.platform = platform; self.manifestDigest = manifestDigest; self.configDigest = configDigest
        self.configJSON = configJSON; self.manifestAnnotations = manifestAnnotations; self.layers = layers
        self.filesystem = filesystem; self.inventory = inventory; self.findings = findings
        self.layerOrders = layerOrders; self.resolved = resolved
    }
}

/// One side of a comparison: its summary and its platforms (nil image: listed but absent).
public struct PreparedSide: Sendable {
    public var summary: ImageSummary
    public var platforms: [String: PreparedImage?]

    public init(summary: ImageSummary, platforms: [String: PreparedImage?]) {
        self.summary = summary
        self.platforms = platforms
    }
}

extension PreparedImage {
    /// Builds from a resolved image and its verified layer indexes.
    static func from(_ image: ResolvedImage, indexes: [Digest: LayerIndex]?) -> PreparedImage {
        var summaries: [LayerSummary] = []
        var layerIndexes: [LayerIndex] = []
        for layer in image.layers {
            let index = indexes?[layer.digest]
            if let index { layerIndexes.append(index) }
            summaries.append(LayerSummary(digest: layer.digest, diffID: layer.diffID, mediaType: layer.mediaType, size: layer.size,
                                          uncompressedSize: index?.uncompressedSize, entryCount: index?.entryCount,
                                          compression: index?.detectedCompression.rawValue ?? layer.declaredCompression.rawValue))
        }
        var filesystem: MergedFilesystem?
        var inventory: PackageInventory?
        var findings: [Finding] = []
        var orders: [[String]]?
        if indexes != nil && layerIndexes.count == image.layers.count {
            let fs = MergedFilesystem(layers: layerIndexes)
            Trace.mark("merged \(fs.entries.count) paths")
            filesystem = fs
            inventory = PackageDatabase.inventory(files: fs.captured)
            Trace.mark("read \(fs.captured.count) package database files")
            findings = layerIndexes.flatMap(\.findings) + fs.findings
            orders = layerIndexes.map { $0.entries.map(\.path) } // entries are kept in tar order
        }
        return PreparedImage(platform: image.platform, manifestDigest: image.manifestDigest, configDigest: image.configDigest,
                             configJSON: image.configJSON, manifestAnnotations: image.manifestAnnotations, layers: summaries,
                             filesystem: filesystem, inventory: inventory, findings: findings, layerOrders: orders, resolved: image)
    }
}

extension ImageSummary {
    /// The summary of a loaded input.
    static func from(_ loaded: LoadedImage) -> ImageSummary {
        let first = loaded.present.first
        return ImageSummary(
            source: loaded.source, format: loaded.format.rawValue, name: loaded.name,
            manifestDigest: loaded.platforms.count == 1 ? loaded.platforms[0].manifestDigest : nil,
            manifestSynthesized: first?.manifestSynthesized, indexDigest: loaded.indexDigest,
            configDigest: loaded.platforms.count == 1 ? first?.configDigest : nil,
            platform: loaded.platforms.count == 1 ? loaded.platforms[0].platform.description : nil,
            platforms: loaded.platforms.map(\.platform.description),
            notes: loaded.notes + loaded.present.flatMap(\.notes))
    }
}
