import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct DpkgTests {
    static let files = Fixtures.data(["/var/lib/dpkg/status": Fixtures.dpkgStatus].merging(Fixtures.dpkgLists) { a, _ in a })

    @Test func readsOnlyInstalledStanzas() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.dpkg])
        let status = "/var/lib/dpkg/status"
        #expect(inventory.packages == [
            Package(ecosystem: .dpkg, name: "base-files", version: "12.4+deb12u5", architecture: "amd64", source: status),
            Package(ecosystem: .dpkg, name: "bash", version: "5.2.15-2+b2", architecture: "amd64", source: status),
            Package(ecosystem: .dpkg, name: "libc6:amd64", version: "2.36-9+deb12u7", architecture: "amd64", source: status),
            Package(ecosystem: .dpkg, name: "libc6:i386", version: "2.36-9+deb12u7", architecture: "i386", source: status),
        ])
    }

    @Test func singleArchitecturePackageKeepsItsPlainName() {
        let status = """
        Package: libc6
        Status: install ok installed
        Architecture: arm64
        Multi-Arch: same
        Version: 2.36-9+deb12u7

        """
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/var/lib/dpkg/status": status,
            "/var/lib/dpkg/info/libc6:arm64.list": "/lib/aarch64-linux-gnu/libc.so.6\n",
        ]))
        #expect(inventory.packages.map(\.name) == ["libc6"])
        #expect(inventory.owner(of: "/lib/aarch64-linux-gnu/libc.so.6")?.name == "libc6")
    }

    @Test(arguments: [
        ("/bin/bash", "bash"),
        ("/etc/bash.bashrc", "bash"),
        ("/lib/x86_64-linux-gnu/libc.so.6", "libc6:amd64"),
        ("/lib/i386-linux-gnu/libc.so.6", "libc6:i386"),
        ("/etc/debian_version", "base-files"),
        // Shared folders go to the smallest owner, whatever order the lists were read in.
        ("/usr", "base-files"),
        ("/etc", "base-files"),
    ])
    func ownershipFromFileLists(path: String, owner: String) {
        let inventory = PackageDatabase.inventory(files: Self.files)
        let found = inventory.owner(of: path)
        #expect(found?.ecosystem == .dpkg)
        #expect(found?.name == owner)
    }

    @Test func listsOfPackagesNotInstalledOwnNothing() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.owner(of: "/usr/share/zoneinfo/UTC") == nil)
        #expect(inventory.fileOwners["/."] == nil)
        #expect(inventory.fileOwners["/bin/bash"] == "dpkg:bash")
    }

    @Test func distrolessStatusDirectory() {
        let inventory = PackageDatabase.inventory(files: Fixtures.data(Fixtures.distroless))
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.dpkg])
        #expect(inventory.packages == [
            Package(ecosystem: .dpkg, name: "libssl3", version: "3.0.13-1~deb12u1", architecture: "arm64",
                    source: "/var/lib/dpkg/status.d/libssl3"),
            Package(ecosystem: .dpkg, name: "tzdata", version: "2024a-0+deb12u1", architecture: "all",
                    source: "/var/lib/dpkg/status.d/tzdata"),
        ])
        #expect(inventory.owner(of: "/usr/lib/aarch64-linux-gnu/libssl.so.3")?.name == "libssl3")
        #expect(inventory.owner(of: "/usr/share/doc/libssl3/changelog.Debian.gz")?.name == "libssl3")
    }

    @Test func statusDFragmentWithStatusFieldIsHonoured() {
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/var/lib/dpkg/status.d/gone": "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n",
        ]))
        #expect(inventory.packages.isEmpty)
        #expect(inventory.ecosystems == [.dpkg])
    }

    @Test func emptyStatusFileIsAnEmptyDatabaseNotAProblem() {
        let inventory = PackageDatabase.inventory(files: ["/var/lib/dpkg/status": Data()])
        #expect(inventory.packages.isEmpty)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.dpkg])
    }

    @Test func crlfLineEndingsAndFieldCaseAreTolerated() {
        let status = "package: jq\r\nstatus: install ok installed\r\nversion: 1.6-2.1\r\narchitecture: amd64\r\n\r\n"
        let inventory = PackageDatabase.inventory(files: Fixtures.data(["/var/lib/dpkg/status": status]))
        #expect(inventory.problems.isEmpty)
        #expect(inventory.packages.map(\.version) == ["1.6-2.1"])
        #expect(inventory.packages.first?.architecture == "amd64")
    }

    @Test func stanzasMissingFieldsAreProblemsAndTheRestStillReads() {
        let status = """
        Package: good
        Status: install ok installed
        Version: 1.0

        Package: noversion
        Status: install ok installed

        Package: nostatus
        Version: 2.0

        Version: 3.0
        Status: install ok installed

        """
        let inventory = PackageDatabase.inventory(files: Fixtures.data(["/var/lib/dpkg/status": status]))
        #expect(inventory.packages.map(\.name) == ["good"])
        #expect(inventory.problems == [
            "/var/lib/dpkg/status: package noversion (line 5) has no Version field",
            "/var/lib/dpkg/status: package nostatus (line 8) has no Status field",
            "/var/lib/dpkg/status: stanza at line 11 has no valid Package field",
        ])
    }
}
