/// How one package name differs between two inventories.
///
/// When a name is installed at several versions (nested npm packages, two python site-packages), `from`
/// and `to` list the sorted distinct versions joined with ", ".
public struct PackageChange: Hashable, Codable, Sendable {
    /// The package manager of the package.
    public var ecosystem: Ecosystem
    /// The package name.
    public var name: String
    /// The version(s) in the first inventory; `nil` when the package was added.
    public var from: String?
    /// The version(s) in the second inventory; `nil` when the package was removed.
    public var to: String?

    /// Creates a change record.
    public init(ecosystem: Ecosystem, name: String, from: String?, to: String?) {
        self.ecosystem = ecosystem
        self.name = name
        self.from = from
        self.to = to
    }
}
