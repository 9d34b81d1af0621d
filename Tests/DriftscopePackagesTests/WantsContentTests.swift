import Testing
@testable import DriftscopePackages

@Suite struct WantsContentTests {
    static let kib: Int64 = 1 << 10
    static let mib: Int64 = 1 << 20

    @Test(arguments: [
        ("/var/lib/dpkg/status", 300 * kib),
        ("/var/lib/dpkg/status.d/libssl3", 1 * kib),
        ("/var/lib/dpkg/status.d/libssl3.md5sums", 1 * kib),
        ("/var/lib/dpkg/info/bash.list", 1 * kib),
        ("/var/lib/dpkg/info/libc6:amd64.list", 1 * kib),
        ("/lib/apk/db/installed", 16 * mib),
        ("/var/lib/rpm/rpmdb.sqlite", 64 * mib),
        ("/usr/lib/sysimage/rpm/rpmdb.sqlite", 20 * mib),
        ("/usr/lib/python3.11/site-packages/pip-24.0.dist-info/METADATA", 4 * kib),
        ("/usr/lib/python3.11/site-packages/pip-24.0.dist-info/RECORD", 80 * kib),
        ("/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info/PKG-INFO", 1 * kib),
        ("/opt/app/.venv/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA", 0),
        ("/app/node_modules/lodash/package.json", 1 * kib),
        ("/app/node_modules/@babel/core/package.json", 1 * kib),
        ("/usr/local/lib/node_modules/npm/node_modules/semver/package.json", 1 * kib),
    ])
    func keeps(path: String, size: Int64) {
        #expect(PackageDatabase.wantsContent(path: path, size: size))
    }

    @Test(arguments: [
        // Over the size caps.
        ("/var/lib/dpkg/status", 16 * mib + 1),
        ("/var/lib/rpm/rpmdb.sqlite", 64 * mib + 1),
        ("/app/node_modules/lodash/package.json", 17 * mib),
        ("/var/lib/dpkg/status", -1),
        // Near misses.
        ("/var/lib/dpkg/status-old", 1 * kib),
        ("/var/lib/dpkg/available", 1 * kib),
        ("/var/lib/dpkg/status.d", 0),
        ("/var/lib/dpkg/status.d/sub/file", 1 * kib),
        ("/var/lib/dpkg/info/bash.md5sums", 1 * kib),
        ("/var/lib/dpkg/info/bash.postinst", 1 * kib),
        ("/var/lib/dpkg/info/.list", 1 * kib),
        ("/srv/var/lib/dpkg/status", 1 * kib),
        ("/lib/apk/db/scripts.tar", 1 * kib),
        ("/var/lib/rpm/Packages", 1 * kib),
        ("/var/lib/rpm/rpmdb.sqlite-shm", 1 * kib),
        ("/tmp/rpmdb.sqlite", 1 * kib),
        ("/usr/lib/python3.11/site-packages/pip-24.0.dist-info/WHEEL", 1 * kib),
        ("/usr/lib/python3.11/site-packages/.dist-info/METADATA", 1 * kib),
        ("/usr/lib/python3.11/site-packages/pip/METADATA", 1 * kib),
        ("/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info/SOURCES.txt", 1 * kib),
        ("/app/package.json", 1 * kib),
        ("/app/node_modules/package.json", 1 * kib),
        ("/app/node_modules/@babel/package.json", 1 * kib),
        ("/app/node_modules/lodash/fp/package.json", 1 * kib),
        ("/app/node_modules/.pnpm/package.json", 1 * kib),
        ("package.json", 1 * kib),
        ("", 0),
        ("/", 0),
    ])
    func skips(path: String, size: Int64) {
        #expect(!PackageDatabase.wantsContent(path: path, size: size))
    }

    @Test func inventoryIgnoresFilesItWouldNotKeep() {
        let inventory = PackageDatabase.inventory(files: Fixtures.data([
            "/srv/var/lib/dpkg/status": "Package: x\nStatus: install ok installed\nVersion: 1\n",
            "/app/package.json": #"{"name": "app", "version": "1.0.0"}"#,
        ]))
        #expect(inventory == PackageInventory())
    }
}
