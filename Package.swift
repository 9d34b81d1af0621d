// swift-tools-version:6.0
// driftscope: a build-reproducibility verifier for container images.
//
// Data flows one way, one module per stage (see ../shared/STYLE.md):
//   DriftscopeArchive  libarchive + libcrypto wrappers (the only module importing them)
//   DriftscopeImage    inputs, OCI/Docker formats, blob verification, layer walk, merged filesystem
//   DriftscopePackages package databases (dpkg, apk, rpm, python, npm)
//   DriftscopeDiff     line and binary diff algorithms
//   DriftscopeCompare  pairing, classification rules, verdicts, policy
//   DriftscopeReport   text / JSON / HTML / Markdown renderers over one result value
//   DriftscopeForensics release records, snapshots, verify
//   DriftscopeLint     Dockerfile pinning audit (text / JSON / SARIF)
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "driftscope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "driftscope", targets: ["driftscope"]),
        .library(name: "DriftscopeKit", targets: [
            "DriftscopeArchive", "DriftscopeImage", "DriftscopePackages", "DriftscopeDiff",
            "DriftscopeCompare", "DriftscopeReport", "DriftscopeForensics", "DriftscopeLint",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "DriftscopeArchive", dependencies: ["CArchive", "CCrypto"], swiftSettings: swift6),
        .target(name: "DriftscopeImage", dependencies: ["DriftscopeArchive"], swiftSettings: swift6),
        .target(name: "DriftscopePackages", dependencies: ["CSQLite"], swiftSettings: swift6),
        .target(name: "DriftscopeDiff", dependencies: [], swiftSettings: swift6),
        .target(name: "DriftscopeCompare", dependencies: [
            "DriftscopeImage", "DriftscopePackages", "DriftscopeDiff", "DriftscopeArchive",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: swift6),
        .target(name: "DriftscopeReport", dependencies: ["DriftscopeCompare", "DriftscopeDiff"], swiftSettings: swift6),
        .target(name: "DriftscopeForensics", dependencies: ["DriftscopeCompare", "DriftscopeImage", "DriftscopeArchive"], swiftSettings: swift6),
        .target(name: "DriftscopeLint", dependencies: [], swiftSettings: swift6),
        .executableTarget(name: "driftscope", dependencies: [
            "DriftscopeArchive", "DriftscopeImage", "DriftscopeCompare", "DriftscopeReport", "DriftscopeForensics", "DriftscopeLint",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swift6),

        // Test support: a deterministic fixture builder (OCI layouts, docker-archives) used by most tests.
        .target(name: "DriftscopeTestSupport", dependencies: ["DriftscopeArchive"], path: "Tests/Support", swiftSettings: swift6),
        .testTarget(name: "DriftscopeArchiveTests", dependencies: ["DriftscopeArchive", "DriftscopeTestSupport"], swiftSettings: swift6),
        .testTarget(name: "DriftscopeImageTests", dependencies: ["DriftscopeImage", "DriftscopeArchive", "DriftscopeTestSupport"], swiftSettings: swift6),
        .testTarget(name: "DriftscopePackagesTests", dependencies: ["DriftscopePackages"], swiftSettings: swift6),
        .testTarget(name: "DriftscopeDiffTests", dependencies: ["DriftscopeDiff"], swiftSettings: swift6),
        .testTarget(name: "DriftscopeCompareTests", dependencies: ["DriftscopeCompare", "DriftscopeImage", "DriftscopeArchive", "DriftscopeTestSupport"], swiftSettings: swift6),
        .testTarget(name: "DriftscopeReportTests", dependencies: ["DriftscopeReport", "DriftscopeCompare", "DriftscopeDiff", "DriftscopePackages", "DriftscopeTestSupport"], exclude: ["Golden", "Inputs"], swiftSettings: swift6),
        .testTarget(name: "DriftscopeForensicsTests", dependencies: ["DriftscopeForensics", "DriftscopeCompare", "DriftscopeImage", "DriftscopeArchive", "DriftscopeTestSupport"], swiftSettings: swift6),
        .testTarget(name: "DriftscopeLintTests", dependencies: ["DriftscopeLint"], swiftSettings: swift6),
        .testTarget(name: "CLITests", dependencies: ["DriftscopeArchive", "DriftscopeTestSupport"], swiftSettings: swift6),
    ]
)
