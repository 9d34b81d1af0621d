import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

private let sample = FixtureImage(layers: [
    FixtureLayer([.dir("etc"), .file("etc/hostname", "box\n"), .file("etc/gone", "bye"), .symlink("bin", target: "usr/bin")]),
    FixtureLayer([.whiteout("etc/gone"), .file("usr/bin/tool", "#!/bin/sh\n", mode: 0o4755, uid: 1000, gid: 1000)],
                 compression: .zstd),
    FixtureLayer([.file("srv/data", "data")], compression: .none),
], env: ["PATH=/usr/bin"], cmd: ["/bin/sh"])

/// The manifest skopeo synthesises for a docker-archive with uncompressed layers.
private func synthesizedDigest(_ written: WrittenImage) -> String {
    var s = #"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","#
    s += #""config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":\#(written.configBytes.count),"#
    s += #""digest":"\#(written.configDigest)"},"layers":["#
    s += zip(written.diffIDs, written.layerSizes).map {
        #"{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":\#($1),"digest":"\#($0)"}"#
    }.joined(separator: ",")
    s += "]}"
    return SHA256Hasher.hash(s).description
}

private func target(_ dir: TemporaryDirectory, _ format: FixtureFormat) -> URL {
    dir.path(format.isArchive ? "image.tar" : "layout")
}

@Suite("driftscope inspect, end to end")
struct InspectCLITests {
    @Test("every format: digests as written, layers verified, exit 0", arguments: FixtureFormat.allCases)
    func inspectEveryFormat(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let written = try FixtureWriter.write(sample, as: format, to: target(dir, format))
        let output = try inspectJSON(written.url.path)
        let expectedFormat = ["ociArchive": "oci-archive", "ociLayout": "oci-layout", "dockerArchive": "docker-archive",
                              "dockerArchiveOCI": "docker-archive-oci", "craneTarball": "crane-tarball"]["\(format)"]
        #expect(output.format == expectedFormat)
        #expect(output.source == written.url.path)
        #expect(output.schemaVersion == 1)
        let platform = try #require(output.platforms.first)
        #expect(output.platforms.count == 1)
        #expect(platform.platform == "linux/amd64")
        #expect(platform.present)
        #expect(platform.configDigest == written.configDigest.description)
        #expect(platform.layers.map(\.digest) == written.layerDigests.map(\.description))
        #expect(platform.layers.map(\.diffID) == written.diffIDs.map(\.description))
        #expect(platform.layers.map(\.size) == written.layerSizes.map(Int64.init))
        #expect(platform.findings.isEmpty, "\(platform.findings)")
        switch format {
        case .ociArchive, .ociLayout, .dockerArchiveOCI:
            #expect(platform.manifestDigest == written.manifestDigest.description)
            #expect(platform.manifestSynthesized == false)
            // docker save stores every layer uncompressed, Docker 25+ too.
            #expect(platform.layers.map(\.compression) == (format == .dockerArchiveOCI ? ["none", "none", "none"] : ["gzip", "zstd", "none"]))
        case .dockerArchive:
            #expect(platform.manifestDigest == synthesizedDigest(written))
            #expect(platform.manifestSynthesized == true)
            #expect(platform.layers.map(\.compression) == ["none", "none", "none"])
        case .craneTarball:
            // The manifest digest of a tarball with compressed layers is checked in DriftscopeImageTests.
            #expect(platform.manifestSynthesized == true)
        }
        // The whiteout hid etc/gone: /etc, /etc/hostname, /bin, /usr/bin/tool, /srv/data remain.
        #expect(platform.fileCount == 5)
    }

    @Test("text output names the source, format, manifest, config and layers")
    func textOutput() throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let written = try FixtureWriter.write(sample, as: .ociArchive, to: dir.path("image.tar"))
        let run = try driftscope(["inspect", written.url.path])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout.contains("\(written.url.path)  (oci-archive)"))
        #expect(run.stdout.contains("platform  linux/amd64"))
        #expect(run.stdout.contains("manifest  \(written.manifestDigest)"))
        #expect(run.stdout.contains("config    \(written.configDigest)"))
        for digest in written.layerDigests { #expect(run.stdout.contains(digest.short)) }
        #expect(run.stdout.contains("total: 3 layers"))
    }

    @Test("--files lists the merged tree, whiteouts applied", arguments: ["json", "text"])
    func files(format: String) throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let written = try FixtureWriter.write(sample, as: .ociLayout, to: dir.path("layout"))
        if format == "json" {
            let output = try inspectJSON(written.url.path, ["--files"])
            let files = try #require(output.platforms.first?.files)
            #expect(files.map(\.path) == ["/bin", "/etc", "/etc/hostname", "/srv/data", "/usr/bin/tool"])
            let tool = try #require(files.first { $0.path == "/usr/bin/tool" })
            #expect(tool.uid == 1000 && tool.layer == 1 && tool.digest == SHA256Hasher.hash("#!/bin/sh\n").description)
            #expect(files.first { $0.path == "/bin" }?.linkTarget == "usr/bin")
        } else {
            let run = try driftscope(["inspect", written.url.path, "--files"])
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("/usr/bin/tool"))
            #expect(run.stdout.contains("/bin → usr/bin"))
            #expect(!run.stdout.contains("/etc/gone"))
            #expect(!run.stdout.contains(".wh."))
        }
    }

    @Test("unsafe entries are reported as findings with their layer, and inspect still succeeds")
    func findings() throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let token = "driftscope-cli-escape-\(UUID().uuidString)"
        let image = FixtureImage(layers: [
            FixtureLayer([.file("etc/hostname", "box\n")]),
            FixtureLayer([
                .file("../../\(token)", "x"), .file("/etc/\(token)", "x"), .symlink("evil", target: "../../../../etc"),
                .symlink("link", target: "/tmp"), .file("link/\(token)", "x"), .hardlink("etc/hl", target: "etc/nowhere"),
            ]),
        ])
        let written = try FixtureWriter.write(image, as: .ociArchive, to: dir.path("image.tar"))
        let output = try inspectJSON(written.url.path)
        let findings = try #require(output.platforms.first?.findings)
        let kinds = Set(findings.map(\.kind))
        #expect(kinds == ["unsafe-path", "absolute-path", "unsafe-symlink", "write-through-symlink", "missing-hardlink-target"],
                "\(findings)")
        #expect(findings.allSatisfy { $0.layer == 1 })
        let text = try driftscope(["inspect", written.url.path])
        #expect(text.stdout.contains("finding unsafe-path ../../\(token) (layer 1)"))
        for place in [dir.url.deletingLastPathComponent(), URL(fileURLWithPath: "/etc"), URL(fileURLWithPath: "/tmp"),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: place.path)) ?? []
            #expect(!names.contains { $0.contains(token) }, "\(place.path)")
        }
    }

    @Test("an index: both platforms listed, the attestation skipped with a note; --platform selects one")
    func index() throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let amd = FixtureImage(layers: [FixtureLayer([.file("arch", "amd64")])])
        let arm = FixtureImage(layers: [FixtureLayer([.file("arch", "arm64")])], architecture: "arm64", variant: "v8")
        let written = try FixtureWriter.writeIndex([amd, arm], as: .ociArchive, to: dir.path("image.tar"), attestation: true)
        let all = try inspectJSON(written[0].url.path)
        #expect(all.platforms.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
        #expect(all.platforms.map(\.manifestDigest) == written.map(\.manifestDigest.description))
        #expect(all.indexDigest == written[0].indexDigest?.description)
        #expect(all.notes.contains { $0.contains("attestation") }, "\(all.notes)")

        let one = try inspectJSON(written[0].url.path, ["--platform", "linux/arm64"])
        #expect(one.platforms.map(\.manifestDigest) == [written[1].manifestDigest.description])

        let missing = try driftscope(["inspect", written[0].url.path, "--platform", "linux/ppc64le"])
        expectInputError(missing, path: written[0].url.path,
                         fragments: ["platform linux/ppc64le is not in the image", "linux/amd64", "linux/arm64/v8"])
    }

    @Test("a platform listed without its blobs is shown absent; the other is read")
    func absentPlatform() throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let amd = FixtureImage(layers: [FixtureLayer([.file("arch", "amd64")])])
        let arm = FixtureImage(layers: [FixtureLayer([.file("arch", "arm64")])], architecture: "arm64")
        let written = try FixtureWriter.writeIndex([amd, arm], as: .dockerArchiveOCI, to: dir.path("image.tar"),
                                                   omitBlobsFor: ["linux/arm64"])
        let output = try inspectJSON(written[0].url.path)
        // The default variant is made explicit: linux/arm64 is listed as linux/arm64/v8.
        #expect(output.platforms.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
        #expect(output.platforms.map(\.present) == [true, false])
        #expect(output.platforms[1].manifestDigest == written[1].manifestDigest.description)
        let text = try driftscope(["inspect", written[0].url.path])
        #expect(text.stdout.contains("platform  linux/arm64/v8  (listed; blobs not in this archive)"), "\(text.stdout)")

        let asked = try driftscope(["inspect", written[0].url.path, "--platform", "linux/arm64"])
        expectInputError(asked, path: written[0].url.path, fragments: ["linux/arm64", "blobs are not in this archive"])
    }

    @Test("several images: no --image is an error listing them; --image by tag picks one",
          arguments: [FixtureFormat.ociArchive, .dockerArchive, .craneTarball])
    func severalImages(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let one = FixtureImage(layers: [FixtureLayer([.file("v", "1")])])
        let two = FixtureImage(layers: [FixtureLayer([.file("v", "2")])])
        let written = try FixtureWriter.writeMulti([("app:v1", one), ("app:v2", two)], as: format, to: dir.path("image.tar"))
        let run = try driftscope(["inspect", written[0].url.path])
        expectInputError(run, path: written[0].url.path, fragments: ["several images", "--image", "app:v1", "app:v2"])

        let picked = try inspectJSON(written[0].url.path, ["--image", "app:v2"])
        #expect(picked.platforms.map(\.configDigest) == [written[1].configDigest.description])
        let unknown = try driftscope(["inspect", written[0].url.path, "--image", "app:v3"])
        expectInputError(unknown, path: written[0].url.path, fragments: ["no image named 'app:v3'"])
    }

    @Test("swapped diff_ids in the config: exit 3, diff_id mismatch")
    func swappedDiffIDs() throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let plain = try FixtureWriter.write(sample, as: .ociLayout, to: dir.path("plain"))
        var config = try #require(try JSONSerialization.jsonObject(with: plain.configBytes) as? [String: Any])
        config["rootfs"] = ["type": "layers", "diff_ids": [plain.diffIDs[1], plain.diffIDs[0], plain.diffIDs[2]].map(\.description)]
        var swapped = sample
        swapped.rawConfig = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        let written = try FixtureWriter.write(swapped, as: .ociArchive, to: dir.path("image.tar"))
        let run = try driftscope(["inspect", written.url.path])
        expectInputError(run, path: written.url.path, fragments: ["does not match its diff_id"])
    }

    @Test("usage errors exit 2", arguments: [
        ["inspect", "IMAGE", "--frobnicate"],
        ["inspect", "IMAGE", "--platform", "linux"],
        ["inspect", "IMAGE", "--platform", "linux/arm64/v8/extra"],
        ["inspect", "IMAGE", "--platform", "/amd64"],
        ["inspect", "IMAGE", "--format", "yaml"],
        ["inspect"],
        ["inspect", "IMAGE", "--platform"],
        ["inspekt", "IMAGE"],
    ])
    func usageErrors(arguments: [String]) throws {
        let dir = try TemporaryDirectory(prefix: "cli")
        let written = try FixtureWriter.write(sample, as: .ociArchive, to: dir.path("image.tar"))
        let run = try driftscope(arguments.map { $0 == "IMAGE" ? written.url.path : $0 })
        #expect(run.status == 2, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(!run.stderr.isEmpty)
        #expect(!run.stderr.contains("Fatal error"))
    }

    @Test("--help exits 0 and documents the options")
    func help() throws {
        let run = try driftscope(["inspect", "--help"])
        #expect(run.status == 0, "\(run)")
        for option in ["--platform", "--image", "--format", "--files"] {
            #expect(run.stdout.contains(option))
        }
    }
}
