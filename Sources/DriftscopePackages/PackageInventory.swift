/// Everything the package databases of one image's merged filesystem say: the installed packages,
/// which files they own, and which database files could not be read.
public struct PackageInventory: Codable, Sendable, Equatable {
    /// The installed packages, sorted.
    public var packages: [Package]
    /// The ecosystems whose databases were found, sorted, including those that list no package or could
    /// not be read.
    public var ecosystems: [Ecosystem]
    /// One entry per unreadable file or record, each `"path: what is wrong"`. Bad data never throws.
    public var problems: [String]
    /// Absolute file path to `"ecosystem:name"` for every file a package database lists by name
    /// (dpkg `.list` and distroless `.md5sums`, apk `R:` lines, rpm file lists, python `RECORD`).
    ///
    /// A path claimed by several packages (typically a shared directory) keeps the first owner in
    /// `Ecosystem` order, then by name, so the map does not depend on the order files were read.
    public var fileOwners: [String: String]
    /// Absolute folder path to `"ecosystem:name"` for packages that own a whole folder: npm package
    /// folders and python `.dist-info` / `.egg-info` folders. `owner(of:)` consults it by prefix, the
    /// deepest folder winning, after `fileOwners`.
    public var directoryOwners: [String: String]

    /// Creates an inventory; `packages` and `ecosystems` are sorted here.
    public init(
        packages: [Package] = [], ecosystems: [Ecosystem] = [], problems: [String] = [],
        fileOwners: [String: String] = [:], directoryOwners: [String: String] = [:]
    ) {
        self.packages = packages.sorted()
        self.ecosystems = Array(Set(ecosystems)).sorted()
        self.problems = problems
        self.fileOwners = fileOwners
        self.directoryOwners = directoryOwners
    }

    /// The package-level differences from `a` to `b`, sorted by ecosystem then name.
    ///
    /// Each `(ecosystem, name)` is compared by its sorted set of distinct versions; architecture and
    /// source path do not count, so a package that merely moved between databases is not a change.
    public static func changes(from a: PackageInventory, to b: PackageInventory) -> [PackageChange] {
        let before = a.versionsByName(), after = b.versionsByName()
        let keys = Set(before.keys).union(after.keys).sorted()
        var result: [PackageChange] = []
        for key in keys {
            let from = before[key] ?? [], to = after[key] ?? []
            guard from != to else { continue }
            result.append(PackageChange(
                ecosystem: key.ecosystem, name: key.name,
                from: from.isEmpty ? nil : from.sorted().joined(separator: ", "),
                to: to.isEmpty ? nil : to.sorted().joined(separator: ", ")))
        }
        return result
    }

    /// The package that owns `path` (absolute), from the explicit file listings first, then from the
    /// deepest owning folder; `nil` when no database claims it.
    public func owner(of path: String) -> (ecosystem: Ecosystem, name: String)? {
        if let owner = fileOwners[path].flatMap(PackageOwner.init(key:)) {
            return (owner.ecosystem, owner.name)
        }
        guard !directoryOwners.isEmpty else { return nil }
        var folder = Substring(path)
        while folder.count > 1, folder.last == "/" { folder = folder.dropLast() }
        while !folder.isEmpty {
            if let owner = directoryOwners[String(folder)].flatMap(PackageOwner.init(key:)) {
                return (owner.ecosystem, owner.name)
            }
            guard let slash = folder.lastIndex(of: "/") else { break }
            folder = folder[..<slash]
        }
        return nil
    }

    /// A stable text naming every package as `"ecosystem name version[ architecture]"`, one sorted line
    /// each, each ending in a newline. Equal for two images with the same dependency tree, whatever the
    /// order or location of their databases; meant to be hashed.
    public var fingerprint: String {
        packages.map { package in
            var line = "\(package.ecosystem.rawValue) \(package.name) \(package.version)"
            if let architecture = package.architecture { line += " \(architecture)" }
            return line + "\n"
        }
        .sorted()
        .joined()
    }

    private func versionsByName() -> [PackageOwner: Set<String>] {
        var result: [PackageOwner: Set<String>] = [:]
        for package in packages {
            result[PackageOwner(ecosystem: package.ecosystem, name: package.name), default: []].insert(package.version)
        }
        return result
    }
}

/// An `(ecosystem, name)` pair, written `"ecosystem:name"` in the ownership maps.
struct PackageOwner: Hashable, Comparable, Sendable {
    var ecosystem: Ecosystem
    var name: String

    init(ecosystem: Ecosystem, name: String) {
        self.ecosystem = ecosystem
        self.name = name
    }

    /// Parses `"ecosystem:name"`; the name may itself hold colons (`libc6:amd64`).
    init?(key: String) {
        guard let colon = key.firstIndex(of: ":"),
              let ecosystem = Ecosystem(rawValue: String(key[..<colon])) else { return nil }
        self.init(ecosystem: ecosystem, name: String(key[key.index(after: colon)...]))
    }

    var key: String { "\(ecosystem.rawValue):\(name)" }

    static func < (lhs: PackageOwner, rhs: PackageOwner) -> Bool {
        lhs.ecosystem != rhs.ecosystem ? lhs.ecosystem < rhs.ecosystem : lhs.name < rhs.name
    }
}
