import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// Writes with `ArchiveWriter`, reads back with `ArchiveReader`, and compares every header field.
@Suite struct ArchiveWriterRoundTripTests {
    static let tarFormats: [ArchiveWriter.Format] = [.pax, .paxRestricted, .ustar, .gnu]
    static let t = Timestamp(seconds: 1_600_000_000)

    /// One entry of every type tar can hold, each with distinct metadata.
    static let everyType: [(WriteEntry, Data?)] = [
        (WriteEntry(name: "dir", type: .directory, permissions: 0o750, uid: 1, gid: 2, uname: "alice", gname: "staff", mtime: t), nil),
        (WriteEntry(name: "dir/file", type: .file, permissions: 0o4755, uid: 1000, gid: 1001, uname: "u", gname: "g",
                    mtime: Timestamp(seconds: 1_600_000_001)), Data("hello".utf8)),
        (WriteEntry(name: "dir/empty", type: .file, permissions: 0o600, uid: 3, gid: 4, uname: "u3", gname: "g4", mtime: t), Data()),
        (WriteEntry(name: "dir/link", type: .symlink, uid: 5, gid: 6, uname: "u5", gname: "g6", mtime: t,
                    linkTarget: "../target/x"), nil),
        (WriteEntry(name: "dir/hard", type: .hardlink, uid: 1000, gid: 1001, uname: "u", gname: "g", mtime: t,
                    linkTarget: "dir/file"), nil),
        (WriteEntry(name: "dev/null", type: .characterDevice, permissions: 0o666, uname: "root", gname: "root", mtime: t,
                    rdevMajor: 1, rdevMinor: 3), nil),
        (WriteEntry(name: "dev/sda", type: .blockDevice, permissions: 0o660, gid: 6, uname: "root", gname: "disk", mtime: t,
                    rdevMajor: 8, rdevMinor: 16), nil),
        (WriteEntry(name: "run/pipe", type: .fifo, permissions: 0o600, uid: 7, gid: 8, uname: "u7", gname: "g8", mtime: t), nil),
    ]

    @Test("every entry type round-trips with all header fields", arguments: tarFormats)
    func everyEntryType(format: ArchiveWriter.Format) throws {
        let tar = try ArchiveWriter.tar(Self.everyType, format: format)
        let members = try ArchiveContents.read(tar, mode: .tar)
        try #require(members.count == Self.everyType.count)
        for (member, (entry, data)) in zip(members, Self.everyType) {
            let h = member.header
            #expect(h.name == (entry.type == .directory ? entry.name + "/" : entry.name))
            #expect(h.type == entry.type, "\(entry.name)")
            #expect(h.permissions == entry.permissions, "\(entry.name)")
            #expect(h.uid == entry.uid && h.gid == entry.gid, "\(entry.name)")
            #expect(h.uname == entry.uname && h.gname == entry.gname, "\(entry.name)")
            #expect(h.mtime == entry.mtime, "\(entry.name)")
            #expect(h.atime == nil && h.ctime == nil, "\(entry.name)")
            #expect(h.linkTarget == entry.linkTarget, "\(entry.name)")
            #expect(h.size == Int64(data?.count ?? 0), "\(entry.name)")
            #expect(member.data == (data ?? Data()), "\(entry.name)")
            #expect(h.xattrs.isEmpty)
            #expect(!h.isSparse)
            if entry.type == .characterDevice || entry.type == .blockDevice {
                #expect(h.rdevMajor == entry.rdevMajor && h.rdevMinor == entry.rdevMinor, "\(entry.name)")
            }
        }
    }

    static let hostileNames: [String] = [
        "../../etc/passwd",
        "/abs/path",
        "./dot/slash",
        "x/../../y",
        "a\nnewline",
        "\u{1B}[31mred\u{1B}[0m",
        "tab\there\r",
        "caf\u{E9}/na\u{EF}ve-\u{65E5}\u{672C}\u{8A9E}",
        "emoji-\u{1F600}",
        "trailing space ",
        "back\\slash",
        "-rf",
        "*?[glob]",
        "quote\"d'",
        String(repeating: "long/", count: 60) + "file",
        String(repeating: "n", count: 180),
    ]

    @Test("hostile names, link targets and hardlink targets are stored verbatim",
          arguments: [ArchiveWriter.Format.pax, .gnu])
    func hostileNamesVerbatim(format: ArchiveWriter.Format) throws {
        var entries: [(WriteEntry, Data?)] = []
        for name in Self.hostileNames {
            entries.append((WriteEntry(name: name, type: .file), Data(name.utf8)))
            entries.append((WriteEntry(name: name + ".sym", type: .symlink, linkTarget: name), nil))
            entries.append((WriteEntry(name: name + ".hard", type: .hardlink, linkTarget: name), nil))
        }
        let writer = try ArchiveWriter(format: format)
        for (entry, data) in entries { try writer.write(entry: entry, data: data) }
        try writer.finish()
        #expect(writer.warnings.isEmpty)
        let members = try ArchiveContents.read(writer.data, mode: .tar)
        try #require(members.count == entries.count)
        for (member, (entry, data)) in zip(members, entries) {
            #expect(member.name == entry.name)
            #expect(member.header.type == entry.type)
            #expect(member.header.linkTarget == entry.linkTarget)
            #expect(member.data == (data ?? Data()))
        }
        if format == .pax {
            // Non-ASCII names go into UTF-8 PAX records, not hdrcharset=BINARY ones.
            #expect(writer.data.range(of: Data("hdrcharset".utf8)) == nil)
            #expect(writer.data.range(of: Data("path=caf\u{E9}/".utf8)) != nil)
        }
    }

    @Test("a name that is not UTF-8 is stored byte for byte", arguments: [ArchiveWriter.Format.pax, .ustar])
    func invalidUTF8Name(format: ArchiveWriter.Format) throws {
        let writer = try ArchiveWriter(format: format)
        try writer.write(entry: WriteEntry(name: "ignored", nameBytes: [0x61, 0xFF, 0x62]), data: Data("x".utf8))
        try writer.finish()
        let members = try ArchiveContents.read(writer.data, mode: .tar)
        #expect(members.map(\.name) == ["a\\xFFb"])
        #expect(writer.data.range(of: Data([0x61, 0xFF, 0x62])) != nil)
        if format == .pax {
            // libarchive cannot translate it to UTF-8 and says so: the entry gets hdrcharset=BINARY.
            #expect(writer.warnings.contains { $0.contains("translate") })
        }
    }

    @Test("permission bits, including setuid, setgid and sticky", arguments: [
        0o4755, 0o2755, 0o1777, 0o6755, 0o7777, 0o0000, 0o0644, 0o0400,
    ] as [UInt32], [ArchiveWriter.Format.pax, .ustar, .gnu])
    func permissions(mode: UInt32, format: ArchiveWriter.Format) throws {
        let tar = try ArchiveWriter.tar([
            (WriteEntry(name: "f", type: .file, permissions: mode), Data("x".utf8)),
            (WriteEntry(name: "d", type: .directory, permissions: mode), nil),
        ], format: format)
        let members = try ArchiveContents.read(tar, mode: .tar)
        #expect(members.map(\.header.permissions) == [mode, mode])
    }

    @Test("xattrs, binary security.capability included, round-trip as SCHILY.xattr records",
          arguments: [ArchiveWriter.Format.pax, .paxRestricted])
    func xattrs(format: ArchiveWriter.Format) throws {
        // A VFS_CAP_REVISION_2 capability blob: NUL bytes in the value.
        let capability = Data([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00] + [UInt8](repeating: 0, count: 12))
        let xattrs: [String: Data] = [
            "security.capability": capability,
            "trusted.overlay.opaque": Data("y".utf8),
            "user.text": Data("value=with=equals\nand newline".utf8),
            "user.binary": Data((0...255).map { UInt8($0) }),
        ]
        let entries: [(WriteEntry, Data?)] = [
            (WriteEntry(name: "usr/bin/ping", type: .file, permissions: 0o755, xattrs: xattrs), Data("ELF".utf8)),
            (WriteEntry(name: "etc", type: .directory, xattrs: ["trusted.overlay.opaque": Data("y".utf8)]), nil),
        ]
        let tar = try ArchiveWriter.tar(entries, format: format)
        let members = try ArchiveContents.read(tar, mode: .tar)
        #expect(members.map(\.header.xattrs) == [xattrs, ["trusted.overlay.opaque": Data("y".utf8)]])
        // Only the SCHILY form, as Docker and Go write it, and in name order.
        #expect(tar.range(of: Data("LIBARCHIVE.xattr".utf8)) == nil)
        let positions = xattrs.keys.sorted().map { tar.range(of: Data("SCHILY.xattr.\($0)=".utf8))?.lowerBound ?? -1 }
        #expect(positions.allSatisfy { $0 >= 0 })
        #expect(positions == positions.sorted())
        // Deterministic even though a dictionary's order is not.
        #expect(try ArchiveWriter.tar(entries, format: format) == tar)
    }

    @Test func xattrsAreDroppedWithAWarningByFormatsWithoutThem() throws {
        for format in [ArchiveWriter.Format.ustar, .gnu] {
            let writer = try ArchiveWriter(format: format)
            try writer.write(entry: WriteEntry(name: "f", atime: Timestamp(seconds: 5),
                                               xattrs: ["user.a": Data("b".utf8)]), data: Data())
            try writer.finish()
            #expect(writer.warnings.count == 1)
            #expect(writer.warnings.first?.contains("xattrs, atime") == true)
            #expect(try ArchiveContents.read(writer.data, mode: .tar).first?.header.xattrs == [:])
        }
    }

    @Test func nanosecondTimesForcePAXRecords() throws {
        let mtime = Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789)
        let atime = Timestamp(seconds: 1_600_000_000, nanoseconds: 1)
        let ctime = Timestamp(seconds: 1_650_000_000, nanoseconds: 999_999_999)
        let entry = WriteEntry(name: "f", mtime: mtime, atime: atime, ctime: ctime)
        let tar = try ArchiveWriter.tar([(entry, Data("x".utf8))], format: .pax)
        #expect(tar.range(of: Data("mtime=1700000000.123456789\n".utf8)) != nil)
        #expect(tar.range(of: Data("atime=1600000000.000000001\n".utf8)) != nil)
        #expect(tar.range(of: Data("ctime=1650000000.999999999\n".utf8)) != nil)
        let h = try #require(try ArchiveContents.read(tar, mode: .tar).first?.header)
        #expect(h.mtime == mtime && h.atime == atime && h.ctime == ctime)
    }

    @Test func timesOutsideTheUstarRange() throws {
        for seconds: Int64 in [-1_000, 0, 8_589_934_592, 10_000_000_000] {
            let tar = try ArchiveWriter.tar([(WriteEntry(name: "f", mtime: Timestamp(seconds: seconds)), nil)])
            #expect(try ArchiveContents.read(tar, mode: .tar).first?.header.mtime == Timestamp(seconds: seconds))
        }
    }

    @Test func restrictedPaxDropsNanosecondsUnlessARecordIsNeededAnyway() throws {
        let mtime = Timestamp(seconds: 1_700_000_000, nanoseconds: 5)
        let tar = try ArchiveWriter.tar([
            (WriteEntry(name: "plain", mtime: mtime, atime: Timestamp(seconds: 9)), nil),
            (WriteEntry(name: "with-xattr", mtime: mtime, xattrs: ["user.a": Data("b".utf8)]), nil),
        ], format: .paxRestricted)
        let headers = try ArchiveContents.read(tar, mode: .tar).map(\.header)
        #expect(headers[0].mtime == Timestamp(seconds: 1_700_000_000))
        #expect(headers[0].atime == nil)
        #expect(headers[1].mtime == mtime)
    }

    @Test func paxAndRestrictedPaxAreIdenticalForPlainEntries() throws {
        let entries = Self.everyType + Self.hostileNames.map { (WriteEntry(name: $0), Data($0.utf8)) }
        #expect(try ArchiveWriter.tar(entries, format: .pax) == ArchiveWriter.tar(entries, format: .paxRestricted))
    }

    @Test func largeIDsAndDeviceNumbersGoToPAXRecords() throws {
        let tar = try ArchiveWriter.tar([
            (WriteEntry(name: "f", uid: 3_000_000_000, gid: 70_000, uname: String(repeating: "u", count: 40)), nil),
            (WriteEntry(name: "c", type: .characterDevice, rdevMajor: 300_000, rdevMinor: 400_000), nil),
        ])
        let headers = try ArchiveContents.read(tar, mode: .tar).map(\.header)
        #expect(headers[0].uid == 3_000_000_000 && headers[0].gid == 70_000)
        #expect(headers[0].uname == String(repeating: "u", count: 40))
        #expect(headers[1].rdevMajor == 300_000 && headers[1].rdevMinor == 400_000)
    }

    @Test func sizeThatDisagreesWithTheDataIsWrittenAsGiven() throws {
        let tar = try ArchiveWriter.tar([
            (WriteEntry(name: "short", size: 10), Data("abcd".utf8)),
            (WriteEntry(name: "long", size: 2), Data("abcd".utf8)),
            (WriteEntry(name: "next"), Data("n".utf8)),
        ])
        let members = try ArchiveContents.read(tar, mode: .tar)
        #expect(members.map(\.data) == [Data("abcd".utf8) + Data(count: 6), Data("ab".utf8), Data("n".utf8)])
    }

    @Test func contentWrittenInChunks() throws {
        let content = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let writer = try ArchiveWriter(format: .pax, compression: .zstd())
        try writer.writeHeader(WriteEntry(name: "big", size: Int64(content.count)))
        for start in stride(from: 0, to: content.count, by: 33_333) {
            try writer.writeData(content[start..<min(start + 33_333, content.count)])
        }
        try writer.finish()
        #expect(try ArchiveContents.read(writer.data).map(\.data) == [content])
    }

    @Test func noPaddingAfterTheEndMarkerUnlessAsked() throws {
        let entries: [(WriteEntry, Data?)] = [(WriteEntry(name: "f"), Data("x".utf8))]
        let tar = try ArchiveWriter.tar(entries)
        #expect(tar.count == 512 + 512 + 1024)
        #expect(tar.suffix(1024).allSatisfy { $0 == 0 })
        let padded = try ArchiveWriter(format: .pax, padToBlock: true)
        try padded.write(entry: entries[0].0, data: entries[0].1)
        try padded.finish()
        #expect(padded.data.count == 10_240)
        #expect(padded.data.prefix(tar.count) == tar)
    }

    @Test func fileAndMemoryOutputAreIdentical() throws {
        let dir = try TemporaryDirectory()
        let url = dir.path("out.tar.gz")
        let file = try ArchiveWriter(path: url.path, format: .pax, compression: .gzip())
        let memory = try ArchiveWriter(format: .pax, compression: .gzip())
        for (entry, data) in Self.everyType {
            try file.write(entry: entry, data: data)
            try memory.write(entry: entry, data: data)
        }
        try file.finish()
        try memory.finish()
        #expect(file.data.isEmpty)
        #expect(try Data(contentsOf: url) == memory.data)
        #expect(try ArchiveContents.read(url).count == Self.everyType.count)
    }
}

/// Compression: determinism, formats, levels, the raw format.
@Suite struct ArchiveWriterCompressionTests {
    static let entries: [(WriteEntry, Data?)] = [
        (WriteEntry(name: "etc", type: .directory), nil),
        (WriteEntry(name: "etc/motd", mtime: Timestamp(seconds: 1_700_000_000)), Data(String(repeating: "hello\n", count: 1000).utf8)),
    ]

    @Test("the same entries give the same bytes, a second apart", arguments: [
        ArchiveWriter.Compression.gzip(level: 6), .gzip(level: 1), .gzip(level: 9), .zstd(level: 3), .zstd(level: 19),
    ])
    func deterministic(compression: ArchiveWriter.Compression) async throws {
        let first = try ArchiveWriter.tar(Self.entries, compression: compression)
        try await Task.sleep(for: .milliseconds(1_100))
        let second = try ArchiveWriter.tar(Self.entries, compression: compression)
        #expect(first == second)
        let reader = try ArchiveReader(mode: .compressedTar, source: DataSource(first), what: "test")
        if case .gzip = compression {
            #expect(Array(first.prefix(4)) == [0x1F, 0x8B, 0x08, 0x00])
            #expect(Array(first[4..<8]) == [0, 0, 0, 0], "no MTIME in the gzip header")
            #expect(first[9] == 3, "OS = Unix")
            #expect(reader.filterName == "gzip")
        } else {
            #expect(Array(first.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
            #expect(reader.filterName == "zstd")
        }
        var names: [String] = []
        while let h = try reader.nextHeader() { names.append(h.name) }
        #expect(names == ["etc/", "etc/motd"])
    }

    @Test func compressedStreamDecompressesToThePlainTar() throws {
        let tar = try ArchiveWriter.tar(Self.entries)
        for compression in [ArchiveWriter.Compression.gzip(), .zstd()] {
            let compressed = try ArchiveWriter.tar(Self.entries, compression: compression)
            #expect(compressed.count < tar.count)
            #expect(try ArchiveContents.read(compressed, mode: .raw).map(\.data) == [tar])
        }
    }

    @Test func rawFormatCompressesArbitraryBytes() throws {
        let payload = Data("not a tar at all, just bytes\n".utf8)
        for compression in [ArchiveWriter.Compression.gzip(), .zstd(level: 1)] {
            let writer = try ArchiveWriter(format: .raw, compression: compression)
            try writer.writeRaw(payload)
            try writer.writeRaw(payload)
            try writer.finish()
            #expect(try ArchiveContents.read(writer.data, mode: .raw).map(\.data) == [payload + payload])
            #expect(try ArchiveWriter.compress(payload + payload, with: compression) == writer.data)
        }
        #expect(try ArchiveWriter.compress(payload, with: .none) == payload)
        let empty = try ArchiveWriter.compress(Data(), with: .gzip())
        #expect(empty.count == 20, "a gzip header, an empty deflate block and the trailer")
        #expect(try ArchiveContents.read(empty, mode: .raw).map(\.data).reduce(Data(), +).isEmpty)
    }

    @Test(.enabled(if: ExternalTool.path(of: "gzip") != nil && ExternalTool.path(of: "zstd") != nil))
    func externalDecompressorsAgree() throws {
        let tar = try ArchiveWriter.tar(Self.entries)
        let gz = try ExternalTool.run("gzip", ["-dc"], stdin: ArchiveWriter.tar(Self.entries, compression: .gzip()))
        #expect(gz.status == 0 && gz.stdout == tar)
        let zst = try ExternalTool.run("zstd", ["-dc"], stdin: ArchiveWriter.tar(Self.entries, compression: .zstd()))
        #expect(zst.status == 0 && zst.stdout == tar)
    }
}

/// What the writer refuses, and how it says so.
@Suite struct ArchiveWriterErrorTests {
    private func isWriteFailed(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            return false
        } catch let error as ArchiveError {
            if case .writeFailed = error { return true }
            return false
        } catch {
            return false
        }
    }

    @Test func refusals() throws {
        #expect(isWriteFailed { _ = try ArchiveWriter(format: .pax, compression: .gzip(level: 10)) })
        #expect(isWriteFailed { _ = try ArchiveWriter(path: "/nonexistent-dir/x.tar", format: .pax) })
        #expect(isWriteFailed { _ = try ArchiveWriter.tar([(WriteEntry(name: "s", type: .socket), nil)]) })
        #expect(isWriteFailed { _ = try ArchiveWriter.tar([(WriteEntry(name: "u", type: .unknown), nil)]) })
        #expect(isWriteFailed { _ = try ArchiveWriter.tar([(WriteEntry(name: ""), nil)]) })
        #expect(isWriteFailed { _ = try ArchiveWriter.tar([(WriteEntry(name: "h", type: .hardlink), nil)]) })
        #expect(isWriteFailed {
            _ = try ArchiveWriter.tar([(WriteEntry(name: String(repeating: "x", count: 300)), nil)], format: .ustar)
        })
        let writer = try ArchiveWriter(format: .pax)
        #expect(isWriteFailed { try writer.writeRaw(Data("x".utf8)) })
        try writer.finish()
        #expect(isWriteFailed { try writer.write(entry: WriteEntry(name: "late"), data: nil) })
        #expect(isWriteFailed { try writer.finish() })
    }

    @Test func messagesNameTheEntryReadably() throws {
        do {
            _ = try ArchiveWriter.tar([(WriteEntry(name: "a\nb\u{1B}", type: .socket), nil)])
            Issue.record("a socket was written")
        } catch {
            #expect("\(error)".contains(#""a\nb\u{1B}""#))
            #expect("\(error)".contains("socket"))
        }
    }
}
