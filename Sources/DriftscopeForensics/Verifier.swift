import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import Foundation

/// The answer to "is this what shipped in release X?".
public struct Verification: Sendable {
    /// The release's record (its last line in the log).
    public var record: ReleaseRecord
    /// The snapshot as side A, the image as side B; `reason` and B's notes say whether the digest
    /// is the recorded one.
    public var comparison: Comparison
    /// Whether the image's manifest digest (every compared platform's) is the recorded one:
    /// exactly what shipped.
    public var shipped: Bool
    /// One sentence: "exactly what shipped", or how the digest differs.
    public var note: String
    /// The snapshot compared against.
    public var snapshotPath: String
}

extension Forensics {
    /// Verifies `imagePath` against release `release` of `log`.
    ///
    /// The snapshot is checked against the SHA-256 in its record first; a mismatch is refused.
    /// Then the image is compared with the snapshot (side A) under the same rules as `compare`.
    /// When the manifest digests are the recorded ones, the image's blobs are hash-checked and
    /// the verdict is byte-equal, "exactly what shipped"; otherwise the comparison says whether the
    /// rebuild is byte-equal in content, dependency-equivalent, or drifted, and that the digest
    /// differs. `imagePath` may itself be a snapshot.
    public static func verify(imagePath: String, image: String? = nil, release: String, log: String,
                              options: CompareOptions = CompareOptions()) async throws(ForensicsError) -> Verification {
        let releaseLog = ReleaseLog(path: log)
        let record = try releaseLog.record(for: release)
        let snapshot = try openSnapshot(of: record, in: releaseLog)
        let recorded = try snapshot.side(platform: options.platform)
        let recordedDigests = manifestDigests(recorded)

        var current = try await side(of: imagePath, image: image, options: options, expecting: recordedDigests)
        // Platforms the record already knew to be absent from the input are not news.
        for key in record.absentPlatforms ?? [] {
            if case .some(.none) = current.platforms[key] { current.platforms.removeValue(forKey: key) }
        }
        let currentDigests = manifestDigests(current)
        let shipped = !recordedDigests.isEmpty && currentDigests == recordedDigests

        var comparison = await Comparator.compare(recorded, current, options: options)
        let recordedShown = recordedDigests.count == 1 ? recordedDigests.values.first! : record.manifestDigest
        let currentShown = currentDigests.count == 1 ? currentDigests.values.first : current.summary.indexDigest
        let note: String
        if shipped {
            note = "\(imagePath) is exactly what shipped in release \(release): manifest \(recordedShown) is the recorded one (recorded \(record.recordedAt))"
            comparison.reason = "exactly what shipped in release \(release): manifest \(recordedShown.short) is the recorded one (recorded \(record.recordedAt))"
        } else {
            let shown = currentShown?.description ?? "(\(currentDigests.count) platforms)"
            note = "the manifest digest of \(imagePath), \(shown), differs from \(recordedShown) recorded for release \(release) "
                + "at \(record.recordedAt): it is not the image that shipped"
            let differs = "manifest \(currentShown?.short ?? "?") is not the recorded \(recordedShown.short)"
            switch comparison.verdict {
            case .byteEqual:
                comparison.reason = "not the image that shipped in release \(release) (\(differs)), but byte-equal in content: \(comparison.reason)"
            case .dependencyEquivalent:
                comparison.reason = "not the image that shipped in release \(release) (\(differs)), but dependency-equivalent to it: \(comparison.reason)"
            case .drift:
                comparison.reason = "drift from release \(release) (\(differs)): \(comparison.reason)"
            }
        }
        comparison.b.notes.append(note)
        return Verification(record: record, comparison: comparison, shipped: shipped, note: note, snapshotPath: snapshot.path)
    }

    /// The two sides of `compare A B` when either is a snapshot (recognised by content), or nil
    /// when neither is. An image side is walked, or only hash-checked when its manifests are the
    /// snapshot's.
    public static func sides(a: String, b: String, options: CompareOptions) async throws(ForensicsError) -> (PreparedSide, PreparedSide)? {
        let snapshotA = SnapshotFile.isSnapshot(at: a) ? try SnapshotFile.read(a).side(platform: options.platform) : nil
        let snapshotB = SnapshotFile.isSnapshot(at: b) ? try SnapshotFile.read(b).side(platform: options.platform) : nil
        guard snapshotA != nil || snapshotB != nil else { return nil }
        let sideA: PreparedSide
        if let snapshotA {
            sideA = snapshotA
        } else {
            sideA = try await side(of: a, image: options.imageA, options: options, expecting: snapshotB.map(manifestDigests))
        }
        let sideB: PreparedSide
        if let snapshotB {
            sideB = snapshotB
        } else {
            sideB = try await side(of: b, image: options.imageB, options: options, expecting: manifestDigests(sideA))
        }
        return (sideA, sideB)
    }

    /// Reads a record's snapshot after checking that it is there, that its bytes hash to the
    /// recorded SHA-256, and that it holds the platforms and manifests the record lists.
    public static func openSnapshot(of record: ReleaseRecord, in log: ReleaseLog) throws(ForensicsError) -> Snapshot {
        let path = log.snapshotURL(of: record).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .snapshotMissing(path: path, release: record.release, expected: record.snapshot.sha256)
        }
        let actual = try SnapshotFile.sha256(of: path)
        guard actual == record.snapshot.sha256 else {
            throw .snapshotDigestMismatch(path: path, release: record.release, recorded: record.snapshot.sha256, actual: actual)
        }
        let snapshot = try SnapshotFile.read(path)
        let inSnapshot = snapshot.manifestDigests
        let inRecord = Dictionary(record.platforms.map { ($0.platform, $0.manifestDigest) }, uniquingKeysWith: { first, _ in first })
        guard inSnapshot == inRecord else {
            let a = inRecord.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.short)" }.joined(separator: ", ")
            let b = inSnapshot.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.short)" }.joined(separator: ", ")
            throw .snapshotRecordMismatch(path: path, release: record.release, reason: "the record lists \(a), the snapshot holds \(b)")
        }
        return snapshot
    }

    /// One side from a path: a snapshot, or an image walked for comparison. When the image's
    /// manifests are exactly `expecting`, the layers are not walked (the comparison stops at the
    /// equal digests) but every blob is still hashed against its digest.
    static func side(of path: String, image: String?, options: CompareOptions,
                     expecting: [String: Digest]?) async throws(ForensicsError) -> PreparedSide {
        if SnapshotFile.isSnapshot(at: path) {
            return try SnapshotFile.read(path).side(platform: options.platform)
        }
        do {
            let loaded = try ImageLoader.load(path: path, image: image, platform: options.platform)
            var digests: [String: Digest] = [:]
            for p in loaded.platforms where p.image != nil { digests[p.platform.description] = p.manifestDigest }
            if let expecting, !expecting.isEmpty, digests == expecting {
                return try await Comparator.prepareBoth(loaded, loaded, options: options).1
            }
            return try await Comparator.prepare(loaded, options: options)
        } catch {
            throw .input(error)
        }
    }

    /// The manifest digest of each present platform of a side.
    static func manifestDigests(_ side: PreparedSide) -> [String: Digest] {
        var out: [String: Digest] = [:]
        for (key, image) in side.platforms {
            if let digest = image?.manifestDigest { out[key] = digest }
        }
        return out
    }
}
