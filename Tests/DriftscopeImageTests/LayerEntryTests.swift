import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("What the layer walk records of each entry")
struct LayerEntryTests {
    @Test("hardlinks carry their target's digest; the target is normalised and absolute",
          arguments: [FixtureCompression.none, .gzip, .zstd])
    func hardlinkInOneLayer(compression: FixtureCompression) throws {
        let walked = try walkOne([
            .dir("usr/share/fixture"),
            .file("usr/share/fixture/data-hardlink.txt", "shared data\n"),
            .hardlink("usr/share/fixture/data.txt", target: "usr/share/fixture/data-hardlink.txt"),
            .hardlink("usr/share/fixture/dot.txt", target: "./usr/share/fixture/data-hardlink.txt"),
        ], compression: compression)
        let digest = SHA256Hasher.hash("shared data\n")
        for name in ["data.txt", "dot.txt"] {
            let link = try #require(walked.record("/usr/share/fixture/\(name)"))
            #expect(link.type == .hardlink)
            #expect(link.linkTarget == "/usr/share/fixture/data-hardlink.txt")
            #expect(link.digest == digest)
            let merged = try #require(walked.merged.entries["/usr/share/fixture/\(name)"])
            #expect(merged.record.digest == digest)
            #expect(merged.record.size == 12)
        }
        #expect(walked.findings.isEmpty, "\(walked.findings)")
    }

    @Test("a hardlink to a file of a lower layer gets its digest in the merged view")
    func hardlinkAcrossLayers() throws {
        let walked = try WalkedImage([
            FixtureLayer([.file("opt/lib.so", "ELF library")]),
            FixtureLayer([.hardlink("opt/lib.so.1", target: "opt/lib.so")]),
        ])
        let merged = try #require(walked.merged.entries["/opt/lib.so.1"])
        #expect(merged.record.digest == SHA256Hasher.hash("ELF library"))
        #expect(merged.record.size == 11)
        #expect(merged.layer == 1)
        #expect(walked.findings.isEmpty, "\(walked.findings)")
    }

    @Test("symlink targets are kept verbatim", arguments: [
        "../lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/env", "dangling/nowhere", ".", "./a//b/", "with space", "ünïcode",
    ])
    func symlinkTargets(target: String) throws {
        let walked = try walkOne([.symlink("usr/lib/link", target: target)])
        let record = try #require(walked.record("/usr/lib/link"))
        #expect(record.type == .symlink)
        #expect(record.linkTarget == target)
        #expect(record.digest == nil && record.size == 0)
        #expect(walked.merged.entries["/usr/lib/link"]?.record.linkTarget == target)
    }

    @Test("extended attributes, security.capability included, are kept as hex")
    func xattrs() throws {
        let capability = Data([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                               0x00, 0x00, 0x00, 0x00])
        let walked = try walkOne([
            .file("usr/bin/ping", "ELF", mode: 0o755,
                  xattrs: ["security.capability": capability, "user.comment": Data("hello".utf8)]),
            .dir("var/data", xattrs: ["trusted.overlay.opaque": Data("y".utf8)]),
        ], compression: .gzip)
        let ping = try #require(walked.record("/usr/bin/ping"))
        #expect(ping.xattrs == ["security.capability": hexString(capability), "user.comment": hexString(Data("hello".utf8))])
        #expect(walked.record("/var/data")?.xattrs == ["trusted.overlay.opaque": "79"])
    }

    @Test("setuid, setgid and sticky bits", arguments: [
        (FixtureEntry.file("usr/bin/su", "ELF", mode: 0o4755), UInt32(0o4755)),
        (.file("usr/bin/wall", "ELF", mode: 0o2755), 0o2755),
        (.file("usr/bin/both", "ELF", mode: 0o6711), 0o6711),
        (.dir("tmp", mode: 0o1777), 0o1777),
        (.dir("srv/shared", mode: 0o3770), 0o3770),
        (.file("etc/shadow", "", mode: 0o000), 0o000),
    ])
    func specialModeBits(entry: FixtureEntry, mode: UInt32) throws {
        let walked = try walkOne([entry])
        let path = "/" + entry.header.name.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        #expect(walked.record(path)?.mode == mode)
    }

    @Test("owners: uid, gid, uname and gname", arguments: [FixtureCompression.none, .zstd])
    func owners(compression: FixtureCompression) throws {
        let walked = try walkOne([
            .dir("home/app", mode: 0o750, uid: 1000, gid: 1000, uname: "app", gname: "app"),
            .file("home/app/.profile", "PS1='$ '\n", uid: 1000, gid: 100, uname: "app", gname: "users"),
            .file("srv/big-ids", "x", uid: 4_000_000, gid: 3_000_000),
            .file("etc/root-owned", "x"),
        ], compression: compression)
        let profile = try #require(walked.record("/home/app/.profile"))
        #expect(profile.uid == 1000 && profile.gid == 100)
        #expect(profile.uname == "app" && profile.gname == "users")
        let home = try #require(walked.record("/home/app"))
        #expect(home.uid == 1000 && home.gid == 1000 && home.mode == 0o750 && home.type == .directory)
        let big = try #require(walked.record("/srv/big-ids"))
        #expect(big.uid == 4_000_000 && big.gid == 3_000_000)
        let root = try #require(walked.record("/etc/root-owned"))
        #expect(root.uid == 0 && root.gid == 0 && (root.uname ?? "").isEmpty)
    }

    @Test("PAX times keep nanoseconds")
    func paxNanoseconds() throws {
        let walked = try walkOne([
            FixtureEntry.file("etc/precise", "x").mtime(1_704_067_200, nanoseconds: 123_456_789),
            FixtureEntry.file("etc/times", "y").with {
                $0.atime = Timestamp(seconds: 1_704_067_201, nanoseconds: 5)
                $0.ctime = Timestamp(seconds: 1_704_067_202, nanoseconds: 999_999_999)
            },
            .file("etc/whole", "z", mtime: 1_700_000_000),
        ])
        #expect(walked.record("/etc/precise")?.mtime == Timestamp(seconds: 1_704_067_200, nanoseconds: 123_456_789))
        let times = try #require(walked.record("/etc/times"))
        #expect(times.atime == Timestamp(seconds: 1_704_067_201, nanoseconds: 5))
        #expect(times.ctime == Timestamp(seconds: 1_704_067_202, nanoseconds: 999_999_999))
        #expect(walked.record("/etc/whole")?.mtime == Timestamp(seconds: 1_700_000_000))
    }

    @Test("long names: GNU ././@LongLink, PAX path records, ustar prefix", arguments: [TarFlavor.gnu, .pax, .ustar])
    func longNames(flavor: TarFlavor) throws {
        // 200 bytes: longer than the 100-byte name field, short enough for ustar's 155+100 split.
        var long = (0..<18).map { "dir\($0 % 10)xxxxxx" }.joined(separator: "/")
        long += "/" + String(repeating: "f", count: 200 - long.count - 1)
        #expect(long.utf8.count == 200)
        let target = "../" + String(repeating: "t", count: 150)
        var entries: [FixtureEntry] = [.file(long, "deep content\n")]
        if flavor != .ustar { entries.append(.symlink("short-link", target: target)) }
        let walked = try walkOne(entries, flavor: flavor)
        let record = try #require(walked.record("/" + long))
        #expect(record.digest == SHA256Hasher.hash("deep content\n"))
        #expect(record.rawName == long)
        if flavor != .ustar {
            #expect(walked.record("/short-link")?.linkTarget == target)
        }
        #expect(walked.layers[0].entryCount == entries.count, "a long-name extension is not an entry")
    }

    @Test("a path twice in one layer: the last wins, with a duplicate-path finding")
    func duplicatePaths() throws {
        let walked = try walkOne([
            .file("etc/config", "first\n", mode: 0o600),
            .file("etc/other", "o"),
            .file("etc/config", "second\n", mode: 0o644),
        ], compression: .gzip)
        let records = walked.layers[0].entries.filter { $0.path == "/etc/config" }
        #expect(records.count == 1)
        #expect(records.first?.digest == SHA256Hasher.hash("second\n"))
        #expect(records.first?.mode == 0o644)
        #expect(walked.layers[0].entryCount == 3)
        let findings = walked.layers[0].findings.filter { $0.kind == .duplicatePath }
        #expect(findings.map(\.path) == ["/etc/config"])
        #expect(findings.first?.layer == 0)
        #expect(walked.merged.entries["/etc/config"]?.record.digest == SHA256Hasher.hash("second\n"))
    }

    @Test("names that are not UTF-8 survive as distinct \\xNN-escaped paths")
    func nonUTF8Names() throws {
        let walked = try walkOne([
            .raw(nameBytes: Array("caf".utf8) + [0xE9], content: Data("latin-1".utf8)),
            .raw(nameBytes: Array("caf".utf8) + [0xFF], content: Data("ff".utf8)),
            .file("café", "utf-8"),
            .file("caf", "plain"),
        ])
        let paths = Set(walked.layers[0].entries.map(\.path))
        #expect(paths == ["/caf\\xE9", "/caf\\xFF", "/café", "/caf"])
        #expect(walked.record("/caf\\xE9")?.digest == SHA256Hasher.hash("latin-1"))
        #expect(walked.record("/caf\\xFF")?.digest == SHA256Hasher.hash("ff"))
        #expect(walked.merged.entries.count == 4)
    }

    @Test("./ prefixes and a ./ root entry are normalised; the stored name is kept")
    func dotSlashNames() throws {
        let walked = try walkOne([.dir("./"), .dir("./etc"), .file("./etc/hostname", "box\n"), .file(".//etc/./motd", "hi")])
        #expect(walked.layers[0].entries.map(\.path) == ["/", "/etc", "/etc/hostname", "/etc/motd"])
        #expect(walked.record("/etc/hostname")?.rawName == "./etc/hostname")
        #expect(walked.findings.isEmpty, "\(walked.findings)")
    }

    @Test("entry types, sizes, device numbers and order")
    func typesAndOrder() throws {
        let walked = try walkOne([
            .dir("dev"),
            .charDevice("dev/null", major: 1, minor: 3),
            .blockDevice("dev/sda", major: 8, minor: 0),
            .fifo("run/fifo"),
            .file("etc/empty", ""),
            .file("etc/data", data: Data(repeating: 0xAB, count: 70_000)),
        ], compression: .zstd)
        let entries = walked.layers[0].entries
        #expect(entries.map(\.order) == Array(0..<6))
        #expect(entries.map(\.type) == [.directory, .characterDevice, .blockDevice, .fifo, .file, .file])
        let null = try #require(walked.record("/dev/null"))
        #expect(null.devMajor == 1 && null.devMinor == 3)
        #expect(walked.record("/dev/sda")?.devMajor == 8)
        #expect(walked.record("/etc/empty")?.digest == SHA256Hasher.hash(Data()))
        let data = try #require(walked.record("/etc/data"))
        #expect(data.size == 70_000)
        #expect(data.digest == SHA256Hasher.hash(Data(repeating: 0xAB, count: 70_000)))
    }

    @Test("small files asked for are captured, others are not")
    func capture() throws {
        let dir = try TemporaryDirectory(prefix: "capture")
        let layer = FixtureLayer([
            .file("var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\n"),
            .file("usr/bin/tool", "not captured"),
        ])
        let written = try FixtureWriter.write(FixtureImage(layers: [layer]), as: .ociLayout, to: dir.path("layout"))
        let image = try loadSingle(written.url.path)
        let walker = LayerWalker(capture: { path, _ in path == "/var/lib/dpkg/status" })
        let index = try #require(try walkLayers(image, walker: walker).first)
        #expect(index.captured.keys.sorted() == ["/var/lib/dpkg/status"])
        #expect(index.captured["/var/lib/dpkg/status"] == Data("Package: base-files\nStatus: install ok installed\n".utf8))
        let merged = MergedFilesystem(layers: [index])
        #expect(merged.captured.keys.sorted() == ["/var/lib/dpkg/status"])
    }
}

@Suite("ImagePath rules")
struct ImagePathTests {
    @Test(arguments: [
        ("etc/passwd", "/etc/passwd"), ("./etc/passwd", "/etc/passwd"), ("/etc/passwd", "/etc/passwd"),
        ("etc//x/./y/", "/etc/x/y"), ("./", "/"), (".", "/"), ("a/b/../c", "/a/c"), ("a/..", "/"),
    ])
    func normalize(name: String, expected: String) {
        #expect(ImagePath.normalize(name) == expected)
    }

    @Test(arguments: ["..", "../etc/passwd", "../../etc/passwd", "a/../../b", "/../x", "./../x"])
    func normalizeRefusesEscapes(name: String) {
        #expect(ImagePath.normalize(name) == nil)
    }

    @Test(arguments: [
        ("/usr/lib/evil", "../../../etc", true), ("/up", "..", true), ("/a/b", "../../x", true),
        ("/a/b", "../x", false), ("/lib/ok", "../usr/lib", false), ("/x", "/etc/passwd", false),
        ("/a/b/c", "../../x", false), ("/a", "b/../../..", true), ("/a", "./././.", false),
    ])
    func symlinkEscapes(path: String, target: String, escapes: Bool) {
        #expect(ImagePath.symlinkEscapes(from: path, target: target) == escapes)
    }

    @Test func ancestorsAndParents() {
        #expect(ImagePath.ancestors(of: "/a/b/c") == ["/a", "/a/b"])
        #expect(ImagePath.ancestors(of: "/a").isEmpty)
        #expect(ImagePath.parent("/a/b") == "/a")
        #expect(ImagePath.parent("/a") == "/")
        #expect(ImagePath.parent("/") == "/")
        #expect(ImagePath.join("/", "etc") == "/etc")
        #expect(ImagePath.join("/etc", "x") == "/etc/x")
    }
}
