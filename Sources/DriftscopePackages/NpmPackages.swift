import Foundation

/// Where a folder sits in a `node_modules` tree.
enum NpmPackageFolder {
    /// The package name a folder is installed under: `X` for `.../node_modules/X`, `@s/X` for
    /// `.../node_modules/@s/X`; `nil` for any other folder, such as a test fixture deep inside a package,
    /// a scope folder itself, or tool folders like `node_modules/.bin` and `node_modules/.pnpm`.
    static func name(ofFolder folder: some StringProtocol) -> Substring? {
        let inner = PathParts(folder)
        guard let parent = inner.folder, isPackageComponent(inner.name) else { return nil }
        let outer = PathParts(parent)
        if outer.name == "node_modules" {
            return inner.name.first == "@" ? nil : inner.name
        }
        guard outer.name.first == "@", outer.name.utf8.count > 1, isPackageComponent(outer.name),
              let grandparent = outer.folder, PathParts(grandparent).name == "node_modules" else { return nil }
        let scoped = Substring(folder)
        return scoped[outer.name.startIndex...]
    }

    private static func isPackageComponent(_ component: Substring) -> Bool {
        !component.isEmpty && component.first != "."
    }
}

/// Reads `node_modules/**/package.json` manifests.
enum NpmPackages {
    static func read(_ manifests: [(path: String, data: Data)], into inventory: inout InventoryBuilder) {
        for (path, data) in manifests {
            let folder = PathParts(path).folder.map(String.init) ?? "/"
            guard let folderName = NpmPackageFolder.name(ofFolder: folder) else { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: data, options: [])
            } catch {
                inventory.problem(path, "not valid JSON (\(Self.describe(error)))")
                continue
            }
            guard let manifest = object as? [String: Any] else {
                inventory.problem(path, "package.json is not a JSON object")
                continue
            }
            // An aliased install (`npm i alias@npm:real`) keeps the real name in the manifest; the folder
            // name is only the fallback for manifests that omit it.
            let name = (manifest["name"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? String(folderName)
            guard let version = manifest["version"] as? String, !version.isEmpty else {
                inventory.problem(path, "package.json has no \"version\" string")
                continue
            }
            inventory.add(Package(ecosystem: .npm, name: name, version: version, source: path))
            inventory.own(folder: folder, by: PackageOwner(ecosystem: .npm, name: name))
        }
    }

    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}
