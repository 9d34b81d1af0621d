/// Accumulates what the readers find, then freezes it into a `PackageInventory`.
struct InventoryBuilder {
    /// At most this many problems are kept per file; a corrupt database can otherwise produce thousands.
    static let problemsPerFile = 10

    private(set) var packages: [Package] = []
    private var ecosystems: Set<Ecosystem> = []
    private var problems: [String] = []
    private var problemCounts: [String: Int] = [:]
    private var fileOwners: [String: PackageOwner] = [:]
    private var directoryOwners: [String: PackageOwner] = [:]

    mutating func found(_ ecosystem: Ecosystem) {
        ecosystems.insert(ecosystem)
    }

    mutating func add(_ package: Package) {
        packages.append(package)
    }

    mutating func problem(_ path: String, _ message: String) {
        let count = problemCounts[path, default: 0] + 1
        problemCounts[path] = count
        if count <= Self.problemsPerFile { problems.append("\(path): \(message)") }
    }

    /// Records that `owner` lists `path`. When several packages list the same path (a shared folder
    /// such as `/usr/bin`), the smallest owner wins so the result does not depend on reading order.
    mutating func own(file path: String, by owner: PackageOwner) {
        if let existing = fileOwners[path], existing <= owner { return }
        fileOwners[path] = owner
    }

    /// Records that `owner` owns everything under `folder`.
    mutating func own(folder: String, by owner: PackageOwner) {
        if let existing = directoryOwners[folder], existing <= owner { return }
        directoryOwners[folder] = owner
    }

    func build() -> PackageInventory {
        var allProblems = problems
        for (path, count) in problemCounts.sorted(by: { $0.key < $1.key }) where count > Self.problemsPerFile {
            allProblems.append("\(path): \(count - Self.problemsPerFile) more problems not shown")
        }
        return PackageInventory(
            packages: packages,
            ecosystems: Array(ecosystems),
            problems: allProblems,
            fileOwners: fileOwners.mapValues(\.key),
            directoryOwners: directoryOwners.mapValues(\.key))
    }
}
