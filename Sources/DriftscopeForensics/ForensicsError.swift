import DriftscopeArchive
import DriftscopeImage

/// Why a release could not be recorded or verified. Every case is bad input (exit code 3), and
/// each message names the file and says what to do, in one line.
public enum ForensicsError: Error, Sendable, CustomStringConvertible {
    /// The image could not be read.
    case input(InputError)
    /// The release name is empty or holds control characters.
    case invalidReleaseName(String)
    /// The log holds no record of the release.
    case unknownRelease(release: String, log: String, known: [String])
    /// The release is recorded already and `--replace` was not given.
    case alreadyRecorded(release: String, log: String, line: Int, manifestDigest: Digest)
    /// A line of the log is not a release record.
    case malformedLog(log: String, line: Int, reason: String)
    /// The log (or its folder) cannot be read or written.
    case logIO(log: String, reason: String)
    /// The snapshot a record names is not there.
    case snapshotMissing(path: String, release: String, expected: Digest)
    /// The snapshot's bytes do not hash to the SHA-256 its record holds.
    case snapshotDigestMismatch(path: String, release: String, recorded: Digest, actual: Digest)
    /// The snapshot disagrees with the record that names it.
    case snapshotRecordMismatch(path: String, release: String, reason: String)
    /// The file is not a readable driftscope snapshot.
    case invalidSnapshot(path: String, reason: String)
    /// A snapshot written in a format newer than this driftscope reads.
    case unsupportedSnapshotVersion(path: String, version: Int)
    /// The snapshot cannot be written.
    case snapshotIO(path: String, reason: String)
    /// `--snapshot` names a file that exists with other content.
    case snapshotExists(path: String)
    /// The snapshot holds no platform the request selects.
    case platformNotRecorded(path: String, requested: String, recorded: [String])
    /// The image has no platform whose layers could be read (every platform's blobs are absent).
    case nothingToRecord(path: String)

    public var description: String {
        switch self {
        case .input(let error):
            return error.description
        case .invalidReleaseName(let name):
            return "release name \(name.debugDescription) is empty or holds control characters; use a plain name such as 1.4.0"
        case .unknownRelease(let release, let log, let known):
            let listed = known.isEmpty
                ? "the log holds no release yet (record one with driftscope record)"
                : "recorded releases: \(known.joined(separator: ", "))"
            return "\(log): no release named \(release.debugDescription); \(listed)"
        case .alreadyRecorded(let release, let log, let line, let digest):
            return "\(log): release \(release.debugDescription) is already recorded (line \(line), manifest \(digest)); "
                + "records are never rewritten: pass --replace to append a superseding record"
        case .malformedLog(let log, let line, let reason):
            return "\(log): line \(line) is not a release record (\(reason)); the log may have been edited by hand: restore it from backup"
        case .logIO(let log, let reason):
            return "\(log): cannot use the release log: \(reason)"
        case .snapshotMissing(let path, let release, let expected):
            return "\(path): the snapshot of release \(release.debugDescription) is missing; restore it from backup (its SHA-256 must be \(expected))"
        case .snapshotDigestMismatch(let path, let release, let recorded, let actual):
            return "\(path): the snapshot of release \(release.debugDescription) has SHA-256 \(actual) but its record says \(recorded); "
                + "it was altered or replaced: restore the original from backup"
        case .snapshotRecordMismatch(let path, let release, let reason):
            return "\(path): the snapshot does not match the record of release \(release.debugDescription): \(reason)"
        case .invalidSnapshot(let path, let reason):
            return "\(path): not a readable driftscope snapshot: \(reason)"
        case .unsupportedSnapshotVersion(let path, let version):
            return "\(path): snapshot format \(version) is newer than this driftscope reads (format \(SnapshotHeader.currentFormat)); upgrade driftscope"
        case .snapshotIO(let path, let reason):
            return "\(path): cannot write the snapshot: \(reason)"
        case .snapshotExists(let path):
            return "\(path): a different file is already there and snapshots are never overwritten; choose another --snapshot path"
        case .platformNotRecorded(let path, let requested, let recorded):
            return "\(path): platform \(requested) is not in the snapshot; it holds: \(recorded.isEmpty ? "none" : recorded.joined(separator: ", "))"
        case .nothingToRecord(let path):
            return "\(path): no platform of the image has its layers in this archive; export the image with its blobs and record again"
        }
    }
}
