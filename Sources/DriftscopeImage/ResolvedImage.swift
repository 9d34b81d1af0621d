import DriftscopeArchive
import Foundation

/// The kind of input an image came from, detected by content, never by file name.
public enum SourceFormat: String, Codable, Sendable {
    /// An OCI image layout in a tar (skopeo, buildah, podman `oci-archive`).
    case ociArchive = "oci-archive"
    /// An OCI image layout directory.
    case ociLayout = "oci-layout"
    /// A legacy `docker save` tarball (`manifest.json`, `<id>/layer.tar`).
    case dockerArchive = "docker-archive"
    /// A Docker 25+ `docker save`: an OCI layout plus `manifest.json`.
    case dockerArchiveOCI = "docker-archive-oci"
    /// A crane / go-containerregistry tarball (`sha256:<hex>` config, `<hex>.tar.gz` layers).
    case craneTarball = "crane-tarball"
    /// A driftscope release snapshot (no layers, only the recorded file tree).
    case snapshot = "snapshot"
}

/// One layer of a resolved image: what the manifest says, and where its bytes are.
public struct LayerRef: Sendable, Hashable, Codable {
    /// Position in the manifest, from 0 (the base).
    public var index: Int
    /// The digest of the blob as stored (compressed).
    public var digest: Digest
    /// The blob's size in bytes, as the manifest declares it.
    public var size: Int64
    /// The declared media type (synthesised for docker-archives, which have none).
    public var mediaType: String
    /// The compression the media type declares.
    public var declaredCompression: Compression
    /// The config's `rootfs.diff_ids` entry: the digest of the uncompressed tar.
    public var diffID: Digest
    /// Where the blob's bytes are.
    public var location: BlobLocation
    /// True when the archive declares no digest of its own for this blob (a legacy docker-archive
    /// `layer.tar`): the digest is borrowed from the diff_id, so a mismatch is a diff_id mismatch.
    public var digestBorrowed: Bool? = nil
}

/// One image (one platform) of an input, with every metadata blob verified.
public struct ResolvedImage: Sendable {
    /// The path the user gave.
    public var source: String
    /// The input's format.
    public var format: SourceFormat
    /// The tag or reference name, when the input records one.
    public var name: String?
    /// The manifest digest: the image digest a registry would show.
    public var manifestDigest: Digest
    /// The manifest's size.
    public var manifestSize: Int64
    /// The manifest's media type.
    public var manifestMediaType: String
    /// Whether the manifest was synthesised (legacy docker-archives have none of their own), the way
    /// skopeo synthesises it, so that the digest matches `skopeo inspect --raw | sha256sum`.
    public var manifestSynthesized: Bool
    /// The manifest's annotations.
    public var manifestAnnotations: [String: String]
    /// The digest of the index the image was reached through, if any.
    public var indexDigest: Digest?
    /// The config blob's digest.
    public var configDigest: Digest
    /// The config blob's size.
    public var configSize: Int64
    /// The config, typed.
    public var config: ImageConfig
    /// The config, as generic JSON (every field, for field-by-field comparison).
    public var configJSON: JSONValue
    /// The platform from the config.
    public var platform: Platform
    /// The layers, base first.
    public var layers: [LayerRef]
    /// Notes about the input (skipped attestations, absent platforms, quirks met).
    public var notes: [String]
}

/// One platform of an input: resolved, or listed by an index whose blobs this archive lacks.
public struct PlatformImage: Sendable {
    /// The platform.
    public var platform: Platform
    /// The manifest digest the index lists.
    public var manifestDigest: Digest
    /// The resolved image, nil when the platform's blobs are absent from the input.
    public var image: ResolvedImage?
}

/// An input opened and verified: one or several platforms of one image.
public struct LoadedImage: Sendable {
    /// The path the user gave.
    public var source: String
    /// The detected format.
    public var format: SourceFormat
    /// The image's name (tag), when recorded.
    public var name: String?
    /// The index digest, when the image is a multi-platform index.
    public var indexDigest: Digest?
    /// Every platform listed, sorted; attestation manifests are not platforms and are left out.
    public var platforms: [PlatformImage]
    /// Notes about the input (skipped attestations, absent platforms, quirks met).
    public var notes: [String]
    /// The opened input, which owns any temporary decompressed copy.
    public var container: ImageContainer

    /// The platforms whose blobs are present.
    public var present: [ResolvedImage] { platforms.compactMap(\.image) }
}
