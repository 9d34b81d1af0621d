import DriftscopeArchive
import Foundation

/// Media types driftscope reads (OCI image-spec media-types.md; Docker image manifest v2 schema 2).
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    public static let ociLayerNondistributable = "application/vnd.oci.image.layer.nondistributable.v1.tar"
    public static let ociLayerNondistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    public static let ociLayerNondistributableZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestV1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerManifestV1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerLayerForeignGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    public static let inToto = "application/vnd.in-toto+json"

    /// The layer media types driftscope walks, with the compression each declares.
    public static let layers: [String: Compression] = [
        ociLayer: .none, ociLayerGzip: .gzip, ociLayerZstd: .zstd,
        ociLayerNondistributable: .none, ociLayerNondistributableGzip: .gzip, ociLayerNondistributableZstd: .zstd,
        dockerLayer: .none, dockerLayerGzip: .gzip, dockerLayerForeignGzip: .gzip,
    ]

    /// Whether a media type names an index (OCI or Docker manifest list).
    public static func isIndex(_ type: String?) -> Bool { type == ociIndex || type == dockerManifestList }
    /// Whether a media type names an image manifest (OCI or Docker schema 2).
    public static func isManifest(_ type: String?) -> Bool { type == ociManifest || type == dockerManifest }
}

/// A layer's compression, as declared by its media type or as sniffed from its bytes.
public enum Compression: String, Codable, Sendable, Hashable {
    case none, gzip, zstd, other
}

/// A content descriptor (image-spec descriptor.md).
public struct Descriptor: Codable, Sendable, Hashable {
    /// The media type of the referenced content.
    public var mediaType: String?
    /// The digest of the referenced content.
    public var digest: Digest
    /// The size in bytes of the referenced content.
    public var size: Int64
    /// Extra annotations.
    public var annotations: [String: String]?
    /// The platform (in an index only).
    public var platform: Platform?
    /// Alternate URLs (nondistributable layers).
    public var urls: [String]?
    /// The artifact type (OCI 1.1).
    public var artifactType: String?

    public init(mediaType: String?, digest: Digest, size: Int64, annotations: [String: String]? = nil, platform: Platform? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
    }
}

/// A platform (image-index.md `platform`, config.md `os`/`architecture`/`variant`).
public struct Platform: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Operating system, e.g. `linux`.
    public var os: String
    /// CPU architecture, e.g. `amd64`.
    public var architecture: String
    /// CPU variant, e.g. `v8`.
    public var variant: String?
    /// OS version (Windows images).
    public var osVersion: String?

    enum CodingKeys: String, CodingKey {
        case os, architecture, variant
        case osVersion = "os.version"
    }

    public init(os: String, architecture: String, variant: String? = nil, osVersion: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = (variant?.isEmpty ?? true) ? nil : variant
        self.osVersion = osVersion
    }

    /// Parses `os/arch[/variant]`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// `os/arch[/variant]`.
    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }

    /// Whether `self` (the user's request) selects `other`: a request without a variant matches any
    /// variant; default variants count as given (`linux/arm64/v8` selects `linux/arm64`).
    public func selects(_ other: Platform) -> Bool {
        os == other.os && architecture == other.architecture
            && (variant == nil || normalized.variant == other.normalized.variant)
    }

    public static func < (a: Platform, b: Platform) -> Bool { a.description < b.description }

    /// The platform with the default variant made explicit, as containerd matches platforms:
    /// `linux/arm64` is `linux/arm64/v8`, `linux/arm` is `linux/arm/v7`.
    public var normalized: Platform {
        guard variant == nil else { return self }
        switch architecture {
        case "arm64": return Platform(os: os, architecture: architecture, variant: "v8", osVersion: osVersion)
        case "arm": return Platform(os: os, architecture: architecture, variant: "v7", osVersion: osVersion)
        default: return self
        }
    }
}

/// An image index (image-index.md) or Docker manifest list.
public struct ImageIndex: Codable, Sendable {
    /// Always 2.
    public var schemaVersion: Int?
    /// The index media type.
    public var mediaType: String?
    /// The manifests; Docker 25+ saves may write `null`.
    public var manifests: [Descriptor]?
    /// Annotations.
    public var annotations: [String: String]?
}

/// An image manifest (manifest.md) or Docker schema 2 manifest.
public struct ImageManifest: Codable, Sendable {
    /// 2 for OCI and schema 2; 1 for Docker schema 1 (refused).
    public var schemaVersion: Int?
    /// The manifest media type.
    public var mediaType: String?
    /// The config descriptor.
    public var config: Descriptor?
    /// The layers, base first.
    public var layers: [Descriptor]?
    /// Annotations.
    public var annotations: [String: String]?
    /// Set for an artifact manifest (OCI 1.1).
    public var artifactType: String?
    /// Present only in indexes: used to tell an index from a manifest when no media type is set.
    public var manifests: [Descriptor]?
}

/// The parts of an image configuration (config.md) that driftscope reads by name; the whole JSON is
/// kept too (`ResolvedImage.configJSON`) so that no field escapes comparison.
public struct ImageConfig: Codable, Sendable {
    public struct Exec: Codable, Sendable {
        public var User: String?
        public var ExposedPorts: [String: JSONValue]?
        public var Env: [String]?
        public var Entrypoint: [String]?
        public var Cmd: [String]?
        public var Volumes: [String: JSONValue]?
        public var WorkingDir: String?
        public var Labels: [String: String]?
        public var StopSignal: String?
    }
    public struct RootFS: Codable, Sendable {
        public var type: String?
        public var diff_ids: [Digest]?
    }
    public struct History: Codable, Sendable {
        public var created: String?
        public var created_by: String?
        public var author: String?
        public var comment: String?
        public var empty_layer: Bool?
    }
    public var created: String?
    public var author: String?
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var config: Exec?
    public var rootfs: RootFS?
    public var history: [History]?
}

/// Any JSON value, for comparing configs field by field and for keeping unknown fields.
public enum JSONValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Compact JSON with sorted keys.
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "?" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The member of an object, if any.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The object's members, empty for other values.
    public var objectValue: [String: JSONValue] {
        if case .object(let o) = self { return o }
        return [:]
    }
}
