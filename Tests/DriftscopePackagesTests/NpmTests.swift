import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct NpmTests {
    static let files = Fixtures.data(Fixtures.npmTree)

    @Test func readsPackagesDirectlyInNodeModulesOnly() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.npm])
        #expect(inventory.packages.map { "\($0.name)@\($0.version)" } == [
            "@babel/core@7.24.0", "lodash@4.17.21", "resolve@1.22.8", "semver@6.3.1", "semver@7.6.0",
        ])
        #expect(inventory.packages.allSatisfy { $0.architecture == nil })
        #expect(inventory.packages.first?.source == "/app/node_modules/@babel/core/package.json")
    }

    @Test(arguments: [
        ("/app/node_modules/lodash/lodash.js", "lodash"),
        ("/app/node_modules/lodash", "lodash"),
        ("/app/node_modules/@babel/core/lib/index.js", "@babel/core"),
        ("/app/node_modules/@babel/core/node_modules/semver/semver.js", "semver"),
        ("/app/node_modules/resolve/test/resolver/nested/package.json", "resolve"),
    ])
    func ownershipByFolder(path: String, owner: String) {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.owner(of: path)?.ecosystem == .npm)
        #expect(inventory.owner(of: path)?.name == owner)
    }

    @Test func nestedPackageWinsOverItsParent() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.directoryOwners["/app/node_modules/@babel/core/node_modules/semver"] == "npm:semver")
        #expect(inventory.owner(of: "/app/node_modules/@babel/core/node_modules/.bin/x")?.name == "@babel/core")
        #expect(inventory.owner(of: "/app/src/index.js") == nil)
        #expect(inventory.owner(of: "/app/node_modules/@babel/other/index.js") == nil)
    }

    @Test(arguments: [
        ("/app/node_modules/lodash", "lodash"),
        ("/app/node_modules/@types/node", "@types/node"),
        ("/node_modules/x", "x"),
        ("/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash", "lodash"),
    ])
    func packageFolders(folder: String, name: String) {
        #expect(NpmPackageFolder.name(ofFolder: folder).map(String.init) == name)
    }

    @Test(arguments: [
        "/app", "/app/node_modules", "/app/node_modules/@types", "/app/node_modules/.bin", "/app/node_modules/.pnpm",
        "/app/node_modules/lodash/test", "/app/node_modules/@scope/pkg/fixtures", "/app/node_modules/@/x",
        "/app/node_modules/@scope/.hidden",
    ])
    func notPackageFolders(folder: String) {
        #expect(NpmPackageFolder.name(ofFolder: folder) == nil)
    }

    @Test func manifestWithoutNameFallsBackToTheFolder() {
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/app/node_modules/@scope/thing/package.json": #"{"version": "2.0.0"}"#,
        ]))
        #expect(inventory.packages.map(\.name) == ["@scope/thing"])
    }

    @Test func aliasedInstallKeepsTheManifestName() {
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/app/node_modules/string-width-cjs/package.json": Fixtures.npmManifest("string-width", "4.2.3"),
        ]))
        #expect(inventory.packages.map(\.name) == ["string-width"])
        #expect(inventory.owner(of: "/app/node_modules/string-width-cjs/index.js")?.name == "string-width")
    }
}
