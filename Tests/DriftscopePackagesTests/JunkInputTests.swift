import Foundation
import Testing
@testable import DriftscopePackages

/// Broken databases become `problems`, never a crash, and the ecosystem still counts as found.
@Suite struct JunkInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var bytes: [UInt8]
        var problem: String
        var testDescription: String { "\(path): \(problem)" }

        init(_ path: String, _ text: String, _ problem: String) {
            self.init(path, Array(text.utf8), problem)
        }

        init(_ path: String, _ bytes: [UInt8], _ problem: String) {
            self.path = path
            self.bytes = bytes
            self.problem = problem
        }
    }

    /// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
    static func garbage(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static let cases: [Case] = [
        Case("/var/lib/dpkg/status", garbage(count: 4096, seed: 1), "contains binary data"),
        Case("/var/lib/dpkg/status", "Package: ok\nStatus: install ok installed\nVersion: 1\n\nthis is not\ncontrol data\n",
             "line 5 is not a 'Field: value' line (and 1 more lines)"),
        Case("/var/lib/dpkg/status.d/junk", garbage(count: 100, seed: 2), "contains binary data"),
        Case("/lib/apk/db/installed", garbage(count: 4096, seed: 3), "contains binary data"),
        Case("/lib/apk/db/installed", "P:ok\nV:1\nthis line is junk\n", "line 3 is not a 'K:value' line"),
        Case("/var/lib/rpm/rpmdb.sqlite", garbage(count: 8192, seed: 4), "not a SQLite database"),
        Case("/var/lib/rpm/rpmdb.sqlite", Array("SQLite format 3\0".utf8) + garbage(count: 4000, seed: 5),
             "cannot read the rpm database"),
        Case("/var/lib/rpm/rpmdb.sqlite", [], "not a SQLite database"),
        Case("/site/x-1.dist-info/METADATA", garbage(count: 300, seed: 6), "contains binary data"),
        Case("/site/x-1.dist-info/METADATA", "Metadata-Version: 2.1\nVersion: 1\n", "no Name: header"),
        Case("/site/x-1.egg-info/PKG-INFO", "just some words\n", "line 1 is not a 'Field: value' line"),
        Case("/app/node_modules/x/package.json", #"{"name": "x", "version": "1.0.0""#, "not valid JSON"),
        Case("/app/node_modules/x/package.json", garbage(count: 200, seed: 7), "not valid JSON"),
        Case("/app/node_modules/x/package.json", "[1, 2, 3]", "package.json is not a JSON object"),
        Case("/app/node_modules/x/package.json", #"{"name": "x", "version": 1}"#, "package.json has no \"version\" string"),
        Case("/app/node_modules/x/package.json", "", "not valid JSON"),
    ]

    @Test(arguments: cases)
    func junkBecomesAProblem(junk: Case) throws {
        let inventory = PackageDatabase.inventory(files: [junk.path: Data(junk.bytes)])
        let problem = try #require(inventory.problems.first)
        #expect(problem.hasPrefix("\(junk.path): "))
        #expect(problem.contains(junk.problem))
        #expect(inventory.ecosystems.count == 1)
    }

    @Test func problemsPerFileAreCapped() throws {
        let stanzas = (1...25).map { "Package: p\($0)\nStatus: install ok installed\n" }.joined(separator: "\n")
        let inventory = PackageDatabase.inventory(files: Fixtures.data(["/var/lib/dpkg/status": stanzas]))
        #expect(inventory.problems.count == InventoryBuilder.problemsPerFile + 1)
        #expect(inventory.problems.last == "/var/lib/dpkg/status: 15 more problems not shown")
    }

    @Test func oversizedFilesAreNotRead() {
        let big = Data(count: Int(16 << 20) + 1)
        let inventory = PackageDatabase.inventory(files: ["/var/lib/dpkg/status": big])
        #expect(inventory.problems == ["/var/lib/dpkg/status: 16777217 bytes is over the 16 MiB limit for this file; not read"])
        #expect(inventory.ecosystems == [.dpkg])
    }

    /// Truncations and byte flips of every real-format sample read without trapping.
    @Test func mutatedSamplesNeverCrash() throws {
        var samples: [(String, [UInt8])] = [
            ("/var/lib/dpkg/status", Array(Fixtures.dpkgStatus.utf8)),
            ("/lib/apk/db/installed", Array(Fixtures.apkInstalled.utf8)),
            ("/s/t-1.dist-info/METADATA", Array(Fixtures.typingExtensionsMetadata.utf8)),
            ("/s/t-1.dist-info/RECORD", Array(Fixtures.typingExtensionsRecord.utf8)),
            ("/app/node_modules/@babel/core/package.json", Array(Fixtures.npmManifest("@babel/core", "7.24.0").utf8)),
        ]
        samples.append(("/var/lib/rpm/rpmdb.sqlite", Array(try RpmBlob.database([RpmTests.bash, RpmTests.openssl]))))
        let metadata = Data("Name: t\nVersion: 1\n".utf8)
        for (path, bytes) in samples {
            let step = max(1, bytes.count / 97)
            for cut in stride(from: 0, to: bytes.count, by: step) {
                var flipped = bytes
                flipped[cut] ^= 0xA5
                for variant in [Array(bytes.prefix(cut)), flipped] {
                    var files = [path: Data(variant)]
                    if path.hasSuffix("RECORD") { files["/s/t-1.dist-info/METADATA"] = metadata }
                    _ = PackageDatabase.inventory(files: files)
                }
            }
        }
    }
}
