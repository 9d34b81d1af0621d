import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

/// Without a cache, files that the two walks prove byte-equal are not hashed (twins). These pairs
/// put twins where the merged views show something else beside them (a later layer of one image
/// rewrites the path, a hardlink, a duplicate in one layer): the comparison must read them back
/// and come to exactly what a run that hashes everything (with a cache) reports.
@Suite("Twins: files proven equal while streaming, never hashed")
struct TwinTests {
    static let older: Int64 = 1_700_000_000
    static let newer: Int64 = 1_700_086_400

    /// A base layer; `mtime` differs between the images so that every layer blob differs.
    static func base(_ mtime: Int64, extra: [FixtureEntry] = []) -> FixtureLayer {
        FixtureLayer(baseEntries(mtime: mtime) + [
            .dir("opt/", mtime: mtime), .dir("opt/app/", mtime: mtime),
            .file("opt/app/same.txt", "shared bytes\n", mtime: mtime),
            .file("opt/app/rewritten-equal.txt", "v1\n", mtime: mtime),
            .file("opt/app/rewritten-changed.txt", "v1\n", mtime: mtime),
            .file("opt/app/tool", "TOOL-BYTES", mode: 0o755, mtime: mtime),
            .hardlink("opt/app/tool-alias", target: "opt/app/tool", mtime: mtime),
            .file("opt/app/mod.pyc", data: pyc(mtime: 1, size: 9, body: "same-code"), mtime: mtime),
            .file("opt/app/gone.txt", "bye\n", mtime: mtime),
        ] + extra)
    }

    /// The pairs: (name, A, B).
    static func pairs() -> [(String, FixtureImage, FixtureImage)] {
        let o = older, n = newer
        let a = FixtureImage(layers: [base(o), FixtureLayer([.file("opt/app/top.txt", "top\n", mtime: o)])])
        return [
            ("a later layer of B rewrites paths (same bytes, other bytes, a .pyc header, a hardlink made a copy)",
             a,
             FixtureImage(layers: [base(n), FixtureLayer([
                .file("opt/app/top.txt", "top\n", mtime: n),
                .file("opt/app/rewritten-equal.txt", "v1\n", mtime: n),
                .file("opt/app/rewritten-changed.txt", "v2\n", mtime: n),
                .file("opt/app/mod.pyc", data: pyc(mtime: 2, size: 9, body: "same-code"), mtime: n),
                .file("opt/app/tool-alias", "TOOL-BYTES", mode: 0o755, mtime: n),
                .whiteout("opt/app/gone.txt", mtime: n),
             ])])),
            ("a later layer of A rewrites paths",
             FixtureImage(layers: [base(o), FixtureLayer([
                .file("opt/app/top.txt", "top\n", mtime: o),
                .file("opt/app/same.txt", "shared bytes\n", mtime: o),
                .file("opt/app/tool", "OTHER-TOOL", mode: 0o755, mtime: o),
             ])]),
             FixtureImage(layers: [base(n), FixtureLayer([.file("opt/app/top.txt", "top\n", mtime: n)])])),
            ("a path stored twice in one layer of A: the first copy pairs with B's, the second wins",
             FixtureImage(layers: [base(o, extra: [.file("opt/app/twice.txt", "first\n", mtime: o), .file("opt/app/twice.txt", "second\n", mtime: o)]),
                                   FixtureLayer([.file("opt/app/top.txt", "top\n", mtime: o)])]),
             FixtureImage(layers: [base(n, extra: [.file("opt/app/twice.txt", "first\n", mtime: n)]),
                                   FixtureLayer([.file("opt/app/top.txt", "top\n", mtime: n)])])),
            ("a hardlink in B's top layer to a twin below it, where A's top layer has a copy",
             FixtureImage(layers: [base(o), FixtureLayer([
                .file("opt/app/top.txt", "top\n", mtime: o),
                .file("opt/app/link2", "shared bytes\n", mtime: o),
             ])]),
             FixtureImage(layers: [base(n), FixtureLayer([
                .file("opt/app/top.txt", "top\n", mtime: n),
                .hardlink("opt/app/link2", target: "opt/app/same.txt", mtime: n),
             ])])),
            ("B has a layer more, with a file A's top layer also has",
             a,
             FixtureImage(layers: [base(n), FixtureLayer([.file("opt/app/top.txt", "top\n", mtime: n)]),
                                   FixtureLayer([.file("opt/app/same.txt", "shared bytes\n", mtime: n)])])),
        ]
    }

    func options(cache: URL?) -> CompareOptions {
        var o = quietOptions()
        o.cacheDirectory = cache
        return o
    }

    func json(_ c: Comparison) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(c.differences), as: UTF8.self) + "\n" + c.verdict.rawValue + " " + c.reason
    }

    @Test("every pair reads the same with twins (no cache) as with every file hashed (cache)", arguments: 0..<5)
    func sameAsHashingEverything(_ n: Int) async throws {
        let (name, a, b) = Self.pairs()[n]
        let dir = try TemporaryDirectory(prefix: "twins")
        let ua = dir.url.appendingPathComponent("a"), ub = dir.url.appendingPathComponent("b")
        _ = try FixtureWriter.write(a, as: .ociLayout, to: ua)
        _ = try FixtureWriter.write(b, as: .ociLayout, to: ub)
        // The no-cache run does prove files equal without hashing them.
        let (sideA, sideB) = try await Comparator.prepareBoth(try ImageLoader.load(path: ua.path), try ImageLoader.load(path: ub.path),
                                                             options: options(cache: nil))
        let exchange = try #require(sideA.platforms["linux/amd64"]??.exchange)
        #expect(exchange.claimCounts.twins > 0, "\(name): no twins were made")
        // After preparing, a twin meets only its partner, and is only ever beside a twin.
        let fa = try #require(sideA.platforms["linux/amd64"]??.filesystem?.entries)
        let fb = try #require(sideB.platforms["linux/amd64"]??.filesystem?.entries)
        for (path, ea) in fa {
            guard let eb = fb[path], ea.record.twin || eb.record.twin,
                  [.file, .hardlink].contains(ea.record.type), [.file, .hardlink].contains(eb.record.type) else { continue }
            #expect(ea.record.twin && eb.record.twin && ea.record.digest == eb.record.digest, "\(name): \(path) is a twin beside another file")
        }

        let twins = try await Comparator.compare(ua.path, ub.path, options: options(cache: nil))
        let hashed = try await Comparator.compare(ua.path, ub.path, options: options(cache: dir.url.appendingPathComponent("cache")))
        #expect(try json(twins) == json(hashed), "\(name)")
        // One walk at a time: each layer of A is done before its partner in B starts.
        var serial = options(cache: nil)
        serial.concurrency = 1
        let oneByOne = try await Comparator.compare(ua.path, ub.path, options: serial)
        #expect(try json(oneByOne) == json(hashed), "\(name), one walk at a time")
    }

    @Test("a path a later layer rewrites: equal bytes are no content change; other bytes show their real digests")
    func rewrittenPaths() async throws {
        let (_, a, b) = Self.pairs()[0]
        let c = try await compare(a, b, format: .ociLayout)
        #expect(!c.at("/opt/app/rewritten-equal.txt").contains { $0.kind == .content })
        let changed = try #require(c.at("/opt/app/rewritten-changed.txt").first { $0.kind == .content })
        #expect(changed.rule == "content-changed")
        #expect(changed.a == "sha256:\(SHA256Hasher.hash("v1\n").short) 3 bytes")
        #expect(changed.b == "sha256:\(SHA256Hasher.hash("v2\n").short) 3 bytes")
        #expect(c.at("/opt/app/mod.pyc").first { $0.kind == .content }?.rule == "python-bytecode")
        #expect(!c.at("/opt/app/tool-alias").contains { $0.kind == .content })
        #expect(c.at("/opt/app/gone.txt").first?.kind == .removed)
    }

    @Test("a path stored twice in one layer: the later copy is compared, by its real digest")
    func duplicatePath() async throws {
        let (_, a, b) = Self.pairs()[2]
        let c = try await compare(a, b, format: .ociLayout)
        let changed = try #require(c.at("/opt/app/twice.txt").first { $0.kind == .content })
        #expect(changed.a == "sha256:\(SHA256Hasher.hash("second\n").short) 7 bytes")
        #expect(changed.b == "sha256:\(SHA256Hasher.hash("first\n").short) 6 bytes")
    }

    @Test("a layer read back for twins is verified again: altered bytes are a digest mismatch")
    func readBackVerifies() throws {
        let dir = try TemporaryDirectory(prefix: "twins-verify")
        let image = FixtureImage(layers: [FixtureLayer([.file("etc/x", "original"), .file("etc/y", "other")], compression: .none)])
        let written = try FixtureWriter.write(image, as: .ociLayout, to: dir.path("img"))
        let layer = try #require(try ImageLoader.load(path: written.url.path).present.first?.layers.first)
        let files = try LayerWalker.extract(layer, paths: ["/etc/x"], limit: 1 << 20, source: "img", verify: true)
        #expect(files["/etc/x"] == Data("original".utf8))
        // Same length, other bytes: the tar still reads, the blob no longer matches its digest.
        var blob = try Data(contentsOf: URL(fileURLWithPath: layer.location.file))
        let at = try #require(blob.firstRange(of: Data("original".utf8)))
        blob.replaceSubrange(at, with: Data("ORIGINAL".utf8))
        try blob.write(to: URL(fileURLWithPath: layer.location.file))
        #expect(throws: InputError.self) { try LayerWalker.extract(layer, paths: ["/etc/x"], limit: 1 << 20, source: "img", verify: true) }
        #expect(try LayerWalker.extract(layer, paths: ["/etc/x"], limit: 1 << 20, source: "img")["/etc/x"] == Data("ORIGINAL".utf8),
                "without verify the bytes are read as they are")
    }
}
