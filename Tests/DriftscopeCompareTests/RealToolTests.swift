import DriftscopeCompare
import Foundation
import Testing

/// Pairs made by real tools (Fixtures/, see Fixtures/README.md).
@Suite("Real-tool fixture pairs")
struct RealToolTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    func path(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    @Test("buildah from scratch, the same recipe twice seconds apart: dependency-equivalent")
    func buildahRebuild() async throws {
        let c = try await Comparator.compare(path("rebuild-a"), path("rebuild-b"), options: quietOptions())
        #expect(c.verdict == .dependencyEquivalent)
        #expect(c.drifted.isEmpty)
        #expect(c.rulesUsed.isSuperset(of: ["timestamps", "config-created"]))
        #expect(c.packages.ecosystems.contains("dpkg"))
    }

    @Test("umoci gzip layout vs skopeo's zstd copy: byte-equal through compression only")
    func recompressed() async throws {
        let c = try await Comparator.compare(path("umoci-layout"), path("skopeo-zstd-layout"), options: quietOptions())
        #expect(c.verdict == .byteEqual)
        #expect(c.layers.allSatisfy { $0.relation == .compressionOnly })
    }

    @Test("the same image as an OCI layout and as skopeo's docker-archive: byte-equal")
    func acrossFormats() async throws {
        let c = try await Comparator.compare(path("umoci-layout"), path("skopeo-docker.tar"), options: quietOptions())
        #expect(c.verdict == .byteEqual)
    }

    @Test("real-tool pairs read the same with twins (no cache) as with every file hashed (cache)",
          arguments: [("rebuild-a", "rebuild-b"), ("rebuild-a", "drift-b"), ("umoci-layout", "rebuild-b")])
    func twinsAgreeWithHashing(_ pair: (String, String)) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("driftscope-twins-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var cached = quietOptions()
        cached.cacheDirectory = dir
        let twins = try await Comparator.compare(path(pair.0), path(pair.1), options: quietOptions())
        let hashed = try await Comparator.compare(path(pair.0), path(pair.1), options: cached)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(twins.verdict == hashed.verdict && twins.reason == hashed.reason)
        #expect(try encoder.encode(twins.differences) == encoder.encode(hashed.differences))
        #expect(try encoder.encode(twins.packages) == encoder.encode(hashed.packages))
    }
}
