import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

private let amd64 = FixtureImage(layers: [FixtureLayer([.file("etc/arch", "amd64\n")])], architecture: "amd64")
private let arm64 = FixtureImage(layers: [FixtureLayer([.file("etc/arch", "arm64\n")], compression: .zstd)],
                                 architecture: "arm64", variant: "v8")

/// The formats that can hold an image index.
private let indexFormats: [FixtureFormat] = [.ociArchive, .ociLayout, .dockerArchiveOCI]

private func path(_ dir: TemporaryDirectory, _ format: FixtureFormat) -> URL {
    dir.path(format.isArchive ? "image.tar" : "layout")
}

@Suite("Image indexes, platforms and several images")
struct IndexAndSelectionTests {
    @Test("two platforms and attestations: both listed, attestations skipped with a note",
          arguments: indexFormats, [true, false])
    func twoPlatformsAndAttestations(format: FixtureFormat, nested: Bool) throws {
        let dir = try TemporaryDirectory(prefix: "index")
        let written = try FixtureWriter.writeIndex([amd64, arm64], as: format, to: path(dir, format),
                                                   nested: nested, attestation: true)
        let loaded = try ImageLoader.load(path: written[0].url.path)
        #expect(loaded.platforms.map(\.platform.description) == ["linux/amd64", "linux/arm64/v8"])
        #expect(loaded.present.count == 2)
        #expect(loaded.platforms.map(\.manifestDigest) == written.map(\.manifestDigest))
        #expect(loaded.present.map(\.configDigest) == written.map(\.configDigest))
        #expect(loaded.present.map { $0.layers.map(\.digest) } == written.map(\.layerDigests))
        #expect(loaded.notes.filter { $0.contains("attestation") }.count == 2, "\(loaded.notes)")
        #expect(!loaded.platforms.contains { $0.platform.os == "unknown" })
        if nested {
            #expect(loaded.indexDigest == written[0].indexDigest)
            #expect(loaded.present.allSatisfy { $0.indexDigest == written[0].indexDigest })
        }
        for image in loaded.present {
            let indexes = try walkLayers(image)
            let merged = MergedFilesystem(layers: indexes)
            let arch = image.platform.architecture
            #expect(merged.entries["/etc/arch"]?.record.digest == SHA256Hasher.hash("\(arch)\n"))
        }
    }

    @Test("--platform selects one platform", arguments: indexFormats)
    func platformSelectsOne(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "index")
        let written = try FixtureWriter.writeIndex([amd64, arm64], as: format, to: path(dir, format), attestation: true)
        for (request, index) in [("linux/arm64", 1), ("linux/arm64/v8", 1), ("linux/amd64", 0)] {
            let loaded = try ImageLoader.load(path: written[0].url.path, platform: Platform(parsing: request))
            #expect(loaded.platforms.count == 1, "\(request)")
            #expect(loaded.present.first?.manifestDigest == written[index].manifestDigest, "\(request)")
        }
    }

    @Test("a platform that is not in the index is refused, listing the ones that are", arguments: indexFormats)
    func platformNotFound(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "index")
        let written = try FixtureWriter.writeIndex([amd64, arm64], as: format, to: path(dir, format), attestation: true)
        for request in ["linux/s390x", "linux/arm64/v7", "windows/amd64"] {
            let error = try #require(loadError(written[0].url.path, platform: request))
            guard case .platformNotFound(let p, let requested, let available) = error else {
                Issue.record("\(request): expected platformNotFound, got \(error)")
                continue
            }
            #expect(p == written[0].url.path)
            #expect(requested == request)
            #expect(available.sorted() == ["linux/amd64", "linux/arm64/v8"], "the attestation is not a platform")
            #expect(error.description.contains("linux/amd64, linux/arm64/v8") || error.description.contains("linux/arm64/v8, linux/amd64"))
        }
    }

    @Test("a platform listed without its blobs is reported absent; the other is read", arguments: indexFormats)
    func platformAbsent(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "index")
        let written = try FixtureWriter.writeIndex([amd64, arm64], as: format, to: path(dir, format), attestation: true,
                                                   omitBlobsFor: ["linux/arm64/v8"])
        let loaded = try ImageLoader.load(path: written[0].url.path)
        #expect(loaded.platforms.map(\.platform.description) == ["linux/amd64", "linux/arm64/v8"])
        let absent = try #require(loaded.platforms.first { $0.platform.architecture == "arm64" })
        #expect(absent.image == nil)
        #expect(absent.manifestDigest == written[1].manifestDigest)
        #expect(loaded.present.map(\.manifestDigest) == [written[0].manifestDigest])
        #expect(loaded.notes.contains { $0.contains("linux/arm64/v8") && $0.contains("not in this archive") }, "\(loaded.notes)")
        _ = try walkLayers(loaded.present[0])

        // Asking for the absent platform is an error of its own.
        let error = try #require(loadError(written[0].url.path, platform: "linux/arm64"))
        guard case .platformAbsent(_, let platform) = error else {
            Issue.record("expected platformAbsent, got \(error)")
            return
        }
        #expect(platform == "linux/arm64")
        #expect(error.description.contains("listed in the index but its blobs are not in this archive"))
    }

    @Test("default variants are made explicit, and a request with or without them selects the image")
    func defaultVariants() throws {
        let dir = try TemporaryDirectory(prefix: "index")
        let bare = FixtureImage(layers: [FixtureLayer([.file("arch", "arm64")])], architecture: "arm64")
        let arm = FixtureImage(layers: [FixtureLayer([.file("arch", "arm")])], architecture: "arm")
        let written = try FixtureWriter.writeIndex([bare, arm], as: .ociLayout, to: dir.path("layout"))
        let loaded = try ImageLoader.load(path: written[0].url.path)
        #expect(loaded.platforms.map(\.platform.description) == ["linux/arm/v7", "linux/arm64/v8"])
        for request in ["linux/arm64", "linux/arm64/v8"] {
            let one = try ImageLoader.load(path: written[0].url.path, platform: Platform(parsing: request))
            #expect(one.present.map(\.manifestDigest) == [written[0].manifestDigest], "\(request)")
        }
        let error = try #require(loadError(written[0].url.path, platform: "linux/arm64/v9"))
        #expect(caseName(error) == "platformNotFound", "\(error)")
    }

    @Test("a Docker manifest list of Docker manifests")
    func dockerManifestList() throws {
        var a = amd64, b = arm64
        a.mediaTypes = .docker
        b.mediaTypes = .docker
        b.layers[0].compression = .gzip
        let dir = try TemporaryDirectory(prefix: "index")
        let written = try FixtureWriter.writeIndex([a, b], as: .ociLayout, to: dir.path("layout"))
        let loaded = try ImageLoader.load(path: written[0].url.path)
        #expect(loaded.present.map(\.manifestDigest) == written.map(\.manifestDigest))
        #expect(loaded.present.allSatisfy { $0.manifestMediaType == "application/vnd.docker.distribution.manifest.v2+json" })
        for image in loaded.present { _ = try walkLayers(image) }
    }

    static let multiFormats: [FixtureFormat] = FixtureFormat.allCases

    @Test("several images in one archive: none chosen is an error listing the names", arguments: multiFormats)
    func severalImagesNeedAChoice(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "multi")
        let written = try FixtureWriter.writeMulti([("app:v1", amd64), ("app:v2", arm64), ("tools:1.0", amd64)],
                                                   as: format, to: path(dir, format))
        let error = try #require(loadError(written[0].url.path))
        guard case .severalImages(let p, let names) = error else {
            Issue.record("expected severalImages, got \(error)")
            return
        }
        #expect(p == written[0].url.path)
        // Docker 25+ records the tag alone as ref.name and the full name beside it: either names each image.
        #expect(names.count == 3, "\(names)")
        for tag in ["v1", "v2", "1.0"] {
            #expect(names.contains { $0.hasSuffix(tag) }, "\(tag) in \(names)")
        }
        #expect(error.description.contains("--image"))
    }

    @Test("--image by tag picks one image", arguments: multiFormats)
    func imageByTag(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "multi")
        let written = try FixtureWriter.writeMulti([("app:v1", amd64), ("app:v2", arm64), ("tools:1.0", amd64)],
                                                   as: format, to: path(dir, format))
        let check = {
            for (request, index) in [("app:v2", 1), ("app:v1", 0), ("tools:1.0", 2)] {
                let loaded = try ImageLoader.load(path: written[0].url.path, image: request)
                #expect(loaded.platforms.count == 1, "\(request)")
                let image = try #require(loaded.present.first, "\(request)")
                #expect(image.configDigest == written[index].configDigest, "\(request)")
                if [.ociArchive, .ociLayout, .dockerArchiveOCI].contains(format) {
                    #expect(image.manifestDigest == written[index].manifestDigest, "\(request)")
                }
                _ = try walkLayers(image)
            }
        }
        try check()
        // The bare tag alone names one image too, when it is unique.
        let byTag = try ImageLoader.load(path: written[0].url.path, image: "1.0")
        #expect(byTag.present.map(\.configDigest) == [written[2].configDigest])
    }

    @Test("--image that matches nothing lists the names", arguments: multiFormats)
    func imageNotFound(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "multi")
        let written = try FixtureWriter.writeMulti([("app:v1", amd64), ("app:v2", arm64)], as: format, to: path(dir, format))
        let error = try #require(loadError(written[0].url.path, image: "nope:v9"))
        guard case .imageNotFound(_, let requested, let names) = error else {
            Issue.record("expected imageNotFound, got \(error)")
            return
        }
        #expect(requested == "nope:v9")
        #expect(names.count == 2, "\(names)")
        #expect(error.description.contains("no image named 'nope:v9'"))
    }

    @Test("several images sharing a tag are still several images", arguments: multiFormats)
    func severalImagesSharingATag(format: FixtureFormat) throws {
        let dir = try TemporaryDirectory(prefix: "multi")
        let written = try FixtureWriter.writeMulti([("app:latest", amd64), ("tools:latest", arm64)], as: format,
                                                   to: path(dir, format))
        let check = {
            let error = try #require(loadError(written[0].url.path))
            #expect(caseName(error) == "severalImages", "\(error)")
            let tools = try ImageLoader.load(path: written[0].url.path, image: "tools:latest")
            #expect(tools.present.map(\.configDigest) == [written[1].configDigest])
        }
        try check()
    }
}

@Suite("Record layout")
struct RecordLayoutTests {
    @Test("a FileRecord stays 160 bytes inline: the twin flag sits in padding (indexes hold one per entry)")
    func recordSize() {
        #expect(MemoryLayout<FileRecord>.size <= 160)
    }
}
