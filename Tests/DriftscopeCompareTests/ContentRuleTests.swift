import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("Noise rules that look inside files")
struct ContentRuleTests {
    /// gzip of `payload` with a chosen header mtime and original name.
    func gzip(_ payload: String, mtime: UInt32, name: String) throws -> Data {
        var data = try ArchiveWriter.compress(Data(payload.utf8), with: .gzip(level: 6))
        // Patch the header: MTIME at bytes 4..<8 and FNAME (set flag 0x08, insert the name).
        data.replaceSubrange(4..<8, with: withUnsafeBytes(of: mtime.littleEndian) { Data($0) })
        data[3] |= 0x08
        data.insert(contentsOf: Data(name.utf8) + Data([0]), at: 10)
        return data
    }

    @Test("gzip files that differ only in header mtime and name: noise")
    func gzipHeader() async throws {
        let a = FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("usr/share/doc/tool/changelog.gz", data: try gzip("v1 notes\n", mtime: 1, name: "a"))])])
        let b = FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("usr/share/doc/tool/changelog.gz", data: try gzip("v1 notes\n", mtime: 2, name: "b"))])])
        let c = try await compare(a, b)
        #expect(c.at("/usr/share/doc/tool/changelog.gz").first?.rule == "gzip-header")
        #expect(c.verdict == .dependencyEquivalent)

        let d = FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("usr/share/doc/tool/changelog.gz", data: try gzip("v2 notes\n", mtime: 2, name: "b"))])])
        let drift = try await compare(a, d)
        let item = try #require(drift.at("/usr/share/doc/tool/changelog.gz").first)
        #expect(item.rule == "content-changed")
        #expect(item.diff?.note?.contains("decompressed") == true)
    }

    @Test("zip/jar/wheel members equal, timestamps differ: noise; a member changed: drift with the member named")
    func zipMetadata() async throws {
        guard ExternalTool.path(of: "python3") != nil else {
            print("skipped: python3 is needed to write zip fixtures")
            return
        }
        func zip(_ members: [(String, String)], year: Int) throws -> Data {
            let dir = try TemporaryDirectory(prefix: "zip")
            let out = dir.url.appendingPathComponent("x.whl").path
            let script = """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                for name, body in \(members.map { [$0.0, $0.1] }):
                    z.writestr(zipfile.ZipInfo(name, (\(year), 1, 2, 3, 4, 6)), body)
            """
            let r = try ExternalTool.run("python3", ["-c", script, out])
            #expect(r.status == 0, "\(r.errorOutput)")
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let members = [("pkg/__init__.py", "x = 1\n"), ("pkg-1.0.dist-info/RECORD", "pkg/__init__.py,,\n")]
        let path = "opt/wheels/pkg-1.0-py3-none-any.whl"
        let a = FixtureImage(layers: [FixtureLayer([.file(path, data: try zip(members, year: 2020))])])
        let b = FixtureImage(layers: [FixtureLayer([.file(path, data: try zip(members.reversed(), year: 2024))])])
        let c = try await compare(a, b)
        #expect(c.at("/" + path).first?.rule == "zip-metadata")
        #expect(c.verdict == .dependencyEquivalent)

        let changed = FixtureImage(layers: [FixtureLayer([.file(path, data: try zip([("pkg/__init__.py", "x = 2\n"), members[1]], year: 2024))])])
        let d = try await compare(a, changed)
        let item = try #require(d.at("/" + path).first)
        #expect(item.classification == .drift)
        #expect(item.diff?.type == "archive")
        #expect(item.diff?.members == ["~ pkg/__init__.py"])
    }

    @Test("a nested tar (apk's scripts.tar) whose members differ only in mtime: noise")
    func nestedTar() async throws {
        func tar(_ mtime: Int64) throws -> Data {
            try ArchiveWriter.tar([
                (WriteEntry(name: "pkg.post-install", mtime: Timestamp(seconds: mtime)), Data("#!/bin/sh\necho hi\n".utf8)),
            ])
        }
        let a = FixtureImage(layers: [FixtureLayer([.file("lib/apk/db/scripts.tar", data: try tar(1))])])
        let b = FixtureImage(layers: [FixtureLayer([.file("lib/apk/db/scripts.tar", data: try tar(2))])])
        let c = try await compare(a, b)
        #expect(c.at("/lib/apk/db/scripts.tar").first?.rule == "zip-metadata")
    }

    @Test("/etc/shadow differing only in the last-change field: noise; a hash change: drift")
    func shadow() async throws {
        func image(_ shadow: String) -> FixtureImage {
            FixtureImage(layers: [FixtureLayer(baseEntries() + [.file("etc/shadow", shadow, mode: 0o640)])])
        }
        let c = try await compare(image("root:*:19700:0:99999:7:::\napp:!:19700::::::\n"), image("root:*:19800:0:99999:7:::\napp:!:19800::::::\n"))
        #expect(c.at("/etc/shadow").first?.rule == "shadow-last-change")
        #expect(c.verdict == .dependencyEquivalent)
        let d = try await compare(image("root:*:19700:0:99999:7:::\n"), image("root:$6$salt$hash:19700:0:99999:7:::\n"))
        #expect(d.at("/etc/shadow").first?.classification == .drift)
    }

    @Test("text differing only in embedded build dates: noise", arguments: [
        ("built 2024-03-05T10:11:12Z by ci", "built 2025-01-02T03:04:05Z by ci"),
        ("Date: Tue, 05 Mar 2024 10:11:12 +0000", "Date: Wed, 06 Mar 2024 11:00:00 +0000"),
        ("compiled Tue Mar  5 10:11:12 UTC 2024", "compiled Wed Mar  6 09:00:01 UTC 2024"),
        ("BUILD_TIMESTAMP=1709633472", "BUILD_TIMESTAMP=1709719872"),
        ("version 1.0 (Mar  5 2024 10:11:12)", "version 1.0 (Mar  6 2024 09:01:02)"),
    ])
    func embeddedTimestamps(_ pair: (String, String)) async throws {
        let a = FixtureImage(layers: [FixtureLayer([.file("opt/app/BUILD_INFO", "name = app\n\(pair.0)\n")])])
        let b = FixtureImage(layers: [FixtureLayer([.file("opt/app/BUILD_INFO", "name = app\n\(pair.1)\n")])])
        let c = try await compare(a, b)
        #expect(c.at("/opt/app/BUILD_INFO").first?.rule == "embedded-timestamps")
        #expect(c.verdict == .dependencyEquivalent)
    }

    @Test("a number that is not in a time context, or a changed word beside a date, is drift", arguments: [
        ("limit = 1709633472", "limit = 1709719872"),
        ("built 2024-03-05 by alice", "built 2024-03-06 by bob"),
    ])
    func notTimestamps(_ pair: (String, String)) async throws {
        let a = FixtureImage(layers: [FixtureLayer([.file("opt/app/conf", "\(pair.0)\n")])])
        let b = FixtureImage(layers: [FixtureLayer([.file("opt/app/conf", "\(pair.1)\n")])])
        let c = try await compare(a, b)
        #expect(c.at("/opt/app/conf").first?.classification == .drift)
    }

    @Test("a package database rewritten with the same packages: noise")
    func packageDatabaseRewrite() async throws {
        var reordered = baseEntries()
        reordered[9] = .file("var/lib/dpkg/status", """
            Package: tool
            Status: install ok installed
            Architecture: amd64
            Version: 1.2-1

            Package: base-files
            Status: install ok installed
            Architecture: amd64
            Version: 12.4

            """)
        let c = try await compare(FixtureImage(layers: [FixtureLayer(baseEntries())]), FixtureImage(layers: [FixtureLayer(reordered)]))
        #expect(c.at("/var/lib/dpkg/status").first?.rule == "package-database")
        #expect(c.verdict == .dependencyEquivalent)
    }

    @Test("a binary change carries a hex diff of the differing region")
    func binaryDiff() async throws {
        var blob = Data(repeating: 0, count: 4096)
        let a = FixtureImage(layers: [FixtureLayer([.file("usr/lib/lib.so", data: blob)])])
        blob[2000] = 0xFF
        let b = FixtureImage(layers: [FixtureLayer([.file("usr/lib/lib.so", data: blob)])])
        let c = try await compare(a, b)
        let diff = try #require(c.at("/usr/lib/lib.so").first?.diff?.binary)
        #expect(diff.regions.first.map { $0.offset <= 2000 && $0.offset + $0.length > 2000 } == true)
    }

    @Test("a file larger than --max-diff-bytes is drift, said to be too large to inspect")
    func tooLarge() async throws {
        var options = quietOptions()
        options.maxDiffBytes = 100
        let a = FixtureImage(layers: [FixtureLayer([.file("opt/big.txt", String(repeating: "a", count: 500))])])
        let b = FixtureImage(layers: [FixtureLayer([.file("opt/big.txt", String(repeating: "b", count: 500))])])
        let c = try await compare(a, b, options: options)
        let d = try #require(c.at("/opt/big.txt").first)
        #expect(d.rule == "too-large-to-inspect" && d.classification == .drift)
    }
}
