import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct PythonTests {
    static let distInfo = "\(Fixtures.sitePackages)/typing_extensions-4.12.2.dist-info"
    static let eggInfo = "/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info"
    static let files = Fixtures.data([
        "\(distInfo)/METADATA": Fixtures.typingExtensionsMetadata,
        "\(distInfo)/RECORD": Fixtures.typingExtensionsRecord,
        "\(eggInfo)/PKG-INFO": Fixtures.pythonAptPkgInfo,
    ])

    @Test func readsDistInfoAndEggInfo() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.ecosystems == [.python])
        #expect(inventory.packages == [
            Package(ecosystem: .python, name: "python-apt", version: "2.6.0", source: "\(Self.eggInfo)/PKG-INFO"),
            Package(ecosystem: .python, name: "typing-extensions", version: "4.12.2", source: "\(Self.distInfo)/METADATA"),
        ])
    }

    @Test(arguments: [
        ("typing_extensions", "typing-extensions"),
        ("Django", "django"),
        ("zope.interface", "zope-interface"),
        ("Foo__Bar-._baz", "foo-bar-baz"),
        ("ruamel.yaml.clib", "ruamel-yaml-clib"),
        ("pip", "pip"),
    ])
    func namesAreNormalisedPerPEP503(raw: String, normalised: String) {
        #expect(PythonPackages.normalisedName(raw) == normalised)
    }

    @Test(arguments: [
        ("typing_extensions.py", "python:typing-extensions"),
        ("__pycache__/typing_extensions.cpython-311.pyc", "python:typing-extensions"),
        ("typing_extensions-4.12.2.dist-info/WHEEL", "python:typing-extensions"),
        ("odd, name.py", "python:typing-extensions"),
        ("with \"quotes\".py", "python:typing-extensions"),
    ])
    func recordPathsAreRelativeToSitePackages(relative: String, owner: String) {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.fileOwners["\(Fixtures.sitePackages)/\(relative)"] == owner)
    }

    @Test func recordPathsMayClimbOutOfSitePackages() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.owner(of: "/usr/local/bin/typing-demo")?.name == "typing-extensions")
    }

    @Test func metadataFoldersAreOwnedWholesale() {
        let inventory = PackageDatabase.inventory(files: Self.files)
        #expect(inventory.owner(of: "\(Self.eggInfo)/top_level.txt")?.name == "python-apt")
        #expect(inventory.owner(of: "\(Self.distInfo)/entry_points.txt")?.name == "typing-extensions")
        #expect(inventory.owner(of: "\(Fixtures.sitePackages)/other.py") == nil)
    }

    @Test func headersStopAtTheFirstBlankLine() {
        let text = "Metadata-Version: 2.1\nName: demo\n\nVersion: 1.0\n"
        let inventory = PackageDatabase.inventory(files: Fixtures.data(["/x/demo-1.0.dist-info/METADATA": text]))
        #expect(inventory.packages.isEmpty)
        #expect(inventory.problems == ["/x/demo-1.0.dist-info/METADATA: no Version: header"])
    }

    @Test func sameDistributionInTwoSitePackagesIsKeptTwice() {
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA": "Name: six\nVersion: 1.16.0\n",
            "/opt/venv/lib/python3.11/site-packages/six-1.17.0.dist-info/METADATA": "Name: six\nVersion: 1.17.0\n",
        ]))
        #expect(inventory.packages.map(\.version) == ["1.16.0", "1.17.0"])
    }

    @Test func recordWithUnterminatedQuoteIsAProblemButThePackageStays() {
        let info = "/site/demo-1.0.dist-info"
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "\(info)/METADATA": "Name: demo\nVersion: 1.0\n",
            "\(info)/RECORD": "demo.py,,\n\"broken,,\n",
        ]))
        #expect(inventory.packages.map(\.name) == ["demo"])
        #expect(inventory.problems == ["\(info)/RECORD: row 2: quoted field is never closed"])
    }

    @Test(arguments: [
        ("a,b,c\n", [["a", "b", "c"]]),
        ("a,b,c", [["a", "b", "c"]]),
        ("a,,\r\nb,,\r\n", [["a", "", ""], ["b", "", ""]]),
        ("\"x,y\",1,2\n", [["x,y", "1", "2"]]),
        ("\"say \"\"hi\"\"\",,\n", [["say \"hi\"", "", ""]]),
        ("\"multi\nline\",1\n", [["multi\nline", "1"]]),
        ("\n\n", []),
    ])
    func csvDialect(text: String, rows: [[String]]) throws {
        #expect(try CSVRows.parse(Data(text.utf8)) == rows)
    }
}
