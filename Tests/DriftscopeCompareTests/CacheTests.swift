import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("Layer-index cache")
struct CacheTests {
    func pair(_ dir: TemporaryDirectory) throws -> (String, String) {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries()), FixtureLayer([.file("srv/top", "one")])])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries()), FixtureLayer([.file("srv/top", "two")])])
        let ua = dir.url.appendingPathComponent("a.tar"), ub = dir.url.appendingPathComponent("b.tar")
        _ = try FixtureWriter.write(a, as: .ociArchive, to: ua)
        _ = try FixtureWriter.write(b, as: .ociArchive, to: ub)
        return (ua.path, ub.path)
    }

    func entries(_ dir: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "index" }
    }

    @Test("entries are keyed by the verified layer digest and reused; the result is the same")
    func reuse() async throws {
        let dir = try TemporaryDirectory(prefix: "cache")
        let (a, b) = try pair(dir)
        var options = quietOptions()
        options.cacheDirectory = dir.url.appendingPathComponent("cache")
        let first = try await Comparator.compare(a, b, options: options)
        let files = try entries(options.cacheDirectory!)
        // The shared base layer is indexed once: three distinct layers.
        #expect(files.count == 3)
        let loaded = try ImageLoader.load(path: a)
        let base = loaded.present[0].layers[0].digest
        #expect(files.contains { $0.lastPathComponent == "sha256-\(base.encoded).index" })
        let second = try await Comparator.compare(a, b, options: options)
        #expect(second.verdict == first.verdict)
        #expect(second.differences == first.differences)
    }

    @Test("a corrupted or tampered cache entry is detected and rebuilt, never trusted")
    func corrupted() async throws {
        let dir = try TemporaryDirectory(prefix: "cache")
        let (a, b) = try pair(dir)
        var options = quietOptions()
        let cacheDir = dir.url.appendingPathComponent("cache")
        options.cacheDirectory = cacheDir
        let truth = try await Comparator.compare(a, b, options: options)
        #expect(truth.at("/srv/top").first?.rule == "content-changed")

        // Tamper with every entry: make the cached index claim /srv/top has B's digest in A too,
        // by swapping bodies between the two top-layer entries, and flip a byte in the base entry.
        let loadedA = try ImageLoader.load(path: a), loadedB = try ImageLoader.load(path: b)
        let topA = cacheDir.appendingPathComponent("sha256-\(loadedA.present[0].layers[1].digest.encoded).index")
        let topB = cacheDir.appendingPathComponent("sha256-\(loadedB.present[0].layers[1].digest.encoded).index")
        try FileManager.default.removeItem(at: topA)
        try FileManager.default.copyItem(at: topB, to: topA)
        let base = cacheDir.appendingPathComponent("sha256-\(loadedA.present[0].layers[0].digest.encoded).index")
        var bytes = try Data(contentsOf: base)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: base)

        let again = try await Comparator.compare(a, b, options: options)
        #expect(again.verdict == truth.verdict)
        #expect(again.at("/srv/top").first?.rule == "content-changed", "a swapped entry must not make A look like B")
        #expect(again.differences == truth.differences)
        // The bad entries were replaced by good ones: a third run reads them without rejecting.
        let rebuiltTop = try Data(contentsOf: topA)
        #expect(rebuiltTop != (try Data(contentsOf: topB)))
    }

    @Test("a cached index is not used when the blob on disk no longer matches its digest")
    func blobStillVerified() async throws {
        let dir = try TemporaryDirectory(prefix: "cache")
        let image = FixtureImage(layers: [FixtureLayer(baseEntries())])
        let layoutA = dir.url.appendingPathComponent("a"), layoutB = dir.url.appendingPathComponent("b")
        let written = try FixtureWriter.write(image, as: .ociLayout, to: layoutA)
        _ = try FixtureWriter.write(FixtureImage(layers: [FixtureLayer(baseEntries(mtime: 5))]), as: .ociLayout, to: layoutB)
        var options = quietOptions()
        options.cacheDirectory = dir.url.appendingPathComponent("cache")
        _ = try await Comparator.compare(layoutA.path, layoutB.path, options: options)
        try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: layoutA, at: 30)
        await #expect(throws: InputError.self) {
            _ = try await Comparator.compare(layoutA.path, layoutB.path, options: options)
        }
    }
}
