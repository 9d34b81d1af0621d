import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct RpmTests {
    static let bash = RpmBlob.package(
        name: "bash", version: "5.2.26", release: "3.fc40",
        dirNames: ["/usr/bin/", "/usr/share/doc/bash/"],
        files: [(0, "bash"), (0, "sh"), (1, "README")])
    static let openssl = RpmBlob.package(
        name: "openssl-libs", version: "3.2.2", release: "3.fc40", epoch: 1,
        dirNames: ["/usr/lib64/"], files: [(0, "libssl.so.3")])
    static let pubkey = RpmBlob.package(name: "gpg-pubkey", version: "a15b79cc", release: "63d04c2c", arch: "")
    static let tzdata = RpmBlob.package(name: "tzdata", version: "2024a", release: "5.fc40", arch: "noarch")

    @Test(arguments: ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"])
    func readsPackagesFromSQLite(path: String) throws {
        let database = try RpmBlob.database([Self.bash, Self.pubkey, Self.openssl, Self.tzdata])
        let inventory = PackageDatabase.inventory(files: [path: database])
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.rpm])
        #expect(inventory.packages == [
            Package(ecosystem: .rpm, name: "bash", version: "5.2.26-3.fc40", architecture: "x86_64", source: path),
            Package(ecosystem: .rpm, name: "openssl-libs", version: "1:3.2.2-3.fc40", architecture: "x86_64", source: path),
            Package(ecosystem: .rpm, name: "tzdata", version: "2024a-5.fc40", architecture: "noarch", source: path),
        ])
    }

    @Test(arguments: [
        ("/usr/bin/bash", "bash"),
        ("/usr/bin/sh", "bash"),
        ("/usr/share/doc/bash/README", "bash"),
        ("/usr/lib64/libssl.so.3", "openssl-libs"),
    ])
    func ownershipFromFileLists(path: String, owner: String) throws {
        let database = try RpmBlob.database([Self.bash, Self.openssl])
        let inventory = PackageDatabase.inventory(files: ["/var/lib/rpm/rpmdb.sqlite": database])
        #expect(inventory.owner(of: path)?.ecosystem == .rpm)
        #expect(inventory.owner(of: path)?.name == owner)
    }

    @Test func oldFileNamesAreReadWhenThereAreNoBaseNames() throws {
        let blob = RpmBlob.build([
            (1000, .string("legacy")), (1001, .string("1.0")), (1002, .string("1")),
            (1027, .strings(["/opt/legacy/bin/tool", "/opt/legacy/README"])),
        ])
        let inventory = PackageDatabase.inventory(files: ["/var/lib/rpm/rpmdb.sqlite": try RpmBlob.database([blob])])
        #expect(inventory.packages.map(\.version) == ["1.0-1"])
        #expect(inventory.packages.first?.architecture == nil)
        #expect(inventory.owner(of: "/opt/legacy/README")?.name == "legacy")
    }

    @Test func databaseLeftInWALModeIsRead() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("driftscope-rpm-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rpmdb.sqlite")
        do {
            let database = try SQLiteDatabase(path: file.path)
            try database.execute("PRAGMA journal_mode = WAL")
            try RpmBlob.create([Self.bash], in: database)
        }
        let bytes = try Data(contentsOf: file)
        #expect(bytes[18] == 2 && bytes[19] == 2, "the fixture should be a WAL-mode database")
        let inventory = PackageDatabase.inventory(files: ["/var/lib/rpm/rpmdb.sqlite": bytes])
        #expect(inventory.problems.isEmpty)
        #expect(inventory.packages.map(\.name) == ["bash"])
    }

    @Test func badHeadersAreProblemsAndGoodOnesStillRead() throws {
        var truncated = Self.openssl
        truncated.removeLast(10)
        let noName = RpmBlob.build([(1001, .string("1.0")), (1002, .string("1"))])
        let badDirIndex = RpmBlob.package(
            name: "broken-files", version: "1", release: "1", dirNames: ["/usr/bin/"], files: [(5, "x")])
        let database = try RpmBlob.database([Self.bash, truncated, noName, badDirIndex, [0, 0, 0]])
        let path = "/var/lib/rpm/rpmdb.sqlite"
        let inventory = PackageDatabase.inventory(files: [path: database])
        #expect(inventory.packages.map(\.name) == ["bash", "broken-files"])
        #expect(inventory.problems == [
            "\(path): package 2: header blob is truncated (\(truncated.count) of \(truncated.count + 10) bytes)",
            "\(path): package 3: header has no NAME",
            "\(path): package 4 (broken-files): file list unreadable, tag 1116 points outside the header data",
            "\(path): package 5: header blob is 3 bytes, too short for its counts",
        ])
    }

    @Test func sqliteWithoutPackagesTableIsAProblem() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE Other (x INTEGER)")
        let inventory = PackageDatabase.inventory(files: ["/var/lib/rpm/rpmdb.sqlite": try database.serialize()])
        #expect(inventory.ecosystems == [.rpm])
        #expect(inventory.problems == ["/var/lib/rpm/rpmdb.sqlite: cannot read the rpm database: no such table: Packages"])
    }
}

/// The header parser on its own, against blobs that lie about their layout.
@Suite struct RpmHeaderTests {
    static func corrupt(_ blob: [UInt8], at offset: Int, with value: UInt32) -> [UInt8] {
        var copy = blob
        copy.replaceSubrange(offset..<offset + 4, with: RpmBlob.bigEndian(value))
        return copy
    }

    static let valid = RpmBlob.build([(1000, .string("name")), (1118, .strings(["/a/", "/b/"])), (1116, .int32s([0, 1]))])
    // Index entries start at byte 8; entry 0 is the region, so entry 1 (NAME) starts at 24, entry 2 at 40.

    @Test(arguments: [
        (corrupt(valid, at: 0, with: 0), RpmHeader.ParseError.badIndexCount(0)),
        (corrupt(valid, at: 0, with: 0x10000), .badIndexCount(0x10000)),
        (corrupt(valid, at: 0, with: 0xFFFF_FFFF), .badIndexCount(0xFFFF_FFFF)),
        (corrupt(valid, at: 4, with: 0x7FFF_FFFF), .badDataSize(0x7FFF_FFFF)),
        (corrupt(valid, at: 4, with: 0x0FFF_0000), .truncated(needed: 8 + 4 * 16 + 0x0FFF_0000, size: valid.count)),
        (Array(valid.prefix(7)), .tooShort(size: 7)),
    ])
    func layoutIsCheckedBeforeReading(blob: [UInt8], expected: RpmHeader.ParseError) {
        #expect(throws: expected) { try RpmHeader(blob: blob) }
    }

    @Test func entriesPointingOutsideTheDataAreRejected() throws {
        // NAME's offset (entry 1, bytes 24+8) beyond the data store, then negative.
        let beyond = try RpmHeader(blob: Self.corrupt(Self.valid, at: 32, with: 10_000))
        #expect(throws: RpmHeader.ParseError.outOfBounds(tag: 1000)) { try beyond.string(.name) }
        let negative = try RpmHeader(blob: Self.corrupt(Self.valid, at: 32, with: 0xFFFF_FFF0))
        #expect(throws: RpmHeader.ParseError.outOfBounds(tag: 1000)) { try negative.string(.name) }
        // DIRNAMES (entry 2, bytes 40+12) claiming a billion strings.
        let manyStrings = try RpmHeader(blob: Self.corrupt(Self.valid, at: 52, with: 1_000_000_000))
        #expect(throws: RpmHeader.ParseError.outOfBounds(tag: 1118)) { try manyStrings.strings(.dirNames) }
        // DIRINDEXES (entry 3, bytes 56+12) claiming more integers than fit.
        let manyInts = try RpmHeader(blob: Self.corrupt(Self.valid, at: 68, with: 0xFFFF_FFFF))
        #expect(throws: RpmHeader.ParseError.outOfBounds(tag: 1116)) { try manyInts.int32s(.dirIndexes) }
        // NAME typed as INT32.
        let wrongType = try RpmHeader(blob: Self.corrupt(Self.valid, at: 28, with: 4))
        #expect(throws: RpmHeader.ParseError.wrongType(tag: 1000, type: 4)) { try wrongType.string(.name) }
    }

    @Test func unterminatedStringIsRejected() throws {
        var blob = RpmBlob.build([(1000, .string("name"))])
        // Drop the region trailer and the NUL after "name", then fix the data size to match.
        blob.removeLast(17)
        let dataSize = UInt32(blob.count - 8 - 2 * 16)
        blob.replaceSubrange(4..<8, with: RpmBlob.bigEndian(dataSize))
        let header = try RpmHeader(blob: blob)
        #expect(throws: RpmHeader.ParseError.unterminatedString(tag: 1000)) { try header.string(.name) }
    }

    /// Every single-byte corruption and every truncation of a real-looking header either parses or
    /// throws; none may trap.
    @Test func everyMutationIsSafe() {
        let blob = RpmTests.bash
        for offset in blob.indices {
            for replacement: UInt8 in [0x00, 0x7F, 0x80, 0xFF] {
                var mutated = blob
                mutated[offset] = replacement
                Self.readEverything(mutated)
            }
            Self.readEverything(Array(blob.prefix(offset)))
        }
    }

    static func readEverything(_ blob: [UInt8]) {
        guard let header = try? RpmHeader(blob: blob) else { return }
        _ = try? header.string(.name)
        _ = try? header.string(.version)
        _ = try? header.int32s(.epoch)
        _ = try? header.strings(.baseNames)
        _ = try? header.strings(.dirNames)
        _ = try? header.int32s(.dirIndexes)
    }
}
