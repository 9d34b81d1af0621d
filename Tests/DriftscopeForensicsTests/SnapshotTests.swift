import DriftscopeArchive
import DriftscopeCompare
import DriftscopeForensics
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("snapshot files")
struct SnapshotTests {
    @Test("a snapshot is recognised by content, never by file name")
    func recognisedByContent() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let outcome = try await ws.record(path)
        let renamed = ws.dir.path("looks-like-an-image.tar")
        try FileManager.default.copyItem(at: outcome.snapshotURL, to: renamed)
        #expect(SnapshotFile.isSnapshot(at: renamed.path))
        #expect(SnapshotFile.formatVersion(at: renamed.path) == 1)

        let gzipped = ws.dir.path("image.tar.gz")
        _ = try FixtureWriter.write(releaseImage(), as: .ociArchive, to: gzipped, options: FixtureOptions(gzipWholeArchive: true))
        let json = ws.dir.path("other.snapshot.json.gz")
        try ArchiveWriter.compress(Data("{\"schemaVersion\":1}\n".utf8), with: .gzip()).write(to: json)
        let layout = try ws.write(releaseImage(), "layout", as: .ociLayout).path
        for notSnapshot in [path, gzipped.path, json.path, layout, ws.dir.path("absent").path] {
            #expect(!SnapshotFile.isSnapshot(at: notSnapshot), "\(notSnapshot)")
        }
    }

    @Test("the snapshot keeps the merged tree, inventory, config, annotations and layers exactly")
    func roundTrip() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let outcome = try await ws.record(path)
        let snapshot = try SnapshotFile.read(outcome.snapshotURL.path)
        #expect(snapshot.header.release == "1.4.0")
        #expect(snapshot.header.platforms == ["linux/amd64"])

        let prepared = try await Comparator.prepare(try ImageLoader.load(path: path))
        let original = try #require(prepared.platforms["linux/amd64"] ?? nil)
        let restored = try #require(snapshot.images.first)
        #expect(restored.filesystem?.entries == original.filesystem?.entries)
        #expect(restored.inventory == original.inventory)
        #expect(restored.configJSON == original.configJSON)
        #expect(restored.manifestAnnotations == original.manifestAnnotations)
        #expect(restored.layers == original.layers)
        #expect(restored.layerOrders == original.layerOrders)
        #expect(restored.findings == original.findings)
        #expect(restored.manifestDigest == original.manifestDigest)
        #expect(restored.resolved == nil)
        #expect(restored.filesystem?.entries["/usr/bin/run"]?.record.xattrs == ["user.origin": hexString(Array("release-build".utf8))])
    }

    @Test("compare takes a snapshot as either side and classifies as it does with the image")
    func compareEitherSide() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let (rebuild, _) = try ws.write(noiseRebuild(), "rebuild")
        let snap = try await ws.record(path).snapshotURL.path

        #expect(try await Forensics.sides(a: path, b: rebuild, options: CompareOptions()) == nil)
        let direct = try await Comparator.compare(path, rebuild)
        let (a, b) = try #require(try await Forensics.sides(a: snap, b: rebuild, options: CompareOptions()))
        let viaSnapshot = await Comparator.compare(a, b, options: CompareOptions())
        #expect(viaSnapshot.verdict == direct.verdict)
        #expect(viaSnapshot.differences == direct.differences)
        #expect(viaSnapshot.config == direct.config)
        #expect(viaSnapshot.a.format == "snapshot")

        let (ra, rb) = try #require(try await Forensics.sides(a: rebuild, b: snap, options: CompareOptions()))
        let reversed = await Comparator.compare(ra, rb, options: CompareOptions())
        #expect(reversed.verdict == .dependencyEquivalent)
        #expect(reversed.b.format == "snapshot")

        // The same image as the snapshot: equal manifests, byte-equal without a walk.
        let (sa, sb) = try #require(try await Forensics.sides(a: snap, b: path, options: CompareOptions()))
        #expect(await Comparator.compare(sa, sb, options: CompareOptions()).verdict == .byteEqual)
    }

    @Test("a truncated snapshot is refused")
    func truncated() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let url = try await ws.record(path).snapshotURL
        try FixtureCorruption.truncate(url, toFraction: 0.6)
        #expect(throws: ForensicsError.self) { try SnapshotFile.read(url.path) }
    }
}
