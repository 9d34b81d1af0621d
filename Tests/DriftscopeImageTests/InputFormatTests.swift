import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

/// A small image with one entry of each common kind, so that each format's layers carry real content.
private func sampleImage(_ compressions: [FixtureCompression]) -> FixtureImage {
    FixtureImage(layers: compressions.enumerated().map { i, compression in
        FixtureLayer([
            .dir("etc"),
            .file("etc/layer-\(i)", "content of layer \(i)\n"),
            .file("usr/bin/tool-\(i)", "#!/bin/sh\necho \(i)\n", mode: 0o755),
            .symlink("bin-\(i)", target: "usr/bin"),
        ], compression: compression)
    }, env: ["PATH=/usr/bin"], cmd: ["/bin/sh"])
}

/// The manifest digest driftscope must report for `written`, written as `format`.
///
/// Image layouts keep their manifest blob: its digest is the builder's. A docker-archive or crane
/// tarball holds no manifest, so the digest is that of the manifest skopeo synthesises (each layer
/// by its diff_id and uncompressed size), which `skopeo inspect --raw | sha256sum` prints.
private func expectedManifestDigest(_ written: WrittenImage, image: FixtureImage, format: FixtureFormat) throws -> Digest {
    switch format {
    case .ociArchive, .ociLayout, .dockerArchiveOCI:
        return written.manifestDigest
    case .dockerArchive, .craneTarball:
        let sizes = try image.layers.map { try $0.tarBytes().count }
        let bytes = skopeoSynthesizedManifest(configDigest: written.configDigest, configSize: written.configBytes.count,
                                              layers: zip(written.diffIDs, sizes).map { ($0, $1) })
        return SHA256Hasher.hash(bytes)
    }
}

/// The `skopeo inspect --raw` reference of a written image, when skopeo reads the format.
private func skopeoReference(_ written: WrittenImage, format: FixtureFormat, options: FixtureOptions) -> String? {
    let tag = options.tags.first ?? "fixture:latest"
    switch format {
    case .ociArchive where !options.gzipWholeArchive: return "oci-archive:\(written.url.path):\(tag)"
    case .ociLayout: return "oci:\(written.url.path):\(tag)"
    case .dockerArchive, .craneTarball: return "docker-archive:\(written.url.path)"
    // skopeo 1.9 reads a Docker 25+ save as a legacy docker-archive and synthesises a manifest,
    // while the archive keeps the real one: no comparison.
    default: return nil
    }
}

/// The source format driftscope must detect for a fixture format.
private func sourceFormat(_ format: FixtureFormat) -> SourceFormat {
    switch format {
    case .ociArchive: return .ociArchive
    case .ociLayout: return .ociLayout
    case .dockerArchive: return .dockerArchive
    case .dockerArchiveOCI: return .dockerArchiveOCI
    case .craneTarball: return .craneTarball
    }
}

/// Loads `written` and checks every digest against the builder's, then walks every layer so that
/// each layer digest and diff_id is verified against the bytes.
private func checkLoads(_ written: WrittenImage, image: FixtureImage, format: FixtureFormat, options: FixtureOptions,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
    let loaded = try ImageLoader.load(path: written.url.path)
    #expect(loaded.format == sourceFormat(format), sourceLocation: sourceLocation)
    #expect(loaded.platforms.count == 1, sourceLocation: sourceLocation)
    let resolved = try #require(loaded.present.first, sourceLocation: sourceLocation)
    #expect(resolved.configDigest == written.configDigest, "config digest", sourceLocation: sourceLocation)
    #expect(resolved.configSize == Int64(written.configBytes.count), sourceLocation: sourceLocation)
    #expect(resolved.layers.map(\.diffID) == written.diffIDs, "diff_ids", sourceLocation: sourceLocation)
    #expect(resolved.platform == Platform(os: "linux", architecture: "amd64"), sourceLocation: sourceLocation)
    #expect(resolved.manifestSynthesized == (format == .dockerArchive || format == .craneTarball), sourceLocation: sourceLocation)
    if options.gzipWholeArchive {
        #expect(loaded.notes.contains { $0.contains("compressed as a whole") }, "\(loaded.notes)", sourceLocation: sourceLocation)
    }

    // The layer blobs as stored: digests and sizes are those of the written blobs, verified by the walk.
    #expect(resolved.layers.map(\.digest) == written.layerDigests, "layer digests", sourceLocation: sourceLocation)
    #expect(resolved.layers.map(\.size) == written.layerSizes.map(Int64.init), "layer sizes", sourceLocation: sourceLocation)
    let indexes = try walkLayers(resolved)
    #expect(indexes.map(\.digest) == written.layerDigests, sourceLocation: sourceLocation)
    #expect(indexes.map(\.diffID) == written.diffIDs, sourceLocation: sourceLocation)
    for (i, layer) in image.layers.enumerated() {
        #expect(indexes[i].uncompressedSize == Int64(try layer.tarBytes().count), "layer \(i)", sourceLocation: sourceLocation)
        #expect(indexes[i].findings.isEmpty, "layer \(i): \(indexes[i].findings)", sourceLocation: sourceLocation)
    }
    let merged = MergedFilesystem(layers: indexes)
    for i in image.layers.indices {
        let entry = try #require(merged.entries["/etc/layer-\(i)"], sourceLocation: sourceLocation)
        #expect(entry.record.digest == SHA256Hasher.hash("content of layer \(i)\n"), sourceLocation: sourceLocation)
        #expect(merged.entries["/bin-\(i)"]?.record.linkTarget == "usr/bin", sourceLocation: sourceLocation)
    }

    // The manifest last: a difference here is reported on its own.
    #expect(resolved.manifestDigest == (try expectedManifestDigest(written, image: image, format: format)),
            "manifest digest", sourceLocation: sourceLocation)
    if [.ociArchive, .ociLayout, .dockerArchiveOCI].contains(format) {
        #expect(resolved.manifestDigest == written.manifestDigest, sourceLocation: sourceLocation)
    }
}

private func checkLoadsAllowingKnownIssue(_ written: WrittenImage, image: FixtureImage, format: FixtureFormat,
                                          options: FixtureOptions) throws {
    try checkLoads(written, image: image, format: format, options: options)
}

@Suite("Input formats and layer compressions")
struct InputFormatTests {
    @Test("every format with uncompressed, gzip and zstd layers", arguments: FixtureFormat.allCases, [
        FixtureCompression.none, .gzip, .zstd,
    ])
    func formatAndCompression(format: FixtureFormat, compression: FixtureCompression) throws {
        let dir = try TemporaryDirectory(prefix: "format")
        let image = sampleImage([compression, compression])
        let written = try FixtureWriter.write(image, as: format, to: dir.path("image"))
        try checkLoadsAllowingKnownIssue(written, image: image, format: format, options: .init())
    }

    @Test("one image mixing uncompressed, gzip and zstd layers", arguments: FixtureFormat.allCases)
    func mixedCompressions(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "format")
        let image = sampleImage([.none, .gzip, .zstd])
        let written = try FixtureWriter.write(image, as: format, to: dir.path("image"))
        try checkLoadsAllowingKnownIssue(written, image: image, format: format, options: .init())
    }

    struct Variant: Sendable, CustomTestStringConvertible {
        var name: String
        var format: FixtureFormat
        var options: FixtureOptions
        var testDescription: String { name }
    }

    static let variants: [Variant] = [
        Variant(name: "oci-archive gzipped as a whole", format: .ociArchive, options: .init(gzipWholeArchive: true)),
        Variant(name: "oci-archive with ./ names", format: .ociArchive, options: .init(dotSlashPrefix: true)),
        Variant(name: "oci-archive, GNU outer tar", format: .ociArchive, options: .init(archiveFlavor: .gnu)),
        Variant(name: "oci-archive, ustar outer tar", format: .ociArchive, options: .init(archiveFlavor: .ustar)),
        Variant(name: "docker-archive gzipped as a whole", format: .dockerArchive, options: .init(gzipWholeArchive: true)),
        Variant(name: "docker-archive with ./ names", format: .dockerArchive, options: .init(dotSlashPrefix: true)),
        Variant(name: "docker-archive, config not named after its hash", format: .dockerArchive,
                options: .init(legacyConfigName: "config.json")),
        Variant(name: "docker-archive, config named after another hash", format: .dockerArchive,
                options: .init(legacyConfigName: String(repeating: "ab", count: 32) + ".json")),
        Variant(name: "docker-archive without tags", format: .dockerArchive, options: .init(tags: [])),
        Variant(name: "docker-archive with compressed layers", format: .dockerArchive,
                options: .init(compressDockerArchiveLayers: true)),
        Variant(name: "Docker 25+ archive", format: .dockerArchiveOCI, options: .init()),
        Variant(name: "Docker 25+ archive, manifests null", format: .dockerArchiveOCI, options: .init(nullManifests: true)),
        Variant(name: "Docker 25+ archive, manifests null, gzipped, ./ names", format: .dockerArchiveOCI,
                options: .init(gzipWholeArchive: true, dotSlashPrefix: true, nullManifests: true)),
        Variant(name: "crane tarball with ./ names", format: .craneTarball, options: .init(dotSlashPrefix: true)),
        Variant(name: "crane tarball gzipped as a whole", format: .craneTarball, options: .init(gzipWholeArchive: true)),
    ]

    @Test("archive variants", arguments: variants)
    func variant(_ variant: Variant) throws {
        let dir = try TemporaryDirectory(prefix: "variant")
        let image = sampleImage([.gzip, .zstd])
        let written = try FixtureWriter.write(image, as: variant.format, to: dir.path("image.tar"), options: variant.options)
        try checkLoadsAllowingKnownIssue(written, image: image, format: variant.format, options: variant.options)
        if variant.options.legacyConfigName?.hasPrefix("abab") == true {
            let loaded = try ImageLoader.load(path: written.url.path)
            #expect(loaded.notes.contains { $0.contains("not named after its own hash") }, "\(loaded.notes)")
        }
    }

    @Test("Docker 25+ archive with null manifests is reached through manifest.json, with the stored manifest")
    func nullManifestsUseTheStoredManifest() throws {
        let dir = try TemporaryDirectory(prefix: "null")
        let written = try FixtureWriter.write(sampleImage([.gzip]), as: .dockerArchiveOCI, to: dir.path("image.tar"),
                                              options: .init(nullManifests: true))
        let loaded = try ImageLoader.load(path: written.url.path)
        #expect(loaded.notes.contains { $0.contains("manifest.json") && $0.contains("null") }, "\(loaded.notes)")
        let image = try #require(loaded.present.first)
        #expect(!image.manifestSynthesized)
        #expect(image.manifestDigest == written.manifestDigest)
        #expect(image.name == "fixture:latest")
    }

    @Test("legacy docker-archive with duplicate layers stored as symlinks")
    func duplicateLayersAsSymlinks() throws {
        let dir = try TemporaryDirectory(prefix: "dup")
        let same = FixtureLayer([.file("etc/same", "same bytes\n")], compression: .none)
        let image = FixtureImage(layers: [same, FixtureLayer([.file("etc/other", "x")], compression: .none), same])
        let written = try FixtureWriter.write(image, as: .dockerArchive, to: dir.path("image.tar"),
                                              options: .init(duplicateLayersAsSymlinks: true))
        // The archive really holds a symlink for the third layer.
        let members = try ArchiveContents.read(written.url)
        #expect(members.contains { $0.header.type == .symlink && $0.name.hasSuffix("/layer.tar") })

        let resolved = try loadSingle(written.url.path)
        #expect(resolved.layers.count == 3)
        #expect(resolved.layers[0].digest == resolved.layers[2].digest)
        #expect(resolved.layers[0].location == resolved.layers[2].location, "the symlink resolves to the first copy")
        let indexes = try walkLayers(resolved)
        #expect(indexes.map(\.diffID) == written.diffIDs)
        let expected = try expectedManifestDigest(written, image: image, format: .dockerArchive)
        #expect(resolved.manifestDigest == expected)
    }

    @Test("eStargz-like trailing bytes after the tar end marker are covered by the diff_id",
          arguments: [FixtureCompression.none, .gzip, .zstd])
    func trailingBytes(compression: FixtureCompression) throws {
        let footer = Data((0..<51).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })
        let layer = FixtureLayer([.file("etc/hostname", "box\n")], compression: compression, trailingBytes: footer)
        let dir = try TemporaryDirectory(prefix: "estargz")
        let written = try FixtureWriter.write(FixtureImage(layers: [layer]), as: .ociArchive, to: dir.path("image.tar"))
        let resolved = try loadSingle(written.url.path)
        let index = try #require(try walkLayers(resolved).first)
        #expect(index.diffID == written.diffIDs[0])
        #expect(index.diffID == SHA256Hasher.hash(try layer.tarBytes()))
        #expect(index.uncompressedSize == Int64(try layer.tarBytes().count))
        #expect(index.entries.map(\.path) == ["/etc/hostname"])
    }

    @Test("nondistributable and foreign layer media types are read", arguments: [
        ("application/vnd.oci.image.layer.nondistributable.v1.tar", FixtureCompression.none),
        ("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", .gzip),
        ("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", .zstd),
        ("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", .gzip),
    ])
    func nondistributable(mediaType: String, compression: FixtureCompression) throws {
        let dir = try TemporaryDirectory(prefix: "nondist")
        let layer = FixtureLayer([.file("windows/system32", "base")], compression: compression, mediaType: mediaType)
        let written = try FixtureWriter.write(FixtureImage(layers: [layer]), as: .ociLayout, to: dir.path("layout"))
        let resolved = try loadSingle(written.url.path)
        #expect(resolved.manifestDigest == written.manifestDigest)
        #expect(resolved.layers.map(\.mediaType) == [mediaType])
        let index = try #require(try walkLayers(resolved).first)
        #expect(index.digest == written.layerDigests[0] && index.diffID == written.diffIDs[0])
        #expect(index.findings.isEmpty, "\(index.findings)")
    }

    static let skopeoCases: [Variant] = [
        Variant(name: "oci-archive", format: .ociArchive, options: .init()),
        Variant(name: "oci layout", format: .ociLayout, options: .init()),
        Variant(name: "docker-archive", format: .dockerArchive, options: .init()),
        Variant(name: "docker-archive, config.json", format: .dockerArchive, options: .init(legacyConfigName: "config.json")),
        Variant(name: "docker-archive with compressed layers", format: .dockerArchive,
                options: .init(compressDockerArchiveLayers: true)),
        Variant(name: "crane tarball", format: .craneTarball, options: .init()),
    ]

    @Test("the manifest digest equals what skopeo inspect --raw prints", .enabled(if: ExternalTool.path(of: "skopeo") != nil),
          arguments: skopeoCases)
    func matchesSkopeo(_ variant: Variant) throws {
        let dir = try TemporaryDirectory(prefix: "skopeo")
        let image = sampleImage([.gzip, .none])
        let written = try FixtureWriter.write(image, as: variant.format, to: dir.path(variant.format.isArchive ? "image.tar" : "layout"),
                                              options: variant.options)
        let reference = try #require(skopeoReference(written, format: variant.format, options: variant.options))
        let raw = try ExternalTool.run("skopeo", ["inspect", "--raw", reference])
        try #require(raw.status == 0, "skopeo: \(raw.errorOutput)")
        let config = try ExternalTool.run("skopeo", ["inspect", "--raw", "--config", reference])
        try #require(config.status == 0, "skopeo: \(config.errorOutput)")
        let resolved = try loadSingle(written.url.path)
        #expect(resolved.configDigest == SHA256Hasher.hash(config.stdout))
        #expect(resolved.manifestDigest == SHA256Hasher.hash(raw.stdout), "manifest digest")
    }

    @Test("a layer whose bytes are not compressed as declared is read, with a finding")
    func compressionMismatch() throws {
        let tar = try FixtureLayer([.file("a", "1")]).tarBytes()
        let layer = FixtureLayer.prebuilt(blob: tar, diffID: SHA256Hasher.hash(tar), compression: .gzip)
        let walked = try WalkedImage([layer])
        #expect(walked.layers[0].detectedCompression == Compression.none)
        #expect(walked.layers[0].findings.map(\.kind) == [.compressionMismatch])
        #expect(walked.layers[0].findings.first?.layer == 0)
    }
}
