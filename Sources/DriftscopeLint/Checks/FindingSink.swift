/// Collects findings as checks run; every finding takes its level and rationale from its rule so a rule's
/// catalogue entry is the single place they are written.
struct FindingSink {
    private(set) var findings: [LintFinding] = []

    mutating func add(_ rule: LintRule, file: String, line: Int, _ message: String, fix: String? = nil) {
        findings.append(LintFinding(
            ruleId: rule.id, level: rule.level, file: file, line: max(line, 1), message: message,
            why: rule.rationale, fix: fix ?? rule.help))
    }
}

extension String {
    /// The last path component: `/usr/bin/pip3` → `pip3`.
    var lastPathComponent: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }
}
