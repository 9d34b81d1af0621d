import Testing
@testable import DriftscopeLint

/// Requirements files given on the command line are linted with their own line numbers.
@Suite struct RequirementsTests {
    static let hash = String(repeating: "ab", count: 32)

    static func ruleIDs(_ contents: String, path: String = "requirements.txt") -> [String] {
        lint(pinnedBase + "\n", [(path, contents)]).map(\.ruleId).sorted()
    }

    @Test(arguments: [
        ("flask==3.0.2 --hash=sha256:\(hash)", [String]()),
        ("flask==3.0.2", ["DS008"]),
        ("flask>=2 --hash=sha256:\(hash)", ["DS007"]),
        ("flask", ["DS007", "DS008"]),
        ("flask~=3.0", ["DS007", "DS008"]),
        ("flask==3.* --hash=sha256:\(hash)", ["DS007"]),
        ("flask[async]==3.0.2 --hash=sha256:\(hash)", []),
        ("requests===2.31.0 --hash sha256:\(hash)", []),
        ("flask==3.0.2 ; python_version >= \"3.8\" --hash=sha256:\(hash)", []),
        ("flask==3.0.2 --hash=md5:\(hash)", ["DS008"]),
        ("app @ https://example.com/app-1.0-py3-none-any.whl#sha256=\(hash)", []),
        ("app @ git+https://github.com/example/app", ["DS007", "DS008"]),
        ("app @ git+https://github.com/example/app@\(String(repeating: "c", count: 40))", ["DS008"]),
        ("-e .", ["DS008"]),
        ("./vendor/lib", []),
        ("# flask", []),
        ("   ", []),
        ("-r other.txt", []),
        ("--index-url https://pypi.org/simple", []),
        ("flask==3.0.2 --hash=sha256:\(hash)  # a trailing comment", []),
    ])
    func line(_ contents: String, _ expected: [String]) {
        #expect(Self.ruleIDs(contents) == expected)
    }

    @Test func continuedRequirementsReportTheirFirstLine() {
        let contents = """
            # pinned
            flask==3.0.2 \\
                --hash=sha256:\(Self.hash) \\
                --hash=sha256:\(Self.hash)
            requests>=2 \\
                --hash=sha256:\(Self.hash)

            urllib3
            """
        let findings = lint(pinnedBase + "\n", [("requirements.txt", contents)])
        #expect(hits(findings) == [
            Hit("DS007", 5, file: "requirements.txt"),
            Hit("DS007", 8, file: "requirements.txt"), Hit("DS008", 8, file: "requirements.txt"),
        ])
    }

    @Test func fileLevelRequireHashesEnablesHashChecking() {
        let file = RequirementsFile(path: "r.txt", contents: "--require-hashes\nflask==3.0.2\n")
        #expect(file.enablesHashChecking)
        #expect(!file.isFullyHashed)
    }

    @Test(arguments: [
        ("requirements.txt", ExtraFileKind.requirements),
        ("requirements/dev.in", .requirements),
        ("constraints.txt", .requirements),
        ("requirements-prod.lock", .requirements),
        ("web/package-lock.json", .lockfile),
        ("yarn.lock", .lockfile),
        ("poetry.lock", .lockfile),
        ("README.md", .unknown),
    ])
    func extraFileKinds(_ path: String, _ kind: ExtraFileKind) {
        #expect(ExtraFileKind(path: path) == kind)
    }

    @Test func unknownFilesGetANoteAndLockfilesNothing() {
        let findings = lint(pinnedBase + "\n", [("README.md", "# hi"), ("yarn.lock", "x")])
        #expect(hits(findings) == [Hit("DS016", 1, file: "README.md")])
        #expect(findings.first?.level == .note)
        #expect(!LintSummary(findings).hasErrors)
    }
}
