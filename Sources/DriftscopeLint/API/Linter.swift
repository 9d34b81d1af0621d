import Foundation

/// The entry points of the Dockerfile pinning audit.
///
/// `lint(dockerfile:path:extraFiles:)` is pure: it reads nothing and prints nothing, so the same input always
/// gives the same findings. `lint(dockerfileAt:extraFilesAt:)` adds the file reading the CLI needs.
public enum Linter {
    /// Lints a Dockerfile and the requirements files and lockfiles that go with it.
    ///
    /// - Parameters:
    ///   - dockerfile: The Dockerfile text.
    ///   - path: The Dockerfile's path, used in findings as given.
    ///   - extraFiles: Requirements files (linted line by line, and matched to `pip install -r` by file name)
    ///     and lockfiles (read for context). Other files get a note that they were not checked.
    /// - Returns: Findings ordered by file (the Dockerfile first, then `extraFiles` in order), line and rule id.
    public static func lint(
        dockerfile: String, path: String, extraFiles: [(path: String, contents: String)] = []
    ) -> [LintFinding] {
        var sink = FindingSink()
        var requirements: [RequirementsFile] = []
        var lockfiles: Set<String> = []
        for extra in extraFiles {
            switch ExtraFileKind(path: extra.path) {
            case .requirements:
                let file = RequirementsFile(path: extra.path, contents: extra.contents)
                requirements.append(file)
                lintRequirements(file, into: &sink)
            case .lockfile:
                lockfiles.insert(extra.path.lastPathComponent.lowercased())
            case .unknown:
                sink.add(.fileNotLinted, file: extra.path, line: 1,
                         "\(extra.path) is neither a requirements file nor a known lockfile, so it was not checked")
            }
        }
        var linter = DockerfileLinter(
            path: path, dockerfile: DockerfileParser.parse(dockerfile), requirements: requirements,
            lockfiles: lockfiles)
        let findings = linter.lint() + sink.findings

        let order = [path] + extraFiles.map(\.path)
        func rank(_ file: String) -> Int { order.firstIndex(of: file) ?? order.count }
        var seen: Set<LintFinding> = []
        return findings
            .filter { seen.insert($0).inserted }
            .sorted {
                (rank($0.file), $0.line, $0.ruleId, $0.message) < (rank($1.file), $1.line, $1.ruleId, $1.message)
            }
    }

    /// Reads the Dockerfile and extra files from disk and lints them.
    ///
    /// The files are read whole: Dockerfiles and requirements files are small, and the linter refers back
    /// to earlier lines.
    /// - Throws: `LintError.unreadableFile` or `.notText` for the first file that cannot be used.
    public static func lint(dockerfileAt path: String, extraFilesAt extraPaths: [String] = []) throws(LintError)
        -> [LintFinding]
    {
        let dockerfile = try readText(path)
        var extras: [(path: String, contents: String)] = []
        for extra in extraPaths {
            extras.append((extra, try readText(extra)))
        }
        return lint(dockerfile: dockerfile, path: path, extraFiles: extras)
    }

    private static func readText(_ path: String) throws(LintError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw .unreadableFile(path: path, reason: "it is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "permission denied or read error")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText(path: path) }
        return text
    }
}

/// Lints one requirements file: every requirement must be `==`-pinned and hash-pinned.
private func lintRequirements(_ file: RequirementsFile, into sink: inout FindingSink) {
    for entry in file.entries {
        if entry.isEditable {
            sink.add(.requirementUnhashed, file: file.path, line: entry.line,
                     "editable requirement -e \(entry.spec) cannot be hash-checked by pip",
                     fix: "Build it into a wheel and require that by version and hash, or install it with "
                        + "pip install --no-deps from the build context.")
            continue
        }
        let name = RequirementsFile.projectName(of: entry.spec)
        if !entry.isPinned {
            sink.add(.requirementUnpinned, file: file.path, line: entry.line,
                     "\(entry.spec) does not pin an exact version",
                     fix: "Pin it: \(name)==<version> (pip-compile writes the resolved versions).")
        }
        if !entry.isHashed {
            sink.add(.requirementUnhashed, file: file.path, line: entry.line,
                     "\(entry.spec) has no --hash=sha256:",
                     fix: "Add the hashes of the files you accept: \(name)==<version> --hash=sha256:<hash> "
                        + "(pip-compile --generate-hashes, or pip hash on the downloaded file).")
        }
    }
}
