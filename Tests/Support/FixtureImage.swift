import DriftscopeArchive
import Foundation

/// Media types the fixtures write (OCI image-spec media-types.md; Docker image manifest v2.2).
public enum FixtureMediaType {
    /// OCI image manifest.
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// OCI image index.
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// OCI image config.
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    /// OCI uncompressed layer.
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    /// OCI gzip layer.
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    /// OCI zstd layer.
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    /// Docker schema 2 manifest.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker manifest list.
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// Docker image config.
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    /// Docker gzip layer.
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// Docker uncompressed layer (as docker-archives describe `layer.tar`).
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
    /// The in-toto statement layer of a BuildKit attestation manifest.
    public static let inToto = "application/vnd.in-toto+json"
}

/// Which family of media types an image's manifest, config and layers use.
public enum FixtureMediaTypes: Sendable, Hashable {
    /// `application/vnd.oci.image.*` (BuildKit, buildah, Docker 25+).
    case oci
    /// `application/vnd.docker.*` (older Docker pushes; zstd layers still get the OCI type,
    /// since Docker has none).
    case docker
}

/// A JSON value, for config fields the builder has no parameter for.
public indirect enum FixtureJSON: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral, ExpressibleByFloatLiteral {
    /// JSON `null` (written as such).
    case null
    /// In `extraConfig`: remove this key from the generated config.
    case delete
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([FixtureJSON])
    /// An object.
    case object([String: FixtureJSON])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: FixtureJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, FixtureJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }

    /// The value as JSONSerialization takes it (`.delete` becomes null).
    public var foundationValue: Any {
        switch self {
        case .null, .delete: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.foundationValue)
        case .object(let o): return o.mapValues(\.foundationValue)
        }
    }
}

/// One `history` entry of an image config.
public struct FixtureHistory: Sendable, Hashable {
    /// `created`, or nil to omit it.
    public var created: String?
    /// `created_by`.
    public var createdBy: String?
    /// `author`.
    public var author: String?
    /// `comment`.
    public var comment: String?
    /// `empty_layer`: the step made no layer.
    public var emptyLayer: Bool

    /// Creates a history entry.
    public init(created: String? = "2024-01-01T00:00:00Z", createdBy: String? = nil, author: String? = nil,
                comment: String? = nil, emptyLayer: Bool = false) {
        self.created = created
        self.createdBy = createdBy
        self.author = author
        self.comment = comment
        self.emptyLayer = emptyLayer
    }
}

/// A container image described in a few lines: layers plus the config fields tests care about.
///
/// ```swift
/// let image = FixtureImage(layers: [FixtureLayer([.file("etc/hostname", "box\n")])],
///                          env: ["PATH=/usr/bin"], cmd: ["/bin/sh"])
/// let written = try FixtureWriter.write(image, as: .ociArchive, to: dir.path("image.tar"))
/// ```
public struct FixtureImage: Sendable, Hashable {
    /// The layers, bottom first.
    public var layers: [FixtureLayer]
    /// `os`.
    public var os: String
    /// `architecture`.
    public var architecture: String
    /// `variant` (e.g. `v8` for arm64), omitted when nil.
    public var variant: String?
    /// `config.Env`, omitted when nil.
    public var env: [String]?
    /// `config.Cmd`, omitted when nil.
    public var cmd: [String]?
    /// `config.Entrypoint`, omitted when nil.
    public var entrypoint: [String]?
    /// `config.User`, omitted when nil.
    public var user: String?
    /// `config.WorkingDir`, omitted when nil.
    public var workingDir: String?
    /// `config.Labels`, omitted when nil.
    public var labels: [String: String]?
    /// `config.ExposedPorts` keys (`"80/tcp"`), omitted when nil.
    public var exposedPorts: [String]?
    /// `config.Volumes` keys, omitted when nil.
    public var volumes: [String]?
    /// `config.StopSignal`, omitted when nil.
    public var stopSignal: String?
    /// `created`, omitted when nil.
    public var created: String?
    /// `history`; nil means one entry per layer, `created_by: "fixture layer N"` (N from 0).
    public var history: [FixtureHistory]?
    /// `annotations` of the image manifest.
    public var manifestAnnotations: [String: String]
    /// Merged into the generated config JSON last, recursively for objects; `.delete` removes a key
    /// (e.g. `["rootfs": .delete]`, `["os.version": "10.0.17763"]`).
    public var extraConfig: [String: FixtureJSON]
    /// When set, the config blob is exactly these bytes (the generated config is not used).
    public var rawConfig: Data?
    /// OCI or Docker media types for the manifest, config and layers.
    public var mediaTypes: FixtureMediaTypes

    /// Creates an image; only the layers are needed.
    public init(layers: [FixtureLayer] = [], os: String = "linux", architecture: String = "amd64",
                variant: String? = nil, env: [String]? = nil, cmd: [String]? = nil, entrypoint: [String]? = nil,
                user: String? = nil, workingDir: String? = nil, labels: [String: String]? = nil,
                exposedPorts: [String]? = nil, volumes: [String]? = nil, stopSignal: String? = nil,
                created: String? = "2024-01-01T00:00:00Z", history: [FixtureHistory]? = nil,
                manifestAnnotations: [String: String] = [:], extraConfig: [String: FixtureJSON] = [:],
                rawConfig: Data? = nil, mediaTypes: FixtureMediaTypes = .oci) {
        self.layers = layers
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.env = env
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.user = user
        self.workingDir = workingDir
        self.labels = labels
        self.exposedPorts = exposedPorts
        self.volumes = volumes
        self.stopSignal = stopSignal
        self.created = created
        self.history = history
        self.manifestAnnotations = manifestAnnotations
        self.extraConfig = extraConfig
        self.rawConfig = rawConfig
        self.mediaTypes = mediaTypes
    }

    /// `os/architecture[/variant]`, as `omitBlobsFor` takes it.
    public var platform: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }
}

/// The on-disk shape of a written image.
public enum FixtureFormat: Sendable, Hashable, CaseIterable {
    /// An OCI image layout in a tar (skopeo/buildah `oci-archive:`).
    case ociArchive
    /// An OCI image layout directory (`oci:`).
    case ociLayout
    /// Legacy `docker save` (before Docker 25): `manifest.json` array, `<id>/layer.tar`,
    /// `<id>/json`, `<id>/VERSION`, `repositories`, config `<hex>.json`.
    case dockerArchive
    /// Docker 25+ `docker save`: an OCI layout (uncompressed layers under `blobs/sha256/`) plus
    /// `manifest.json` and `repositories`.
    case dockerArchiveOCI
    /// go-containerregistry / `crane pull` tarball: `manifest.json` with `Config: "sha256:<hex>"`,
    /// compressed layers `<hex>.tar.gz`.
    case craneTarball

    /// Whether the output is a tar file (as opposed to a directory).
    public var isArchive: Bool { self != .ociLayout }
}

/// Ways to make a written archive look like a particular tool (or bug) made it.
public struct FixtureOptions: Sendable, Hashable {
    /// gzip the whole outer archive.
    public var gzipWholeArchive: Bool
    /// Outer tar names `./x`, plus a `./` directory entry.
    public var dotSlashPrefix: Bool
    /// Docker 25+: `index.json` has `"manifests": null`.
    public var nullManifests: Bool
    /// Docker-archive and crane tarball: the config's file name, instead of one made from its hash.
    public var legacyConfigName: String?
    /// Legacy docker save: a layer whose content repeats an earlier one is stored as a symlink
    /// `<id>/layer.tar -> ../<first id>/layer.tar`.
    public var duplicateLayersAsSymlinks: Bool
    /// The image's names: `RepoTags` of docker-archives, `org.opencontainers.image.ref.name`
    /// annotations of OCI layouts (one index entry per tag).
    public var tags: [String]
    /// The dialect of the outer tar.
    public var archiveFlavor: TarFlavor
    /// Docker-archives: store each layer with its own compression (as skopeo's docker-archive can)
    /// instead of uncompressed (as `docker save` does).
    public var compressDockerArchiveLayers: Bool

    /// Creates options; the defaults write a plain, well-formed archive tagged `fixture:latest`.
    public init(gzipWholeArchive: Bool = false, dotSlashPrefix: Bool = false, nullManifests: Bool = false,
                legacyConfigName: String? = nil, duplicateLayersAsSymlinks: Bool = false,
                tags: [String] = ["fixture:latest"], archiveFlavor: TarFlavor = .pax,
                compressDockerArchiveLayers: Bool = false) {
        self.gzipWholeArchive = gzipWholeArchive
        self.dotSlashPrefix = dotSlashPrefix
        self.nullManifests = nullManifests
        self.legacyConfigName = legacyConfigName
        self.duplicateLayersAsSymlinks = duplicateLayersAsSymlinks
        self.tags = tags
        self.archiveFlavor = archiveFlavor
        self.compressDockerArchiveLayers = compressDockerArchiveLayers
    }
}

/// What was written for one image, with every digest computed from the written bytes.
public struct WrittenImage: Sendable, Hashable {
    /// The archive file or layout directory.
    public var url: URL
    /// The image manifest's digest. For a legacy docker-archive, which holds no manifest, that of
    /// the Docker manifest describing its stored (uncompressed) layers.
    public var manifestDigest: Digest
    /// The image manifest's bytes.
    public var manifestBytes: Data
    /// The config blob's digest.
    public var configDigest: Digest
    /// The config blob's bytes.
    public var configBytes: Data
    /// The layer blobs' digests, as stored in this format.
    public var layerDigests: [Digest]
    /// The layer blobs' sizes, as stored in this format.
    public var layerSizes: [Int]
    /// The layers' diff_ids (SHA-256 of each uncompressed stream, trailing bytes included).
    public var diffIDs: [Digest]
    /// `os/architecture[/variant]`.
    public var platform: String
    /// The digest of the image index listing this image, when written by `writeIndex`.
    public var indexDigest: Digest?
}

/// Why a fixture could not be written.
public enum FixtureError: Error, Sendable, CustomStringConvertible {
    /// The format cannot hold what was asked (e.g. an image index in a legacy docker-archive).
    case unsupported(String)
    /// A file operation failed.
    case io(String)

    public var description: String {
        switch self {
        case .unsupported(let what): return "fixture: unsupported: \(what)"
        case .io(let what): return "fixture: \(what)"
        }
    }
}
