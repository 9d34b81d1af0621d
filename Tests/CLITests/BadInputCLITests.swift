import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

private let base = FixtureImage(layers: [
    FixtureLayer([.dir("etc"), .file("etc/a", "alpha\n")], compression: .gzip),
    FixtureLayer([.file("etc/b", String(repeating: "b", count: 3000))], compression: .none),
])

/// One bad input for the binary: how to make it, the arguments besides the path, and what the one
/// line on standard error must say.
struct CLIBadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var fragments: [String]
    var extra: [String] = []
    var make: @Sendable (TemporaryDirectory) throws -> URL
    var testDescription: String { name }
}

private func layout(_ dir: TemporaryDirectory, _ image: FixtureImage = base) throws -> WrittenImage {
    try FixtureWriter.write(image, as: .ociLayout, to: dir.path("layout"))
}

private func archive(_ dir: TemporaryDirectory, _ format: FixtureFormat = .ociArchive, _ image: FixtureImage = base,
                     options: FixtureOptions = .init()) throws -> WrittenImage {
    try FixtureWriter.write(image, as: format, to: dir.path("image.tar"), options: options)
}

/// Points a layout's index.json at `manifest` (stored as a blob named by its hash).
private func repoint(_ layout: URL, manifest: Data, mediaType: String) throws {
    let digest = SHA256Hasher.hash(manifest)
    try manifest.write(to: layout.appendingPathComponent(digest.layoutPath))
    let index: [String: Any] = ["schemaVersion": 2, "manifests": [["mediaType": mediaType, "digest": digest.description,
                                                                   "size": manifest.count]]]
    try JSONSerialization.data(withJSONObject: index).write(to: layout.appendingPathComponent("index.json"))
}

let cliBadInputs: [CLIBadInput] = [
    CLIBadInput(name: "truncated archive", fragments: ["corrupt or truncated archive"]) { dir in
        let url = try archive(dir).url
        try FixtureCorruption.truncate(url, toFraction: 0.6)
        return url
    },
    CLIBadInput(name: "truncated gzipped archive", fragments: ["corrupt or truncated archive"]) { dir in
        let url = try archive(dir, .dockerArchive, options: .init(gzipWholeArchive: true)).url
        try FixtureCorruption.truncate(url, toFraction: 0.5)
        return url
    },
    CLIBadInput(name: "missing layer blob", fragments: ["missing blob", "layer 1"]) { dir in
        let written = try layout(dir)
        try FixtureCorruption.removeBlob(written.layerDigests[1], inLayout: written.url)
        return written.url
    },
    CLIBadInput(name: "missing config blob", fragments: ["missing blob", "config"]) { dir in
        let written = try layout(dir)
        try FixtureCorruption.removeBlob(written.configDigest, inLayout: written.url)
        return written.url
    },
    CLIBadInput(name: "flipped byte in a layer blob", fragments: ["digest mismatch in layer 1"]) { dir in
        let written = try layout(dir)
        try FixtureCorruption.corruptBlob(written.layerDigests[1], inLayout: written.url, at: 1000)
        return written.url
    },
    CLIBadInput(name: "flipped byte in a gzip layer blob", fragments: ["digest mismatch in layer 0"]) { dir in
        let written = try layout(dir)
        try FixtureCorruption.corruptBlob(written.layerDigests[0], inLayout: written.url, at: written.layerSizes[0] / 2)
        return written.url
    },
    CLIBadInput(name: "damaged tar header of a blob in an oci-archive", fragments: ["corrupt or truncated archive"]) { dir in
        let url = try archive(dir).url
        try FixtureCorruption.flipByte(in: url, at: 1024 + 10)
        return url
    },
    CLIBadInput(name: "flipped byte in a config blob", fragments: ["digest mismatch in config"]) { dir in
        let written = try layout(dir)
        try FixtureCorruption.corruptBlob(written.configDigest, inLayout: written.url, at: 10)
        return written.url
    },
    CLIBadInput(name: "diff_id mismatch", fragments: ["layer 1 uncompressed content does not match its diff_id"]) { dir in
        var image = base
        let first = SHA256Hasher.hash(try base.layers[0].tarBytes())
        image.extraConfig = ["rootfs": ["type": "layers", "diff_ids": [.string(first.description),
                                                                       .string(SHA256Hasher.hash("other").description)]]]
        return try archive(dir, .ociArchive, image).url
    },
    CLIBadInput(name: "layer count mismatch", fragments: ["the manifest lists 2 layers", "rootfs.diff_ids has 1"]) { dir in
        var image = base
        image.extraConfig = ["rootfs": ["type": "layers", "diff_ids": [.string(SHA256Hasher.hash(try base.layers[0].tarBytes()).description)]]]
        return try archive(dir, .dockerArchive, image).url
    },
    CLIBadInput(name: "malformed index.json", fragments: ["malformed JSON in index.json"]) { dir in
        let written = try layout(dir)
        try Data("{\"manifests\": [".utf8).write(to: written.url.appendingPathComponent("index.json"))
        return written.url
    },
    CLIBadInput(name: "malformed manifest", fragments: ["malformed JSON in manifest"]) { dir in
        let written = try layout(dir)
        try repoint(written.url, manifest: Data("{\"schemaVersion\":2,\"config\":".utf8),
                    mediaType: "application/vnd.oci.image.manifest.v1+json")
        return written.url
    },
    CLIBadInput(name: "Docker schema 1 manifest", fragments: ["Docker schema 1 manifest"]) { dir in
        let written = try layout(dir)
        let schema1 = Data(#"{"schemaVersion":1,"name":"library/x","tag":"latest","fsLayers":[],"history":[]}"#.utf8)
        try repoint(written.url, manifest: schema1, mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws")
        return written.url
    },
    CLIBadInput(name: "unknown layer media type", fragments: ["unknown media type 'application/x-mystery'", "layer 0"]) { dir in
        var image = base
        image.layers[0].mediaType = "application/x-mystery"
        return try archive(dir, .ociArchive, image).url
    },
    CLIBadInput(name: "an empty file", fragments: ["the file is empty"]) { dir in
        let url = dir.path("empty.tar")
        try Data().write(to: url)
        return url
    },
    CLIBadInput(name: "random bytes", fragments: ["not a container image"]) { dir in
        var state: UInt32 = 2_463_534_242
        let bytes = (0..<4096).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
        let url = dir.path("random.bin")
        try Data(bytes).write(to: url)
        return url
    },
    CLIBadInput(name: "a plain text file", fragments: ["not a container image"]) { dir in
        let url = dir.path("README.txt")
        try Data("This is a text file.\nIt is not an image.\n".utf8).write(to: url)
        return url
    },
    CLIBadInput(name: "a tar without index.json or manifest.json", fragments: ["no index.json or manifest.json"]) { dir in
        let url = dir.path("rootfs.tar")
        try FixtureLayer([.dir("usr"), .file("usr/x", "x")]).tarBytes().write(to: url)
        return url
    },
    CLIBadInput(name: "a directory without index.json", fragments: ["directory without index.json"]) { dir in
        let url = dir.path("not-a-layout")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: url.appendingPathComponent("file"))
        return url
    },
    CLIBadInput(name: "a path that does not exist", fragments: ["no such file or directory"]) { dir in
        dir.path("nowhere.tar")
    },
    CLIBadInput(name: "a platform not in a single-image archive", fragments: ["platform linux/mips64le is not in the image", "available: linux/amd64"],
                extra: ["--platform", "linux/mips64le"]) { dir in
        try archive(dir).url
    },
]

@Suite("driftscope inspect on bad input: exit 3 and one line naming the file")
struct BadInputCLITests {
    @Test(arguments: cliBadInputs)
    func refused(_ input: CLIBadInput) throws {
        let dir = try TemporaryDirectory(prefix: "cli-bad")
        let url = try input.make(dir)
        for format in ["text", "json"] {
            let run = try driftscope(["inspect", url.path, "--format", format] + input.extra)
            expectInputError(run, path: url.path, fragments: input.fragments)
        }
    }
}
