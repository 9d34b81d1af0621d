import Foundation
@testable import DriftscopePackages

/// Real-format package database samples, written the way the package managers write them.
enum Fixtures {
    /// A Debian bookworm status file: libc6 installed for two architectures (Multi-Arch: same), a
    /// package removed with its configuration kept, and a half-installed one.
    static let dpkgStatus = """
    Package: base-files
    Essential: yes
    Status: install ok installed
    Priority: required
    Section: admin
    Installed-Size: 341
    Maintainer: Santiago Vila <sanvila@debian.org>
    Architecture: amd64
    Multi-Arch: foreign
    Version: 12.4+deb12u5
    Replaces: base, dpkg (<= 1.15.0), miscutils
    Provides: base
    Conffiles:
     /etc/debian_version 8f2a5a7ab4d4b5ea6f2e1a8a2e6e1c23
     /etc/dpkg/origins/debian c47b6815f67ad1aeccb0d4529bd0b990
    Description: Debian base system miscellaneous files
     This package contains the basic filesystem hierarchy of a Debian system, and
     several important miscellaneous files, such as /etc/debian_version,
     .
     /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others.
    Homepage: https://tracker.debian.org/pkg/base-files

    Package: libc6
    Status: install ok installed
    Priority: optional
    Section: libs
    Installed-Size: 12986
    Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
    Architecture: amd64
    Multi-Arch: same
    Source: glibc
    Version: 2.36-9+deb12u7
    Depends: libgcc-s1
    Description: GNU C Library: Shared libraries
     Contains the standard libraries that are used by nearly all programs on
     the system.

    Package: libc6
    Status: install ok installed
    Priority: optional
    Section: libs
    Installed-Size: 12048
    Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
    Architecture: i386
    Multi-Arch: same
    Source: glibc
    Version: 2.36-9+deb12u7
    Description: GNU C Library: Shared libraries

    Package: tzdata
    Status: deinstall ok config-files
    Priority: required
    Section: localization
    Installed-Size: 2612
    Architecture: all
    Multi-Arch: foreign
    Version: 2024a-0+deb12u1
    Conffiles:
     /etc/timezone 2f9a8d7c4e34e4bd3b1e4ab0b1d6a1a0
    Description: time zone and daylight-saving time data

    Package: curl
    Status: install reinstreq half-installed
    Architecture: amd64
    Version: 7.88.1-10+deb12u5
    Description: command line tool for transferring data with URL syntax

    Package: bash
    Essential: yes
    Status: install ok installed
    Priority: required
    Section: shells
    Installed-Size: 7163
    Maintainer: Matthias Klose <doko@debian.org>
    Architecture: amd64
    Multi-Arch: foreign
    Version: 5.2.15-2+b2
    Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
    Description: GNU Bourne Again SHell

    """

    static let dpkgLists: [String: String] = [
        "/var/lib/dpkg/info/bash.list": "/.\n/bin\n/bin/bash\n/etc\n/etc/bash.bashrc\n/usr/share/doc/bash\n",
        "/var/lib/dpkg/info/libc6:amd64.list": "/.\n/lib/x86_64-linux-gnu/libc.so.6\n/usr\n",
        "/var/lib/dpkg/info/libc6:i386.list": "/.\n/lib/i386-linux-gnu/libc.so.6\n/usr\n",
        "/var/lib/dpkg/info/tzdata.list": "/.\n/usr/share/zoneinfo/UTC\n",
        "/var/lib/dpkg/info/base-files.list": "/.\n/etc/debian_version\n/usr\n/etc\n",
    ]

    /// A distroless image: one stanza per file, no Status field, checksum lists for the files.
    static let distroless: [String: String] = [
        "/var/lib/dpkg/status.d/libssl3": """
        Package: libssl3
        Version: 3.0.13-1~deb12u1
        Architecture: arm64
        Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
        Installed-Size: 6200
        Depends: libc6 (>= 2.34)
        Section: libs
        Priority: optional
        Multi-Arch: same
        Homepage: https://www.openssl.org/
        Description: Secure Sockets Layer toolkit - shared libraries

        """,
        "/var/lib/dpkg/status.d/libssl3.md5sums": """
        0ab5c1f6a2b7f5d0a1a4e9bb4dc1a9d9  usr/lib/aarch64-linux-gnu/libssl.so.3
        3d2f0b6e0e4bb7e0a3d2ab4f5c01c2d1  usr/share/doc/libssl3/changelog.Debian.gz

        """,
        "/var/lib/dpkg/status.d/tzdata": """
        Package: tzdata
        Version: 2024a-0+deb12u1
        Architecture: all
        Description: time zone and daylight-saving time data

        """,
    ]

    /// An Alpine 3.20 `/lib/apk/db/installed` with two packages.
    static let apkInstalled = """
    C:Q1X3gXcm8K1I3Ws0nxbjEzyl6PlxU=
    P:musl
    V:1.2.5-r0
    A:x86_64
    S:411323
    I:662528
    T:the musl c library (libc) implementation
    U:https://musl.libc.org/
    L:MIT
    o:musl
    m:Natanael Copa <ncopa@alpinelinux.org>
    t:1712249452
    c:17ebd67fd8ec9a9d1ade2b5bac0d9e4e8bdd2a9f
    p:so:libc.musl-x86_64.so.1=1
    F:lib
    R:ld-musl-x86_64.so.1
    a:0:0:755
    Z:Q1IIa3o/lAbI+Ndyx9bXxxB8OwFYQ=
    R:libc.musl-x86_64.so.1
    a:0:0:777
    Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

    C:Q1nDbLgZtWQU0O6N9h6fvwJ1mO4Vk=
    P:busybox
    V:1.36.1-r29
    A:x86_64
    S:509592
    I:955392
    T:Size optimized toolbox of many common UNIX utilities
    U:https://busybox.net/
    L:GPL-2.0-only
    o:busybox
    m:Sören Tempel <soeren+alpine@soeren-tempel.net>
    t:1716200834
    c:4a4b3da0e5f5d8fa1aec8d3bf8dd1aa6b2fc9f9a
    D:so:libc.musl-x86_64.so.1
    F:bin
    R:busybox
    a:0:0:755
    Z:Q1Jq2mN6ntI0vlAQvGZwVfsc3P4Xg=
    F:etc
    R:securetty
    Z:Q1ltrPIAROLU3ZlCJ3OLrPcOiSIHo=
    F:usr/share/udhcpc
    R:default.script

    """

    static let sitePackages = "/usr/local/lib/python3.11/site-packages"

    static let typingExtensionsMetadata = """
    Metadata-Version: 2.1
    Name: Typing_Extensions
    Version: 4.12.2
    Summary: Backported and Experimental Type Hints for Python 3.8+
    Keywords: annotations,backport,checker,checking,function,hinting,hints,type,typechecking,typehinting,typehints,typing
    Author-email: "Guido van Rossum, Jukka Lehtosalo, Łukasz Langa, Michael Lee" <levkivskyi@gmail.com>
    Requires-Python: >=3.8
    Description-Content-Type: text/markdown
    Classifier: Development Status :: 5 - Production/Stable
    Classifier: License :: OSI Approved :: Python Software Foundation License
    Project-URL: Home, https://github.com/python/typing_extensions

    # Typing Extensions
    Name: not-a-header
    Version: 0.0.0

    """

    static let typingExtensionsRecord = """
    __pycache__/typing_extensions.cpython-311.pyc,,
    typing_extensions-4.12.2.dist-info/INSTALLER,sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg,4
    typing_extensions-4.12.2.dist-info/METADATA,sha256=BeUQIa8cnYbrjWx-N8TOznM9UGW5Gm2-BMP-MqyAwd4,3018
    typing_extensions-4.12.2.dist-info/RECORD,,
    typing_extensions-4.12.2.dist-info/WHEEL,sha256=EZbGkh7Ie4PoZfRQ8I0ZuP9VklN_TvcZ6DSE5Uar4z4,81
    typing_extensions.py,sha256=gmXHMRgW4-v8SbnC0bS-6BATKgXpdD3sZB2qtUBx6A0,134451\r
    "odd, name.py",sha256=AAAA,12
    "with ""quotes"".py",sha256=BBBB,13
    ../../../bin/typing-demo,sha256=CCCC,200

    """

    static let pythonAptPkgInfo = """
    Metadata-Version: 1.1
    Name: python-apt
    Version: 2.6.0
    Summary: Python bindings for APT
    Home-page: UNKNOWN
    Author: APT Development Team
    Author-email: deity@lists.debian.org
    License: GNU GPL
    Description: UNKNOWN
    Platform: posix

    """

    static func npmManifest(_ name: String, _ version: String) -> String {
        """
        {
          "name": "\(name)",
          "version": "\(version)",
          "description": "fixture",
          "main": "index.js",
          "license": "MIT",
          "repository": { "type": "git", "url": "git+https://example.invalid/\(name).git" },
          "_resolved": "https://registry.npmjs.org/\(name)/-/x-\(version).tgz"
        }
        """
    }

    /// A small app tree: top-level packages, a scoped one with a nested dependency at another version,
    /// and package.json files that are not package manifests.
    static let npmTree: [String: String] = [
        "/app/package.json": #"{"name": "my-app", "version": "1.0.0", "private": true}"#,
        "/app/node_modules/lodash/package.json": npmManifest("lodash", "4.17.21"),
        "/app/node_modules/semver/package.json": npmManifest("semver", "7.6.0"),
        "/app/node_modules/@babel/core/package.json": npmManifest("@babel/core", "7.24.0"),
        "/app/node_modules/@babel/core/node_modules/semver/package.json": npmManifest("semver", "6.3.1"),
        "/app/node_modules/resolve/package.json": npmManifest("resolve", "1.22.8"),
        "/app/node_modules/resolve/test/resolver/nested/package.json": #"{"name": "fixture", "version": "9.9.9"}"#,
        "/app/node_modules/@babel/runtime/helpers/esm/package.json": #"{"type": "module"}"#,
    ]

    static func data(_ files: [String: String]) -> [String: Data] {
        files.mapValues { Data($0.utf8) }
    }
}

/// Builds RPM header blobs byte by byte, the way rpm lays them out in its database.
enum RpmBlob {
    enum Value {
        case string(String)
        case strings([String])
        case int32s([Int32])
    }

    /// Tag, then value; a leading immutable-region entry (tag 63) is added as rpm does.
    static func build(_ entries: [(tag: Int32, value: Value)]) -> [UInt8] {
        var index: [UInt8] = []
        var data: [UInt8] = []
        let entryCount = entries.count + 1
        func append(_ tag: Int32, _ type: UInt32, _ offset: Int32, _ count: UInt32) {
            index += bigEndian(UInt32(bitPattern: tag)) + bigEndian(type)
            index += bigEndian(UInt32(bitPattern: offset)) + bigEndian(count)
        }
        for (tag, value) in entries {
            switch value {
            case .string(let text):
                append(tag, 6, Int32(data.count), 1)
                data += Array(text.utf8) + [0]
            case .strings(let texts):
                append(tag, 8, Int32(data.count), UInt32(texts.count))
                for text in texts { data += Array(text.utf8) + [0] }
            case .int32s(let numbers):
                while data.count % 4 != 0 { data.append(0) }
                append(tag, 4, Int32(data.count), UInt32(numbers.count))
                for number in numbers { data += bigEndian(UInt32(bitPattern: number)) }
            }
        }
        // The region trailer: an entry naming tag 63 whose offset points back over the whole index.
        let trailerOffset = Int32(data.count)
        data += bigEndian(63) + bigEndian(7) + bigEndian(UInt32(bitPattern: -Int32(entryCount * 16))) + bigEndian(16)
        var region: [UInt8] = []
        region += bigEndian(63) + bigEndian(7) + bigEndian(UInt32(bitPattern: trailerOffset)) + bigEndian(16)
        return bigEndian(UInt32(entryCount)) + bigEndian(UInt32(data.count)) + region + index + data
    }

    /// A typical package header with a file list.
    static func package(
        name: String, version: String, release: String, epoch: Int32? = nil, arch: String = "x86_64",
        dirNames: [String] = [], files: [(dirIndex: Int32, baseName: String)] = []
    ) -> [UInt8] {
        var entries: [(tag: Int32, value: Value)] = [
            (1000, .string(name)), (1001, .string(version)), (1002, .string(release)),
        ]
        if let epoch { entries.append((1003, .int32s([epoch]))) }
        entries.append((1004, .string("summary of \(name)")))
        entries.append((1022, .string(arch)))
        if !files.isEmpty {
            entries.append((1116, .int32s(files.map(\.dirIndex))))
            entries.append((1117, .strings(files.map(\.baseName))))
            entries.append((1118, .strings(dirNames)))
        }
        return build(entries)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// An `rpmdb.sqlite` with rpm's schema, built in memory with SQLite and returned as file bytes.
    static func database(_ blobs: [[UInt8]]) throws -> Data {
        let database = try SQLiteDatabase(path: ":memory:")
        try create(blobs, in: database)
        return try database.serialize()
    }

    static func create(_ blobs: [[UInt8]], in database: SQLiteDatabase) throws {
        try database.execute("""
            CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);
            CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL,
                FOREIGN KEY (hnum) REFERENCES Packages(hnum));
            CREATE INDEX Name_key_idx ON Name(key ASC);
            """)
        for blob in blobs {
            try database.run("INSERT INTO Packages (blob) VALUES (?)", [.blob(blob)])
        }
    }
}
