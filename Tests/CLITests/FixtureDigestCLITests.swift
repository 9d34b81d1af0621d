import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// One line of `Fixtures/expected-digests.txt`: `<path> <transport> sha256:<hex>`.
struct FixtureLine: Sendable, CustomTestStringConvertible {
    var path: String
    var transport: String
    var digest: String
    var testDescription: String { path }

    /// The skopeo reference (README: `<transport>:Fixtures/<path>:v1`, no tag for docker-archive).
    var skopeoReference: String {
        let full = fixturesDirectory.appendingPathComponent(path).path
        return transport == "docker-archive" ? "docker-archive:\(full)" : "\(transport):\(full):v1"
    }
}

func fixtureLines(_ name: String) -> [FixtureLine] {
    let text = (try? String(contentsOf: fixturesDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: " ").map(String.init)
        return parts.count == 3 ? FixtureLine(path: parts[0], transport: parts[1], digest: parts[2]) : nil
    }
}

@Suite("driftscope inspect on the real-tool fixtures agrees with skopeo")
struct FixtureDigestCLITests {
    @Test("the tables list every fixture")
    func tables() {
        #expect(fixtureLines("expected-digests.txt").map(\.path).sorted()
            == ["rebuild-a", "rebuild-b", "skopeo-docker.tar", "skopeo-oci.tar", "skopeo-zstd-layout", "umoci-layout"])
    }

    @Test("manifest and config digests equal expected-digests.txt and expected-configs.txt",
          arguments: fixtureLines("expected-digests.txt"))
    func recordedDigests(_ line: FixtureLine) throws {
        let path = fixturesDirectory.appendingPathComponent(line.path).path
        let output = try inspectJSON(path)
        let platform = try #require(output.platforms.first)
        #expect(output.platforms.count == 1)
        #expect(platform.manifestDigest == line.digest)
        let config = try #require(fixtureLines("expected-configs.txt").first { $0.path == line.path })
        #expect(platform.configDigest == config.digest)
        #expect(platform.findings.isEmpty, "\(platform.findings)")
        let text = try driftscope(["inspect", path])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("manifest  \(line.digest)"))
    }

    @Test("manifest and config digests equal skopeo inspect --raw, run live",
          .enabled(if: ExternalTool.path(of: "skopeo") != nil), arguments: fixtureLines("expected-digests.txt"))
    func liveSkopeo(_ line: FixtureLine) throws {
        let raw = try ExternalTool.run("skopeo", ["inspect", "--raw", line.skopeoReference])
        try #require(raw.status == 0, "skopeo: \(raw.errorOutput)")
        let config = try ExternalTool.run("skopeo", ["inspect", "--raw", "--config", line.skopeoReference])
        try #require(config.status == 0, "skopeo: \(config.errorOutput)")
        #expect(SHA256Hasher.hash(raw.stdout).description == line.digest, "the committed table is skopeo's")

        let output = try inspectJSON(fixturesDirectory.appendingPathComponent(line.path).path)
        let platform = try #require(output.platforms.first)
        #expect(platform.manifestDigest == SHA256Hasher.hash(raw.stdout).description)
        #expect(platform.configDigest == SHA256Hasher.hash(config.stdout).description)
    }
}
