import Foundation

/// Renders findings for people (text), for programs (JSON, `schemaVersion` 1) and for code-scanning
/// services (SARIF 2.1.0). Renderers only format: ordering and levels come from the linter.
public enum LintReport {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        /// `file:line: level[RULE] message` with why/fix lines.
        case text
        /// A stable JSON object; see `json(_:)`.
        case json
        /// SARIF 2.1.0, as GitHub code scanning and other CI tools read it.
        case sarif
    }

    /// The URI SARIF consumers show as the tool's home page.
    public static let informationURI = "https://github.com/driftscope/driftscope"

    /// Renders `findings` in `format`; the result ends with a newline.
    public static func render(_ findings: [LintFinding], as format: Format) -> String {
        switch format {
        case .text: text(findings)
        case .json: json(findings)
        case .sarif: sarif(findings)
        }
    }

    /// Text for a terminal:
    ///
    ///     Dockerfile:1: error[DS001] FROM debian:12 is not pinned by digest
    ///       why: ...
    ///       fix: ...
    ///
    /// followed by a summary line.
    public static func text(_ findings: [LintFinding]) -> String {
        var output = ""
        for finding in findings {
            let location = "\(finding.file):\(finding.line)"
            output += "\(location): \(finding.level.rawValue)[\(finding.ruleId)] \(finding.message)\n"
            output += "  why: \(finding.why)\n"
            output += "  fix: \(finding.fix)\n"
        }
        let summary = LintSummary(findings)
        if summary.total == 0 {
            output += "driftscope lint: no findings\n"
        } else {
            output += "driftscope lint: \(count(summary.errors, "error")), \(count(summary.warnings, "warning")), "
                + "\(count(summary.notes, "note"))\n"
        }
        return output
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// JSON: `{"findings": [{ruleId, level, file, line, message, why, fix}], "schemaVersion": 1,
    /// "summary": {errors, warnings, notes, total}}`, keys sorted, pretty-printed.
    public static func json(_ findings: [LintFinding]) -> String {
        encode(JSONDocument(schemaVersion: 1, findings: findings, summary: LintSummary(findings)))
    }

    /// SARIF 2.1.0 with one run whose driver lists every rule in `LintRule.all`; each result's `ruleIndex`
    /// indexes that list.
    public static func sarif(_ findings: [LintFinding]) -> String {
        let rules = LintRule.all
        let indices = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let results = findings.map { finding in
            SARIF.Result(
                ruleId: finding.ruleId,
                ruleIndex: indices[finding.ruleId] ?? -1,
                level: finding.level.rawValue,
                message: .init(text: "\(finding.message). Fix: \(finding.fix)"),
                locations: [.init(physicalLocation: .init(
                    artifactLocation: .init(uri: SARIF.uri(forPath: finding.file)),
                    region: .init(startLine: max(finding.line, 1))))])
        }
        let driver = SARIF.Driver(
            name: "driftscope", informationUri: informationURI,
            rules: rules.map { rule in
                SARIF.Rule(
                    id: rule.id, name: rule.name,
                    shortDescription: .init(text: rule.summary),
                    fullDescription: .init(text: rule.rationale),
                    help: .init(text: rule.help),
                    defaultConfiguration: .init(level: rule.level.rawValue))
            })
        return encode(SARIF.Log(runs: [.init(tool: .init(driver: driver), results: results)]))
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain value types cannot fail; a failure would be a programming error.
        guard let data = try? encoder.encode(value) else { preconditionFailure("lint report is not encodable") }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The JSON report, schema version 1.
private struct JSONDocument: Encodable {
    var schemaVersion: Int
    var findings: [LintFinding]
    var summary: LintSummary
}
