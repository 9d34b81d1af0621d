import DriftscopeArchive
import DriftscopeImage
import DriftscopePackages
import Foundation

/// "What exactly is this image": identity, layers, totals, findings, optionally the file tree.
public struct Inspection: Codable, Sendable {
    /// One platform.
    public struct PlatformInfo: Codable, Sendable {
        public struct Layer: Codable, Sendable {
            public var index: Int
            public var digest: Digest
            public var diffID: Digest
            public var mediaType: String
            public var compression: String
            public var size: Int64
            public var uncompressedSize: Int64
            public var entryCount: Int
        }
        public struct File: Codable, Sendable {
            public var path: String
            public var type: String
            public var mode: String
            public var uid: Int64
            public var gid: Int64
            public var size: Int64
            public var digest: Digest?
            public var linkTarget: String?
            public var layer: Int
        }
        public var platform: String
        public var manifestDigest: Digest
        public var present: Bool
        public var manifestSynthesized: Bool?
        public var configDigest: Digest?
        public var created: String?
        public var layers: [Layer]
        public var totalSize: Int64
        public var totalUncompressedSize: Int64
        public var fileCount: Int
        public var packages: [Package]?
        public var findings: [Finding]
        public var files: [File]?
    }
    public var schemaVersion = 1
    public var source: String
    public var format: String
    public var name: String?
    public var indexDigest: Digest?
    public var platforms: [PlatformInfo]
    public var notes: [String]
}

/// Builds an `Inspection`.
public enum Inspector {
    /// Loads, verifies and walks every present platform of `path`.
    public static func inspect(path: String, image: String? = nil, platform: Platform? = nil, files: Bool = false,
                               concurrency: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) async throws(InputError) -> Inspection {
        let loaded = try ImageLoader.load(path: path, image: image, platform: platform)
        let jobs = loaded.present.flatMap { img in img.layers.map { LayerIndexer.Job(layer: $0, source: path) } }
            .sorted { $0.layer.size > $1.layer.size }
        let indexes: [Digest: LayerIndex]
        do {
            indexes = try await LayerIndexer(walker: Comparator.walker, cache: nil, concurrency: concurrency, progress: nil).index(jobs)
        } catch let e as InputError {
            throw e
        } catch {
            throw .corruptArchive(path: path, reason: "\(error)")
        }
        var infos: [Inspection.PlatformInfo] = []
        for p in loaded.platforms {
            guard let img = p.image else {
                infos.append(.init(platform: p.platform.description, manifestDigest: p.manifestDigest, present: false,
                                   layers: [], totalSize: 0, totalUncompressedSize: 0, fileCount: 0, findings: []))
                continue
            }
            let layerIndexes = img.layers.compactMap { indexes[$0.digest] }
            let fs = MergedFilesystem(layers: layerIndexes)
            let layers = zip(img.layers, layerIndexes).map { ref, idx in
                Inspection.PlatformInfo.Layer(index: ref.index, digest: ref.digest, diffID: ref.diffID, mediaType: ref.mediaType,
                                              compression: idx.detectedCompression.rawValue, size: ref.size,
                                              uncompressedSize: idx.uncompressedSize, entryCount: idx.entryCount)
            }
            var fileList: [Inspection.PlatformInfo.File]?
            if files {
                fileList = fs.paths.map { path in
                    let e = fs.entries[path]!
                    return .init(path: path, type: e.record.type.rawValue, mode: modeString(e.record.mode), uid: e.record.uid,
                                 gid: e.record.gid, size: e.record.size, digest: e.record.digest, linkTarget: e.record.linkTarget, layer: e.layer)
                }
            }
            let inventory = PackageDatabase.inventory(files: fs.captured)
            infos.append(.init(
                platform: img.platform.description, manifestDigest: img.manifestDigest, present: true,
                manifestSynthesized: img.manifestSynthesized, configDigest: img.configDigest, created: img.config.created,
                layers: layers, totalSize: layers.reduce(0) { $0 + $1.size },
                totalUncompressedSize: layers.reduce(0) { $0 + $1.uncompressedSize }, fileCount: fs.entries.count,
                packages: inventory.packages, findings: layerIndexes.flatMap(\.findings) + fs.findings, files: fileList))
        }
        return Inspection(source: path, format: loaded.format.rawValue, name: loaded.name, indexDigest: loaded.indexDigest,
                          platforms: infos, notes: loaded.notes + loaded.present.flatMap(\.notes))
    }
}
