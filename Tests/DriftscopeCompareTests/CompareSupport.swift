import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import DriftscopeTestSupport
import Foundation

/// A base root filesystem shared by the pairs: a dpkg database, a python package, a config file.
func baseEntries(mtime: Int64 = 1_700_000_000, dpkgVersion: String = "1.2-1", idna: String = "3.6") -> [FixtureEntry] {
    [
        .dir("etc/", mtime: mtime),
        .file("etc/app.conf", "listen = 8080\nworkers = 4\n", mtime: mtime),
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", mtime: mtime),
        .dir("usr/", mtime: mtime),
        .dir("usr/bin/", mtime: mtime),
        .file("usr/bin/run", "#!/bin/sh\nexec app\n", mode: 0o755, mtime: mtime),
        .dir("var/", mtime: mtime), .dir("var/lib/", mtime: mtime), .dir("var/lib/dpkg/", mtime: mtime),
        .file("var/lib/dpkg/status", """
            Package: base-files
            Status: install ok installed
            Architecture: amd64
            Version: 12.4

            Package: tool
            Status: install ok installed
            Architecture: amd64
            Version: \(dpkgVersion)

            """, mtime: mtime),
        .dir("var/lib/dpkg/info/", mtime: mtime),
        .file("var/lib/dpkg/info/tool.list", "/usr/bin/run\n", mtime: mtime),
        .dir("usr/lib/", mtime: mtime), .dir("usr/lib/python3/", mtime: mtime),
        .dir("usr/lib/python3/site-packages/", mtime: mtime),
        .file("usr/lib/python3/site-packages/idna-\(idna).dist-info/METADATA",
              "Metadata-Version: 2.1\nName: idna\nVersion: \(idna)\n\nInternationalized domain names.\n", mtime: mtime),
        .file("usr/lib/python3/site-packages/idna/__init__.py", "def encode(s):\n    return s\n", mtime: mtime),
    ]
}

/// Writes two images into a fresh temporary directory and compares them.
func compare(_ a: FixtureImage, _ b: FixtureImage, format: FixtureFormat = .ociArchive, formatB: FixtureFormat? = nil,
             options: CompareOptions = quietOptions()) async throws -> Comparison {
    let dir = try TemporaryDirectory(prefix: "compare")
    let ua = dir.url.appendingPathComponent("a" + (format.isArchive ? ".tar" : ""))
    let fb = formatB ?? format
    let ub = dir.url.appendingPathComponent("b" + (fb.isArchive ? ".tar" : ""))
    _ = try FixtureWriter.write(a, as: format, to: ua)
    _ = try FixtureWriter.write(b, as: fb, to: ub)
    return try await Comparator.compare(ua.path, ub.path, options: options)
}

func quietOptions() -> CompareOptions {
    var o = CompareOptions()
    o.cacheDirectory = nil
    return o
}

extension Comparison {
    /// Differences at a path.
    func at(_ path: String) -> [Difference] { differences.filter { $0.path == path } }
    /// Drift differences.
    var drifted: [Difference] { differences.filter { $0.classification == .drift } }
    /// The rules used, by name.
    var rulesUsed: Set<String> { Set(differences.map(\.rule)).union(config.map(\.rule)) }
}

