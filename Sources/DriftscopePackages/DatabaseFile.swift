/// The kinds of file `PackageDatabase` reads, recognised from the absolute image path alone.
///
/// Classification runs for every file of every layer, so it looks only at the last one or two path
/// components and never allocates.
enum DatabaseFile: Hashable, Sendable {
    /// `/var/lib/dpkg/status`.
    case dpkgStatus
    /// A distroless stanza file `/var/lib/dpkg/status.d/<package>`.
    case dpkgStatusFragment
    /// A distroless checksum list `/var/lib/dpkg/status.d/<package>.md5sums`, which names the package's files.
    case dpkgStatusChecksums
    /// `/var/lib/dpkg/info/<package>[:<arch>].list`.
    case dpkgFileList
    /// `/lib/apk/db/installed`.
    case apkInstalled
    /// `rpmdb.sqlite` in `/var/lib/rpm` or `/usr/lib/sysimage/rpm`.
    case rpmSQLite
    /// `<anything>.dist-info/METADATA`.
    case pythonMetadata
    /// `<anything>.dist-info/RECORD`.
    case pythonRecord
    /// `<anything>.egg-info/PKG-INFO`.
    case pythonEggInfo
    /// `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`.
    case npmManifest

    static let mebibyte: Int64 = 1 << 20

    /// The largest file of this kind worth reading; anything larger is not a plausible database.
    var sizeLimit: Int64 {
        self == .rpmSQLite ? 64 * Self.mebibyte : 16 * Self.mebibyte
    }

    /// The ecosystem whose database this file is, or `nil` for files that only add ownership.
    var ecosystem: Ecosystem? {
        switch self {
        case .dpkgStatus, .dpkgStatusFragment: return .dpkg
        case .apkInstalled: return .apk
        case .rpmSQLite: return .rpm
        case .pythonMetadata, .pythonEggInfo: return .python
        case .npmManifest: return .npm
        case .dpkgStatusChecksums, .dpkgFileList, .pythonRecord: return nil
        }
    }

    init?(path: String) {
        let split = PathParts(path)
        guard let folder = split.folder, !split.name.isEmpty else { return nil }
        let name = split.name
        if folder == "/var/lib/dpkg/status.d" {
            self = name.hasSuffix(".md5sums") ? .dpkgStatusChecksums : .dpkgStatusFragment
            return
        }
        if folder == "/var/lib/dpkg/info" {
            guard name.hasSuffix(".list"), name.utf8.count > 5 else { return nil }
            self = .dpkgFileList
            return
        }
        switch name {
        case "status" where folder == "/var/lib/dpkg":
            self = .dpkgStatus
        case "installed" where folder == "/lib/apk/db":
            self = .apkInstalled
        case "rpmdb.sqlite" where folder == "/var/lib/rpm" || folder == "/usr/lib/sysimage/rpm":
            self = .rpmSQLite
        case "METADATA" where PathParts.hasStemmedSuffix(folder, ".dist-info"):
            self = .pythonMetadata
        case "RECORD" where PathParts.hasStemmedSuffix(folder, ".dist-info"):
            self = .pythonRecord
        case "PKG-INFO" where PathParts.hasStemmedSuffix(folder, ".egg-info"):
            self = .pythonEggInfo
        case "package.json" where NpmPackageFolder.name(ofFolder: folder) != nil:
            self = .npmManifest
        default:
            return nil
        }
    }
}

/// An absolute path split at its last slash, without copying.
struct PathParts {
    /// Everything before the last slash (`"/"` for a file at the root); `nil` when there is no slash.
    var folder: Substring?
    /// The last component.
    var name: Substring

    init(_ path: some StringProtocol) {
        let whole = Substring(path)
        if let slash = whole.utf8.lastIndex(of: UInt8(ascii: "/")) {
            folder = slash == whole.startIndex ? whole[slash...slash] : whole[..<slash]
            name = whole[whole.index(after: slash)...]
        } else {
            folder = nil
            name = whole
        }
    }

    /// Whether the last component of `folder` ends with `suffix` and has something before it.
    static func hasStemmedSuffix(_ folder: Substring, _ suffix: String) -> Bool {
        let last = PathParts(folder).name
        return last.utf8.count > suffix.utf8.count && last.hasSuffix(suffix)
    }

    /// Joins a relative path onto an absolute folder and resolves `.`, `..` and repeated slashes; an
    /// absolute `relative` replaces the folder. `..` stops at the root, as it does in a real filesystem.
    static func resolve(_ relative: some StringProtocol, in folder: some StringProtocol) -> String {
        // Nearly every line of a RECORD or file list is already plain (`pkg/mod.py`): no `.` or
        // `..` component, no empty one, no leading slash, and the folder normalised. Join it as is.
        if isPlain(relative), folder.hasPrefix("/"), folder == "/" || (!folder.hasSuffix("/") && isPlain(folder.dropFirst())) {
            return folder == "/" ? "/\(relative)" : "\(folder)/\(relative)"
        }
        return resolveComponents(relative, in: folder)
    }

    /// `resolve` by splitting into components (every case the plain join does not cover).
    static func resolveComponents(_ relative: some StringProtocol, in folder: some StringProtocol) -> String {
        let combined = relative.hasPrefix("/") ? String(relative) : "\(folder)/\(relative)"
        var components: [Substring] = []
        for component in combined.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// A relative path with only non-empty components other than `.` and `..`.
    static func isPlain(_ path: some StringProtocol) -> Bool {
        var length = 0
        var allDots = true
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if length == 0 || (allDots && length <= 2) { return false }
                length = 0
                allDots = true
            } else {
                length += 1
                if byte != UInt8(ascii: ".") { allDots = false }
            }
        }
        return length > 0 && !(allDots && length <= 2)
    }
}
