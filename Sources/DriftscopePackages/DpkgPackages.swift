import Foundation

/// Reads the dpkg database: `/var/lib/dpkg/status`, distroless `status.d/*` stanza files, and the
/// file lists that say which package owns which path.
enum DpkgPackages {
    /// One installed stanza before multi-arch naming is applied.
    private struct Installed {
        var name: String
        var version: String
        var architecture: String?
        var source: String
    }

    static func read(
        status: [(path: String, data: Data)],
        fragments: [(path: String, data: Data)],
        checksums: [(path: String, data: Data)],
        fileLists: [(path: String, data: Data)],
        into inventory: inout InventoryBuilder
    ) {
        var installed: [Installed] = []
        for (path, data) in status {
            installed += stanzas(path: path, data: data, statusRequired: true, into: &inventory)
        }
        for (path, data) in fragments {
            let found = stanzas(path: path, data: data, statusRequired: false, into: &inventory)
            if found.count > 1 {
                inventory.problem(path, "a status.d file should hold one stanza, found \(found.count); all were kept")
            }
            installed += found
        }

        // dpkg qualifies a name with its architecture only where the name alone is ambiguous: a
        // Multi-Arch: same package installed for two architectures.
        var architectures: [String: Set<String>] = [:]
        for package in installed {
            architectures[package.name, default: []].insert(package.architecture ?? "")
        }
        var displayNames: [NameKey: String] = [:]
        var namesByPackage: [String: [String]] = [:]
        var namesBySource: [String: String] = [:]
        for package in installed {
            var name = package.name
            if let architecture = package.architecture, (architectures[package.name]?.count ?? 0) > 1 {
                name += ":\(architecture)"
            }
            inventory.add(Package(
                ecosystem: .dpkg, name: name, version: package.version,
                architecture: package.architecture, source: package.source))
            displayNames[NameKey(name: package.name, architecture: package.architecture)] = name
            namesByPackage[package.name, default: []].append(name)
            namesBySource[package.source] = name
        }

        for (path, data) in fileLists {
            // `<name>.list`, or `<name>:<arch>.list` for Multi-Arch: same packages.
            let stem = PathParts(path).name.dropLast(".list".count)
            let key: NameKey
            if let colon = stem.lastIndex(of: ":") {
                key = NameKey(name: String(stem[..<colon]), architecture: String(stem[stem.index(after: colon)...]))
            } else {
                key = NameKey(name: String(stem), architecture: nil)
            }
            // A list for a package that is not installed (removed, config-files only) owns nothing.
            guard let owner = displayNames[key] ?? Set(namesByPackage[key.name] ?? []).onlyElement else { continue }
            guard case .success(let text) = DatabaseText.decode(data) else {
                inventory.problem(path, DatabaseText.TextError.binary.description)
                continue
            }
            let packageOwner = PackageOwner(ecosystem: .dpkg, name: owner)
            for line in TextLines(text) where line.first == "/" && line != "/." {
                inventory.own(file: String(line), by: packageOwner)
            }
        }

        // Distroless images have no `info/*.list`; `status.d/<pkg>.md5sums` lists the files instead, as
        // `<md5>  <path relative to />`.
        for (path, data) in checksums {
            let fragment = String(path.dropLast(".md5sums".count))
            guard let owner = namesBySource[fragment] ?? Set(namesByPackage[String(PathParts(fragment).name)] ?? []).onlyElement else {
                continue
            }
            guard case .success(let text) = DatabaseText.decode(data) else {
                inventory.problem(path, DatabaseText.TextError.binary.description)
                continue
            }
            let packageOwner = PackageOwner(ecosystem: .dpkg, name: owner)
            for line in TextLines(text) {
                guard let space = line.firstIndex(of: " ") else { continue }
                let file = line[space...].drop { $0 == " " || $0 == "*" }
                guard !file.isEmpty else { continue }
                inventory.own(file: PathParts.resolve(file, in: "/"), by: packageOwner)
            }
        }
    }

    private struct NameKey: Hashable {
        var name: String
        var architecture: String?
    }

    /// The installed packages of one status-format file. `statusRequired` is true for the main status
    /// file, where every stanza carries `Status:`; distroless fragments omit it and mean installed.
    private static func stanzas(
        path: String, data: Data, statusRequired: Bool, into inventory: inout InventoryBuilder
    ) -> [Installed] {
        let text: String
        switch DatabaseText.decode(data) {
        case .success(let decoded): text = decoded
        case .failure(let error):
            inventory.problem(path, error.description)
            return []
        }
        let parsed = ControlText(text)
        if let summary = parsed.malformedSummary { inventory.problem(path, summary) }
        var result: [Installed] = []
        for stanza in parsed.stanzas {
            guard let name = stanza["Package"], !name.isEmpty, !name.contains(where: \.isWhitespace) else {
                inventory.problem(path, "stanza at line \(stanza.line) has no valid Package field")
                continue
            }
            if let status = stanza["Status"] {
                // "want flag status"; the third word alone says whether the files are on disk and configured.
                // `half-installed` and `not-installed` also end in "installed", so compare the whole word.
                guard status.split(whereSeparator: \.isWhitespace).last == "installed" else { continue }
            } else if statusRequired {
                inventory.problem(path, "package \(name) (line \(stanza.line)) has no Status field")
                continue
            }
            guard let version = stanza["Version"], !version.isEmpty else {
                inventory.problem(path, "package \(name) (line \(stanza.line)) has no Version field")
                continue
            }
            let architecture = stanza["Architecture"].flatMap { $0.isEmpty ? nil : $0 }
            result.append(Installed(name: name, version: version, architecture: architecture, source: path))
        }
        return result
    }
}

extension Set {
    /// The element of a one-element set; `nil` when empty or ambiguous.
    var onlyElement: Element? { count == 1 ? first : nil }
}
