import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// `/usr/bin/time`, which reports a child's peak resident set size (`-v`). Debian: `apt-get install time`.
private let timeTool: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

private let mebibyte = 1 << 20

/// SHA-256 of a file, read 1 MiB at a time.
private func hashFile(_ url: URL) throws -> Digest {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    let hasher = SHA256Hasher()
    while let chunk = try handle.read(upToCount: mebibyte), !chunk.isEmpty { hasher.update(chunk) }
    return hasher.finalize()
}

/// Writes a tar of `fileCount` files of `fileSize` bytes each, streamed 1 MiB at a time: neither
/// the test nor the writer ever holds more than one chunk. The content repeats a 4 KiB pattern
/// (so that gzip is quick) with each MiB stamped with its position (so that no two files are equal).
private func writeLargeTar(to url: URL, fileCount: Int, fileSize: Int) throws {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    let pattern = (0..<4096).map { _ -> UInt8 in
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return UInt8(ascii: "a") + UInt8((state &* 0x2545_F491_4F6C_DD1D) >> 60)
    }
    var chunk = Data(capacity: mebibyte)
    for _ in 0..<(mebibyte / pattern.count) { chunk.append(contentsOf: pattern) }
    let writer = try ArchiveWriter(path: url.path, format: .pax)
    try writer.write(entry: WriteEntry(name: "data", type: .directory))
    for file in 0..<fileCount {
        try writer.writeHeader(WriteEntry(name: "data/blob-\(file).bin", type: .file, size: Int64(fileSize)))
        var written = 0
        while written < fileSize {
            let stamp = "file \(file) offset \(written)\n"
            chunk.replaceSubrange(0..<stamp.utf8.count, with: Data(stamp.utf8))
            let n = min(mebibyte, fileSize - written)
            try writer.writeData(n == mebibyte ? chunk : chunk.prefix(n))
            written += n
        }
    }
    try writer.write(entry: WriteEntry(name: "data/small.txt", type: .file), data: Data("small\n".utf8))
    try writer.finish()
}

/// Compresses a file into another with gzip level 1, streamed 1 MiB at a time.
private func gzipFile(_ input: URL, to output: URL) throws {
    let handle = try FileHandle(forReadingFrom: input)
    defer { try? handle.close() }
    let writer = try ArchiveWriter(path: output.path, format: .raw, compression: .gzip(level: 1))
    while let chunk = try handle.read(upToCount: mebibyte), !chunk.isEmpty { try writer.writeRaw(chunk) }
    try writer.finish()
}

/// An OCI layout holding one gzip layer of about `fileCount * fileSize` bytes of file content.
private func writeLargeLayout(at layout: URL, scratch: URL, fileCount: Int, fileSize: Int) throws -> (diffID: Digest, digest: Digest) {
    let fm = FileManager.default
    let blobs = layout.appendingPathComponent("blobs/sha256")
    try fm.createDirectory(at: blobs, withIntermediateDirectories: true)
    let tar = scratch.appendingPathComponent("layer.tar")
    let gz = scratch.appendingPathComponent("layer.tar.gz")
    try writeLargeTar(to: tar, fileCount: fileCount, fileSize: fileSize)
    let diffID = try hashFile(tar)
    try gzipFile(tar, to: gz)
    try fm.removeItem(at: tar)
    let digest = try hashFile(gz)
    let layerSize = try FixtureCorruption.fileSize(gz)
    try fm.moveItem(at: gz, to: layout.appendingPathComponent(digest.layoutPath))

    func blob(_ object: Any) throws -> (Digest, Int) {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let digest = SHA256Hasher.hash(data)
        try data.write(to: layout.appendingPathComponent(digest.layoutPath))
        return (digest, data.count)
    }
    let (configDigest, configSize) = try blob([
        "architecture": "amd64", "os": "linux", "config": [String: Any](),
        "rootfs": ["type": "layers", "diff_ids": [diffID.description]],
    ])
    let (manifestDigest, manifestSize) = try blob([
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": configDigest.description, "size": configSize],
        "layers": [["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest.description, "size": layerSize]],
    ])
    let index = try JSONSerialization.data(withJSONObject: [
        "schemaVersion": 2,
        "manifests": [["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifestDigest.description,
                       "size": manifestSize]],
    ], options: [.sortedKeys])
    try index.write(to: layout.appendingPathComponent("index.json"))
    try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: layout.appendingPathComponent("oci-layout"))
    return (diffID, digest)
}

@Suite("Bounded memory")
struct BoundedMemoryCLITests {
    @Test("inspect of a 300 MiB layer peaks well under the layer's size",
          .enabled(if: timeTool != nil, "needs /usr/bin/time (Debian package `time`)"),
          .timeLimit(.minutes(2)))
    func largeLayer() throws {
        let binary = try #require(driftscopeBinary, "no driftscope binary: build it first or set DRIFTSCOPE_BIN")
        let dir = try TemporaryDirectory(prefix: "large")
        let layout = dir.path("layout")
        let fileSize = 100 * mebibyte
        let (diffID, digest) = try writeLargeLayout(at: layout, scratch: dir.url, fileCount: 3, fileSize: fileSize)

        let started = Date()
        let run = try ExternalTool.run(try #require(timeTool), ["-v", binary, "inspect", layout.path, "--format", "json"])
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.errorOutput)")

        let output = try JSONDecoder().decode(InspectOutput.self, from: run.stdout)
        let layer = try #require(output.platforms.first?.layers.first)
        #expect(layer.digest == digest.description)
        #expect(layer.diffID == diffID.description)
        #expect(layer.uncompressedSize > Int64(3 * fileSize))
        #expect(layer.entryCount == 5)

        let line = try #require(run.errorOutput.split(separator: "\n").first { $0.contains("Maximum resident set size") },
                                "no peak RSS in: \(run.errorOutput)")
        let kilobytes = try #require(Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""))
        let peak = kilobytes * 1024
        #expect(peak < 120 * mebibyte, "peak RSS \(peak / mebibyte) MiB for a \(3 * fileSize / mebibyte) MiB layer")
        #expect(seconds < 60, "inspect took \(Int(seconds)) s")
    }
}
