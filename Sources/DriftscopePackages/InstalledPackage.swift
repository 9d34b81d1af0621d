// The type is `Package`; the file is not named Package.swift because SwiftPM treats a folder holding a
// file of that name as a nested package and would drop this whole target.

/// One installed package as a package database records it.
public struct Package: Hashable, Codable, Sendable, Comparable {
    /// The package manager that installed it.
    public var ecosystem: Ecosystem
    /// The package name: as installed for dpkg, apk, rpm and npm (`@scope/name` for scoped npm packages),
    /// normalised per PEP 503 for python. A dpkg package installed for two architectures is `name:arch`.
    public var name: String
    /// The version as the package manager writes it (rpm: `[epoch:]version-release`).
    public var version: String
    /// The architecture for dpkg, apk and rpm when the database records one.
    public var architecture: String?
    /// The absolute image path of the file the package was read from (database, METADATA or package.json).
    public var source: String

    /// Creates a package record.
    public init(ecosystem: Ecosystem, name: String, version: String, architecture: String? = nil, source: String) {
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
        self.architecture = architecture
        self.source = source
    }

    /// Orders by ecosystem, name, version, architecture, then source, so that sorting is total and stable.
    public static func < (lhs: Package, rhs: Package) -> Bool {
        if lhs.ecosystem != rhs.ecosystem { return lhs.ecosystem < rhs.ecosystem }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        if lhs.version != rhs.version { return lhs.version < rhs.version }
        let la = lhs.architecture ?? "", ra = rhs.architecture ?? ""
        if la != ra { return la < ra }
        return lhs.source < rhs.source
    }
}
