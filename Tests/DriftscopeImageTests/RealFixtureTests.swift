import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

/// One line of `Fixtures/expected-digests.txt` or `expected-configs.txt`.
struct ExpectedDigest: Sendable, CustomTestStringConvertible {
    var path: String
    var transport: String
    var digest: String
    var testDescription: String { path }
}

/// Reads `Fixtures/<name>`: `<path> <transport> sha256:<hex>` per line.
func expectedDigests(_ name: String) -> [ExpectedDigest] {
    let text = (try? String(contentsOf: fixturesDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: " ").map(String.init)
        return parts.count == 3 ? ExpectedDigest(path: parts[0], transport: parts[1], digest: parts[2]) : nil
    }
}

@Suite("The real-tool images in Fixtures/")
struct RealFixtureTests {
    @Test("the expected-digest tables are there") func tablesPresent() {
        #expect(expectedDigests("expected-digests.txt").count == 6)
        #expect(expectedDigests("expected-configs.txt").count == 6)
    }

    @Test("manifest and config digests equal skopeo's; every layer verifies", arguments: expectedDigests("expected-digests.txt"))
    func digests(_ expected: ExpectedDigest) throws {
        let path = fixturesDirectory.appendingPathComponent(expected.path).path
        let loaded = try ImageLoader.load(path: path)
        let image = try #require(loaded.present.first)
        #expect(loaded.platforms.count == 1)
        #expect(image.manifestDigest.description == expected.digest)
        let config = try #require(expectedDigests("expected-configs.txt").first { $0.path == expected.path })
        #expect(image.configDigest.description == config.digest)
        let sourceFormat: SourceFormat = switch expected.transport {
        case "oci": .ociLayout
        case "oci-archive": .ociArchive
        default: .dockerArchive
        }
        #expect(loaded.format == sourceFormat)
        let indexes = try walkLayers(image)
        #expect(indexes.map(\.diffID) == image.layers.map(\.diffID))
        #expect(indexes.allSatisfy { $0.findings.isEmpty }, "\(indexes.flatMap(\.findings))")
    }

    @Test("the docker-archive's synthesised manifest is byte for byte skopeo's")
    func dockerArchiveManifestBytes() throws {
        let skopeo = try Data(contentsOf: fixturesDirectory.appendingPathComponent("skopeo-docker.manifest.json"))
        let image = try loadSingle(fixturesDirectory.appendingPathComponent("skopeo-docker.tar").path)
        #expect(image.manifestSynthesized)
        #expect(image.manifestDigest == SHA256Hasher.hash(skopeo))
        #expect(image.manifestSize == Int64(skopeo.count))
        #expect(image.name == "docker.io/library/fixture:v1")
    }

    @Test("umoci-layout: whiteout applied, hardlink, setuid, owners, symlinks", arguments: ["umoci-layout", "skopeo-oci.tar",
                                                                                            "skopeo-docker.tar", "skopeo-zstd-layout"])
    func mergedTree(fixture: String) throws {
        let image = try loadSingle(fixturesDirectory.appendingPathComponent(fixture).path)
        let indexes = try walkLayers(image)
        #expect(indexes.count == 2)
        #expect(indexes[1].whiteouts.map(\.path) == ["/etc/fixture-remove-me"])
        let merged = MergedFilesystem(layers: indexes)
        let entries = merged.entries
        #expect(entries["/etc/fixture-remove-me"] == nil)
        #expect(entries["/usr/bin/fake-su"]?.record.mode == 0o4755)
        #expect(entries["/tmp"]?.record.mode == 0o1777)
        #expect(entries["/home/app"]?.record.uid == 1000 && entries["/home/app"]?.record.gid == 1000)
        #expect(entries["/bin"]?.record.linkTarget == "usr/bin")
        #expect(entries["/etc/os-release"]?.record.linkTarget == "../usr/lib/os-release")
        let data = try #require(entries["/usr/share/fixture/data.txt"])
        #expect(data.record.type == .hardlink)
        #expect(data.record.digest != nil)
        #expect(data.record.digest == entries["/usr/share/fixture/data-hardlink.txt"]?.record.digest)
        #expect(entries["/usr/lib/python3/dist-packages/idna/__pycache__/__init__.cpython-311.pyc"]?.layer == 1)
        #expect(merged.findings.isEmpty, "\(merged.findings)")
    }

    @Test("the rebuild pair holds the same files, each with a different digest")
    func rebuildPair() throws {
        let a = try loadSingle(fixturesDirectory.appendingPathComponent("rebuild-a").path)
        let b = try loadSingle(fixturesDirectory.appendingPathComponent("rebuild-b").path)
        #expect(a.manifestDigest != b.manifestDigest)
        let ma = MergedFilesystem(layers: try walkLayers(a))
        let mb = MergedFilesystem(layers: try walkLayers(b))
        #expect(ma.paths == mb.paths)
        #expect(ma.entries.mapValues(\.record.digest) == mb.entries.mapValues(\.record.digest))
    }
}
