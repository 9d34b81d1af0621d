import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("Verdicts on fixture pairs")
struct VerdictTests {
    @Test("mtimes and entry order only: dependency-equivalent")
    func timestampsAndOrder() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries())])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries(mtime: 1_800_000_000).reversed())], created: "2025-06-01T00:00:00Z")
        let c = try await compare(a, b)
        #expect(c.verdict == .dependencyEquivalent)
        #expect(c.drifted.isEmpty)
        #expect(c.at("/etc/app.conf").map(\.rule) == ["timestamps"])
        #expect(c.differences.contains { $0.kind == .entryOrder && $0.rule == "entry-order" && $0.classification == .noise })
        #expect(c.config.contains { $0.field == "created" && $0.rule == "config-created" && $0.classification == .noise })
        #expect(c.packages.changes.isEmpty)
        #expect(c.packages.ecosystems == ["dpkg", "python"])
    }

    @Test("only the compression differs: byte-equal, and says so")
    func compressionOnly() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries(), compression: .gzip)])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries(), compression: .zstd)])
        let c = try await compare(a, b)
        #expect(c.verdict == .byteEqual)
        #expect(c.reason.contains("compression"))
        #expect(c.layers.map(\.relation) == [.compressionOnly])
        #expect(c.a.manifestDigest != c.b.manifestDigest)
        #expect(c.rules.contains { $0.name == "compression" })
    }

    @Test("the same manifest: byte-equal at once, blobs still verified")
    func sameManifest() async throws {
        let image = FixtureImage(layers: [FixtureLayer(baseEntries())])
        let c = try await compare(image, image, format: .ociArchive, formatB: .ociLayout)
        #expect(c.verdict == .byteEqual)
        #expect(c.reason.contains("manifest digests are equal"))
        #expect(c.layers.map(\.relation) == [.identical])
    }

    @Test("the same manifest with a corrupted blob on one side is an error, not byte-equal")
    func sameManifestCorruptBlob() async throws {
        let dir = try TemporaryDirectory(prefix: "corrupt")
        let image = FixtureImage(layers: [FixtureLayer(baseEntries())])
        let a = dir.url.appendingPathComponent("a")
        let b = dir.url.appendingPathComponent("b")
        _ = try FixtureWriter.write(image, as: .ociLayout, to: a)
        let written = try FixtureWriter.write(image, as: .ociLayout, to: b)
        try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: b, at: 40)
        await #expect(throws: InputError.self) {
            _ = try await Comparator.compare(a.path, b.path, options: quietOptions())
        }
    }

    @Test("python bytecode with other headers and embedded paths, same source: equivalent")
    func pythonBytecode() async throws {
        let source = "usr/lib/python3/site-packages/idna/__init__.py"
        let cached = "usr/lib/python3/site-packages/idna/__pycache__/__init__.cpython-311.pyc"
        let a = FixtureImage(layers: [FixtureLayer(baseEntries() + [
            .file(cached, data: pyc(mtime: 1_700_000_000, size: 27, body: "code /build/a/tmp1234/idna")),
            .file("opt/app/mod.pyc", data: pyc(mtime: 1, size: 5, body: "same-code")),
        ])])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries() + [
            .file(cached, data: pyc(mtime: 1_800_000_000, size: 27, body: "code /build/b/tmp9876/idna")),
            .file("opt/app/mod.pyc", data: pyc(mtime: 2, size: 5, body: "same-code")),
        ])])
        let c = try await compare(a, b)
        #expect(c.verdict == .dependencyEquivalent)
        let d = try #require(c.at("/" + cached).first)
        #expect(d.rule == "python-bytecode")
        #expect(d.explanation.contains("/" + source))
        // No source beside it, but only the 16-byte header differs.
        #expect(c.at("/opt/app/mod.pyc").first?.rule == "python-bytecode")
    }

    @Test("bytecode whose source changed is drift")
    func pythonBytecodeDrift() async throws {
        let cached = "app/__pycache__/m.cpython-311.pyc"
        let a = FixtureImage(layers: [FixtureLayer([.file("app/m.py", "x = 1\n"), .file(cached, data: pyc(mtime: 1, size: 6, body: "x=1"))])])
        let b = FixtureImage(layers: [FixtureLayer([.file("app/m.py", "x = 2\n"), .file(cached, data: pyc(mtime: 1, size: 6, body: "x=2"))])])
        let c = try await compare(a, b)
        #expect(c.verdict == .drift)
        #expect(c.at("/" + cached).first?.classification == .drift)
        #expect(c.at("/app/m.py").first?.rule == "content-changed")
    }

    @Test("logs, caches and the ld cache only: equivalent")
    func logsAndCaches() async throws {
        func image(_ tag: String) -> FixtureImage {
            FixtureImage(layers: [FixtureLayer(baseEntries() + [
                .file("var/log/apt/history.log", "Start-Date: \(tag)\n"),
                .file("var/cache/ldconfig/aux-cache", "cache \(tag)"),
                .file("var/cache/apt/pkgcache.bin", "bin \(tag)"),
                .file("etc/machine-id", "\(tag)\n"),
                .file("tmp/build-\(tag).txt", "scratch"),
                .file("root/.cache/pip/http/\(tag)", "x"),
            ])])
        }
        let c = try await compare(image("one"), image("two"))
        #expect(c.verdict == .dependencyEquivalent)
        #expect(c.drifted.isEmpty)
        for path in ["/var/log/apt/history.log", "/var/cache/ldconfig/aux-cache", "/etc/machine-id", "/tmp/build-one.txt", "/tmp/build-two.txt"] {
            #expect(c.at(path).allSatisfy { $0.rule == "logs-and-caches" }, "\(path)")
            #expect(!c.at(path).isEmpty, "\(path)")
        }
    }

    @Test("opaque whiteout vs per-file whiteouts with the same result: no file difference")
    func whiteoutEncodings() async throws {
        let lower = FixtureLayer(baseEntries() + [.dir("opt/"), .dir("opt/plugins/"), .file("opt/plugins/a", "a"), .file("opt/plugins/b", "b")])
        let a = FixtureImage(layers: [lower, FixtureLayer([.opaque("opt/plugins"), .file("opt/plugins/c", "c")])])
        let b = FixtureImage(layers: [lower, FixtureLayer([.whiteout("opt/plugins/a"), .whiteout("opt/plugins/b"), .file("opt/plugins/c", "c")])])
        let c = try await compare(a, b)
        #expect(c.verdict == .dependencyEquivalent)
        #expect(c.differences.allSatisfy { $0.classification == .noise })
        #expect(c.at("/opt/plugins/a").isEmpty && c.at("/opt/plugins/b").isEmpty)
    }

    @Test("a config file change is drift, attributed to its layer, with a text diff")
    func configFileChange() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries())])
        var entries = baseEntries()
        entries[1] = .file("etc/app.conf", "listen = 9090\nworkers = 4\n")
        let c = try await compare(a, FixtureImage(layers: [FixtureLayer(entries)]))
        #expect(c.verdict == .drift)
        let d = try #require(c.at("/etc/app.conf").first)
        #expect(d.kind == .content && d.classification == .drift && d.rule == "content-changed")
        #expect(d.layerA == 0 && d.layerB == 0)
        let text = try #require(d.diff?.text)
        #expect(text.hunks.flatMap(\.lines).contains { $0.kind == .added && $0.text == "listen = 9090" })
    }

    @Test("a setuid bit added is drift, flagged security-relevant")
    func setuid() async throws {
        var entries = baseEntries()
        entries[5] = .file("usr/bin/run", "#!/bin/sh\nexec app\n", mode: 0o4755)
        let c = try await compare(FixtureImage(layers: [FixtureLayer(baseEntries())]), FixtureImage(layers: [FixtureLayer(entries)]))
        #expect(c.verdict == .drift)
        let d = try #require(c.at("/usr/bin/run").first { $0.kind == .mode })
        #expect(d.rule == "special-bits" && d.securityRelevant && d.a == "0755" && d.b == "4755")
        #expect(d.package == "dpkg:tool")
    }

    @Test("a python package version bump is drift naming the package, from and to")
    func pythonBump() async throws {
        let c = try await compare(FixtureImage(layers: [FixtureLayer(baseEntries(idna: "3.6"))]),
                                  FixtureImage(layers: [FixtureLayer(baseEntries(idna: "3.7"))]))
        #expect(c.verdict == .drift)
        #expect(c.packages.changes.contains { $0.ecosystem.rawValue == "python" && $0.name == "idna" && $0.from == "3.6" && $0.to == "3.7" })
        #expect(c.at("/usr/lib/python3/site-packages/idna-3.7.dist-info/METADATA").first?.kind == .added)
    }

    @Test("a dpkg version bump is drift, and the package's files are attributed to it")
    func dpkgBump() async throws {
        var entriesB = baseEntries(dpkgVersion: "1.3-1")
        entriesB[5] = .file("usr/bin/run", "#!/bin/sh\nexec app --v2\n", mode: 0o755)
        let c = try await compare(FixtureImage(layers: [FixtureLayer(baseEntries())]), FixtureImage(layers: [FixtureLayer(entriesB)]))
        #expect(c.verdict == .drift)
        #expect(c.packages.changes == [.init(ecosystem: .dpkg, name: "tool", from: "1.2-1", to: "1.3-1")])
        let run = try #require(c.at("/usr/bin/run").first { $0.kind == .content })
        #expect(run.package == "dpkg:tool")
        #expect(run.explanation.contains("1.2-1 → 1.3-1"))
    }

    @Test("a file deleted through a whiteout is drift (removed)")
    func deletedThroughWhiteout() async throws {
        let base = FixtureLayer(baseEntries())
        let a = FixtureImage(layers: [base, FixtureLayer([.file("etc/extra", "x")])])
        let b = FixtureImage(layers: [base, FixtureLayer([.file("etc/extra", "x"), .whiteout("etc/app.conf")])])
        let c = try await compare(a, b)
        #expect(c.verdict == .drift)
        let d = try #require(c.at("/etc/app.conf").first)
        #expect(d.kind == .removed && d.rule == "file-removed" && d.layerA == 0 && d.layerB == nil)
    }

    @Test("a security.capability change is drift, flagged")
    func capability() async throws {
        let capA = Data([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        var capB = capA
        capB[4] = 0x00; capB[5] = 0x30
        let a = FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("usr/bin/ping", "ELF", mode: 0o755, xattrs: ["security.capability": capA])])])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("usr/bin/ping", "ELF", mode: 0o755, xattrs: ["security.capability": capB])])])
        let c = try await compare(a, b)
        #expect(c.verdict == .drift)
        let d = try #require(c.at("/usr/bin/ping").first)
        #expect(d.kind == .xattrs && d.rule == "capability-changed" && d.securityRelevant)
    }

    @Test("owner, symlink target and type changes are drift; uname-only is noise")
    func ownersLinksTypes() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries() + [
            .file("srv/data", "d", uid: 1000, gid: 1000), .symlink("srv/current", target: "v1"),
            .file("srv/thing", "t"), .file("srv/named", "n", uid: 7, gid: 7, uname: "app", gname: "app"),
        ])])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries() + [
            .file("srv/data", "d", uid: 0, gid: 0), .symlink("srv/current", target: "v2"),
            .dir("srv/thing"), .file("srv/named", "n", uid: 7, gid: 7),
        ])])
        let c = try await compare(a, b)
        #expect(c.at("/srv/data").first { $0.kind == .owner }?.rule == "owner-changed")
        #expect(c.at("/srv/current").first?.rule == "link-changed")
        #expect(c.at("/srv/thing").first?.kind == .type)
        #expect(c.at("/srv/named").map(\.rule) == ["tar-format"])
    }

    @Test("the same hardlinked file stored in another entry order is noise")
    func hardlinkOrder() async throws {
        let a = FixtureImage(layers: [FixtureLayer([.file("data/x", "same"), .hardlink("data/y", target: "data/x")])])
        let b = FixtureImage(layers: [FixtureLayer([.file("data/y", "same"), .hardlink("data/x", target: "data/y")])])
        let c = try await compare(a, b)
        #expect(c.verdict == .dependencyEquivalent)
        #expect(c.at("/data/x").allSatisfy { $0.classification == .noise && $0.kind == .hardlinkTarget })
    }

    @Test("an Env change in the config is drift")
    func envChange() async throws {
        let c = try await compare(FixtureImage(layers: [FixtureLayer(baseEntries())], env: ["A=1"]),
                                  FixtureImage(layers: [FixtureLayer(baseEntries())], env: ["A=2"]))
        #expect(c.verdict == .drift)
        #expect(c.config.contains { $0.field == "Env" && $0.classification == .drift && $0.rule == "config-changed" })
    }

    @Test("a platform that drifts in a two-platform index: drift on that platform only")
    func twoPlatforms() async throws {
        let dir = try TemporaryDirectory(prefix: "platforms")
        let amd = FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "amd64")
        let arm = FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "arm64", variant: "v8")
        var armB = arm
        armB.layers = [FixtureLayer(baseEntries() + [.file("etc/arm-only", "new")])]
        let a = dir.url.appendingPathComponent("a.tar"), b = dir.url.appendingPathComponent("b.tar")
        _ = try FixtureWriter.writeIndex([amd, arm], as: .ociArchive, to: a, attestation: true)
        _ = try FixtureWriter.writeIndex([amd, armB], as: .ociArchive, to: b, attestation: true)
        let c = try await Comparator.compare(a.path, b.path, options: quietOptions())
        #expect(c.verdict == .drift)
        #expect(c.platforms.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
        #expect(c.platforms[0].verdict == .byteEqual)
        #expect(c.platforms[1].verdict == .drift)
        #expect(c.differences.filter { $0.classification == .drift }.allSatisfy { $0.platform == "linux/arm64/v8" && $0.path == "/etc/arm-only" })

        var only = quietOptions()
        only.platform = Platform(parsing: "linux/amd64")
        let restricted = try await Comparator.compare(a.path, b.path, options: only)
        #expect(restricted.verdict == .byteEqual && restricted.platforms.count == 1)
    }

    @Test("a platform only in one image is drift")
    func platformMissing() async throws {
        let dir = try TemporaryDirectory(prefix: "platforms")
        let amd = FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "amd64")
        let arm = FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "arm64")
        let a = dir.url.appendingPathComponent("a.tar"), b = dir.url.appendingPathComponent("b.tar")
        _ = try FixtureWriter.writeIndex([amd, arm], as: .ociArchive, to: a)
        _ = try FixtureWriter.writeIndex([amd], as: .ociArchive, to: b)
        let c = try await Comparator.compare(a.path, b.path, options: quietOptions())
        #expect(c.verdict == .drift)
        #expect(c.config.contains { $0.rule == "platform-missing" && $0.platform == "linux/arm64/v8" })
    }

    @Test("two single-platform images for different architectures: drift in category platform")
    func architectureChanged() async throws {
        let c = try await compare(FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "amd64"),
                                  FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "arm64"))
        #expect(c.verdict == .drift)
        #expect(c.config.contains { $0.field == "architecture" && $0.category == "platform" && $0.rule == "platform-changed" })
        #expect(c.platforms.count == 1 && c.platforms[0].platform == "linux/amd64 → linux/arm64/v8")
    }

    @Test("two single-platform images for different architectures: their files are compared too")
    func architectureChangedFiles() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries())], architecture: "amd64")
        let b = FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("usr/bin/extra", "arm\n")])], architecture: "arm64")
        let c = try await compare(a, b)
        #expect(c.platforms.count == 1 && c.platforms[0].platform == "linux/amd64 → linux/arm64/v8")
        #expect(c.at("/usr/bin/extra").first?.kind == .added)
        #expect(c.summary.filesA > 0 && c.summary.filesB == c.summary.filesA + 1)
    }

    @Test("the same build in two formats (OCI archive vs legacy docker-archive) is not drift")
    func acrossFormats() async throws {
        let image = FixtureImage(layers: [FixtureLayer(baseEntries(), compression: .gzip)])
        let c = try await compare(image, image, format: .ociArchive, formatB: .dockerArchive)
        #expect(c.verdict == .byteEqual)
    }

    @Test("unsafe entries present in only one image are drift, flagged")
    func unsafeOnlyInB() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries())])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries() + [.raw(name: "../../etc/evil", content: Data("x".utf8))])])
        let c = try await compare(a, b)
        #expect(c.verdict == .drift)
        #expect(c.differences.contains { $0.rule == "unsafe-entry" && $0.securityRelevant && $0.path == "../../etc/evil" })
        #expect(c.findings.contains { $0.side == "b" && $0.kind == "unsafe-path" })
    }
}
