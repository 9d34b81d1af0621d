import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// Archives written by `ArchiveWriter` as another implementation (bsdtar) sees them.
@Suite(.enabled(if: ExternalTool.path(of: "bsdtar") != nil, "bsdtar (libarchive-tools) is not installed"))
struct BsdtarInteropTests {
    @Test("bsdtar -tvf lists every entry type with its mode, owner, size and link",
          arguments: [ArchiveWriter.Compression.gzip(), .zstd(), .none])
    func listing(compression: ArchiveWriter.Compression) throws {
        let dir = try TemporaryDirectory()
        let url = dir.path("all.tar")
        let writer = try ArchiveWriter(path: url.path, format: .pax, compression: compression)
        for (entry, data) in ArchiveWriterRoundTripTests.everyType { try writer.write(entry: entry, data: data) }
        try writer.finish()

        let result = try ExternalTool.run("bsdtar", ["-tvf", url.path], environment: ["TZ": "UTC", "LC_ALL": "C"])
        #expect(result.status == 0, "\(result.errorOutput)")
        let lines = result.output.split(separator: "\n").map(String.init)
        // Columns: mode, links, uname, gname, size (or major,minor), month, day, year, name...
        let expected: [(String, String, String, String, String)] = [
            ("drwxr-x---", "alice", "staff", "0", "dir/"),
            ("-rwsr-xr-x", "u", "g", "5", "dir/file"),
            ("-rw-------", "u3", "g4", "0", "dir/empty"),
            ("lrwxrwxrwx", "u5", "g6", "0", "dir/link -> ../target/x"),
            ("hrw-r--r--", "u", "g", "0", "dir/hard link to dir/file"),
            ("crw-rw-rw-", "root", "root", "1,3", "dev/null"),
            ("brw-rw----", "root", "disk", "8,16", "dev/sda"),
            ("prw-------", "u7", "g8", "0", "run/pipe"),
        ]
        try #require(lines.count == expected.count, "\(result.output)")
        for (line, (mode, uname, gname, size, name)) in zip(lines, expected) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(fields.count >= 9, "\(line)")
            #expect(fields[0] == mode && fields[2] == uname && fields[3] == gname && fields[4] == size, "\(line)")
            #expect(fields[5...7] == ["Sep", "13", "2020"], "\(line)")
            #expect(fields[8...].joined(separator: " ") == name, "\(line)")
        }
        let content = try ExternalTool.run("bsdtar", ["-xOf", url.path, "dir/file"])
        #expect(content.status == 0 && content.stdout == Data("hello".utf8))
    }

    /// bsdtar reads our archive and writes its own copy (`@archive`); reading that copy back shows
    /// bsdtar understood the names, xattrs and nanosecond times exactly as written.
    @Test func bsdtarCopiesTheArchiveWithoutLoss() throws {
        var entries: [(WriteEntry, Data?)] = ArchiveWriterRoundTripTests.hostileNames.map {
            (WriteEntry(name: $0, type: .file, permissions: 0o4755), Data($0.utf8))
        }
        entries.append((WriteEntry(
            name: "usr/bin/ping", permissions: 0o755,
            mtime: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789),
            xattrs: ["security.capability": Data([1, 0, 0, 2, 0, 0x20, 0, 0]), "user.x": Data("y".utf8)]), Data("ELF".utf8)))
        let dir = try TemporaryDirectory()
        let original = dir.path("in.tar.zst")
        try ArchiveWriter.tar(entries, compression: .zstd()).write(to: original)
        let copy = dir.path("copy.tar")
        let result = try ExternalTool.run("bsdtar", ["--format", "pax", "-cf", copy.path, "@" + original.path])
        #expect(result.status == 0, "\(result.errorOutput)")

        let ours = try ArchiveContents.read(original)
        let theirs = try ArchiveContents.read(copy, mode: .tar)
        #expect(theirs.map(\.name) == ours.map(\.name))
        #expect(theirs.map(\.name) == entries.map(\.0.name))
        #expect(theirs.map(\.data) == ours.map(\.data))
        #expect(theirs.map(\.header.permissions) == ours.map(\.header.permissions))
        #expect(theirs.map(\.header.xattrs) == ours.map(\.header.xattrs))
        #expect(theirs.last?.header.mtime == Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789))
    }
}
