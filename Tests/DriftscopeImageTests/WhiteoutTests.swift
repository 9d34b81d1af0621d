import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

/// The merged view as path → content digest (nil for non-files), for comparing two views.
private func view(_ merged: MergedFilesystem) -> [String: String] {
    merged.entries.mapValues { "\($0.record.type.rawValue) \($0.record.digest?.description ?? "-")" }
}

private let lowerVar = FixtureLayer([
    .dir("var"), .dir("var/cache"), .file("var/cache/a", "a"), .dir("var/cache/sub"), .file("var/cache/sub/b", "b"),
    .dir("var/lib"), .file("var/lib/c", "c"), .file("var/cache-sibling", "s"),
])

@Suite("Whiteouts in the walk and in the merged view")
struct WhiteoutTests {
    @Test("whiteout entries are recorded as whiteouts, not as files")
    func recordedAsWhiteouts() throws {
        let walked = try WalkedImage([
            lowerVar,
            FixtureLayer([.whiteout("var/cache/a"), .opaque("var/lib"), .whiteout("var/cache-sibling"), .file("var/new", "n")]),
        ])
        let upper = walked.layers[1]
        #expect(upper.entries.map(\.path) == ["/var/new"])
        #expect(upper.entryCount == 4)
        #expect(upper.whiteouts.map(\.path) == ["/var/cache/a", "/var/lib", "/var/cache-sibling"])
        #expect(upper.whiteouts.map(\.opaque) == [false, true, false])
        #expect(upper.whiteouts.map(\.rawName) == ["var/cache/.wh.a", "var/lib/.wh..wh..opq", "var/.wh.cache-sibling"])
        #expect(!upper.entries.contains { $0.path.contains(".wh.") })
        #expect(walked.merged.paths.allSatisfy { !$0.contains(".wh.") })
        #expect(walked.merged.entries["/var/cache/a"] == nil)
        #expect(walked.merged.entries["/var/lib/c"] == nil)
        #expect(walked.merged.entries["/var/lib"] != nil, "an opaque directory stays")
        #expect(walked.merged.entries["/var/cache-sibling"] == nil)
        #expect(walked.merged.entries["/var/cache/sub/b"] != nil)
    }

    @Test("whiteouts with ./ names, and aufs .wh..wh. metadata, which is neither file nor whiteout")
    func dotSlashAndAufsMetadata() throws {
        let walked = try WalkedImage([
            FixtureLayer([.file("etc/gone", "x"), .file("etc/kept", "k")]),
            FixtureLayer([.whiteout("./etc/gone"), .dir(".wh..wh.plnk"), .file(".wh..wh.aufs", "")]),
        ])
        #expect(walked.layers[1].whiteouts.map(\.path) == ["/etc/gone"])
        #expect(walked.layers[1].entries.isEmpty, "\(walked.layers[1].entries.map(\.path))")
        #expect(walked.merged.paths == ["/etc", "/etc/kept"] || walked.merged.paths == ["/etc/kept"])
    }

    @Test("an opaque whiteout hides the lower content of its directory only")
    func opaqueHidesLowerContentOfTheDirectoryOnly() throws {
        let walked = try WalkedImage([
            lowerVar,
            FixtureLayer([.dir("var/cache"), .opaque("var/cache"), .file("var/cache/fresh", "f"), .dir("var/cache/sub"),
                          .file("var/cache/sub/new", "n")], compression: .zstd),
        ])
        let merged = walked.merged
        #expect(merged.entries["/var/cache"] != nil)
        #expect(merged.entries["/var/cache/a"] == nil)
        #expect(merged.entries["/var/cache/sub/b"] == nil)
        #expect(merged.entries["/var/cache/fresh"]?.layer == 1, "content of the opaque layer itself survives")
        #expect(merged.entries["/var/cache/sub/new"]?.layer == 1)
        #expect(merged.entries["/var/lib/c"]?.layer == 0, "other directories are untouched")
        #expect(merged.entries["/var/cache-sibling"]?.layer == 0, "a sibling whose name starts the same is untouched")
    }

    @Test("an opaque marker after the new content in tar order still hides only the lower layers")
    func opaqueAfterContent() throws {
        let walked = try WalkedImage([
            lowerVar,
            FixtureLayer([.file("var/cache/fresh", "f"), .opaque("var/cache")]),
        ])
        #expect(walked.merged.entries["/var/cache/fresh"]?.layer == 1)
        #expect(walked.merged.entries["/var/cache/a"] == nil)
    }

    @Test("a file re-added in the same layer as its whiteout survives, whatever the entry order", arguments: [true, false])
    func whiteoutHidesLowerLayersOnly(whiteoutFirst: Bool) throws {
        let entries: [FixtureEntry] = whiteoutFirst
            ? [.whiteout("etc/config"), .file("etc/config", "new\n")]
            : [.file("etc/config", "new\n"), .whiteout("etc/config")]
        let walked = try WalkedImage([
            FixtureLayer([.dir("etc"), .file("etc/config", "old\n"), .file("etc/other", "o")]),
            FixtureLayer(entries),
        ])
        let config = try #require(walked.merged.entries["/etc/config"])
        #expect(config.layer == 1)
        #expect(config.record.digest == SHA256Hasher.hash("new\n"))
        #expect(walked.merged.entries["/etc/other"]?.layer == 0)
    }

    @Test("a whiteout of a directory removes its whole subtree")
    func whiteoutOfADirectory() throws {
        let walked = try WalkedImage([
            FixtureLayer([.dir("opt"), .dir("opt/app"), .dir("opt/app/bin"), .file("opt/app/bin/run", "r"), .file("opt/keep", "k")]),
            FixtureLayer([.whiteout("opt/app")]),
        ])
        #expect(walked.merged.paths.filter { $0.hasPrefix("/opt") } == ["/opt", "/opt/keep"])
    }

    @Test("a whiteout in a later layer hides what an earlier layer re-added")
    func whiteoutAcrossThreeLayers() throws {
        let walked = try WalkedImage([
            FixtureLayer([.file("etc/x", "0")]),
            FixtureLayer([.file("etc/x", "1")]),
            FixtureLayer([.whiteout("etc/x"), .file("etc/y", "2")]),
        ])
        #expect(walked.merged.entries["/etc/x"] == nil)
        #expect(walked.merged.entries["/etc/y"]?.layer == 2)
    }

    @Test("a whiteout of a path that never existed changes nothing")
    func whiteoutOfNothing() throws {
        let walked = try WalkedImage([
            FixtureLayer([.file("etc/a", "a")]),
            FixtureLayer([.whiteout("etc/never"), .opaque("srv/none")]),
        ])
        #expect(walked.merged.entries["/etc/a"] != nil)
        #expect(walked.merged.entries["/etc/never"] == nil)
        #expect(walked.findings.isEmpty, "\(walked.findings)")
    }

    @Test("an opaque whiteout and per-file whiteouts give the same merged view", arguments: [FixtureCompression.none, .gzip])
    func opaqueAndPerFileAgree(compression: FixtureCompression) throws {
        let upperOpaque = FixtureLayer([.dir("var/cache"), .opaque("var/cache"), .file("var/cache/c", "c")], compression: compression)
        let upperPerFile = FixtureLayer([.dir("var/cache"), .whiteout("var/cache/a"), .whiteout("var/cache/sub"),
                                         .file("var/cache/c", "c")], compression: compression)
        let opaque = try WalkedImage([lowerVar, upperOpaque])
        let perFile = try WalkedImage([lowerVar, upperPerFile])
        #expect(view(opaque.merged) == view(perFile.merged))
        #expect(opaque.merged.paths == perFile.merged.paths)
        #expect(opaque.merged.entries["/var/cache/c"] != nil && opaque.merged.entries["/var/cache/a"] == nil)
    }

    @Test("a file replacing a directory drops the directory's lower content")
    func fileReplacesDirectory() throws {
        let walked = try WalkedImage([
            FixtureLayer([.dir("srv/data"), .file("srv/data/one", "1")]),
            FixtureLayer([.file("srv/data", "now a file")]),
        ])
        #expect(walked.merged.entries["/srv/data"]?.record.type == .file)
        #expect(walked.merged.entries["/srv/data/one"] == nil)
    }
}

@Suite("Merged view edge cases")
struct MergedViewEdgeTests {
    @Test("an opaque whiteout at the root hides every lower path")
    func opaqueRoot() throws {
        let walked = try WalkedImage([
            lowerVar,
            FixtureLayer([.raw(name: ".wh..wh..opq", content: Data()), .file("fresh", "f")]),
        ])
        #expect(walked.layers[1].whiteouts.map(\.path) == ["/"])
        #expect(walked.merged.paths.filter { $0 != "/" } == ["/fresh"])
    }

    @Test("every spelling of a stored name survives the compact record and its stored form", arguments: [
        ("/", ""), ("/", "./"), ("/", "/"), ("/", "."), ("/usr/bin", "usr/bin"), ("/usr/bin", "usr/bin/"),
        ("/usr/bin", "./usr/bin"), ("/usr/bin", "./usr/bin/"), ("/usr/bin", "/usr/bin"), ("/usr/bin", "/usr/bin/"),
        ("/usr/bin", "usr//bin"), ("/usr/bin", "./usr/./bin"), ("/usr/bin", "usr/sbin/../bin"), ("/é", "é"), ("/é", "./é/"),
    ])
    func rawNames(path: String, raw: String) throws {
        var record = FileRecord(path: path, rawName: raw, type: .directory, mode: 0o755, uid: 0, gid: 0, size: 0)
        #expect(record.rawName == raw)
        let decoded = try JSONDecoder().decode(FileRecord.self, from: JSONEncoder().encode(record))
        #expect(decoded == record && decoded.rawName == raw)
        record.path = "/elsewhere"
        #expect(record.rawName == raw, "moving a record keeps the name it was stored under")
        #expect(record.hasSameRawName(as: record))
    }

    @Test("writes through a lower layer's symlink are found per entry, until the link is replaced")
    func writeThroughUntilReplaced() throws {
        let walked = try WalkedImage([
            FixtureLayer([.dir("usr"), .dir("usr/lib"), .symlink("lib", target: "usr/lib"), .dir("etc")]),
            FixtureLayer([.file("lib/a", "a"), .file("lib/b", "b"), .file("etc/x", "x"), .dir("lib"), .file("lib/c", "c")]),
        ])
        let through = walked.merged.findings.filter { $0.kind == .writeThroughSymlink }.map(\.path)
        #expect(through == ["/lib/a", "/lib/b"])
    }
}
