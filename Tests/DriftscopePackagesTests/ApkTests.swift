import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct ApkTests {
    static let files = Fixtures.data(["/lib/apk/db/installed": Fixtures.apkInstalled])

    @Test func readsPackages() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.apk])
        #expect(inventory.packages == [
            Package(ecosystem: .apk, name: "busybox", version: "1.36.1-r29", architecture: "x86_64", source: "/lib/apk/db/installed"),
            Package(ecosystem: .apk, name: "musl", version: "1.2.5-r0", architecture: "x86_64", source: "/lib/apk/db/installed"),
        ])
    }

    @Test(arguments: [
        ("/lib/ld-musl-x86_64.so.1", "musl"),
        ("/lib/libc.musl-x86_64.so.1", "musl"),
        ("/bin/busybox", "busybox"),
        ("/etc/securetty", "busybox"),
        ("/usr/share/udhcpc/default.script", "busybox"),
    ])
    func ownership(path: String, owner: String) {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.owner(of: path)?.ecosystem == .apk)
        #expect(inventory.owner(of: path)?.name == owner)
    }

    @Test func foldersAreNotOwned() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.owner(of: "/lib") == nil)
        #expect(inventory.owner(of: "/bin/sh") == nil)
    }

    @Test func blockWithoutNameOrVersionIsAProblem() {
        let text = "P:ok\nV:1-r0\n\nV:2-r0\nA:x86_64\n\nP:noversion\n\n\n"
        let inventory = PackageDatabase.inventory(files: Fixtures.data(["/lib/apk/db/installed": text]))
        #expect(inventory.packages.map(\.name) == ["ok"])
        #expect(inventory.packages.first?.architecture == nil)
        #expect(inventory.problems == [
            "/lib/apk/db/installed: block at line 4 has no P: (package name) line",
            "/lib/apk/db/installed: package noversion (line 7) has no V: (version) line",
        ])
    }
}
