import DriftscopeArchive
import Foundation

/// Opens an input, detects its format by content, finds the image and platforms asked for, and
/// verifies every metadata blob (index, manifest, config) against its digest and size. Layers are
/// verified later, in the same single pass that walks them (`LayerWalker`).
public enum ImageLoader {
    /// The largest metadata blob (index, manifest, config) read into memory.
    static let metadataLimit = 16 << 20

    /// Loads `path`; `image` picks one image of several (tag, reference name or digest); `platform`
    /// restricts to one platform (a request without a variant matches any variant).
    public static func load(path: String, image: String? = nil, platform: Platform? = nil) throws(InputError) -> LoadedImage {
        let container = try ImageContainer(path: path)
        var loader = Session(container: container, path: path)
        return try loader.load(image: image, platform: platform)
    }
}

/// The Docker `manifest.json` entry (legacy and Docker 25+ saves, crane tarballs).
struct DockerSaveEntry: Decodable {
    var Config: String
    var RepoTags: [String]?
    var Layers: [String]
}

private struct Session {
    let container: ImageContainer
    let path: String
    var notes: [String] = []

    init(container: ImageContainer, path: String) {
        self.container = container
        self.path = path
        if let compressed = container.wasCompressed {
            notes.append("the archive is compressed as a whole (\(compressed)); it was decompressed into a private temporary folder")
        }
    }

    mutating func load(image: String?, platform: Platform?) throws(InputError) -> LoadedImage {
        let hasIndex = container.exists("index.json")
        let hasManifestJSON = container.exists("manifest.json")
        if hasIndex {
            if let layout = try container.read("oci-layout", limit: 1 << 16) {
                let version = (try? JSONDecoder().decode([String: String].self, from: layout))?["imageLayoutVersion"]
                if version == nil { throw .malformedJSON(path: path, file: "oci-layout", reason: "no imageLayoutVersion") }
            }
            let index: ImageIndex = try decode("index.json", try container.read("index.json", limit: ImageLoader.metadataLimit)!)
            let manifests = index.manifests ?? []
            if manifests.isEmpty && hasManifestJSON {
                notes.append("index.json lists no manifests (\(index.manifests == nil ? "null" : "empty")); the image was reached through manifest.json")
                return try loadDocker(image: image, platform: platform, ociBlobs: true)
            }
            if manifests.isEmpty {
                throw .notAnImage(path: path, reason: "index.json lists no manifests")
            }
            let format: SourceFormat = container.isDirectory ? .ociLayout : (hasManifestJSON ? .dockerArchiveOCI : .ociArchive)
            return try loadOCI(manifests: manifests, format: format, image: image, platform: platform)
        }
        if hasManifestJSON {
            return try loadDocker(image: image, platform: platform, ociBlobs: false)
        }
        if container.isDirectory {
            throw .notAnImage(path: path, reason: "directory without index.json (not an OCI image layout) and without manifest.json")
        }
        let top = container.topLevelNames.prefix(5).joined(separator: ", ")
        throw .notAnImage(path: path, reason: "no index.json or manifest.json at the top of the archive (it holds: \(top.isEmpty ? "nothing" : top))")
    }

    // MARK: OCI layouts

    mutating func loadOCI(manifests: [Descriptor], format: SourceFormat, image: String?, platform: Platform?) throws(InputError) -> LoadedImage {
        // Docker 25+ writes the full name in io.containerd.image.name and only the tag in ref.name.
        func names(_ d: Descriptor) -> String? {
            d.annotations?["io.containerd.image.name"] ?? d.annotations?["org.opencontainers.image.ref.name"]
        }
        func allNames(_ d: Descriptor) -> [String] {
            [d.annotations?["io.containerd.image.name"], d.annotations?["org.opencontainers.image.ref.name"]].compactMap { $0 }
        }
        let distinct = Set(manifests.compactMap(names))
        var selected = manifests
        var name: String? = distinct.count == 1 ? distinct.first : nil
        if let image {
            selected = manifests.filter { d in
                if allNames(d).contains(where: { Self.nameMatches($0, image) }) { return true }
                return d.digest.description == image || (image.count >= 12 && d.digest.encoded.hasPrefix(image.replacingOccurrences(of: "sha256:", with: "")))
            }
            if selected.isEmpty {
                let listed = manifests.map { names($0) ?? $0.digest.description }
                throw .imageNotFound(path: path, requested: image, names: listed)
            }
            name = selected.compactMap(names).first ?? image
        } else if distinct.count > 1 {
            throw .severalImages(path: path, names: distinct.sorted())
        }

        var entries: [(Descriptor, Digest?)] = []
        var topIndex: Digest?
        for d in selected {
            try expand(d, parentIndex: nil, depth: 0, into: &entries, topIndex: &topIndex)
        }
        return try finish(entries: entries, format: format, name: name, indexDigest: topIndex, platform: platform)
    }

    static func nameMatches(_ name: String, _ request: String) -> Bool {
        if name == request { return true }
        // "v1" matches "docker.io/library/app:v1"; "app:v1" matches "docker.io/library/app:v1".
        return name.hasSuffix(":" + request) || name.hasSuffix("/" + request)
    }

    /// Expands index descriptors into image manifest descriptors, skipping attestations.
    mutating func expand(_ d: Descriptor, parentIndex: Digest?, depth: Int, into out: inout [(Descriptor, Digest?)], topIndex: inout Digest?) throws(InputError) {
        guard depth < 8 else { throw .notAnImage(path: path, reason: "image indexes nested more than 8 deep") }
        if d.annotations?["vnd.docker.reference.type"] == "attestation-manifest" {
            notes.append("skipped attestation manifest \(d.digest.short) (not a platform)")
            return
        }
        if d.mediaType == MediaType.dockerManifestV1 || d.mediaType == MediaType.dockerManifestV1Signed {
            throw .schema1(path: path)
        }
        if MediaType.isIndex(d.mediaType) || (d.mediaType == nil && isIndexBlob(d)) {
            let data = try readVerified(d, role: "image index")
            let index: ImageIndex = try decode("index \(d.digest.short)", data)
            if topIndex == nil { topIndex = d.digest }
            for child in index.manifests ?? [] {
                try expand(child, parentIndex: d.digest, depth: depth + 1, into: &out, topIndex: &topIndex)
            }
            return
        }
        if MediaType.isManifest(d.mediaType) || d.mediaType == nil {
            if d.platform?.os == "unknown" && d.platform?.architecture == "unknown" {
                notes.append("skipped manifest \(d.digest.short) for platform unknown/unknown (an attestation or artifact)")
                return
            }
            out.append((d, parentIndex))
            return
        }
        if depth > 0 {
            notes.append("skipped \(d.digest.short) of media type \(d.mediaType ?? "none") (not an image manifest)")
            return
        }
        throw .unknownMediaType(path: path, mediaType: d.mediaType ?? "(none)", role: "index.json entry \(d.digest.short)")
    }

    func isIndexBlob(_ d: Descriptor) -> Bool {
        guard let loc = try? container.location(of: d.digest.layoutPath), loc.length < 1 << 20,
              let data = try? container.read(loc, limit: 1 << 20, role: "blob"),
              let probe = try? JSONDecoder().decode(ImageManifest.self, from: data) else { return false }
        return probe.manifests != nil
    }

    mutating func finish(entries: [(Descriptor, Digest?)], format: SourceFormat, name: String?, indexDigest: Digest?, platform: Platform?) throws(InputError) -> LoadedImage {
        var platforms: [PlatformImage] = []
        var seen: [String] = []
        for (d, _) in entries {
            let present = container.exists(d.digest.layoutPath)
            if let requested = platform, let listed = d.platform, !requested.selects(listed) { continue }
            if !present {
                let p = d.platform ?? Platform(os: "unknown", architecture: "unknown")
                if platform != nil && d.platform == nil { continue }
                notes.append("platform \(p) is listed (manifest \(d.digest.short)) but its blobs are not in this archive")
                platforms.append(PlatformImage(platform: p.normalized, manifestDigest: d.digest, image: nil))
                continue
            }
            var resolved = try resolveManifest(d, format: format, name: name, indexDigest: indexDigest)
            seen.append(resolved.platform.normalized.description)
            if let requested = platform, !requested.selects(resolved.platform) { continue }
            if let listed = d.platform, listed.os != resolved.platform.os || listed.architecture != resolved.platform.architecture {
                resolved.notes.append("the index lists \(d.digest.short) as \(listed) but its config says \(resolved.platform)")
            }
            platforms.append(PlatformImage(platform: resolved.platform.normalized, manifestDigest: d.digest, image: resolved))
        }
        if let requested = platform {
            if platforms.isEmpty {
                let listed = entries.compactMap { $0.0.platform?.normalized.description }
                let available = Array(Set(listed + seen)).sorted()
                throw .platformNotFound(path: path, requested: requested.description, available: available)
            }
            if platforms.allSatisfy({ $0.image == nil }) {
                throw .platformAbsent(path: path, platform: requested.description)
            }
        }
        if platforms.allSatisfy({ $0.image == nil }) {
            if let first = entries.first {
                throw .missingBlob(path: path, blob: first.0.digest.description, role: "image manifest")
            }
            throw .notAnImage(path: path, reason: "no image manifest found (only attestations or artifacts)")
        }
        platforms.sort { $0.platform < $1.platform }
        return LoadedImage(source: path, format: format, name: name, indexDigest: indexDigest, platforms: platforms, notes: notes, container: container)
    }

    mutating func resolveManifest(_ d: Descriptor, format: SourceFormat, name: String?, indexDigest: Digest?) throws(InputError) -> ResolvedImage {
        let data = try readVerified(d, role: "image manifest")
        let manifest: ImageManifest = try decode("manifest \(d.digest.short)", data)
        if manifest.schemaVersion == 1 { throw .schema1(path: path) }
        let mediaType = manifest.mediaType ?? d.mediaType ?? MediaType.ociManifest
        if mediaType == MediaType.dockerManifestV1 || mediaType == MediaType.dockerManifestV1Signed { throw .schema1(path: path) }
        guard MediaType.isManifest(mediaType) else {
            throw .unknownMediaType(path: path, mediaType: mediaType, role: "manifest \(d.digest.short)")
        }
        guard let configDescriptor = manifest.config else {
            throw .malformedJSON(path: path, file: "manifest \(d.digest.short)", reason: "no config descriptor")
        }
        let (config, configJSON, configData) = try readConfig(configDescriptor)
        let descriptors = manifest.layers ?? []
        let diffIDs = config.rootfs?.diff_ids ?? []
        guard descriptors.count == diffIDs.count else {
            throw .layerCountMismatch(path: path, manifestLayers: descriptors.count, diffIDs: diffIDs.count)
        }
        var layers: [LayerRef] = []
        for (i, layer) in descriptors.enumerated() {
            let type = layer.mediaType ?? ""
            guard let compression = MediaType.layers[type] else {
                throw .unknownMediaType(path: path, mediaType: type.isEmpty ? "(none)" : type, role: "layer \(i)")
            }
            try requireSHA256(layer.digest, role: "layer \(i)")
            guard let loc = try container.location(of: layer.digest.layoutPath) else {
                throw .missingBlob(path: path, blob: layer.digest.description, role: "layer \(i)")
            }
            guard Int64(loc.length) == layer.size else {
                throw .sizeMismatch(path: path, role: "layer \(i)", digest: layer.digest, expected: layer.size, actual: Int64(loc.length))
            }
            layers.append(LayerRef(index: i, digest: layer.digest, size: layer.size, mediaType: type,
                                   declaredCompression: compression, diffID: diffIDs[i], location: loc))
        }
        return ResolvedImage(
            source: path, format: format, name: name, manifestDigest: d.digest, manifestSize: Int64(data.count),
            manifestMediaType: mediaType, manifestSynthesized: false, manifestAnnotations: manifest.annotations ?? [:],
            indexDigest: indexDigest, configDigest: configDescriptor.digest, configSize: Int64(configData.count),
            config: config, configJSON: configJSON, platform: platform(of: config), layers: layers, notes: [])
    }

    func platform(of config: ImageConfig) -> Platform {
        Platform(os: config.os ?? "unknown", architecture: config.architecture ?? "unknown", variant: config.variant)
    }

    mutating func readConfig(_ d: Descriptor) throws(InputError) -> (ImageConfig, JSONValue, Data) {
        if let type = d.mediaType, type != MediaType.ociConfig, type != MediaType.dockerConfig {
            throw .unknownMediaType(path: path, mediaType: type, role: "config (not a container image: an artifact?)")
        }
        let data = try readVerified(d, role: "config")
        return (try decode("config \(d.digest.short)", data), try decode("config \(d.digest.short)", data), data)
    }

    func requireSHA256(_ digest: Digest, role: String) throws(InputError) {
        guard digest.algorithm == "sha256" else {
            throw .badDigest(path: path, reason: "\(role) uses digest algorithm \(digest.algorithm); driftscope verifies sha256 only")
        }
    }

    /// Reads a metadata blob and checks its digest and size.
    func readVerified(_ d: Descriptor, role: String) throws(InputError) -> Data {
        try requireSHA256(d.digest, role: role)
        guard let loc = try container.location(of: d.digest.layoutPath) else {
            throw .missingBlob(path: path, blob: d.digest.description, role: role)
        }
        guard Int64(loc.length) == d.size else {
            throw .sizeMismatch(path: path, role: role, digest: d.digest, expected: d.size, actual: Int64(loc.length))
        }
        let data = try container.read(loc, limit: ImageLoader.metadataLimit, role: role)
        let actual = SHA256Hasher.hash(data)
        guard actual == d.digest else { throw .digestMismatch(path: path, role: role, expected: d.digest, actual: actual) }
        return data
    }

    func decode<T: Decodable>(_ file: String, _ data: Data) throws(InputError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo["NSDebugDescription"] as? String
            throw .malformedJSON(path: path, file: file, reason: underlying ?? context.debugDescription)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .malformedJSON(path: path, file: file, reason: "missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .malformedJSON(path: path, file: file, reason: "wrong type at '\(at)': \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .malformedJSON(path: path, file: file, reason: "null at '\(at)'")
        } catch {
            throw .malformedJSON(path: path, file: file, reason: "\(error)")
        }
    }

    // MARK: docker save and crane tarballs

    mutating func loadDocker(image: String?, platform: Platform?, ociBlobs: Bool) throws(InputError) -> LoadedImage {
        let raw = try container.read("manifest.json", limit: ImageLoader.metadataLimit)!
        if let probe = try? JSONSerialization.jsonObject(with: raw) as? [String: Any], probe["schemaVersion"] as? Int == 1 {
            throw .schema1(path: path)
        }
        let entries: [DockerSaveEntry] = try decode("manifest.json", raw)
        guard !entries.isEmpty else { throw .notAnImage(path: path, reason: "manifest.json lists no images") }
        func label(_ e: DockerSaveEntry) -> String { e.RepoTags?.first ?? e.Config }
        var chosen: DockerSaveEntry
        if let image {
            let matches = entries.filter { e in
                (e.RepoTags ?? []).contains { Self.nameMatches($0, image) } || e.Config.contains(image.replacingOccurrences(of: "sha256:", with: ""))
            }
            guard let first = matches.first else {
                throw .imageNotFound(path: path, requested: image, names: entries.map(label))
            }
            chosen = first
        } else if entries.count > 1 {
            throw .severalImages(path: path, names: entries.flatMap { $0.RepoTags ?? [$0.Config] })
        } else {
            chosen = entries[0]
        }
        let crane = chosen.Config.hasPrefix("sha256:")
        let format: SourceFormat = ociBlobs || container.exists("index.json") ? .dockerArchiveOCI : (crane ? .craneTarball : .dockerArchive)

        // The config: its digest is the hash of its bytes, whatever the file is called.
        guard let configLoc = try container.location(of: chosen.Config) else {
            throw .missingBlob(path: path, blob: chosen.Config, role: "config")
        }
        let configData = try container.read(configLoc, limit: ImageLoader.metadataLimit, role: "config \(chosen.Config)")
        let configDigest = SHA256Hasher.hash(configData)
        if let named = Self.digestInName(chosen.Config), named != configDigest {
            if chosen.Config.hasPrefix("blobs/") || crane {
                throw .digestMismatch(path: path, role: "config \(chosen.Config)", expected: named, actual: configDigest)
            }
            notes.append("the config file \(chosen.Config) is not named after its own hash (\(configDigest.short)); its content hash is used")
        }
        let config: ImageConfig = try decode(chosen.Config, configData)
        let configJSON: JSONValue = try decode(chosen.Config, configData)
        let diffIDs = config.rootfs?.diff_ids ?? []
        guard diffIDs.count == chosen.Layers.count else {
            throw .layerCountMismatch(path: path, manifestLayers: chosen.Layers.count, diffIDs: diffIDs.count)
        }
        var layers: [LayerRef] = []
        for (i, layerPath) in chosen.Layers.enumerated() {
            guard let loc = try container.location(of: layerPath) else {
                throw .missingBlob(path: path, blob: layerPath, role: "layer \(i)")
            }
            let sniffed = try sniff(loc)
            let digest: Digest
            if let named = Self.digestInName(layerPath), layerPath.hasPrefix("blobs/") || crane {
                digest = named
            } else if sniffed == .none {
                digest = diffIDs[i] // an uncompressed layer's blob digest is its diff_id; the walk checks both
            } else {
                digest = try hashBlob(loc)
            }
            let mediaType: String
            switch sniffed {
            case .gzip: mediaType = MediaType.dockerLayerGzip
            case .zstd: mediaType = MediaType.ociLayerZstd
            default: mediaType = MediaType.dockerLayer
            }
            let borrowed = Self.digestInName(layerPath) == nil || !(layerPath.hasPrefix("blobs/") || crane)
            layers.append(LayerRef(index: i, digest: digest, size: Int64(loc.length), mediaType: mediaType,
                                   declaredCompression: sniffed, diffID: diffIDs[i], location: loc,
                                   digestBorrowed: borrowed && sniffed == .none ? true : nil))
        }
        let plat = self.platform(of: config)
        if let requested = platform, !requested.selects(plat) {
            throw .platformNotFound(path: path, requested: requested.description, available: [plat.normalized.description])
        }

        // The manifest: a real one when the archive keeps it (Docker 25+), else synthesised as skopeo does.
        var manifestDigest: Digest
        var manifestSize: Int64
        var manifestType = MediaType.dockerManifest
        var synthesized = false
        var annotations: [String: String] = [:]
        if let found = try findManifest(configDigest: configDigest) {
            (manifestDigest, manifestSize) = (found.0, found.1)
            manifestType = found.2.mediaType ?? MediaType.ociManifest
            annotations = found.2.annotations ?? [:]
        } else {
            // containers/image describes every docker-archive layer uncompressed: its diff_id and
            // its uncompressed size, which for a compressed layer takes one decompression to learn.
            var described: [(Digest, UInt64)] = []
            for layer in layers {
                let size = layer.declaredCompression == .none ? layer.location.length : try uncompressedSize(layer)
                described.append((layer.diffID, size))
            }
            let bytes = Self.synthesizeManifest(configDigest: configDigest, configSize: configData.count, layers: described)
            manifestDigest = SHA256Hasher.hash(bytes)
            manifestSize = Int64(bytes.count)
            synthesized = true
        }
        let resolved = ResolvedImage(
            source: path, format: format, name: chosen.RepoTags?.first, manifestDigest: manifestDigest,
            manifestSize: manifestSize, manifestMediaType: manifestType, manifestSynthesized: synthesized,
            manifestAnnotations: annotations, indexDigest: nil, configDigest: configDigest,
            configSize: Int64(configData.count), config: config, configJSON: configJSON, platform: plat,
            layers: layers, notes: [])
        return LoadedImage(source: path, format: format, name: chosen.RepoTags?.first, indexDigest: nil,
                           platforms: [PlatformImage(platform: plat.normalized, manifestDigest: manifestDigest, image: resolved)],
                           notes: notes, container: container)
    }

    /// The schema 2 manifest skopeo and containers/image generate for a docker-archive (Go's
    /// `json.Marshal` of `manifest.Schema2`: fixed field order, compact). containers/image labels
    /// every layer `tar.gzip` whatever its bytes are (see Fixtures/README.md), so this does too.
    static func synthesizeManifest(configDigest: Digest, configSize: Int, layers: [(digest: Digest, size: UInt64)]) -> Data {
        var s = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.dockerManifest)\",\"config\":{\"mediaType\":\"\(MediaType.dockerConfig)\",\"size\":\(configSize),\"digest\":\"\(configDigest)\"},\"layers\":["
        s += layers.map { "{\"mediaType\":\"\(MediaType.dockerLayerGzip)\",\"size\":\($0.size),\"digest\":\"\($0.digest)\"}" }.joined(separator: ",")
        s += "]}"
        return Data(s.utf8)
    }

    /// A Docker 25+ save keeps the manifest blob even when index.json lists nothing: find the one
    /// whose config is ours.
    func findManifest(configDigest: Digest) throws(InputError) -> (Digest, Int64, ImageManifest)? {
        var candidates: [String] = container.memberNames.filter { $0.hasPrefix("blobs/sha256/") }
        if container.isDirectory {
            let dir = URL(fileURLWithPath: path).appendingPathComponent("blobs/sha256").path
            candidates = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).map { "blobs/sha256/" + $0 }
        }
        for name in candidates.sorted() {
            guard let loc = try? container.location(of: name), loc.length < 1 << 20, loc.length > 0,
                  let data = try? container.read(loc, limit: 1 << 20, role: name),
                  data.first == UInt8(ascii: "{"),
                  let m = try? JSONDecoder().decode(ImageManifest.self, from: data),
                  m.config?.digest == configDigest, MediaType.isManifest(m.mediaType ?? MediaType.ociManifest)
            else { continue }
            let digest = SHA256Hasher.hash(data)
            if let named = Self.digestInName(name), named != digest {
                throw .digestMismatch(path: path, role: "manifest \(name)", expected: named, actual: digest)
            }
            return (digest, Int64(data.count), m)
        }
        return nil
    }

    /// The sha256 digest a file name carries (`blobs/sha256/<hex>`, `sha256:<hex>`, `<hex>.tar.gz`, `<hex>.json`).
    static func digestInName(_ name: String) -> Digest? {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        var hex = last.hasPrefix("sha256:") ? String(last.dropFirst(7)) : last
        for suffix in [".tar.gz", ".tar", ".json", ".gz"] where hex.hasSuffix(suffix) { hex.removeLast(suffix.count) }
        return try? Digest(sha256Hex: hex)
    }

    /// The compression a blob's first bytes show.
    func sniff(_ loc: BlobLocation) throws(InputError) -> Compression {
        let head = try container.read(BlobLocation(file: loc.file, offset: loc.offset, length: min(loc.length, 4)), limit: 4, role: "layer")
        return Compression.sniff(head)
    }

    /// The decompressed length of a compressed layer (one streaming pass, nothing kept).
    func uncompressedSize(_ layer: LayerRef) throws(InputError) -> UInt64 {
        do {
            let source = try FileRangeSource(path: layer.location.file, offset: layer.location.offset, length: layer.location.length, hash: false)
            let reader = try ArchiveReader(mode: .raw, source: source, what: "layer \(layer.index) of \(path)")
            guard try reader.nextHeader() != nil else { return 0 }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            var total: UInt64 = 0
            while true {
                let n = try reader.readData(into: buffer)
                if n == 0 { return total }
                total += UInt64(n)
            }
        } catch {
            throw .corruptArchive(path: path, reason: "layer \(layer.index): \(error)")
        }
    }

    func hashBlob(_ loc: BlobLocation) throws(InputError) -> Digest {
        do {
            return try loc.sha256()
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }
}

extension Compression {
    /// The compression shown by magic bytes: gzip `1f 8b`, zstd `28 b5 2f fd`.
    public static func sniff(_ head: Data) -> Compression {
        let b = [UInt8](head.prefix(4))
        if b.count >= 2 && b[0] == 0x1f && b[1] == 0x8b { return .gzip }
        if b.count >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd { return .zstd }
        if b.count >= 3 && b[0] == 0x42 && b[1] == 0x5a && b[2] == 0x68 { return .other } // bzip2
        if b.count >= 4 && b[0] == 0xfd && b[1] == 0x37 && b[2] == 0x7a && b[3] == 0x58 { return .other } // xz
        return .none
    }
}
