import DriftscopeArchive

/// One line of a release log: what shipped under a release name, to the byte, and where its
/// snapshot is. Field names are the JSON keys; fields are only ever added.
public struct ReleaseRecord: Codable, Sendable, Equatable {
    /// The version of this line's layout.
    public var recordVersion: Int
    /// The release name (`1.4.0`).
    public var release: String
    /// When the record was made: ISO 8601 in UTC (`2025-06-01T12:00:00Z`).
    public var recordedAt: String
    /// `driftscope`.
    public var tool: String
    /// The driftscope version that made the record.
    public var toolVersion: String
    /// The image path as given to `record`.
    public var source: String
    /// The input format (`oci-archive`, `docker-archive`, ...).
    public var format: String
    /// The image's tag or reference name, when the input records one.
    public var name: String?
    /// The digest a registry would show: the manifest's for one platform, the index's for several.
    public var manifestDigest: Digest
    /// The image index digest, when the image was reached through one.
    public var indexDigest: Digest?
    /// The config digest (one platform only; see `platforms` otherwise).
    public var configDigest: Digest?
    /// Every recorded platform, sorted.
    public var platforms: [PlatformRecord]
    /// Platforms the index lists but whose blobs were not in the input (not recorded).
    public var absentPlatforms: [String]?
    /// The base image, when every platform names the same one.
    public var base: BaseImage?
    /// The source labels, when every platform carries the same ones.
    public var labels: SourceLabels?
    /// SHA-256 of the package inventory's fingerprint (one platform only; see `platforms` otherwise).
    public var packageInventoryDigest: Digest?
    /// The snapshot written beside the record.
    public var snapshot: SnapshotReference
    /// Set when this line supersedes an earlier record of the same release (`record --replace`).
    public var replaces: Bool?

    /// The current `recordVersion`.
    public static let currentVersion = 1

    /// Creates a record.
    public init(release: String, recordedAt: String, toolVersion: String, source: String, format: String, name: String?,
                manifestDigest: Digest, indexDigest: Digest?, configDigest: Digest?, platforms: [PlatformRecord],
                absentPlatforms: [String]?, base: BaseImage?, labels: SourceLabels?, packageInventoryDigest: Digest?,
                snapshot: SnapshotReference, replaces: Bool? = nil) {
        self.recordVersion = Self.currentVersion
        self.release = release; self.recordedAt = recordedAt; self.tool = "driftscope"; self.toolVersion = toolVersion
        self.source = source; self.format = format; self.name = name; self.manifestDigest = manifestDigest
        self.indexDigest = indexDigest; self.configDigest = configDigest; self.platforms = platforms
        self.absentPlatforms = absentPlatforms; self.base = base; self.labels = labels
        self.packageInventoryDigest = packageInventoryDigest; self.snapshot = snapshot; self.replaces = replaces
    }
}

/// One platform of a recorded image.
public struct PlatformRecord: Codable, Sendable, Equatable {
    /// `os/arch[/variant]`.
    public var platform: String
    /// The platform's manifest digest.
    public var manifestDigest: Digest
    /// The config digest.
    public var configDigest: Digest
    /// The layers, base first.
    public var layers: [LayerRecord]
    /// How many packages the package databases list.
    public var packages: Int
    /// SHA-256 of `PackageInventory.fingerprint`: equal for two images with the same dependency tree.
    public var packageInventoryDigest: Digest
    /// The base image named by `org.opencontainers.image.base.name` / `.base.digest`.
    public var base: BaseImage?
    /// `org.opencontainers.image.revision`, `.version` and `.source`.
    public var labels: SourceLabels?

    /// Creates a platform record.
    public init(platform: String, manifestDigest: Digest, configDigest: Digest, layers: [LayerRecord], packages: Int,
                packageInventoryDigest: Digest, base: BaseImage?, labels: SourceLabels?) {
        self.platform = platform; self.manifestDigest = manifestDigest; self.configDigest = configDigest
        self.layers = layers; self.packages = packages; self.packageInventoryDigest = packageInventoryDigest
        self.base = base; self.labels = labels
    }
}

/// One layer of a recorded platform.
public struct LayerRecord: Codable, Sendable, Equatable {
    /// The blob digest, as stored (compressed).
    public var digest: Digest
    /// The digest of the uncompressed tar (the config's `rootfs.diff_ids` entry).
    public var diffID: Digest
    /// The declared media type.
    public var mediaType: String
    /// The blob's size in bytes.
    public var size: Int64

    /// Creates a layer record.
    public init(digest: Digest, diffID: Digest, mediaType: String, size: Int64) {
        self.digest = digest; self.diffID = diffID; self.mediaType = mediaType; self.size = size
    }
}

/// The image a release was built on, as its annotations or labels name it.
public struct BaseImage: Codable, Sendable, Equatable {
    /// `org.opencontainers.image.base.name`.
    public var name: String?
    /// `org.opencontainers.image.base.digest`, as written (not checked: the base is not in the input).
    public var digest: String?

    /// Creates a base image reference.
    public init(name: String?, digest: String?) {
        self.name = name; self.digest = digest
    }
}

/// Where the image's source came from, as its annotations or labels say.
public struct SourceLabels: Codable, Sendable, Equatable {
    /// `org.opencontainers.image.revision`: the source revision (a commit).
    public var revision: String?
    /// `org.opencontainers.image.version`.
    public var version: String?
    /// `org.opencontainers.image.source`: the source repository URL.
    public var source: String?

    /// Creates source labels.
    public init(revision: String?, version: String?, source: String?) {
        self.revision = revision; self.version = version; self.source = source
    }
}

/// The snapshot a record names.
public struct SnapshotReference: Codable, Sendable, Equatable {
    /// The path: relative to the log's folder when the snapshot is inside it, else absolute.
    public var path: String
    /// SHA-256 of the snapshot file's bytes.
    public var sha256: Digest

    /// Creates a reference.
    public init(path: String, sha256: Digest) {
        self.path = path; self.sha256 = sha256
    }
}
