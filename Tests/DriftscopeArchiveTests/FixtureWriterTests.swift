import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// The files of a written layout or archive, by path (a leading `./` removed; directories left out).
private func layoutFiles(_ url: URL, format: FixtureFormat) throws -> [String: Data] {
    if format.isArchive {
        var out: [String: Data] = [:]
        for member in try ArchiveContents.read(url) where member.header.type == .file {
            out[member.name.hasPrefix("./") ? String(member.name.dropFirst(2)) : member.name] = member.data
        }
        return out
    }
    var out: [String: Data] = [:]
    let root = url.standardizedFileURL.path
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let relative = enumerator?.nextObject() as? String {
        var isDir: ObjCBool = false
        let full = (root as NSString).appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
            out[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
        }
    }
    return out
}

private func object(_ data: Data?) throws -> [String: Any] {
    let bytes = try #require(data)
    return try #require(JSONSerialization.jsonObject(with: bytes) as? [String: Any])
}

private func array(_ data: Data?) throws -> [[String: Any]] {
    let bytes = try #require(data)
    return try #require(JSONSerialization.jsonObject(with: bytes) as? [[String: Any]])
}

/// The decompressed stream of a layer blob.
private func uncompressed(_ blob: Data) throws -> Data {
    try ArchiveContents.read(blob, mode: .raw).map(\.data).reduce(Data(), +)
}

private let sampleImage = FixtureImage(
    layers: [
        FixtureLayer([
            .dir("etc"),
            .file("etc/os-release", "ID=fixture\n"),
            .file("usr/bin/su", "ELF", mode: 0o4755, xattrs: ["security.capability": Data([1, 0, 0, 2])]),
            .symlink("bin", target: "usr/bin"),
        ]),
        FixtureLayer([.file("etc/motd", "hi\n"), .whiteout("etc/os-release")], compression: .zstd),
    ],
    env: ["PATH=/usr/bin:/bin"], cmd: ["/bin/sh"], labels: ["org.example/b": "2", "a": "1"])

@Suite struct FixtureWriterOCITests {
    @Test(.enabled(if: ExternalTool.path(of: "bsdtar") != nil))
    func ociArchiveListedByBsdtarWithBlobsNamedByTheirDigests() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .ociArchive, to: dir.path("image.tar"))

        let listing = try ExternalTool.run("bsdtar", ["-tf", written.url.path])
        #expect(listing.status == 0, "\(listing.errorOutput)")
        let names = listing.output.split(separator: "\n").map(String.init)
        let blobs = Set([written.manifestDigest, written.configDigest] + written.layerDigests).map(\.layoutPath).sorted()
        #expect(names == ["blobs/", "blobs/sha256/"] + blobs + ["index.json", "oci-layout"])

        let files = try layoutFiles(written.url, format: .ociArchive)
        for (path, data) in files where path.hasPrefix("blobs/") {
            #expect(SHA256Hasher.hash(data).layoutPath == path)
        }
        #expect(files["oci-layout"] == Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))

        let index = try object(files["index.json"])
        #expect(index["schemaVersion"] as? Int == 2)
        #expect(index["mediaType"] as? String == "application/vnd.oci.image.index.v1+json")
        let entry = try #require((index["manifests"] as? [[String: Any]])?.first)
        #expect(entry["digest"] as? String == written.manifestDigest.description)
        #expect(entry["size"] as? Int == written.manifestBytes.count)
        #expect(entry["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        #expect((entry["annotations"] as? [String: String]) == ["org.opencontainers.image.ref.name": "fixture:latest"])

        #expect(files[written.manifestDigest.layoutPath] == written.manifestBytes)
        let manifest = try object(written.manifestBytes)
        let config = try #require(manifest["config"] as? [String: Any])
        #expect(config["mediaType"] as? String == "application/vnd.oci.image.config.v1+json")
        #expect(config["digest"] as? String == written.configDigest.description)
        #expect(config["size"] as? Int == written.configBytes.count)
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.map { $0["mediaType"] as? String } == [
            "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.v1.tar+zstd",
        ])
        #expect(layers.map { $0["digest"] as? String } == written.layerDigests.map(\.description))
        #expect(layers.map { $0["size"] as? Int } == written.layerSizes)

        let configObject = try object(files[written.configDigest.layoutPath])
        let rootfs = try #require(configObject["rootfs"] as? [String: Any])
        #expect(rootfs["diff_ids"] as? [String] == written.diffIDs.map(\.description))
        for (digest, diffID) in zip(written.layerDigests, written.diffIDs) {
            #expect(SHA256Hasher.hash(try uncompressed(try #require(files[digest.layoutPath]))) == diffID)
        }
    }

    @Test func configCarriesTheDescribedFields() throws {
        let image = FixtureImage(
            layers: [FixtureLayer([.file("a", "1")])], architecture: "arm64", variant: "v8",
            env: ["A=1"], cmd: ["run"], entrypoint: ["/init"], user: "1000:1000", workingDir: "/srv",
            labels: ["k": "v"], exposedPorts: ["80/tcp", "53/udp"], volumes: ["/data"], stopSignal: "SIGTERM",
            history: [FixtureHistory(createdBy: "RUN true", emptyLayer: true), FixtureHistory(createdBy: "COPY a /")],
            extraConfig: ["config": ["Healthcheck": ["Test": ["NONE"]], "User": .delete], "os.version": "10.0",
                          "created": .delete])
        let dir = try TemporaryDirectory()
        let config = try object(FixtureWriter.write(image, as: .ociLayout, to: dir.path("x")).configBytes)
        let inner = try #require(config["config"] as? [String: Any])
        #expect(config["architecture"] as? String == "arm64" && config["variant"] as? String == "v8")
        #expect(config["os"] as? String == "linux" && config["os.version"] as? String == "10.0")
        #expect(config["created"] == nil)
        #expect(inner["Env"] as? [String] == ["A=1"] && inner["Cmd"] as? [String] == ["run"])
        #expect(inner["Entrypoint"] as? [String] == ["/init"] && inner["User"] == nil)
        #expect(inner["WorkingDir"] as? String == "/srv" && inner["StopSignal"] as? String == "SIGTERM")
        #expect(inner["Labels"] as? [String: String] == ["k": "v"])
        #expect((inner["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["53/udp", "80/tcp"])
        #expect((inner["Volumes"] as? [String: Any])?.keys.sorted() == ["/data"])
        #expect(inner["Healthcheck"] != nil)
        let history = try #require(config["history"] as? [[String: Any]])
        #expect(history.map { $0["created_by"] as? String } == ["RUN true", "COPY a /"])
        #expect(history.map { $0["empty_layer"] as? Bool } == [true, nil])

        let defaults = try object(FixtureWriter.write(sampleImage, as: .ociLayout, to: dir.path("y")).configBytes)
        #expect((defaults["history"] as? [[String: Any]])?.map { $0["created_by"] as? String } == ["fixture layer 0", "fixture layer 1"])
        #expect(defaults["created"] as? String == "2024-01-01T00:00:00Z")
    }

    @Test func jsonIsCompactSortedAndKeepsSlashes() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .ociLayout, to: dir.path("x"))
        let text = String(decoding: written.configBytes, as: UTF8.self)
        #expect(!text.contains("\\/") && text.contains("/usr/bin:/bin"))
        #expect(!text.contains("\n") && !text.contains(": "))
        #expect(text.hasPrefix(#"{"architecture":"amd64","config":{"Cmd":["/bin/sh"],"Env""#))
        #expect(text.range(of: #""Labels":{"a":"1","org.example/b":"2"}"#) != nil)
    }

    @Test func rawConfigAndPrebuiltLayersAreUsedVerbatim() throws {
        let blob = Data("definitely not gzip".utf8)
        let fakeDiffID = SHA256Hasher.hash("whatever")
        let rawConfig = Data(#"{"not":"a config""#.utf8)
        let image = FixtureImage(layers: [.prebuilt(blob: blob, diffID: fakeDiffID)], rawConfig: rawConfig)
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(image, as: .ociLayout, to: dir.path("x"))
        let files = try layoutFiles(written.url, format: .ociLayout)
        #expect(files[written.configDigest.layoutPath] == rawConfig)
        #expect(written.layerDigests == [SHA256Hasher.hash(blob)] && written.diffIDs == [fakeDiffID])
        #expect(files[SHA256Hasher.hash(blob).layoutPath] == blob)
    }

    @Test func dockerMediaTypes() throws {
        let image = FixtureImage(layers: [FixtureLayer([.file("a", "1")]), FixtureLayer([.file("b", "2")], compression: .none)],
                                 mediaTypes: .docker)
        let dir = try TemporaryDirectory()
        let manifest = try object(FixtureWriter.write(image, as: .ociLayout, to: dir.path("x")).manifestBytes)
        #expect(manifest["mediaType"] as? String == "application/vnd.docker.distribution.manifest.v2+json")
        #expect((manifest["config"] as? [String: Any])?["mediaType"] as? String == "application/vnd.docker.container.image.v1+json")
        #expect((manifest["layers"] as? [[String: Any]])?.map { $0["mediaType"] as? String } == [
            "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.docker.image.rootfs.diff.tar",
        ])
    }

    @Test func layerStreamHoldsTheEntriesAndTrailingBytes() throws {
        let trailer = Data("TOC footer".utf8)
        let layer = FixtureLayer([
            .dir("./etc"),
            .file("./etc/../../etc/passwd", "root:x:0:0\n"),
            .raw(name: "/abs\nname", content: Data("x".utf8)),
            .whiteout("./var/lib/old"),
            .opaque("opt/"),
            .hardlink("etc/passwd-", target: "./etc/../../etc/passwd"),
            .charDevice("dev/null", major: 1, minor: 3),
            .fifo("run/fifo"),
            .file("t", "x").mtime(1_700_000_000, nanoseconds: 42),
        ], compression: .gzip, trailingBytes: trailer, annotations: ["org.example.note": "n"])
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(FixtureImage(layers: [layer]), as: .ociLayout, to: dir.path("x"))
        let blob = try #require(try layoutFiles(written.url, format: .ociLayout)[written.layerDigests[0].layoutPath])
        let stream = try uncompressed(blob)
        #expect(stream.suffix(trailer.count) == trailer)
        #expect(SHA256Hasher.hash(stream) == written.diffIDs[0])
        #expect(try layer.tarBytes() == stream)
        let members = try ArchiveContents.read(blob)
        #expect(members.map(\.name) == [
            "./etc/", "./etc/../../etc/passwd", "/abs\nname", "./var/lib/.wh.old", "opt/.wh..wh..opq", "etc/passwd-",
            "dev/null", "run/fifo", "t",
        ])
        #expect(members[5].header.type == .hardlink && members[5].header.linkTarget == "./etc/../../etc/passwd")
        #expect(members[6].header.rdevMajor == 1 && members[6].header.rdevMinor == 3)
        #expect(members[8].header.mtime == Timestamp(seconds: 1_700_000_000, nanoseconds: 42))
        let descriptor = try #require((try object(written.manifestBytes)["layers"] as? [[String: Any]])?.first)
        #expect(descriptor["annotations"] as? [String: String] == ["org.example.note": "n"])
    }

    @Test func whiteoutAndOpaqueNames() {
        #expect(FixtureEntry.whiteout("a/b").header.name == "a/.wh.b")
        #expect(FixtureEntry.whiteout("./a/b/").header.name == "./a/.wh.b")
        #expect(FixtureEntry.whiteout("top").header.name == ".wh.top")
        #expect(FixtureEntry.opaque("a/b").header.name == "a/b/.wh..wh..opq")
        #expect(FixtureEntry.opaque("./a/").header.name == "./a/.wh..wh..opq")
        #expect(FixtureEntry.whiteout("a/b").content == Data())
    }

    @Test func ociLayoutDirectoryAndBlobCorruption() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .ociLayout, to: dir.path("layout"))
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: written.url.path, isDirectory: &isDir) && isDir.boolValue)
        let files = try layoutFiles(written.url, format: .ociLayout)
        #expect(files.keys.sorted() == (["index.json", "oci-layout"] +
            Set([written.manifestDigest, written.configDigest] + written.layerDigests).map(\.layoutPath)).sorted())
        for (path, data) in files where path.hasPrefix("blobs/") { #expect(SHA256Hasher.hash(data).layoutPath == path) }

        let layer = written.url.appendingPathComponent(written.layerDigests[0].layoutPath)
        let before = try Data(contentsOf: layer)
        try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: written.url, at: -1)
        let after = try Data(contentsOf: layer)
        #expect(after.count == before.count && after.last == before.last.map { $0 ^ 0xFF })
        #expect(SHA256Hasher.hash(after) != written.layerDigests[0])
        try FixtureCorruption.removeBlob(written.configDigest, inLayout: written.url)
        #expect(!FileManager.default.fileExists(atPath: written.url.appendingPathComponent(written.configDigest.layoutPath).path))
    }
}

@Suite struct FixtureWriterDockerTests {
    @Test func legacyDockerArchive() throws {
        let image = FixtureImage(layers: [
            FixtureLayer([.file("a", "1")]),
            FixtureLayer([.file("b", "2")]),
            FixtureLayer([.file("a", "1")]),
        ])
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(image, as: .dockerArchive, to: dir.path("save.tar"),
                                              options: FixtureOptions(duplicateLayersAsSymlinks: true))
        let members = try ArchiveContents.read(written.url)
        let files = try layoutFiles(written.url, format: .dockerArchive)
        let manifest = try #require(try array(files["manifest.json"]).first)
        #expect(manifest["Config"] as? String == "\(written.configDigest.encoded).json")
        #expect(files["\(written.configDigest.encoded).json"] == written.configBytes)
        #expect(manifest["RepoTags"] as? [String] == ["fixture:latest"])
        let layers = try #require(manifest["Layers"] as? [String])
        #expect(layers.count == 3 && Set(layers).count == 3)
        let ids = layers.map { String($0.dropLast("/layer.tar".count)) }
        // Stored uncompressed: layer.tar is the diff_id's stream.
        #expect(SHA256Hasher.hash(try #require(files[layers[0]])) == written.diffIDs[0])
        #expect(SHA256Hasher.hash(try #require(files[layers[1]])) == written.diffIDs[1])
        #expect(written.layerDigests == written.diffIDs)
        let link = try #require(members.first { $0.name == layers[2] })
        #expect(link.header.type == .symlink && link.header.linkTarget == "../\(ids[0])/layer.tar")
        for (i, id) in ids.enumerated() {
            #expect(files["\(id)/VERSION"] == Data("1.0".utf8))
            let json = try object(files["\(id)/json"])
            #expect(json["id"] as? String == id)
            #expect(json["parent"] as? String == (i == 0 ? nil : ids[i - 1]))
        }
        #expect((try object(files["\(ids[2])/json"]))["os"] as? String == "linux")
        let repositories = try object(files["repositories"])
        #expect(repositories["fixture"] as? [String: String] == ["latest": ids[2]])
        #expect(members.contains { $0.name == "\(ids[0])/" && $0.header.type == .directory })
    }

    @Test func legacyConfigNameAndNoTags() throws {
        let dir = try TemporaryDirectory()
        let image = FixtureImage(layers: [FixtureLayer([.file("a", "1")])])
        let written = try FixtureWriter.write(image, as: .dockerArchive, to: dir.path("save.tar"),
                                              options: FixtureOptions(legacyConfigName: "config.json", tags: []))
        let files = try layoutFiles(written.url, format: .dockerArchive)
        let manifest = try #require(try array(files["manifest.json"]).first)
        #expect(manifest["Config"] as? String == "config.json" && files["config.json"] == written.configBytes)
        #expect(manifest["RepoTags"] is NSNull)
        #expect(files["repositories"] == nil)
    }

    @Test func dockerArchiveOCI() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .dockerArchiveOCI, to: dir.path("save.tar"),
                                              options: FixtureOptions(tags: ["fixture:latest", "ghcr.io/o/app:1.2"]))
        let files = try layoutFiles(written.url, format: .dockerArchiveOCI)
        let manifest = try #require(try array(files["manifest.json"]).first)
        #expect(manifest["Config"] as? String == written.configDigest.layoutPath)
        #expect(manifest["Layers"] as? [String] == written.layerDigests.map(\.layoutPath))
        #expect(manifest["RepoTags"] as? [String] == ["fixture:latest", "ghcr.io/o/app:1.2"])
        // Stored as plain tars, as docker save does, whatever the layers' compression says.
        #expect(written.layerDigests == written.diffIDs)
        let layers = try #require(try object(written.manifestBytes)["layers"] as? [[String: Any]])
        #expect(layers.map { $0["mediaType"] as? String } == [
            "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar",
        ])
        let entries = try #require(try object(files["index.json"])["manifests"] as? [[String: Any]])
        #expect(entries.map { $0["annotations"] as? [String: String] } == [
            ["io.containerd.image.name": "docker.io/library/fixture:latest", "org.opencontainers.image.ref.name": "latest"],
            ["io.containerd.image.name": "ghcr.io/o/app:1.2", "org.opencontainers.image.ref.name": "1.2"],
        ])
        #expect(files["oci-layout"] != nil)
        let repositories = try object(files["repositories"])
        #expect(repositories.keys.sorted() == ["fixture", "ghcr.io/o/app"])

        let nulled = try FixtureWriter.write(sampleImage, as: .dockerArchiveOCI, to: dir.path("null.tar"),
                                             options: FixtureOptions(nullManifests: true))
        let index = try object(try layoutFiles(nulled.url, format: .dockerArchiveOCI)["index.json"])
        #expect(index["manifests"] is NSNull)

        let compressed = try FixtureWriter.write(sampleImage, as: .dockerArchiveOCI, to: dir.path("skopeo.tar"),
                                                 options: FixtureOptions(compressDockerArchiveLayers: true))
        let compressedLayers = try #require(try object(compressed.manifestBytes)["layers"] as? [[String: Any]])
        #expect(compressedLayers.map { $0["mediaType"] as? String } == [
            "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.v1.tar+zstd",
        ])
    }

    @Test func craneTarball() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .craneTarball, to: dir.path("crane.tar"))
        let members = try ArchiveContents.read(written.url)
        let layerNames = written.layerDigests.map { "\($0.encoded).tar.gz" }
        #expect(members.map(\.name) == [written.configDigest.description] + layerNames + ["manifest.json"])
        let manifest = try #require(try array(members.last?.data).first)
        #expect(manifest["Config"] as? String == written.configDigest.description)
        #expect(manifest["Layers"] as? [String] == layerNames)
        #expect(members[0].data == written.configBytes)
        for (member, digest) in zip(members.dropFirst(), written.layerDigests) {
            #expect(SHA256Hasher.hash(member.data) == digest)
        }
        #expect(written.layerDigests[0] != written.diffIDs[0], "crane layers are compressed")
    }
}

@Suite struct FixtureWriterIndexTests {
    static let platforms = [
        FixtureImage(layers: [FixtureLayer([.file("shared", "same")]), FixtureLayer([.file("arch", "amd64")])]),
        FixtureImage(layers: [FixtureLayer([.file("shared", "same")]), FixtureLayer([.file("arch", "arm64")])],
                     architecture: "arm64", variant: "v8"),
    ]

    @Test func nestedIndexWithAttestationsAndOmittedPlatform() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.writeIndex(Self.platforms, as: .ociArchive, to: dir.path("multi.tar"),
                                                   attestation: true, omitBlobsFor: ["linux/arm64/v8"])
        #expect(written.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
        let files = try layoutFiles(dir.path("multi.tar"), format: .ociArchive)
        for (path, data) in files where path.hasPrefix("blobs/") { #expect(SHA256Hasher.hash(data).layoutPath == path) }

        let top = try #require(try object(files["index.json"])["manifests"] as? [[String: Any]])
        #expect(top.count == 1)
        #expect(top[0]["mediaType"] as? String == "application/vnd.oci.image.index.v1+json")
        let indexDigest = try #require(written[0].indexDigest)
        #expect(top[0]["digest"] as? String == indexDigest.description)
        #expect((top[0]["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == "fixture:latest")

        let manifests = try #require(try object(files[indexDigest.layoutPath])["manifests"] as? [[String: Any]])
        #expect(manifests.count == 4)
        #expect(manifests.prefix(2).map { $0["digest"] as? String } == written.map(\.manifestDigest.description))
        #expect(manifests.map { $0["platform"] as? [String: String] } == [
            ["architecture": "amd64", "os": "linux"], ["architecture": "arm64", "os": "linux", "variant": "v8"],
            ["architecture": "unknown", "os": "unknown"], ["architecture": "unknown", "os": "unknown"],
        ])
        for (attestation, image) in zip(manifests.suffix(2), written) {
            #expect(attestation["annotations"] as? [String: String] == [
                "vnd.docker.reference.type": "attestation-manifest",
                "vnd.docker.reference.digest": image.manifestDigest.description,
            ])
        }
        // amd64 is complete; arm64's manifest, config and own layer are absent, the shared layer is not.
        let amd64Attestation = try Digest(parsing: try #require(manifests[2]["digest"] as? String))
        let attestationManifest = try object(files[amd64Attestation.layoutPath])
        let inToto = try #require((attestationManifest["layers"] as? [[String: Any]])?.first)
        #expect(inToto["mediaType"] as? String == "application/vnd.in-toto+json")
        for digest in [written[0].manifestDigest, written[0].configDigest] + written[0].layerDigests {
            #expect(files[digest.layoutPath] != nil)
        }
        #expect(files[written[1].manifestDigest.layoutPath] == nil)
        #expect(files[written[1].configDigest.layoutPath] == nil)
        #expect(files[written[1].layerDigests[1].layoutPath] == nil)
        #expect(written[1].layerDigests[0] == written[0].layerDigests[0])
        #expect(files[try Digest(parsing: try #require(manifests[3]["digest"] as? String)).layoutPath] == nil)
    }

    @Test func flatIndex() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.writeIndex(Self.platforms, as: .ociLayout, to: dir.path("flat"), nested: false)
        let files = try layoutFiles(dir.path("flat"), format: .ociLayout)
        let entries = try #require(try object(files["index.json"])["manifests"] as? [[String: Any]])
        #expect(entries.map { $0["digest"] as? String } == written.map(\.manifestDigest.description))
        #expect(entries.allSatisfy { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == "fixture:latest" })
        #expect(written[0].indexDigest == SHA256Hasher.hash(try #require(files["index.json"])))
        let blobMediaTypes = files.filter { $0.key.hasPrefix("blobs/") }
            .compactMap { (try? JSONSerialization.jsonObject(with: $0.value) as? [String: Any])?["mediaType"] as? String }
        #expect(blobMediaTypes.count == 2 && !blobMediaTypes.contains("application/vnd.oci.image.index.v1+json"))
    }

    @Test func dockerArchiveOCIIndexListsOnlyPresentPlatformsInManifestJSON() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.writeIndex(Self.platforms, as: .dockerArchiveOCI, to: dir.path("d.tar"),
                                                   omitBlobsFor: ["linux/arm64/v8"])
        let files = try layoutFiles(dir.path("d.tar"), format: .dockerArchiveOCI)
        let manifest = try array(files["manifest.json"])
        #expect(manifest.map { $0["Config"] as? String } == [written[0].configDigest.layoutPath])
        #expect(throws: FixtureError.self) {
            try FixtureWriter.writeIndex(Self.platforms, as: .dockerArchive, to: dir.path("no.tar"))
        }
    }

    @Test("several tagged images in one archive", arguments: FixtureFormat.allCases)
    func writeMulti(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory()
        let images = [(tag: "one:1", image: Self.platforms[0]), (tag: "two:2", image: Self.platforms[1])]
        let written = try FixtureWriter.writeMulti(images, as: format, to: dir.path("multi"))
        #expect(written.count == 2 && written[0].manifestDigest != written[1].manifestDigest)
        let files = try layoutFiles(dir.path("multi"), format: format)
        switch format {
        case .ociArchive, .ociLayout:
            let entries = try #require(try object(files["index.json"])["manifests"] as? [[String: Any]])
            #expect(entries.map { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] } == ["one:1", "two:2"])
            #expect(entries.map { $0["digest"] as? String } == written.map(\.manifestDigest.description))
        case .dockerArchive, .dockerArchiveOCI, .craneTarball:
            let entries = try array(files["manifest.json"])
            #expect(entries.map { $0["RepoTags"] as? [String] } == [["one:1"], ["two:2"]])
        }
    }
}

@Suite struct FixtureWriterDeterminismTests {
    @Test("the same description gives the same bytes", arguments: FixtureFormat.allCases)
    func sameBytesTwice(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory()
        let a = try FixtureWriter.write(sampleImage, as: format, to: dir.path("a"))
        let b = try FixtureWriter.write(sampleImage, as: format, to: dir.path("b"))
        #expect(a.manifestDigest == b.manifestDigest && a.layerDigests == b.layerDigests)
        if format.isArchive {
            #expect(try Data(contentsOf: a.url) == Data(contentsOf: b.url))
        } else {
            #expect(try layoutFiles(a.url, format: format) == layoutFiles(b.url, format: format))
        }
    }

    /// Pinned digests catch what a second write in the same process cannot: anything that varies
    /// from run to run (dictionary order, clock, pid, locale). Uncompressed layers keep the pin
    /// independent of the zlib and libzstd versions; a libarchive upgrade that changes its pax
    /// output would change it, and should be looked at.
    @Test func digestsArePinnedAcrossRuns() throws {
        var image = sampleImage
        image.layers = image.layers.map { var l = $0; l.compression = .none; return l }
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(image, as: .ociLayout, to: dir.path("x"))
        #expect(written.diffIDs.map(\.encoded) == [
            "054eacfc53c0ead004514d3a0e3814bd06bf39c302d3651859e446f1f6fbc10e",
            "11e144c2e4f309ff1e4d5bffdf1f4dd8e05139fd590f1bdb84cdb31898231ccd",
        ])
        #expect(written.configDigest.encoded == "115d9db2a9f48caae737f8ebf05059c50542913eaa0d83711e697ee444a312b2")
        #expect(written.manifestDigest.encoded == "b03ac47ce2c319809531ef5c2e9741dffb34c57423f5b1dc92e48f93f40b96c7")
    }
}

@Suite struct FixtureOptionsTests {
    @Test func dotSlashPrefixAndGzippedArchive() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .ociArchive, to: dir.path("x.tar.gz"),
                                              options: FixtureOptions(gzipWholeArchive: true, dotSlashPrefix: true))
        let reader = try ArchiveReader(mode: .compressedTar, path: written.url.path)
        var names: [String] = []
        while let h = try reader.nextHeader() { names.append(h.name) }
        #expect(reader.filterName == "gzip")
        #expect(names.first == "./")
        #expect(names.allSatisfy { $0.hasPrefix("./") })
        #expect(names.contains("./index.json") && names.contains("./oci-layout") && names.contains("./blobs/sha256/"))
        let raw = try Data(contentsOf: written.url)
        #expect(Array(raw[4..<8]) == [0, 0, 0, 0])
    }

    @Test func archiveFlavor() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .dockerArchive, to: dir.path("gnu.tar"),
                                              options: FixtureOptions(archiveFlavor: .gnu))
        let raw = try Data(contentsOf: written.url)
        #expect(Array(raw[257..<265]) == Array("ustar  \0".utf8), "GNU magic")
    }
}

@Suite struct FixtureHelpersTests {
    @Test func corruptionHelpers() throws {
        let dir = try TemporaryDirectory()
        let url = dir.path("f")
        try Data((0..<100).map { UInt8($0) }).write(to: url)
        try FixtureCorruption.flipByte(in: url, at: 10)
        #expect(try Data(contentsOf: url)[10] == 10 ^ 0xFF)
        try FixtureCorruption.truncate(url, toFraction: 0.5)
        #expect(try FixtureCorruption.fileSize(url) == 50)
        try FixtureCorruption.append(Data("tail".utf8), to: url)
        #expect(try Data(contentsOf: url).suffix(4) == Data("tail".utf8))
        #expect(throws: FixtureError.self) { try FixtureCorruption.flipByte(in: url, at: 1_000) }
    }

    @Test func truncatedArchiveIsReportedAsCorrupt() throws {
        let dir = try TemporaryDirectory()
        let written = try FixtureWriter.write(sampleImage, as: .ociArchive, to: dir.path("x.tar"),
                                              options: FixtureOptions(gzipWholeArchive: true))
        try FixtureCorruption.truncate(written.url, toFraction: 0.6)
        #expect(throws: ArchiveError.self) { _ = try ArchiveContents.read(written.url) }
    }

    @Test func aLayoutIsNotWrittenIntoAVanishedTemporaryDirectory() throws {
        let gone: URL
        do { gone = try TemporaryDirectory().url }
        #expect(throws: (any Error).self) {
            try FixtureWriter.write(sampleImage, as: .ociLayout, to: gone.appendingPathComponent("x"))
        }
        #expect(!FileManager.default.fileExists(atPath: gone.path))
    }

    @Test func temporaryDirectoryIsPrivateAndRemoved() throws {
        var path = ""
        do {
            let dir = try TemporaryDirectory()
            path = dir.url.path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
            #expect(path.hasPrefix(URL(fileURLWithPath: NSTemporaryDirectory()).path))
            try FileManager.default.createDirectory(at: dir.path("sub"), withIntermediateDirectories: false)
            try Data("x".utf8).write(to: dir.path("sub/file"))
        }
        #expect(!path.isEmpty && !FileManager.default.fileExists(atPath: path))
    }
}
