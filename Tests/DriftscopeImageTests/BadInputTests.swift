import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

/// The image most bad inputs start from: a gzip layer and an uncompressed one (whose bytes can be
/// flipped without breaking a compressed stream).
private let baseImage = FixtureImage(layers: [
    FixtureLayer([.dir("etc"), .file("etc/a", "alpha\n")], compression: .gzip),
    FixtureLayer([.file("etc/b", String(repeating: "b", count: 3000))], compression: .none),
])

private let baseDiffIDs: [Digest] = baseImage.layers.map { layer in
    // The layers are small and well-formed: tarBytes cannot fail for them.
    SHA256Hasher.hash((try? layer.tarBytes()) ?? Data())
}

/// Rewrites a tar archive in place: members dropped or replaced, order kept, written as plain pax.
func rewriteArchive(_ url: URL, drop: (String) -> Bool = { _ in false },
                    replace: (String, Data) throws -> Data? = { _, _ in nil }) throws {
    let members = try ArchiveContents.read(url)
    let writer = try ArchiveWriter(path: url.path, format: .pax)
    for member in members where !drop(member.name) {
        let h = member.header
        let data = try replace(member.name, member.data) ?? member.data
        try writer.write(entry: WriteEntry(name: h.name, type: h.type, permissions: h.permissions, linkTarget: h.linkTarget),
                         data: h.type == .file ? data : nil)
    }
    try writer.finish()
}

/// Inverts one byte of `data`.
func flipped(_ data: Data, at offset: Int) -> Data {
    var copy = data
    let index = offset < 0 ? copy.count + offset : offset
    copy[copy.startIndex + index] ^= 0xFF
    return copy
}

/// One bad input: how to make it, when it is refused, and how.
struct BadInput: Sendable, CustomTestStringConvertible {
    enum Stage: Sendable {
        /// `ImageLoader.load` refuses it.
        case load
        /// It loads, and walking a layer refuses it.
        case walk
    }
    var name: String
    var stage: Stage = .load
    /// The `InputError` case expected.
    var expected: String
    /// Text the message must contain (besides the path).
    var fragments: [String]
    /// `--platform`.
    var platform: String?
    /// Writes the input into the directory and returns its path.
    var make: @Sendable (TemporaryDirectory) throws -> URL

    var testDescription: String { name }
}

private func layout(_ dir: TemporaryDirectory, _ image: FixtureImage = baseImage) throws -> WrittenImage {
    try FixtureWriter.write(image, as: .ociLayout, to: dir.path("layout"))
}

private func archive(_ dir: TemporaryDirectory, _ format: FixtureFormat, _ image: FixtureImage = baseImage,
                     options: FixtureOptions = .init()) throws -> WrittenImage {
    try FixtureWriter.write(image, as: format, to: dir.path("image.tar"), options: options)
}

private func image(withDiffIDs diffIDs: [Digest]) -> FixtureImage {
    var image = baseImage
    image.extraConfig = ["rootfs": ["type": "layers", "diff_ids": .array(diffIDs.map { .string($0.description) })]]
    return image
}

private let schema1Manifest = Data(#"""
{"schemaVersion":1,"name":"library/fixture","tag":"latest","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[{"v1Compatibility":"{}"}],"signatures":[]}
"""#.utf8)

/// Every kind of bad input, each with the `InputError` case it must give.
let badInputs: [BadInput] = {
    var cases: [BadInput] = [
        BadInput(name: "truncated oci-archive", expected: "corruptArchive", fragments: ["corrupt or truncated archive"]) { dir in
            let url = try archive(dir, .ociArchive).url
            try FixtureCorruption.truncate(url, toFraction: 0.6)
            return url
        },
        BadInput(name: "truncated gzipped docker-archive", expected: "corruptArchive", fragments: ["corrupt or truncated archive"]) { dir in
            let url = try archive(dir, .dockerArchive, options: .init(gzipWholeArchive: true)).url
            try FixtureCorruption.truncate(url, toFraction: 0.6)
            return url
        },
        BadInput(name: "truncated layer blob", expected: "sizeMismatch", fragments: ["size mismatch in layer 0"]) { dir in
            let written = try layout(dir)
            let blob = written.url.appendingPathComponent(written.layerDigests[0].layoutPath)
            try FixtureCorruption.truncate(blob, toFraction: 0.5)
            return written.url
        },
        BadInput(name: "missing layer blob", expected: "missingBlob", fragments: ["missing blob", "layer 1"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.removeBlob(written.layerDigests[1], inLayout: written.url)
            return written.url
        },
        BadInput(name: "missing config blob", expected: "missingBlob", fragments: ["missing blob", "config"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.removeBlob(written.configDigest, inLayout: written.url)
            return written.url
        },
        BadInput(name: "missing manifest blob", expected: "missingBlob", fragments: ["missing blob", "manifest"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.removeBlob(written.manifestDigest, inLayout: written.url)
            return written.url
        },
        BadInput(name: "missing layer blob in an oci-archive", expected: "missingBlob", fragments: ["missing blob", "layer 0"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.removeBlob(written.layerDigests[0], inLayout: written.url)
            try tarDirectory(written.url, to: dir.path("image.tar"))
            return dir.path("image.tar")
        },
        BadInput(name: "missing layer.tar in a docker-archive", expected: "missingBlob", fragments: ["missing blob", "layer"]) { dir in
            let url = try archive(dir, .dockerArchive).url
            var dropped = false
            try rewriteArchive(url, drop: { name in
                guard !dropped, name.hasSuffix("/layer.tar") else { return false }
                dropped = true
                return true
            })
            return url
        },
        BadInput(name: "flipped byte in an uncompressed layer blob", stage: .walk, expected: "digestMismatch",
                 fragments: ["digest mismatch in layer 1"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.corruptBlob(written.layerDigests[1], inLayout: written.url, at: 1000)
            return written.url
        },
        BadInput(name: "flipped byte in a gzip layer blob", stage: .walk, expected: "digestMismatch",
                 fragments: ["digest mismatch in layer 0"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: written.url, at: written.layerSizes[0] / 2)
            return written.url
        },
        BadInput(name: "flipped byte in the last byte of a gzip layer blob", stage: .walk, expected: "digestMismatch",
                 fragments: ["digest mismatch in layer 0"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: written.url, at: -1)
            return written.url
        },
        BadInput(name: "damaged second tar header in an uncompressed layer blob", stage: .walk, expected: "digestMismatch",
                 fragments: ["digest mismatch in layer 0"]) { dir in
            let image = FixtureImage(layers: [FixtureLayer([.dir("etc"), .file("etc/a", "alpha\n")], compression: .none)])
            let written = try layout(dir, image)
            // Byte 10 of the second header is in its name field: the header checksum no longer matches.
            try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: written.url, at: 512 + 10)
            return written.url
        },
        BadInput(name: "damaged tar header of a blob in an oci-archive", expected: "corruptArchive",
                 fragments: ["corrupt or truncated archive"]) { dir in
            let url = try archive(dir, .ociArchive).url
            try FixtureCorruption.flipByte(in: url, at: 1024 + 10)
            return url
        },
        BadInput(name: "flipped byte in a config blob", expected: "digestMismatch", fragments: ["digest mismatch in config"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.corruptBlob(written.configDigest, inLayout: written.url, at: 10)
            return written.url
        },
        BadInput(name: "flipped byte in a manifest blob", expected: "digestMismatch",
                 fragments: ["digest mismatch in image manifest"]) { dir in
            let written = try layout(dir)
            try FixtureCorruption.corruptBlob(written.manifestDigest, inLayout: written.url, at: 10)
            return written.url
        },
        BadInput(name: "flipped byte in a crane tarball's config", expected: "digestMismatch",
                 fragments: ["digest mismatch in config"]) { dir in
            let written = try archive(dir, .craneTarball)
            try rewriteArchive(written.url, replace: { name, data in name.hasPrefix("sha256:") ? flipped(data, at: 5) : nil })
            return written.url
        },
        BadInput(name: "flipped byte in a crane tarball's uncompressed layer", stage: .walk, expected: "digestMismatch",
                 fragments: ["digest mismatch in layer 1"]) { dir in
            let written = try archive(dir, .craneTarball)
            let layer = "\(written.layerDigests[1].encoded).tar.gz"
            try rewriteArchive(written.url, replace: { name, data in name == layer ? flipped(data, at: 1000) : nil })
            return written.url
        },
        BadInput(name: "flipped byte in a docker-archive's layer", stage: .walk, expected: "diffIDMismatch",
                 fragments: ["layer 1 uncompressed content does not match its diff_id"]) { dir in
            // A legacy docker save records no blob digest, only the config's diff_id: the content
            // can only be found not to match that diff_id.
            let written = try archive(dir, .dockerArchive)
            try rewriteArchive(written.url, replace: { name, data in
                guard name.hasSuffix("/layer.tar"), data.count > 4000 else { return nil }
                return flipped(data, at: 1000)
            })
            return written.url
        },
        BadInput(name: "diff_id that does not match the layer", stage: .walk, expected: "diffIDMismatch",
                 fragments: ["layer 1 uncompressed content does not match its diff_id"]) { dir in
            try layout(dir, image(withDiffIDs: [baseDiffIDs[0], SHA256Hasher.hash("something else")])).url
        },
        BadInput(name: "a diff_id missing from the config", expected: "layerCountMismatch",
                 fragments: ["the manifest lists 2 layers but the config's rootfs.diff_ids has 1"]) { dir in
            try layout(dir, image(withDiffIDs: [baseDiffIDs[0]])).url
        },
        BadInput(name: "malformed index.json", expected: "malformedJSON", fragments: ["malformed JSON in index.json"]) { dir in
            let written = try layout(dir)
            try Data(#"{"schemaVersion":2,"manifests":["#.utf8).write(to: written.url.appendingPathComponent("index.json"))
            return written.url
        },
        BadInput(name: "malformed oci-layout", expected: "malformedJSON", fragments: ["malformed JSON in oci-layout"]) { dir in
            let written = try layout(dir)
            try Data("{}".utf8).write(to: written.url.appendingPathComponent("oci-layout"))
            return written.url
        },
        BadInput(name: "malformed manifest", expected: "malformedJSON", fragments: ["malformed JSON in manifest"]) { dir in
            try writeLayout(at: dir.path("layout"), manifest: Data("{\"schemaVersion\":2,\"layers\":[".utf8),
                            mediaType: "application/vnd.oci.image.manifest.v1+json")
            return dir.path("layout")
        },
        BadInput(name: "malformed manifest.json", expected: "malformedJSON", fragments: ["malformed JSON in manifest.json"]) { dir in
            let url = try archive(dir, .dockerArchive).url
            try rewriteArchive(url, replace: { name, _ in name == "manifest.json" ? Data("[{\"Config\":".utf8) : nil })
            return url
        },
        BadInput(name: "malformed config", expected: "malformedJSON", fragments: ["malformed JSON in config"]) { dir in
            var image = baseImage
            image.rawConfig = Data("{\"rootfs\": oops}".utf8)
            return try layout(dir, image).url
        },
        BadInput(name: "schema 1 media type in index.json", expected: "schema1", fragments: ["Docker schema 1 manifest"]) { dir in
            try writeLayout(at: dir.path("layout"), manifest: schema1Manifest,
                            mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws")
            return dir.path("layout")
        },
        BadInput(name: "schema 1 manifest without a media type", expected: "schema1", fragments: ["Docker schema 1 manifest"]) { dir in
            try writeLayout(at: dir.path("layout"), manifest: schema1Manifest, mediaType: nil)
            return dir.path("layout")
        },
        BadInput(name: "schema 1 manifest.json", expected: "schema1", fragments: ["Docker schema 1 manifest"]) { dir in
            let url = try archive(dir, .dockerArchive).url
            try rewriteArchive(url, replace: { name, _ in name == "manifest.json" ? schema1Manifest : nil })
            return url
        },
        BadInput(name: "unknown layer media type", expected: "unknownMediaType",
                 fragments: ["unknown media type 'application/vnd.example.layer.v1+foo'", "layer 0"]) { dir in
            var image = baseImage
            image.layers[0].mediaType = "application/vnd.example.layer.v1+foo"
            return try layout(dir, image).url
        },
        BadInput(name: "a layer digest that is not sha256", expected: "badDigest", fragments: ["sha512"]) { dir in
            let written = try layout(dir)
            var manifest = try #require(try JSONSerialization.jsonObject(with: written.manifestBytes) as? [String: Any])
            var layers = try #require(manifest["layers"] as? [[String: Any]])
            layers[0]["digest"] = "sha512:" + String(repeating: "ab", count: 64)
            manifest["layers"] = layers
            try writeLayout(at: written.url, manifest: try compactJSON(manifest),
                            mediaType: "application/vnd.oci.image.manifest.v1+json")
            return written.url
        },
        BadInput(name: "a layer path in manifest.json that leaves the archive", expected: "unsafeReference",
                 fragments: ["refusing reference '../../../etc/passwd'"]) { dir in
            let url = try archive(dir, .dockerArchive).url
            try rewriteArchive(url, replace: { name, data in
                guard name == "manifest.json" else { return nil }
                var entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
                var layers = try #require(entries[0]["Layers"] as? [String])
                layers[0] = "../../../etc/passwd"
                entries[0]["Layers"] = layers
                return try compactJSON(entries)
            })
            return url
        },
        BadInput(name: "index.json listing no manifests", expected: "notAnImage", fragments: ["lists no manifests"]) { dir in
            let written = try layout(dir)
            try Data(#"{"schemaVersion":2,"manifests":[]}"#.utf8).write(to: written.url.appendingPathComponent("index.json"))
            return written.url
        },
        BadInput(name: "an empty file", expected: "emptyFile", fragments: ["the file is empty"]) { dir in
            let url = dir.path("empty.tar")
            try Data().write(to: url)
            return url
        },
        BadInput(name: "random bytes", expected: "notAnImage", fragments: ["not a container image", "not a tar archive"]) { dir in
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            let bytes = (0..<8192).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            let url = dir.path("random.bin")
            try Data(bytes).write(to: url)
            return url
        },
        BadInput(name: "a plain text file", expected: "notAnImage", fragments: ["not a container image"]) { dir in
            let url = dir.path("notes.txt")
            try Data(String(repeating: "These are notes, not an image.\n", count: 40).utf8).write(to: url)
            return url
        },
        BadInput(name: "a tar without index.json or manifest.json", expected: "notAnImage",
                 fragments: ["no index.json or manifest.json", "etc"]) { dir in
            let url = dir.path("rootfs.tar")
            try Data(try FixtureLayer([.dir("etc"), .file("etc/hostname", "box\n")]).tarBytes()).write(to: url)
            return url
        },
        BadInput(name: "a tar with no members", expected: "notAnImage", fragments: ["not a container image"]) { dir in
            let url = dir.path("nothing.tar")
            try ArchiveWriter.tar([]).write(to: url)
            return url
        },
        BadInput(name: "a directory without index.json", expected: "notAnImage", fragments: ["directory without index.json"]) { dir in
            let url = dir.path("rootfs")
            try FileManager.default.createDirectory(at: url.appendingPathComponent("etc"), withIntermediateDirectories: true)
            try Data("box\n".utf8).write(to: url.appendingPathComponent("etc/hostname"))
            return url
        },
        BadInput(name: "a path that does not exist", expected: "unreadable", fragments: ["no such file or directory"]) { dir in
            dir.path("does-not-exist.tar")
        },
        BadInput(name: "a platform that is not in a single-image archive", expected: "platformNotFound",
                 fragments: ["platform linux/riscv64 is not in the image", "available: linux/amd64"], platform: "linux/riscv64") { dir in
            try archive(dir, .ociArchive).url
        },
        BadInput(name: "a platform that is not in a docker-archive", expected: "platformNotFound",
                 fragments: ["platform linux/riscv64 is not in the image", "available: linux/amd64"], platform: "linux/riscv64") { dir in
            try archive(dir, .dockerArchive).url
        },
    ]
    if ExternalTool.path(of: "bzip2") != nil {
        cases.append(BadInput(name: "a bzip2 layer", stage: .walk, expected: "unsupportedCompression",
                              fragments: ["layer 0", "bzip2"]) { dir in
            let tar = try FixtureLayer([.file("a", "1")]).tarBytes()
            let bz = try ExternalTool.run("bzip2", ["-c"], stdin: tar)
            let image = FixtureImage(layers: [.prebuilt(blob: bz.stdout, diffID: SHA256Hasher.hash(tar), compression: .none)])
            return try layout(dir, image).url
        })
    }
    return cases
}()

/// Runs `input` to the stage where it must be refused and returns the error.
private func refusal(_ input: BadInput, path: String) throws -> InputError? {
    switch input.stage {
    case .load:
        return loadError(path, platform: input.platform)
    case .walk:
        let loaded = try ImageLoader.load(path: path, platform: input.platform.flatMap(Platform.init(parsing:)))
        for image in loaded.present {
            if let error = walkError(image) { return error }
        }
        return nil
    }
}

@Suite("Bad inputs are refused with an InputError naming the file and what is wrong")
struct BadInputTests {
    @Test(arguments: badInputs)
    func refused(_ input: BadInput) throws {
        let dir = try TemporaryDirectory(prefix: "bad")
        let url = try input.make(dir)
        let check = {
            let error = try #require(try refusal(input, path: url.path))
            #expect(caseName(error) == input.expected, "\(error)")
            let message = error.description
            #expect(message.hasPrefix(url.path + ":"), "the message names the file: \(message)")
            #expect(!message.contains("\n"), "one line: \(message)")
            #expect(!message.contains("INTERNAL ERROR"), "no libarchive state-machine error: \(message)")
            for fragment in input.fragments {
                #expect(message.contains(fragment), "'\(fragment)' in: \(message)")
            }
        }
        try check()
    }

    @Test("the digest mismatch names the expected and the actual digest")
    func digestMismatchNamesBoth() throws {
        let dir = try TemporaryDirectory(prefix: "bad")
        let written = try layout(dir)
        try FixtureCorruption.corruptBlob(written.layerDigests[1], inLayout: written.url, at: 1000)
        let image = try loadSingle(written.url.path)
        let error = try #require(walkError(image))
        guard case .digestMismatch(_, let role, let expected, let actual) = error else {
            Issue.record("expected digestMismatch, got \(error)")
            return
        }
        let bytes = try Data(contentsOf: written.url.appendingPathComponent(written.layerDigests[1].layoutPath))
        #expect(role == "layer 1")
        #expect(expected == written.layerDigests[1])
        #expect(actual == SHA256Hasher.hash(bytes))
    }
}

@Suite("Layer order: manifest layers against the config's rootfs.diff_ids")
struct LayerOrderTests {
    /// A config that is the builder's, with its diff_ids replaced, as raw bytes.
    private func rawConfig(diffIDs: [Digest]) throws -> Data {
        let scratch = try TemporaryDirectory(prefix: "config")
        let generated = try FixtureWriter.write(baseImage, as: .ociLayout, to: scratch.path("x")).configBytes
        var config = try #require(try JSONSerialization.jsonObject(with: generated) as? [String: Any])
        config["rootfs"] = ["type": "layers", "diff_ids": diffIDs.map(\.description)]
        return try compactJSON(config)
    }

    @Test("two swapped diff_ids give a diff_id mismatch on the first layer",
          arguments: [FixtureFormat.ociArchive, .ociLayout, .dockerArchive, .dockerArchiveOCI, .craneTarball])
    func swappedDiffIDs(format: FixtureFormat) throws {
        var image = baseImage
        image.rawConfig = try rawConfig(diffIDs: baseDiffIDs.reversed())
        let dir = try TemporaryDirectory(prefix: "order")
        let written = try FixtureWriter.write(image, as: format, to: dir.path("image"))
        let resolved = try loadSingle(written.url.path)
        #expect(resolved.layers.map(\.diffID) == baseDiffIDs.reversed())
        let error = try #require(walkError(resolved))
        let check = {
            guard case .diffIDMismatch(let path, let layer, let expected, let actual) = error else {
                Issue.record("expected diffIDMismatch, got \(error)")
                return
            }
            #expect(path == written.url.path)
            #expect(layer == 0)
            #expect(expected == baseDiffIDs[1] && actual == baseDiffIDs[0])
        }
        check()
    }

    @Test("a missing diff_id is a layer count mismatch",
          arguments: [FixtureFormat.ociArchive, .ociLayout, .dockerArchive, .dockerArchiveOCI, .craneTarball])
    func missingDiffID(format: FixtureFormat) throws {
        var image = baseImage
        image.rawConfig = try rawConfig(diffIDs: [baseDiffIDs[0]])
        let dir = try TemporaryDirectory(prefix: "order")
        let written = try FixtureWriter.write(image, as: format, to: dir.path("image"))
        let error = try #require(loadError(written.url.path))
        guard case .layerCountMismatch(_, let layers, let diffIDs) = error else {
            Issue.record("expected layerCountMismatch, got \(error)")
            return
        }
        #expect(layers == 2 && diffIDs == 1)
    }

    @Test("layers in the right order walk clean", arguments: [FixtureFormat.ociArchive, .dockerArchive, .craneTarball])
    func rightOrder(format: FixtureFormat) throws {
        var image = baseImage
        image.rawConfig = try rawConfig(diffIDs: baseDiffIDs)
        let dir = try TemporaryDirectory(prefix: "order")
        let written = try FixtureWriter.write(image, as: format, to: dir.path("image"))
        let indexes = try walkLayers(try loadSingle(written.url.path))
        #expect(indexes.map(\.diffID) == baseDiffIDs)
    }
}
