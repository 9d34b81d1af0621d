import DriftscopeArchive
import Foundation

/// Why an image cannot be read. Every case is bad input (exit code 3) and its message names the
/// file and what is wrong, in one line.
public enum InputError: Error, Sendable, CustomStringConvertible {
    /// The path does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is empty.
    case emptyFile(path: String)
    /// The file or directory is not an image archive or layout driftscope knows.
    case notAnImage(path: String, reason: String)
    /// An archive is truncated or corrupt.
    case corruptArchive(path: String, reason: String)
    /// A blob the image needs is not in the archive or layout.
    case missingBlob(path: String, blob: String, role: String)
    /// A blob's bytes do not hash to its descriptor's digest.
    case digestMismatch(path: String, role: String, expected: Digest, actual: Digest)
    /// A blob's length differs from its descriptor's size.
    case sizeMismatch(path: String, role: String, digest: Digest, expected: Int64, actual: Int64)
    /// A layer's uncompressed stream does not hash to the config's diff_id.
    case diffIDMismatch(path: String, layer: Int, expected: Digest, actual: Digest)
    /// The manifest's layers and the config's rootfs.diff_ids disagree in number.
    case layerCountMismatch(path: String, manifestLayers: Int, diffIDs: Int)
    /// JSON that does not parse or lacks a required field.
    case malformedJSON(path: String, file: String, reason: String)
    /// A Docker schema 1 manifest.
    case schema1(path: String)
    /// A media type driftscope does not read.
    case unknownMediaType(path: String, mediaType: String, role: String)
    /// A digest with an algorithm other than sha256, or malformed.
    case badDigest(path: String, reason: String)
    /// The requested platform is not in the image.
    case platformNotFound(path: String, requested: String, available: [String])
    /// The platform is listed but its blobs are not in this archive.
    case platformAbsent(path: String, platform: String)
    /// The archive holds several images and none was chosen.
    case severalImages(path: String, names: [String])
    /// `--image NAME` matched nothing.
    case imageNotFound(path: String, requested: String, names: [String])
    /// A path inside the archive or layout points outside it.
    case unsafeReference(path: String, reference: String)
    /// A layer's bytes are compressed with something driftscope does not read.
    case unsupportedCompression(path: String, layer: Int, detail: String)
    /// A snapshot or record problem (forensics).
    case invalidSnapshot(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .emptyFile(let path):
            return "\(path): the file is empty; expected an OCI or docker-archive image tarball"
        case .notAnImage(let path, let reason):
            return "\(path): not a container image: \(reason)"
        case .corruptArchive(let path, let reason):
            return "\(path): corrupt or truncated archive: \(reason)"
        case .missingBlob(let path, let blob, let role):
            return "\(path): missing blob \(blob) (\(role)); the archive is incomplete: export the image again"
        case .digestMismatch(let path, let role, let expected, let actual):
            return "\(path): digest mismatch in \(role): expected \(expected), got \(actual); the blob is corrupt or was altered"
        case .sizeMismatch(let path, let role, let digest, let expected, let actual):
            return "\(path): size mismatch in \(role) \(digest.short): descriptor says \(expected) bytes, blob has \(actual)"
        case .diffIDMismatch(let path, let layer, let expected, let actual):
            return "\(path): layer \(layer) uncompressed content does not match its diff_id: expected \(expected), got \(actual)"
        case .layerCountMismatch(let path, let layers, let diffIDs):
            return "\(path): the manifest lists \(layers) layers but the config's rootfs.diff_ids has \(diffIDs); the image is inconsistent"
        case .malformedJSON(let path, let file, let reason):
            return "\(path): malformed JSON in \(file): \(reason)"
        case .schema1(let path):
            return "\(path): Docker schema 1 manifest; driftscope reads schema 2 and OCI only (re-push or re-save the image with a current tool)"
        case .unknownMediaType(let path, let mediaType, let role):
            return "\(path): unknown media type '\(mediaType)' for \(role)"
        case .badDigest(let path, let reason):
            return "\(path): \(reason)"
        case .platformNotFound(let path, let requested, let available):
            return "\(path): platform \(requested) is not in the image; available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .platformAbsent(let path, let platform):
            return "\(path): platform \(platform) is listed in the index but its blobs are not in this archive"
        case .severalImages(let path, let names):
            return "\(path): the archive holds several images; choose one with --image: \(names.joined(separator: ", "))"
        case .imageNotFound(let path, let requested, let names):
            return "\(path): no image named '\(requested)'; the archive holds: \(names.joined(separator: ", "))"
        case .unsafeReference(let path, let reference):
            return "\(path): refusing reference '\(reference)' that points outside the image"
        case .unsupportedCompression(let path, let layer, let detail):
            return "\(path): layer \(layer): \(detail)"
        case .invalidSnapshot(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
