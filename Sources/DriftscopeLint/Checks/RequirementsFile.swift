import Foundation

// pip requirements files, as pip reads them (https://pip.pypa.io/en/stable/reference/requirements-file-format/):
// backslash continuations join lines, `#` after whitespace starts a comment, option lines start with `-`,
// and per-requirement options such as `--hash` follow the requirement on its line.

struct RequirementsFile {
    /// The path as given to the linter.
    var path: String
    /// Requirement lines, in file order.
    var entries: [Entry] = []
    /// The file itself says `--require-hashes`.
    var requiresHashes = false

    /// One requirement.
    struct Entry: Equatable {
        /// The physical line the requirement starts on.
        var line: Int
        /// The requirement as written, without options.
        var spec: String
        /// Pinned to one version (`==`, `===`) or to one file (a direct URL).
        var isPinned: Bool
        /// Carries at least one `--hash=<algorithm>:<hex>`.
        var isHashed: Bool
        /// An `-e` / `--editable` line, which pip cannot check against a hash.
        var isEditable: Bool
    }

    /// pip turns hash checking on for the whole install when the file asks for it or any line has a hash.
    var enablesHashChecking: Bool { requiresHashes || entries.contains(where: \.isHashed) }

    /// True when every requirement is hashed.
    var isFullyHashed: Bool { entries.allSatisfy { $0.isHashed && !$0.isEditable } }

    init(path: String, contents: String) {
        self.path = path
        let lines = contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var index = 0
        while index < lines.count {
            let startLine = index + 1
            var logical = ""
            while index < lines.count {
                var line = Substring(lines[index])
                index += 1
                while let last = line.last, last.isBlank { line = line.dropLast() }
                if line.last == "\\" {
                    logical += line.dropLast() + " "
                    continue
                }
                logical += line
                break
            }
            parse(Self.removingComment(logical), line: startLine)
        }
    }

    private mutating func parse(_ text: String, line: Int) {
        let content = text.trimmingBlanks()
        guard !content.isEmpty else { return }
        if content.hasPrefix("-") {
            let option = content.prefix { !$0.isBlank && $0 != "=" }
            switch option {
            case "-e", "--editable":
                let target = content.dropFirst(option.count).drop { $0.isBlank || $0 == "=" }
                entries.append(Entry(line: line, spec: String(target), isPinned: false, isHashed: false,
                                     isEditable: true))
            case "--require-hashes":
                requiresHashes = true
            default:
                break  // -r, -c, --index-url and friends configure pip; they install nothing by themselves
            }
            return
        }
        // The requirement ends where its first option begins.
        var spec = Substring(content)
        var options = Substring("")
        if let range = content.range(of: #"\s-"#, options: .regularExpression) {
            spec = content[..<range.lowerBound]
            options = content[range.lowerBound...]
        }
        let specText = spec.trimmingBlanks()
        if Self.isLocalPath(specText) { return }
        let hashed = Self.hasHash(options) || specText.contains("#sha256=") || specText.contains("#sha512=")
        entries.append(Entry(line: line, spec: specText, isPinned: Self.isExactPin(specText), isHashed: hashed,
                             isEditable: false))
    }

    /// The project name (with extras) at the start of a requirement: `flask[async]>=2` → `flask[async]`.
    static func projectName(of spec: String) -> String {
        String(spec.prefix { $0.isLetter || $0.isNumber || "-_.[]".contains($0) })
    }

    /// Strips a `#` comment that starts a line or follows whitespace (a `#` inside a URL fragment stays).
    static func removingComment(_ line: String) -> String {
        if line.drop(while: \.isBlank).hasPrefix("#") { return "" }
        if let range = line.range(of: #"\s+#.*$"#, options: .regularExpression) {
            return String(line[..<range.lowerBound])
        }
        return line
    }

    /// True when the options include `--hash=<sha256|sha384|sha512>:<hex>` or `--hash <algorithm>:<hex>`.
    static func hasHash(_ options: Substring) -> Bool {
        let pattern = #"--hash(=|\s+)(sha256|sha384|sha512):[0-9a-fA-F]+"#
        return options.range(of: pattern, options: .regularExpression) != nil
    }

    /// True for a requirement pinned to exactly one release or one file.
    ///
    /// `==1.2.3` and `===1.2.3` pin; `==1.2.*` is a prefix match and does not; `name @ https://...` names one
    /// file. Environment markers after `;` are ignored.
    static func isExactPin(_ spec: String) -> Bool {
        let requirement = spec.prefix { $0 != ";" }
        if requirement.contains("://") { return isPinnedURL(String(requirement)) }
        guard let range = requirement.range(of: "==") else { return false }
        let version = requirement[range.upperBound...].drop { $0 == "=" || $0.isBlank }
        let exact = version.prefix { $0 != "," }.trimmingBlanks()
        return !exact.isEmpty && !exact.contains("*")
    }

    /// A direct URL names one file, except a version-control URL, which is pinned only by a full commit hash
    /// (`git+https://host/repo@<40 hex>`).
    static func isPinnedURL(_ requirement: String) -> Bool {
        let lowered = requirement.lowercased()
        guard ["git+", "hg+", "svn+", "bzr+"].contains(where: lowered.contains) else { return true }
        guard let scheme = lowered.range(of: "://") else { return false }
        let afterScheme = lowered[scheme.upperBound...].prefix { $0 != "#" }
        guard let at = afterScheme.lastIndex(of: "@") else { return false }
        let revision = afterScheme[afterScheme.index(after: at)...]
        return ImageReference.isLowerHex(revision, count: 40)
    }

    /// True for requirements that name a local directory or archive rather than a package on an index.
    static func isLocalPath(_ spec: String) -> Bool {
        if spec.hasPrefix(".") || spec.hasPrefix("/") || spec.hasPrefix("~") || spec.hasPrefix("file:") {
            return true
        }
        let archive = [".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2"].contains { spec.lowercased().hasSuffix($0) }
        return archive && !spec.contains("://")
    }
}

/// What kind of extra file the linter was given, by its name.
enum ExtraFileKind: Equatable {
    case requirements
    case lockfile
    case unknown

    static let lockfileNames: Set<String> = [
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "pipfile.lock",
        "uv.lock", "pdm.lock", "cargo.lock", "go.sum", "gemfile.lock", "composer.lock", "packages.lock.json",
    ]

    init(path: String) {
        let name = path.lastPathComponent.lowercased()
        if Self.lockfileNames.contains(name) {
            self = .lockfile
        } else if name.hasSuffix(".txt") || name.hasSuffix(".in") || name.contains("requirements")
                    || name.contains("constraints") {
            self = .requirements
        } else {
            self = .unknown
        }
    }
}
