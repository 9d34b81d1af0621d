import Foundation

/// The entry points: which files the layer walk must keep, and the inventory built from them.
///
/// Paths are absolute image paths as they appear in the merged filesystem (`/var/lib/dpkg/status`).
/// Nothing here reads the disk; the caller hands over the bytes.
public enum PackageDatabase {
    /// Whether the layer walk must keep the content of this file (absolute path) for `inventory(files:)`.
    /// Must be cheap: called for every file of every layer.
    ///
    /// True for the dpkg status file, distroless `status.d/*` files and `info/*.list` lists; apk's
    /// `installed`; `rpmdb.sqlite` (up to 64 MiB); python `.dist-info/METADATA`, `.dist-info/RECORD` and
    /// `.egg-info/PKG-INFO`; and `package.json` directly inside an npm package folder. Text files are
    /// capped at 16 MiB.
    public static func wantsContent(path: String, size: Int64) -> Bool {
        guard size >= 0, let kind = DatabaseFile(path: path) else { return false }
        return size <= kind.sizeLimit
    }

    /// Parses every recognised database among `files`.
    ///
    /// Files `wantsContent` would not keep are ignored, so the caller may pass more than it kept.
    /// Unreadable files and records become `problems`; this never throws and never traps on bad data.
    public static func inventory(files: [String: Data]) -> PackageInventory {
        var byKind: [DatabaseFile: [(path: String, data: Data)]] = [:]
        var builder = InventoryBuilder()
        for path in files.keys.sorted() {
            guard let kind = DatabaseFile(path: path), let data = files[path] else { continue }
            if let ecosystem = kind.ecosystem { builder.found(ecosystem) }
            guard Int64(data.count) <= kind.sizeLimit else {
                builder.problem(path, "\(data.count) bytes is over the \(kind.sizeLimit / DatabaseFile.mebibyte) MiB limit for this file; not read")
                continue
            }
            byKind[kind, default: []].append((path, data))
        }
        DpkgPackages.read(
            status: byKind[.dpkgStatus] ?? [], fragments: byKind[.dpkgStatusFragment] ?? [],
            checksums: byKind[.dpkgStatusChecksums] ?? [], fileLists: byKind[.dpkgFileList] ?? [],
            into: &builder)
        ApkPackages.read(byKind[.apkInstalled] ?? [], into: &builder)
        RpmPackages.read(byKind[.rpmSQLite] ?? [], into: &builder)
        PythonPackages.read((byKind[.pythonMetadata] ?? []) + (byKind[.pythonEggInfo] ?? []), files: files, into: &builder)
        NpmPackages.read(byKind[.npmManifest] ?? [], into: &builder)
        return builder.build()
    }
}
