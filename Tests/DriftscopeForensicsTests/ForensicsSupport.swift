import DriftscopeArchive
import DriftscopeForensics
import DriftscopeTestSupport
import Foundation
import Testing

/// The base layer of the test release: a dpkg database, a python package, a config file, a
/// symlink, a hardlink, an xattr and a `.pyc` without its source.
func baseLayer(mtime: Int64 = 1_700_000_000, idna: String = "3.6", pycMTime: UInt32 = 1_700_000_000) -> FixtureLayer {
    FixtureLayer([
        .dir("etc/", mtime: mtime),
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", mtime: mtime),
        .dir("usr/", mtime: mtime),
        .dir("usr/bin/", mtime: mtime),
        .file("usr/bin/run", "#!/bin/sh\nexec app\n", mode: 0o755, mtime: mtime,
              xattrs: ["user.origin": Data("release-build".utf8)]),
        .hardlink("usr/bin/run-again", target: "usr/bin/run", mode: 0o755, mtime: mtime),
        .symlink("usr/bin/start", target: "run", mtime: mtime),
        .dir("var/", mtime: mtime), .dir("var/lib/", mtime: mtime), .dir("var/lib/dpkg/", mtime: mtime),
        .file("var/lib/dpkg/status", """
            Package: base-files
            Status: install ok installed
            Architecture: amd64
            Version: 12.4

            Package: tool
            Status: install ok installed
            Architecture: amd64
            Version: 1.2-1

            """, mtime: mtime),
        .dir("var/lib/dpkg/info/", mtime: mtime),
        .file("var/lib/dpkg/info/tool.list", "/usr/bin/run\n", mtime: mtime),
        .dir("usr/lib/", mtime: mtime), .dir("usr/lib/python3/", mtime: mtime),
        .dir("usr/lib/python3/site-packages/", mtime: mtime),
        .file("usr/lib/python3/site-packages/idna-\(idna).dist-info/METADATA",
              "Metadata-Version: 2.1\nName: idna\nVersion: \(idna)\n\nInternationalized domain names.\n", mtime: mtime),
        .file("usr/lib/python3/site-packages/idna/__init__.py", "def encode(s):\n    return s\n", mtime: mtime),
        .dir("opt/", mtime: mtime), .dir("opt/app/", mtime: mtime),
        .file("opt/app/mod.pyc", data: pyc(mtime: pycMTime, size: 9, body: "same-code"), mtime: mtime),
    ])
}

/// The application layer.
func appLayer(mtime: Int64 = 1_700_000_000, conf: String = "listen = 8080\nworkers = 4\n") -> FixtureLayer {
    FixtureLayer([
        .file("etc/app.conf", conf, mtime: mtime),
        .file("opt/app/main.py", "print('hello')\n", mtime: mtime),
    ])
}

/// The labels and annotations the release image carries.
let releaseLabels = [
    "org.opencontainers.image.revision": "3f2c1e9",
    "org.opencontainers.image.version": "1.4.0",
    "org.opencontainers.image.source": "https://example.com/app.git",
]
let baseDigest = "sha256:" + String(repeating: "ab", count: 32)
let releaseAnnotations = [
    "org.opencontainers.image.base.name": "docker.io/library/debian:12",
    "org.opencontainers.image.base.digest": baseDigest,
]

/// The image that shipped.
func releaseImage() -> FixtureImage {
    FixtureImage(layers: [baseLayer(), appLayer()], env: ["PATH=/usr/bin"], cmd: ["/usr/bin/run"],
                 labels: releaseLabels, created: "2024-01-01T00:00:00Z", manifestAnnotations: releaseAnnotations)
}

/// A rebuild with noise only: every mtime, the `.pyc` header and `created` differ.
func noiseRebuild() -> FixtureImage {
    FixtureImage(layers: [baseLayer(mtime: 1_800_000_000, pycMTime: 1_800_000_000), appLayer(mtime: 1_800_000_000)],
                 env: ["PATH=/usr/bin"], cmd: ["/usr/bin/run"], labels: releaseLabels, created: "2025-06-01T00:00:00Z",
                 manifestAnnotations: releaseAnnotations)
}

/// A drifted rebuild: the config file's content and the python package's version changed.
func driftRebuild() -> FixtureImage {
    FixtureImage(layers: [baseLayer(idna: "3.7"), appLayer(conf: "listen = 9090\nworkers = 4\n")],
                 env: ["PATH=/usr/bin"], cmd: ["/usr/bin/run"], labels: releaseLabels, created: "2024-01-01T00:00:00Z",
                 manifestAnnotations: releaseAnnotations)
}


/// A scratch folder with the images of one test and a release log.
final class Workspace {
    let dir: TemporaryDirectory
    /// `<dir>/releases/log.jsonl`.
    let log: String

    init() throws {
        dir = try TemporaryDirectory(prefix: "forensics")
        log = dir.path("releases/log.jsonl").path
    }

    /// Writes `image` as an OCI archive `<name>.tar`.
    func write(_ image: FixtureImage, _ name: String, as format: FixtureFormat = .ociArchive) throws -> (path: String, written: WrittenImage) {
        let url = dir.path(name + (format.isArchive ? ".tar" : ""))
        return (url.path, try FixtureWriter.write(image, as: format, to: url))
    }

    /// Records `path` as `release` at a fixed time.
    @discardableResult
    func record(_ path: String, _ release: String = "1.4.0", replace: Bool = false, snapshot: String? = nil) async throws -> RecordOutcome {
        try await Forensics.record(imagePath: path, release: release, log: log, snapshot: snapshot, replace: replace,
                                   now: Date(timeIntervalSince1970: 1_748_779_200))
    }

    /// The log's bytes.
    func logBytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: log)) }

    /// The log's lines as JSON objects.
    func logLines() throws -> [[String: Any]] {
        try logBytes().split(separator: UInt8(ascii: "\n")).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }
}
