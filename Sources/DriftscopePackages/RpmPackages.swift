import Foundation

/// Reads rpm's SQLite database (`rpmdb.sqlite`, rpm 4.16 and later): table `Packages(hnum, blob)`,
/// one header blob per installed package.
enum RpmPackages {
    static func read(_ databases: [(path: String, data: Data)], into inventory: inout InventoryBuilder) {
        for (path, data) in databases {
            guard data.starts(with: Array("SQLite format 3\0".utf8)) else {
                inventory.problem(path, "not a SQLite database (no 'SQLite format 3' header)")
                continue
            }
            do {
                let database = try SQLiteDatabase(deserializing: data)
                try database.run("SELECT hnum, blob FROM Packages ORDER BY hnum") { (row) throws(SQLiteDatabase.Failure) in
                    read(row: row, path: path, into: &inventory)
                }
            } catch {
                inventory.problem(path, "cannot read the rpm database: \(error.message)")
            }
        }
    }

    private static func read(row: [SQLiteDatabase.Value], path: String, into inventory: inout InventoryBuilder) {
        let number: String
        if row.count > 0, case .integer(let hnum) = row[0] { number = "\(hnum)" } else { number = "?" }
        guard row.count > 1, case .blob(let blob) = row[1] else {
            inventory.problem(path, "package \(number): no header blob")
            return
        }
        do throws(RpmHeader.ParseError) {
            let header = try RpmHeader(blob: blob)
            guard let name = try header.string(.name), !name.isEmpty else {
                inventory.problem(path, "package \(number): header has no NAME")
                return
            }
            // Imported signing keys are stored as pseudo-packages; they are not software.
            if name == "gpg-pubkey" { return }
            guard let version = try header.string(.version), !version.isEmpty else {
                inventory.problem(path, "package \(number) (\(name)): header has no VERSION")
                return
            }
            var evr = version
            if let release = try header.string(.release), !release.isEmpty { evr += "-\(release)" }
            // rpm prints an epoch whenever the tag is present, even 0 (`%{EPOCHNUM}` aside).
            if let epoch = try header.int32s(.epoch)?.first { evr = "\(epoch):\(evr)" }
            let architecture = try header.string(.arch).flatMap { $0.isEmpty ? nil : $0 }
            inventory.add(Package(ecosystem: .rpm, name: name, version: evr, architecture: architecture, source: path))

            let owner = PackageOwner(ecosystem: .rpm, name: name)
            do throws(RpmHeader.ParseError) {
                for file in try files(of: header) { inventory.own(file: file, by: owner) }
            } catch {
                inventory.problem(path, "package \(number) (\(name)): file list unreadable, \(error)")
            }
        } catch {
            inventory.problem(path, "package \(number): \(error)")
        }
    }

    /// The absolute paths a header lists: `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]`, or the pre-4.0
    /// `OLDFILENAMES`. Inconsistent lists are reported, never indexed out of range.
    private static func files(of header: RpmHeader) throws(RpmHeader.ParseError) -> [String] {
        if let baseNames = try header.strings(.baseNames) {
            guard let dirNames = try header.strings(.dirNames), let dirIndexes = try header.int32s(.dirIndexes),
                  dirIndexes.count == baseNames.count else {
                throw .outOfBounds(tag: RpmHeader.Tag.dirIndexes.rawValue)
            }
            return try zip(baseNames, dirIndexes).map { (baseName, dirIndex) throws(RpmHeader.ParseError) in
                guard dirIndex >= 0, Int(dirIndex) < dirNames.count else {
                    throw .outOfBounds(tag: RpmHeader.Tag.dirIndexes.rawValue)
                }
                return dirNames[Int(dirIndex)] + baseName
            }
        }
        return try header.strings(.oldFileNames) ?? []
    }
}
