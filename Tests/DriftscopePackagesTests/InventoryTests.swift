import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct InventoryTests {
    static func inventory(_ packages: [(Ecosystem, String, String)]) -> PackageInventory {
        PackageInventory(packages: packages.map { Package(ecosystem: $0.0, name: $0.1, version: $0.2, source: "/db") })
    }

    @Test func versionBumpsAdditionsAndRemovals() {
        let before = Self.inventory([
            (.dpkg, "libssl3", "3.0.11-1~deb12u2"), (.dpkg, "bash", "5.2.15-2+b2"), (.npm, "left-pad", "1.3.0"),
            (.python, "six", "1.16.0"),
        ])
        let after = Self.inventory([
            (.dpkg, "libssl3", "3.0.13-1~deb12u1"), (.dpkg, "bash", "5.2.15-2+b2"), (.python, "six", "1.16.0"),
            (.apk, "musl", "1.2.5-r0"),
        ])
        #expect(PackageInventory.changes(from: before, to: after) == [
            PackageChange(ecosystem: .dpkg, name: "libssl3", from: "3.0.11-1~deb12u2", to: "3.0.13-1~deb12u1"),
            PackageChange(ecosystem: .apk, name: "musl", from: nil, to: "1.2.5-r0"),
            PackageChange(ecosystem: .npm, name: "left-pad", from: "1.3.0", to: nil),
        ])
        #expect(PackageInventory.changes(from: after, to: after).isEmpty)
    }

    @Test func severalVersionsOfOneNameCompareAsASet() {
        let before = Self.inventory([(.npm, "semver", "7.6.0"), (.npm, "semver", "6.3.1"), (.npm, "semver", "7.6.0")])
        let same = Self.inventory([(.npm, "semver", "6.3.1"), (.npm, "semver", "7.6.0")])
        let after = Self.inventory([(.npm, "semver", "7.6.2"), (.npm, "semver", "6.3.1")])
        #expect(PackageInventory.changes(from: before, to: same).isEmpty)
        #expect(PackageInventory.changes(from: before, to: after) == [
            PackageChange(ecosystem: .npm, name: "semver", from: "6.3.1, 7.6.0", to: "6.3.1, 7.6.2"),
        ])
    }

    @Test func sameNameInTwoEcosystemsIsTwoPackages() {
        let before = Self.inventory([(.dpkg, "python3-six", "1.16.0-4"), (.python, "six", "1.16.0")])
        let after = Self.inventory([(.dpkg, "python3-six", "1.16.0-4"), (.python, "six", "1.17.0"), (.npm, "six", "1.0.0")])
        #expect(PackageInventory.changes(from: before, to: after).map(\.ecosystem) == [.python, .npm])
    }

    @Test func realDatabaseBumpIsFound() throws {
        let before = Fixtures.dpkgStatus
        let after = before.replacingOccurrences(of: "5.2.15-2+b2", with: "5.2.15-2+b7")
        let changes = PackageInventory.changes(
            from: PackageDatabase.inventory(files: Fixtures.data(["/var/lib/dpkg/status": before])),
            to: PackageDatabase.inventory(files: Fixtures.data(["/var/lib/dpkg/status": after])))
        #expect(changes == [PackageChange(ecosystem: .dpkg, name: "bash", from: "5.2.15-2+b2", to: "5.2.15-2+b7")])
    }

    @Test func fingerprintIgnoresOrderAndSourceButNotVersions() {
        let a = PackageInventory(packages: [
            Package(ecosystem: .npm, name: "lodash", version: "4.17.21", source: "/a/node_modules/lodash/package.json"),
            Package(ecosystem: .dpkg, name: "bash", version: "5.2.15-2+b2", architecture: "amd64", source: "/var/lib/dpkg/status"),
        ])
        let b = PackageInventory(packages: [
            Package(ecosystem: .dpkg, name: "bash", version: "5.2.15-2+b2", architecture: "amd64", source: "/var/lib/dpkg/status.d/bash"),
            Package(ecosystem: .npm, name: "lodash", version: "4.17.21", source: "/b/node_modules/lodash/package.json"),
        ])
        #expect(a.fingerprint == "dpkg bash 5.2.15-2+b2 amd64\nnpm lodash 4.17.21\n")
        #expect(a.fingerprint == b.fingerprint)
        var c = b
        c.packages[0].version = "5.2.15-2+b7"
        #expect(c.fingerprint != a.fingerprint)
        #expect(PackageInventory().fingerprint == "")
    }

    @Test func packagesAndEcosystemsAreSorted() {
        let inventory = PackageInventory(
            packages: [
                Package(ecosystem: .npm, name: "a", version: "1", source: "/x"),
                Package(ecosystem: .dpkg, name: "z", version: "1", source: "/x"),
                Package(ecosystem: .dpkg, name: "b", version: "2", source: "/x"),
                Package(ecosystem: .dpkg, name: "b", version: "1", source: "/x"),
            ],
            ecosystems: [.npm, .dpkg, .npm])
        #expect(inventory.packages.map { "\($0.name)=\($0.version)" } == ["b=1", "b=2", "z=1", "a=1"])
        #expect(inventory.ecosystems == [.dpkg, .npm])
        #expect(Ecosystem.allCases.sorted() == [.dpkg, .apk, .rpm, .python, .npm])
    }

    @Test func explicitListingsWinOverFolderOwnership() {
        let inventory = PackageInventory(
            fileOwners: ["/usr/lib/python3/dist-packages/six.py": "dpkg:python3-six"],
            directoryOwners: ["/usr/lib/python3/dist-packages": "python:not-really"])
        #expect(inventory.owner(of: "/usr/lib/python3/dist-packages/six.py")! == (.dpkg, "python3-six"))
        #expect(inventory.owner(of: "/usr/lib/python3/dist-packages/other.py")! == (.python, "not-really"))
        #expect(inventory.owner(of: "/usr/lib/python3/dist-packages/")! == (.python, "not-really"))
        #expect(inventory.owner(of: "/usr/lib") == nil)
        #expect(inventory.owner(of: "") == nil)
        #expect(inventory.owner(of: "/") == nil)
    }

    @Test func systemPackageManagerWinsASharedFile() {
        let info = "/usr/lib/python3/dist-packages/six-1.16.0.dist-info"
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/var/lib/dpkg/status": "Package: python3-six\nStatus: install ok installed\nVersion: 1.16.0-4\n",
            "/var/lib/dpkg/info/python3-six.list": "/usr/lib/python3/dist-packages/six.py\n",
            "\(info)/METADATA": "Name: six\nVersion: 1.16.0\n",
            "\(info)/RECORD": "six.py,,\n",
        ]))
        #expect(inventory.ecosystems == [.dpkg, .python])
        #expect(inventory.fileOwners["/usr/lib/python3/dist-packages/six.py"] == "dpkg:python3-six")
    }

    @Test func wholeImageRoundTripsThroughJSON() throws {
        var files = Fixtures.data(Fixtures.npmTree)
        files["/var/lib/dpkg/status"] = Data(Fixtures.dpkgStatus.utf8)
        files["/lib/apk/db/installed"] = Data(Fixtures.apkInstalled.utf8)
        files["/var/lib/rpm/rpmdb.sqlite"] = try RpmBlob.database([RpmTests.bash])
        files["/usr/lib/python3/dist-packages/x-1.dist-info/METADATA"] = Data("Name: X\nVersion: 1\n".utf8)
        files["/etc/passwd"] = Data("root:x:0:0:root:/root:/bin/bash\n".utf8)
        let inventory = PackageDatabase.inventory(files: files)
        #expect(inventory.ecosystems == Ecosystem.allCases)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.packages.count == 4 + 2 + 1 + 1 + 5)
        #expect(inventory.packages == inventory.packages.sorted())
        let decoded = try JSONDecoder().decode(PackageInventory.self, from: JSONEncoder().encode(inventory))
        #expect(decoded == inventory)
        #expect(decoded.fingerprint == inventory.fingerprint)
    }
}
