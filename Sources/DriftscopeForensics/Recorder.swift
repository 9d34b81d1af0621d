import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `record` wrote.
public struct RecordOutcome: Sendable {
    /// The record as appended to the log (with `replaces` set when it supersedes one).
    public var record: ReleaseRecord
    /// The snapshot's absolute location.
    public var snapshotURL: URL
    /// Whether the snapshot file was written now (false: an identical earlier one was reused).
    public var snapshotWritten: Bool
}

/// Release records and verification: "what exactly shipped in 1.4.0", answerable to the byte
/// once the image is gone.
public enum Forensics {
    /// Records `imagePath` as release `release`: walks and verifies every layer, writes the
    /// snapshot (beside the log unless `snapshot` names a path), then appends one line to the log.
    ///
    /// A release already in the log is refused unless `replace` is set; a replacement appends a
    /// superseding line and never touches earlier lines. No existing file is overwritten: a
    /// default snapshot name already taken by other content gets a numbered name instead.
    /// `options.platform` restricts the platforms recorded.
    public static func record(imagePath: String, image: String? = nil, release: String, log: String,
                              snapshot: String? = nil, replace: Bool = false,
                              options: CompareOptions = CompareOptions(), now: Date = Date()) async throws(ForensicsError) -> RecordOutcome {
        guard !release.isEmpty, !release.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidReleaseName(release)
        }
        let releaseLog = ReleaseLog(path: log)
        // Fail before the walk; `append` checks again under the log's lock.
        if !replace, let earlier = try releaseLog.entries().last(where: { $0.record.release == release }) {
            throw .alreadyRecorded(release: release, log: log, line: earlier.line, manifestDigest: earlier.record.manifestDigest)
        }
        let loaded: LoadedImage
        let side: PreparedSide
        do {
            loaded = try ImageLoader.load(path: imagePath, image: image, platform: options.platform)
            side = try await Comparator.prepare(loaded, options: options)
        } catch {
            throw .input(error)
        }
        let platforms = platformRecords(loaded, side)
        guard let first = platforms.first else { throw .nothingToRecord(path: imagePath) }

        let placed = try placeSnapshot(side, release: release, explicit: snapshot, log: releaseLog)
        let single = platforms.count == 1
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let absent = loaded.platforms.filter { $0.image == nil }.map(\.platform.description)
        let record = ReleaseRecord(
            release: release, recordedAt: formatter.string(from: now), toolVersion: driftscopeVersion,
            source: imagePath, format: loaded.format.rawValue, name: loaded.name,
            manifestDigest: single ? first.manifestDigest : (loaded.indexDigest ?? first.manifestDigest),
            indexDigest: loaded.indexDigest, configDigest: single ? first.configDigest : nil, platforms: platforms,
            absentPlatforms: absent.isEmpty ? nil : absent, base: agreed(platforms.map(\.base)),
            labels: agreed(platforms.map(\.labels)), packageInventoryDigest: single ? first.packageInventoryDigest : nil,
            snapshot: SnapshotReference(path: referencePath(placed.url, log: releaseLog), sha256: placed.sha256))
        do {
            let written = try releaseLog.append(record, replace: replace)
            return RecordOutcome(record: written, snapshotURL: placed.url, snapshotWritten: placed.created)
        } catch {
            // Another record claimed the name meanwhile: leave no snapshot that no line names.
            if placed.created { try? FileManager.default.removeItem(at: placed.url) }
            throw error
        }
    }

    // MARK: record lines

    static let baseName = "org.opencontainers.image.base.name"
    static let baseDigest = "org.opencontainers.image.base.digest"
    static let revision = "org.opencontainers.image.revision"
    static let version = "org.opencontainers.image.version"
    static let sourceLabel = "org.opencontainers.image.source"

    static func platformRecords(_ loaded: LoadedImage, _ side: PreparedSide) -> [PlatformRecord] {
        loaded.platforms.compactMap { listed -> PlatformRecord? in
            // Keyed as comparisons key platforms: as the index lists them.
            let key = listed.platform.description
            guard let image = listed.image, let prepared = side.platforms[key] ?? nil else { return nil }
            // Manifest annotations first (what a registry shows), then config labels; buildah
            // writes the base annotations empty, which is the same as absent.
            let labels = image.config.config?.Labels ?? [:]
            func value(_ key: String) -> String? {
                [image.manifestAnnotations[key], labels[key]].compactMap { $0 }
                    .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            }
            let base = BaseImage(name: value(baseName), digest: value(baseDigest))
            let source = SourceLabels(revision: value(revision), version: value(version), source: value(sourceLabel))
            return PlatformRecord(
                platform: key, manifestDigest: image.manifestDigest, configDigest: image.configDigest,
                layers: image.layers.map { LayerRecord(digest: $0.digest, diffID: $0.diffID, mediaType: $0.mediaType, size: $0.size) },
                packages: prepared.inventory?.packages.count ?? 0,
                packageInventoryDigest: SHA256Hasher.hash(prepared.inventory?.fingerprint ?? ""),
                base: base.name == nil && base.digest == nil ? nil : base,
                labels: source.revision == nil && source.version == nil && source.source == nil ? nil : source)
        }
    }

    /// The value every platform agrees on, or nil.
    static func agreed<T: Equatable>(_ values: [T?]) -> T? {
        guard let first = values.first, let value = first, values.allSatisfy({ $0 == value }) else { return nil }
        return value
    }

    // MARK: snapshot files

    /// A file name for a release: ASCII letters, digits, `.`, `-`, `_`; anything else becomes `_`,
    /// and a leading `.` (hidden files, `..`) gets a `_` before it.
    public static func fileName(for release: String) -> String {
        var name = String(String.UnicodeScalarView(release.unicodeScalars.prefix(100).map { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "-" || c == "_") ? c : "_"
        }))
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name
    }

    /// Writes the snapshot to a temporary file beside its destination, then links it into place
    /// without ever replacing an existing file: identical content is reused, other content moves
    /// a default name on to `<name>.2.snapshot.json.gz`, ... and refuses an explicit path.
    static func placeSnapshot(_ side: PreparedSide, release: String, explicit: String?,
                              log: ReleaseLog) throws(ForensicsError) -> (url: URL, sha256: Digest, created: Bool) {
        let base = fileName(for: release)
        let folder = explicit.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent() } ?? log.directory
        func candidate(_ n: Int) -> URL {
            if let explicit { return URL(fileURLWithPath: explicit).standardizedFileURL }
            return folder.appendingPathComponent(n == 1 ? "\(base).snapshot.json.gz" : "\(base).\(n).snapshot.json.gz")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .snapshotIO(path: candidate(1).path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        let temp = folder.appendingPathComponent(".\(base).\(getpid()).\(UUID().uuidString).tmp")
        defer { try? FileManager.default.removeItem(at: temp) }
        try SnapshotFile.write(side, release: release, to: temp.path)
        let digest = try SnapshotFile.sha256(of: temp.path)
        guard fsyncFile(temp.path) else { throw .snapshotIO(path: temp.path, reason: "cannot sync: \(String(cString: strerror(errno)))") }
        for n in 1...1000 {
            let target = candidate(n)
            if link(temp.path, target.path) == 0 { return (target, digest, true) }
            let code = errno
            if code != EEXIST {
                // Filesystems without hard links: check, then rename (a narrow race, no overwrite of a file seen).
                if FileManager.default.fileExists(atPath: target.path) == false, rename(temp.path, target.path) == 0 {
                    return (target, digest, true)
                }
                if !FileManager.default.fileExists(atPath: target.path) {
                    throw .snapshotIO(path: target.path, reason: String(cString: strerror(code)))
                }
            }
            if (try? SnapshotFile.sha256(of: target.path)) == digest { return (target, digest, false) }
            if explicit != nil { throw .snapshotExists(path: target.path) }
        }
        throw .snapshotIO(path: candidate(1).path, reason: "1000 snapshot names for this release are taken")
    }

    static func fsyncFile(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fsync(fd) == 0
    }

    /// The snapshot path as the record keeps it: relative to the log's folder when inside it, so
    /// the folder can move as a whole; absolute otherwise.
    static func referencePath(_ url: URL, log: ReleaseLog) -> String {
        let dir = log.directory.path.hasSuffix("/") ? log.directory.path : log.directory.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(dir) ? String(path.dropFirst(dir.count)) : path
    }
}
