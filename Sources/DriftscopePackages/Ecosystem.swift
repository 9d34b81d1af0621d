/// A package manager whose database driftscope reads from an image's merged filesystem.
///
/// The declaration order is the sort order: system package managers first, because when two
/// databases claim the same file the system one is the more authoritative owner.
public enum Ecosystem: String, Codable, Sendable, CaseIterable, Comparable {
    /// Debian and Ubuntu: `/var/lib/dpkg/status` and distroless `/var/lib/dpkg/status.d/*`.
    case dpkg
    /// Alpine: `/lib/apk/db/installed`.
    case apk
    /// Fedora, RHEL, SUSE: the SQLite rpm database `rpmdb.sqlite`.
    case rpm
    /// Python distributions: `*.dist-info/METADATA` and `*.egg-info/PKG-INFO`.
    case python
    /// npm packages: `node_modules/<name>/package.json`.
    case npm

    /// Orders ecosystems by declaration order, not by name.
    public static func < (lhs: Ecosystem, rhs: Ecosystem) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .dpkg: return 0
        case .apk: return 1
        case .rpm: return 2
        case .python: return 3
        case .npm: return 4
        }
    }
}
