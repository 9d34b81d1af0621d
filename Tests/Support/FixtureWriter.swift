import DriftscopeArchive
import Foundation

/// Writes fixture images as OCI layouts (tar or directory), docker-archives and crane tarballs.
///
/// Everything is byte-deterministic: the same description gives the same bytes and digests, on
/// every run. JSON is compact with sorted keys and unescaped `/`; outer tars are pax with mtime 0,
/// uid/gid 0, modes 0644/0755; gzip headers carry no timestamp.
public enum FixtureWriter {
    /// Writes one image.
    public static func write(_ image: FixtureImage, as format: FixtureFormat, to url: URL,
                             options: FixtureOptions = .init()) throws -> WrittenImage {
        try writeImages([(options.tags, image)], as: format, to: url, options: options)[0]
    }

    /// Writes several images into one archive under different tags: a docker-archive or crane
    /// `manifest.json` with several entries, or an OCI index with one `ref.name` entry per image.
    /// `options.tags` is ignored.
    public static func writeMulti(_ images: [(tag: String, image: FixtureImage)], as format: FixtureFormat,
                                  to url: URL, options: FixtureOptions = .init()) throws -> [WrittenImage] {
        try writeImages(images.map { ([$0.tag], $0.image) }, as: format, to: url, options: options)
    }

    /// Writes a multi-platform image: an OCI image index (`ociArchive`, `ociLayout` or
    /// `dockerArchiveOCI`).
    ///
    /// - Parameters:
    ///   - nested: index.json holds one entry per tag pointing to an image-index blob that lists
    ///     the platforms (as buildah, skopeo and BuildKit write it); false lists the platform
    ///     manifests directly in index.json, each annotated with the tag.
    ///   - attestation: adds one BuildKit attestation manifest per platform (platform
    ///     `unknown/unknown`, annotated `vnd.docker.reference.type: attestation-manifest` and
    ///     `vnd.docker.reference.digest: <image manifest digest>`, one in-toto layer).
    ///   - omitBlobsFor: platforms (`linux/arm64`, `linux/arm/v7`) that the index lists but whose
    ///     manifest, config and layer blobs are left out, as a single-platform `docker save` of a
    ///     multi-platform image leaves them. Blobs another written platform uses stay.
    /// - Returns: one `WrittenImage` per platform, in order, each with `indexDigest` set.
    public static func writeIndex(_ platforms: [FixtureImage], as format: FixtureFormat, to url: URL,
                                  nested: Bool = true, attestation: Bool = false, omitBlobsFor: [String] = [],
                                  options: FixtureOptions = .init()) throws -> [WrittenImage] {
        guard [.ociArchive, .ociLayout, .dockerArchiveOCI].contains(format) else {
            throw FixtureError.unsupported("an image index cannot be written as \(format)")
        }
        let built = try platforms.map { try BuiltImage($0, uncompressed: format.storesUncompressedLayers(options)) }
        let omitted = Set(omitBlobsFor)
        let tree = OutputTree()
        tree.add("oci-layout", Layout.ociLayoutFile)

        var descriptors: [[String: Any]] = built.map { $0.descriptor(platform: true) }
        var attestations: [(Attestation, omitted: Bool)] = []
        if attestation {
            for image in built {
                let a = Attestation(for: image)
                attestations.append((a, omitted.contains(image.image.platform)))
                descriptors.append(a.descriptor)
            }
        }
        // Only written platforms add blobs, so a blob an omitted platform shares with them stays.
        for image in built where !omitted.contains(image.image.platform) { image.addBlobs(to: tree) }
        for (a, isOmitted) in attestations where !isOmitted { a.addBlobs(to: tree) }

        let indexMediaType = built.allSatisfy({ $0.image.mediaTypes == .docker }) && !attestation
            ? FixtureMediaType.dockerManifestList : FixtureMediaType.ociIndex
        let index = Layout.json(["schemaVersion": 2, "mediaType": indexMediaType, "manifests": descriptors])
        let indexDigest = SHA256Hasher.hash(index)
        let topEntries: [[String: Any]]
        if nested {
            tree.addBlob(index)
            let descriptor: [String: Any] = ["mediaType": indexMediaType, "digest": indexDigest.description,
                                             "size": index.count]
            topEntries = Layout.tagged(descriptor, tags: options.tags, format: format)
        } else {
            var entries: [[String: Any]] = []
            for (i, descriptor) in descriptors.enumerated() {
                if i < built.count {
                    entries += Layout.tagged(descriptor, tags: options.tags, format: format)
                } else {
                    entries.append(descriptor)  // attestations carry no tag
                }
            }
            topEntries = entries
        }
        let indexJSON = Layout.indexJSON(topEntries, null: options.nullManifests)
        tree.add("index.json", indexJSON)
        if format == .dockerArchiveOCI {
            let present = built.filter { !omitted.contains($0.image.platform) }
            Layout.addDockerManifest(present.map { (tags: options.tags, image: $0) }, to: tree,
                                     configPath: { $0.configDigest.layoutPath }, layerPath: { $0.digest.layoutPath })
            Layout.addRepositories(present.map { (tags: options.tags, id: $0.repositoriesID) }, to: tree)
        }
        try tree.write(to: url, asArchive: format.isArchive, sorted: true, options: options)
        // Flat, index.json itself is the index.
        let writtenIndexDigest = nested ? indexDigest : SHA256Hasher.hash(indexJSON)
        return built.map { $0.written(url: url, indexDigest: writtenIndexDigest) }
    }

    static func writeImages(_ items: [(tags: [String], image: FixtureImage)], as format: FixtureFormat, to url: URL,
                            options: FixtureOptions) throws -> [WrittenImage] {
        let tree = OutputTree()
        var sorted = true
        let built: [BuiltImage]
        switch format {
        case .ociArchive, .ociLayout, .dockerArchiveOCI:
            built = try items.map { try BuiltImage($0.image, uncompressed: format.storesUncompressedLayers(options)) }
            tree.add("oci-layout", Layout.ociLayoutFile)
            var entries: [[String: Any]] = []
            for (item, image) in zip(items, built) {
                image.addBlobs(to: tree)
                entries += Layout.tagged(image.descriptor(platform: false), tags: item.tags, format: format)
            }
            tree.add("index.json", Layout.indexJSON(entries, null: options.nullManifests))
            if format == .dockerArchiveOCI {
                Layout.addDockerManifest(zip(items, built).map { (tags: $0.tags, image: $1) }, to: tree,
                                         configPath: { $0.configDigest.layoutPath }, layerPath: { $0.digest.layoutPath })
                Layout.addRepositories(zip(items, built).map { (tags: $0.tags, id: $1.repositoriesID) }, to: tree)
            }
        case .dockerArchive:
            built = try items.map { try BuiltImage($0.image, uncompressed: format.storesUncompressedLayers(options)) }
            var top: [(tags: [String], id: String)] = []
            var entries: [[String: Any]] = []
            var firstIDForBlob: [Digest: String] = [:]
            for (item, image) in zip(items, built) {
                let configName = options.legacyConfigName ?? "\(image.configDigest.encoded).json"
                tree.add(configName, image.config)
                var parent: String?
                var layerPaths: [String] = []
                for (i, layer) in image.layers.enumerated() {
                    let id = Layout.v1ID(layer: layer.diffID, parent: parent)
                    tree.add("\(id)/VERSION", Data("1.0".utf8))
                    tree.add("\(id)/json", Layout.v1JSON(id: id, parent: parent, image: image,
                                                         isTop: i == image.layers.count - 1))
                    if options.duplicateLayersAsSymlinks, let first = firstIDForBlob[layer.digest], first != id {
                        tree.addSymlink("\(id)/layer.tar", target: "../\(first)/layer.tar")
                    } else {
                        tree.add("\(id)/layer.tar", layer.blob)
                        if firstIDForBlob[layer.digest] == nil { firstIDForBlob[layer.digest] = id }
                    }
                    layerPaths.append("\(id)/layer.tar")
                    parent = id
                }
                entries.append(["Config": configName, "RepoTags": item.tags.isEmpty ? NSNull() : item.tags,
                                "Layers": layerPaths])
                if let parent { top.append((item.tags, parent)) }
            }
            tree.add("manifest.json", Layout.json(entries))
            Layout.addRepositories(top, to: tree)
        case .craneTarball:
            // go-containerregistry writes the config, then the layers, then manifest.json.
            sorted = false
            built = try items.map { try BuiltImage($0.image, uncompressed: false) }
            var entries: [[String: Any]] = []
            for (item, image) in zip(items, built) {
                let configName = options.legacyConfigName ?? image.configDigest.description
                tree.add(configName, image.config)
                for layer in image.layers { tree.add("\(layer.digest.encoded).tar.gz", layer.blob) }
                entries.append(["Config": configName, "RepoTags": item.tags.isEmpty ? NSNull() : item.tags,
                                "Layers": image.layers.map { "\($0.digest.encoded).tar.gz" }])
            }
            tree.add("manifest.json", Layout.json(entries))
        }
        try tree.write(to: url, asArchive: format.isArchive, sorted: sorted, options: options)
        return built.map { $0.written(url: url, indexDigest: nil) }
    }
}

// MARK: - Building blobs

extension FixtureFormat {
    /// Whether layers are stored as plain tars whatever their `compression` (docker save).
    func storesUncompressedLayers(_ options: FixtureOptions) -> Bool {
        (self == .dockerArchive || self == .dockerArchiveOCI) && !options.compressDockerArchiveLayers
    }
}

/// A layer blob with its digests.
struct BuiltLayer {
    let blob: Data
    let digest: Digest
    let diffID: Digest
    let mediaType: String
    let annotations: [String: String]

    init(_ layer: FixtureLayer, uncompressed: Bool, style: FixtureMediaTypes) throws {
        let compression = uncompressed ? .none : layer.compression
        if let prebuilt = layer.prebuilt {
            blob = prebuilt.blob
            diffID = prebuilt.diffID
        } else {
            let tar = try layer.tarBytes()
            diffID = SHA256Hasher.hash(tar)
            blob = try ArchiveWriter.compress(tar, with: compression.archiveCompression)
        }
        digest = SHA256Hasher.hash(blob)
        annotations = layer.annotations
        mediaType = layer.mediaType ?? {
            switch (style, compression) {
            case (.oci, .none): return FixtureMediaType.ociLayer
            case (.oci, .gzip): return FixtureMediaType.ociLayerGzip
            case (_, .zstd): return FixtureMediaType.ociLayerZstd
            case (.docker, .none): return FixtureMediaType.dockerLayer
            case (.docker, .gzip): return FixtureMediaType.dockerLayerGzip
            }
        }()
    }

    var descriptor: [String: Any] {
        var d: [String: Any] = ["mediaType": mediaType, "digest": digest.description, "size": blob.count]
        if !annotations.isEmpty { d["annotations"] = annotations }
        return d
    }
}

/// An image's layers, config and manifest, built.
struct BuiltImage {
    let image: FixtureImage
    let layers: [BuiltLayer]
    let config: Data
    let configDigest: Digest
    let manifest: Data
    let manifestDigest: Digest
    let manifestMediaType: String

    init(_ image: FixtureImage, uncompressed: Bool) throws {
        self.image = image
        layers = try image.layers.map { try BuiltLayer($0, uncompressed: uncompressed, style: image.mediaTypes) }
        config = image.rawConfig ?? Layout.json(BuiltImage.configObject(image, diffIDs: layers.map(\.diffID)))
        configDigest = SHA256Hasher.hash(config)
        manifestMediaType = image.mediaTypes == .oci ? FixtureMediaType.ociManifest : FixtureMediaType.dockerManifest
        var m: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": manifestMediaType,
            "config": ["mediaType": image.mediaTypes == .oci ? FixtureMediaType.ociConfig : FixtureMediaType.dockerConfig,
                       "digest": configDigest.description, "size": config.count],
            "layers": layers.map(\.descriptor),
        ]
        if !image.manifestAnnotations.isEmpty { m["annotations"] = image.manifestAnnotations }
        manifest = Layout.json(m)
        manifestDigest = SHA256Hasher.hash(manifest)
    }

    static func configObject(_ image: FixtureImage, diffIDs: [Digest]) -> [String: Any] {
        var inner: [String: Any] = [:]
        if let v = image.env { inner["Env"] = v }
        if let v = image.cmd { inner["Cmd"] = v }
        if let v = image.entrypoint { inner["Entrypoint"] = v }
        if let v = image.user { inner["User"] = v }
        if let v = image.workingDir { inner["WorkingDir"] = v }
        if let v = image.labels { inner["Labels"] = v }
        if let v = image.exposedPorts { inner["ExposedPorts"] = Dictionary(v.map { ($0, [String: Any]()) }, uniquingKeysWith: { a, _ in a }) }
        if let v = image.volumes { inner["Volumes"] = Dictionary(v.map { ($0, [String: Any]()) }, uniquingKeysWith: { a, _ in a }) }
        if let v = image.stopSignal { inner["StopSignal"] = v }
        var root: [String: Any] = [
            "architecture": image.architecture,
            "os": image.os,
            "config": inner,
            "rootfs": ["type": "layers", "diff_ids": diffIDs.map(\.description)],
        ]
        if let v = image.variant { root["variant"] = v }
        if let v = image.created { root["created"] = v }
        let history = image.history ?? image.layers.indices.map {
            FixtureHistory(created: image.created, createdBy: "fixture layer \($0)")
        }
        root["history"] = history.map { h -> [String: Any] in
            var o: [String: Any] = [:]
            if let v = h.created { o["created"] = v }
            if let v = h.createdBy { o["created_by"] = v }
            if let v = h.author { o["author"] = v }
            if let v = h.comment { o["comment"] = v }
            if h.emptyLayer { o["empty_layer"] = true }
            return o
        }
        return merge(root, image.extraConfig)
    }

    static func merge(_ base: [String: Any], _ extra: [String: FixtureJSON]) -> [String: Any] {
        var out = base
        for (key, value) in extra {
            switch value {
            case .delete: out[key] = nil
            case .object(let object): out[key] = merge(out[key] as? [String: Any] ?? [:], object)
            default: out[key] = value.foundationValue
            }
        }
        return out
    }

    func descriptor(platform: Bool) -> [String: Any] {
        var d: [String: Any] = ["mediaType": manifestMediaType, "digest": manifestDigest.description, "size": manifest.count]
        if platform {
            var p: [String: Any] = ["architecture": image.architecture, "os": image.os]
            if let v = image.variant { p["variant"] = v }
            d["platform"] = p
        }
        return d
    }

    /// What Docker 25+ `repositories` maps a tag to: the top layer blob's hex.
    var repositoriesID: String { layers.last?.digest.encoded ?? configDigest.encoded }

    func addBlobs(to tree: OutputTree) {
        tree.addBlob(manifest)
        tree.addBlob(config)
        for layer in layers { tree.add(layer.digest.layoutPath, layer.blob) }
    }

    func written(url: URL, indexDigest: Digest?) -> WrittenImage {
        WrittenImage(url: url, manifestDigest: manifestDigest, manifestBytes: manifest, configDigest: configDigest,
                     configBytes: config, layerDigests: layers.map(\.digest), layerSizes: layers.map(\.blob.count),
                     diffIDs: layers.map(\.diffID), platform: image.platform, indexDigest: indexDigest)
    }
}

/// A BuildKit provenance attestation manifest for one image manifest.
struct Attestation {
    let statement: Data
    let config: Data
    let manifest: Data
    let descriptor: [String: Any]

    init(for image: BuiltImage) {
        let predicateType = "https://slsa.dev/provenance/v0.2"
        statement = Layout.json([
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": predicateType,
            "subject": [["name": "pkg:docker/fixture@latest?platform=\(image.image.platform.replacingOccurrences(of: "/", with: "%2F"))",
                         "digest": ["sha256": image.manifestDigest.encoded]]],
            "predicate": ["buildType": "https://mobyproject.org/buildkit@v1", "builder": ["id": ""]],
        ])
        let statementDigest = SHA256Hasher.hash(statement)
        config = Layout.json(["architecture": "unknown", "os": "unknown", "config": [String: Any](),
                              "rootfs": ["type": "layers", "diff_ids": [statementDigest.description]]])
        manifest = Layout.json([
            "schemaVersion": 2,
            "mediaType": FixtureMediaType.ociManifest,
            "config": ["mediaType": FixtureMediaType.ociConfig, "digest": SHA256Hasher.hash(config).description,
                       "size": config.count],
            "layers": [["mediaType": FixtureMediaType.inToto, "digest": statementDigest.description,
                        "size": statement.count, "annotations": ["in-toto.io/predicate-type": predicateType]]],
        ])
        descriptor = [
            "mediaType": FixtureMediaType.ociManifest,
            "digest": SHA256Hasher.hash(manifest).description,
            "size": manifest.count,
            "annotations": ["vnd.docker.reference.digest": image.manifestDigest.description,
                            "vnd.docker.reference.type": "attestation-manifest"],
            "platform": ["architecture": "unknown", "os": "unknown"],
        ]
    }

    func addBlobs(to tree: OutputTree) {
        tree.addBlob(manifest)
        tree.addBlob(config)
        tree.addBlob(statement)
    }
}

// MARK: - Layout files

enum Layout {
    static let ociLayoutFile = Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)

    /// Compact JSON, sorted keys, `/` unescaped: deterministic bytes.
    static func json(_ object: Any) -> Data {
        // Only this file's own dictionaries reach here; a failure is a bug in the fixture builder.
        // swiftlint:disable:next force_try
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static func indexJSON(_ manifests: [[String: Any]], null: Bool) -> Data {
        json(["schemaVersion": 2, "mediaType": FixtureMediaType.ociIndex,
              "manifests": null ? NSNull() as Any : manifests as Any])
    }

    /// One copy of `descriptor` per tag, annotated as the format's tool annotates it.
    static func tagged(_ descriptor: [String: Any], tags: [String], format: FixtureFormat) -> [[String: Any]] {
        if tags.isEmpty { return [descriptor] }
        return tags.map { tag in
            var d = descriptor
            var annotations = d["annotations"] as? [String: String] ?? [:]
            if format == .dockerArchiveOCI {
                // Docker 25+ (containerd): the full name, and the tag alone as ref.name.
                annotations["io.containerd.image.name"] = dockerFullName(tag)
                annotations["org.opencontainers.image.ref.name"] = splitTag(tag).tag
            } else {
                annotations["org.opencontainers.image.ref.name"] = tag
            }
            d["annotations"] = annotations
            return d
        }
    }

    /// `name:tag` split at the last `:` after the last `/`; `latest` when there is none.
    static func splitTag(_ reference: String) -> (name: String, tag: String) {
        let slash = reference.lastIndex(of: "/") ?? reference.startIndex
        if let colon = reference[slash...].lastIndex(of: ":") {
            return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
        }
        return (reference, "latest")
    }

    /// Docker's normalised name: `fixture:latest` → `docker.io/library/fixture:latest`.
    static func dockerFullName(_ reference: String) -> String {
        let (name, tag) = splitTag(reference)
        let first = name.split(separator: "/", maxSplits: 1).first.map(String.init) ?? name
        let hasDomain = name.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost")
        let full = hasDomain ? name : "docker.io/" + (name.contains("/") ? name : "library/" + name)
        return "\(full):\(tag)"
    }

    static func addDockerManifest(_ images: [(tags: [String], image: BuiltImage)], to tree: OutputTree,
                                  configPath: (BuiltImage) -> String, layerPath: (BuiltLayer) -> String) {
        let entries: [[String: Any]] = images.map { item in
            ["Config": configPath(item.image), "RepoTags": item.tags.isEmpty ? NSNull() : item.tags,
             "Layers": item.image.layers.map(layerPath)]
        }
        tree.add("manifest.json", json(entries))
    }

    /// The legacy `repositories` file: `{"name": {"tag": "<id>"}}`; absent without tags.
    static func addRepositories(_ images: [(tags: [String], id: String)], to tree: OutputTree) {
        var repositories: [String: [String: String]] = [:]
        for (tags, id) in images {
            for tag in tags {
                let (name, t) = splitTag(tag)
                repositories[name, default: [:]][t] = id
            }
        }
        if !repositories.isEmpty { tree.add("repositories", json(repositories)) }
    }

    /// A deterministic stand-in for Docker's v1 layer ID (chained over parent and diff_id).
    static func v1ID(layer diffID: Digest, parent: String?) -> String {
        SHA256Hasher.hash("\(parent ?? "")\n\(diffID)").encoded
    }

    /// `<id>/json`: the top layer carries the image config, the others an empty container config.
    static func v1JSON(id: String, parent: String?, image: BuiltImage, isTop: Bool) -> Data {
        var object: [String: Any]
        if isTop, let config = try? JSONSerialization.jsonObject(with: image.config) as? [String: Any] {
            object = config
            object["rootfs"] = nil
            object["history"] = nil
        } else {
            object = ["created": "1970-01-01T00:00:00Z",
                      "container_config": ["Cmd": NSNull(), "Env": NSNull(), "Image": "", "Labels": NSNull(),
                                           "User": "", "WorkingDir": ""]]
        }
        object["id"] = id
        if let parent { object["parent"] = parent }
        return json(object)
    }
}

// MARK: - Output

/// The files of an image layout or archive before they are written.
final class OutputTree {
    enum Node {
        case file(Data)
        case symlink(String)
    }

    private var order: [String] = []
    private var nodes: [String: Node] = [:]

    func add(_ path: String, _ data: Data) {
        if nodes[path] == nil { order.append(path) }
        nodes[path] = .file(data)
    }

    func addSymlink(_ path: String, target: String) {
        if nodes[path] == nil { order.append(path) }
        nodes[path] = .symlink(target)
    }

    /// Adds `blobs/sha256/<hex>`.
    func addBlob(_ data: Data) {
        add(SHA256Hasher.hash(data).layoutPath, data)
    }

    func write(to url: URL, asArchive: Bool, sorted: Bool, options: FixtureOptions) throws {
        if asArchive {
            try writeArchive(to: url, sorted: sorted, options: options)
        } else {
            try writeDirectory(to: url)
        }
    }

    private func writeDirectory(to url: URL) throws {
        let fm = FileManager.default
        // The parent must exist: recreating it would resurrect a TemporaryDirectory that has
        // already been removed (`TemporaryDirectory().path("x")`) and leak it.
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            try fm.createDirectory(at: url, withIntermediateDirectories: false)
        } else if !isDirectory.boolValue {
            throw FixtureError.io("\(url.path) exists and is not a directory")
        }
        for path in order {
            let target = url.appendingPathComponent(path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch nodes[path]! {
            case .file(let data): try data.write(to: target)
            case .symlink(let link): try fm.createSymbolicLink(atPath: target.path, withDestinationPath: link)
            }
        }
    }

    private func writeArchive(to url: URL, sorted: Bool, options: FixtureOptions) throws {
        // Every parent directory gets an entry before its first child, as tar of a directory does.
        var items: [(name: String, node: Node?)] = []
        var seenDirs = Set<String>()
        for path in order {
            var prefix = ""
            for component in path.split(separator: "/").dropLast() {
                prefix += component + "/"
                if seenDirs.insert(prefix).inserted { items.append((prefix, nil)) }
            }
            items.append((path, nodes[path]!))
        }
        if sorted {
            items.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        }
        let writer = try ArchiveWriter(path: url.path, format: options.archiveFlavor.archiveFormat,
                                       compression: options.gzipWholeArchive ? .gzip(level: 6) : .none)
        let prefix = options.dotSlashPrefix ? "./" : ""
        if options.dotSlashPrefix {
            try writer.write(entry: WriteEntry(name: "./", type: .directory, permissions: 0o755))
        }
        for (name, node) in items {
            switch node {
            case nil:
                try writer.write(entry: WriteEntry(name: prefix + name, type: .directory, permissions: 0o755))
            case .file(let data)?:
                try writer.write(entry: WriteEntry(name: prefix + name, type: .file, permissions: 0o644), data: data)
            case .symlink(let target)?:
                try writer.write(entry: WriteEntry(name: prefix + name, type: .symlink, linkTarget: target))
            }
        }
        try writer.finish()
    }
}
