import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

// Helpers shared by the image tests: write a fixture, load it, walk it, and name the error case.

/// The package root, found from this file's path (`Tests/DriftscopeImageTests/<file>`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The real-tool fixtures (`Fixtures/`).
let fixturesDirectory = packageRoot.appendingPathComponent("Fixtures")

/// The name of an `InputError` case (`missingBlob`, `digestMismatch`, ...), for tables of expected errors.
func caseName(_ error: InputError) -> String {
    Mirror(reflecting: error).children.first?.label ?? "\(error)"
}

/// What `load` throws for `path`, or nil (with an issue recorded) when it loads.
func loadError(_ path: String, image: String? = nil, platform: String? = nil,
               sourceLocation: SourceLocation = #_sourceLocation) -> InputError? {
    do {
        let loaded = try ImageLoader.load(path: path, image: image, platform: platform.flatMap(Platform.init(parsing:)))
        Issue.record("expected \(path) to be refused, but it loaded \(loaded.platforms.count) platform(s)",
                     sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Walks every layer of `image`, base first.
func walkLayers(_ image: ResolvedImage, walker: LayerWalker = LayerWalker()) throws(InputError) -> [LayerIndex] {
    var out: [LayerIndex] = []
    for layer in image.layers { out.append(try walker.walk(layer, source: image.source)) }
    return out
}

/// What `walk` throws for any layer of `image`, or nil (with an issue recorded) when every layer walks.
func walkError(_ image: ResolvedImage, sourceLocation: SourceLocation = #_sourceLocation) -> InputError? {
    do {
        _ = try walkLayers(image)
        Issue.record("expected a layer of \(image.source) to be refused, but every layer walked", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Loads `path` and returns its only present platform.
func loadSingle(_ path: String, image: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> ResolvedImage {
    let loaded = try ImageLoader.load(path: path, image: image)
    return try #require(loaded.present.first, "no platform of \(path) is present", sourceLocation: sourceLocation)
}

/// A layer stack written as an OCI layout, loaded, walked and merged. The temporary directory goes
/// away when the value does; the indexes and the merged view hold no reference to it.
struct WalkedImage {
    let directory: TemporaryDirectory
    let written: WrittenImage
    let image: ResolvedImage
    let layers: [LayerIndex]
    let merged: MergedFilesystem

    init(_ layers: [FixtureLayer], format: FixtureFormat = .ociLayout, options: FixtureOptions = .init()) throws {
        directory = try TemporaryDirectory(prefix: "walk")
        written = try FixtureWriter.write(FixtureImage(layers: layers), as: format,
                                          to: directory.path(format.isArchive ? "image.tar" : "layout"), options: options)
        image = try loadSingle(written.url.path)
        self.layers = try walkLayers(image)
        merged = MergedFilesystem(layers: self.layers)
    }

    /// The record of `path` in layer `layer`.
    func record(_ path: String, layer: Int = 0) -> FileRecord? {
        layers[layer].entries.first { $0.path == path }
    }

    /// Findings of every layer and of the merge.
    var findings: [Finding] { layers.flatMap(\.findings) + merged.findings }
}

/// Walks one layer written as an OCI layout.
func walkOne(_ entries: [FixtureEntry], compression: FixtureCompression = .none, flavor: TarFlavor = .pax) throws -> WalkedImage {
    try WalkedImage([FixtureLayer(entries, compression: compression, flavor: flavor)])
}

/// Compact JSON with sorted keys, as the fixture builder writes it.
func compactJSON(_ object: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
}

/// The schema 2 manifest skopeo (containers/image) synthesises for a docker-archive: every layer
/// labelled `tar.gzip`, described by its diff_id and uncompressed size (see Fixtures/README.md).
func skopeoSynthesizedManifest(configDigest: Digest, configSize: Int, layers: [(digest: Digest, size: Int)]) -> Data {
    var s = #"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","#
    s += #""config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":\#(configSize),"digest":"\#(configDigest)"},"#
    s += #""layers":["#
    s += layers.map { #"{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":\#($0.size),"digest":"\#($0.digest)"}"# }
        .joined(separator: ",")
    s += "]}"
    return Data(s.utf8)
}

/// Writes an OCI layout by hand: the given blobs, and an index.json whose only entry is `manifest`
/// (any bytes, stored as a blob named by its hash) with `mediaType`. For manifests the builder would
/// never write (schema 1, malformed, unknown media types).
@discardableResult
func writeLayout(at url: URL, manifest: Data, mediaType: String?, blobs: [Data] = []) throws -> Digest {
    let fm = FileManager.default
    try fm.createDirectory(at: url.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
    for blob in blobs + [manifest] {
        try blob.write(to: url.appendingPathComponent(SHA256Hasher.hash(blob).layoutPath))
    }
    let digest = SHA256Hasher.hash(manifest)
    var descriptor: [String: Any] = ["digest": digest.description, "size": manifest.count]
    if let mediaType { descriptor["mediaType"] = mediaType }
    try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: url.appendingPathComponent("oci-layout"))
    try compactJSON(["schemaVersion": 2, "manifests": [descriptor]]).write(to: url.appendingPathComponent("index.json"))
    return digest
}

/// Writes a tar of the files under `directory` (regular files only, sorted, no directory entries).
func tarDirectory(_ directory: URL, to output: URL) throws {
    let root = directory.standardizedFileURL.path
    let names = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    let writer = try ArchiveWriter(path: output.path, format: .pax)
    for name in names {
        var isDir: ObjCBool = false
        let full = (root as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { continue }
        try writer.write(entry: WriteEntry(name: name, type: .file), data: try Data(contentsOf: URL(fileURLWithPath: full)))
    }
    try writer.finish()
}
