import DriftscopeArchive
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A release log: JSON Lines, one `ReleaseRecord` per line, only ever appended to. A release
/// recorded again with `--replace` gets a superseding line; readers take the last line for a name.
public struct ReleaseLog: Sendable {
    /// The log file.
    public let path: String

    /// A log at `path` (it need not exist yet).
    public init(path: String) {
        self.path = path
    }

    /// The folder the log lives in: relative snapshot paths are resolved against it.
    public var directory: URL {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    }

    /// Every record, in file order, with its 1-based line number; empty when the log does not exist.
    public func entries() throws(ForensicsError) -> [(line: Int, record: ReleaseRecord)] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .logIO(log: path, reason: error.localizedDescription)
        }
        return try parse(data)
    }

    /// The records, in file order.
    public func records() throws(ForensicsError) -> [ReleaseRecord] {
        try entries().map(\.record)
    }

    /// The release names, in the order they were first recorded.
    public func releaseNames() throws(ForensicsError) -> [String] {
        var seen: Set<String> = []
        return try records().map(\.release).filter { seen.insert($0).inserted }
    }

    /// The record of `release`: its last line, which supersedes any earlier one.
    public func record(for release: String) throws(ForensicsError) -> ReleaseRecord {
        let all = try records()
        guard let found = all.last(where: { $0.release == release }) else {
            var seen: Set<String> = []
            throw .unknownRelease(release: release, log: path, known: all.map(\.release).filter { seen.insert($0).inserted })
        }
        return found
    }

    /// The absolute location of a record's snapshot.
    public func snapshotURL(of record: ReleaseRecord) -> URL {
        let p = record.snapshot.path
        return p.hasPrefix("/") ? URL(fileURLWithPath: p) : directory.appendingPathComponent(p)
    }

    /// Appends `record` as one line. Under an exclusive lock on the log, it checks again that the
    /// release is new (or, with `replace`, marks the line as superseding the earlier one), so that
    /// two `record` runs cannot both claim a name. Earlier bytes are never touched: the file is
    /// opened `O_APPEND` and the line goes out in one write.
    ///
    /// - Returns: the record as written (with `replaces` set when it supersedes one).
    @discardableResult
    public func append(_ record: ReleaseRecord, replace: Bool) throws(ForensicsError) -> ReleaseRecord {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .logIO(log: path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .logIO(log: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw .logIO(log: path, reason: "cannot lock: \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }

        let existing = try readAll(fd)
        var record = record
        if let earlier = try parse(existing).last(where: { $0.record.release == record.release }) {
            guard replace else {
                throw .alreadyRecorded(release: record.release, log: path, line: earlier.line, manifestDigest: earlier.record.manifestDigest)
            }
            record.replaces = true
        }
        var line = Data()
        // A log whose last line lacks its newline (edited by hand) still gets a line of its own.
        if let last = existing.last, last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
        line.append(try Self.encode(record))
        line.append(UInt8(ascii: "\n"))
        try writeAll(fd, line)
        guard fsync(fd) == 0 else { throw .logIO(log: path, reason: "cannot sync: \(String(cString: strerror(errno)))") }
        return record
    }

    /// One record as its log line (compact JSON, sorted keys, no newline).
    public static func encode(_ record: ReleaseRecord) throws(ForensicsError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(record)
        } catch {
            throw .logIO(log: "release record", reason: "cannot encode: \(error)")
        }
    }

    private func parse(_ data: Data) throws(ForensicsError) -> [(line: Int, record: ReleaseRecord)] {
        var out: [(Int, ReleaseRecord)] = []
        let decoder = JSONDecoder()
        for (i, raw) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
            guard !text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { continue }
            do {
                out.append((i + 1, try decoder.decode(ReleaseRecord.self, from: Data(text))))
            } catch {
                throw .malformedLog(log: path, line: i + 1, reason: Self.reason(error))
            }
        }
        return out
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: return "\(error)"
        }
    }

    private func readAll(_ fd: Int32) throws(ForensicsError) -> Data {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .logIO(log: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
    }

    private func writeAll(_ fd: Int32, _ data: Data) throws(ForensicsError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        if failure != 0 { throw .logIO(log: path, reason: "cannot append: \(String(cString: strerror(failure)))") }
    }
}
