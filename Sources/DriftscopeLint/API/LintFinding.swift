/// How serious a finding is. The raw values are the SARIF 2.1.0 `level` values (§3.27.10).
public enum LintLevel: String, Codable, Sendable, CaseIterable, Comparable {
    /// Worth knowing; never fails a build.
    case note
    /// A reproducibility risk that can be justified case by case.
    case warning
    /// Makes the build unreproducible; `driftscope lint` exits 1 when one is found.
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    /// Orders by severity: note < warning < error.
    public static func < (lhs: LintLevel, rhs: LintLevel) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found by the linter, with everything a reader needs to act on it.
///
/// The coding keys are the field names of the JSON report (`schemaVersion` 1) and must not change.
public struct LintFinding: Codable, Sendable, Hashable {
    /// The rule that fired, e.g. `DS001`; see `LintRule.all`.
    public var ruleId: String
    /// The severity, normally the rule's `level`.
    public var level: LintLevel
    /// The file the finding is in, exactly as it was given to the linter.
    public var file: String
    /// The 1-based physical line of the offending text (for a continued instruction, the line of the word at
    /// fault, not the line of the keyword).
    public var line: Int
    /// What is wrong, naming the offending text.
    public var message: String
    /// Why it matters for a reproducible build.
    public var why: String
    /// How to fix this particular occurrence.
    public var fix: String

    /// Creates a finding; the linter makes these, tests and other renderers may too.
    public init(ruleId: String, level: LintLevel, file: String, line: Int, message: String, why: String, fix: String) {
        self.ruleId = ruleId
        self.level = level
        self.file = file
        self.line = line
        self.message = message
        self.why = why
        self.fix = fix
    }
}

/// Counts of findings by level.
public struct LintSummary: Codable, Sendable, Equatable {
    /// Number of error-level findings.
    public var errors: Int
    /// Number of warning-level findings.
    public var warnings: Int
    /// Number of note-level findings.
    public var notes: Int
    /// All findings.
    public var total: Int

    /// Counts `findings`.
    public init(_ findings: [LintFinding]) {
        errors = findings.count(where: { $0.level == .error })
        warnings = findings.count(where: { $0.level == .warning })
        notes = findings.count(where: { $0.level == .note })
        total = findings.count
    }

    /// True when any finding is an error: the condition for exit status 1.
    public var hasErrors: Bool { errors > 0 }
}
