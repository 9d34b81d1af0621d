import Foundation
import Testing
@testable import DriftscopeLint

@Suite struct ReportTests {
    static let findings = lint(UnpinnedDockerfileTests.dockerfile,
                               [("requirements.txt", UnpinnedDockerfileTests.requirements), ("notes.md", "x")])

    // MARK: Text

    @Test func textNamesFileLineLevelAndRule() {
        let text = LintReport.text(Self.findings)
        #expect(text.hasPrefix("Dockerfile:1: error[DS001] FROM debian:12 is not pinned by digest\n  why: "))
        #expect(text.contains("\nDockerfile:6: warning[DS009] apt-get install of packages without a version pin: curl\n"))
        #expect(text.contains("\nnotes.md:1: note[DS016] "))
        #expect(text.contains("\n  fix: "))
        let summary = LintSummary(Self.findings)
        #expect(text.hasSuffix("driftscope lint: \(summary.errors) errors, \(summary.warnings) warnings, 1 note\n"))
    }

    @Test func textWithoutFindings() {
        #expect(LintReport.text([]) == "driftscope lint: no findings\n")
    }

    // MARK: JSON

    @Test func jsonIsAStableObject() throws {
        let data = Data(LintReport.json(Self.findings).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["schemaVersion", "findings", "summary"])
        #expect(object["schemaVersion"] as? Int == 1)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == Self.findings.count)
        for finding in findings {
            #expect(Set(finding.keys) == ["ruleId", "level", "file", "line", "message", "why", "fix"])
            #expect(["error", "warning", "note"].contains(finding["level"] as? String ?? ""))
        }
        let summary = try #require(object["summary"] as? [String: Int])
        let expected = LintSummary(Self.findings)
        #expect(summary == ["errors": expected.errors, "warnings": expected.warnings, "notes": expected.notes,
                            "total": expected.total])
    }

    @Test func jsonFindingsDecodeBackToTheSameValues() throws {
        struct Document: Decodable {
            var schemaVersion: Int
            var findings: [LintFinding]
            var summary: LintSummary
        }
        let document = try JSONDecoder().decode(Document.self, from: Data(LintReport.json(Self.findings).utf8))
        #expect(document.findings == Self.findings)
        #expect(document.summary == LintSummary(Self.findings))
    }

    @Test func jsonIsDeterministic() {
        #expect(LintReport.json(Self.findings) == LintReport.json(Self.findings))
        #expect(LintReport.render(Self.findings, as: .json) == LintReport.json(Self.findings))
    }

    // MARK: SARIF

    /// Checks the structure the SARIF 2.1.0 schema requires of what we write, and what code scanning reads.
    static func validateSARIF(_ text: String) throws -> (rules: [[String: Any]], results: [[String: Any]]) {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let schema = try #require(log["$schema"] as? String)
        #expect(schema.hasPrefix("https://") && schema.contains("sarif") && schema.contains("2.1.0"))
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = runs[0]
        let tool = try #require(run["tool"] as? [String: Any])
        let driver = try #require(tool["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "driftscope")
        let informationURI = try #require(driver["informationUri"] as? String)
        #expect(URL(string: informationURI)?.scheme == "https")

        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids.count == rules.count, "every rule has a string id")
        #expect(Set(ids).count == ids.count, "rule ids are unique")
        let levels: Set<String> = ["none", "note", "warning", "error"]
        for rule in rules {
            for key in ["shortDescription", "fullDescription", "help"] {
                let text = (rule[key] as? [String: Any])?["text"] as? String ?? ""
                #expect(!text.isEmpty, "\(key).text of \(rule["id"] ?? "?")")
            }
            let configuration = rule["defaultConfiguration"] as? [String: Any]
            #expect(levels.contains(configuration?["level"] as? String ?? ""))
        }

        let results = try #require(run["results"] as? [[String: Any]])
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids.contains(ruleID), "result rule \(ruleID) is declared")
            #expect(index >= 0 && index < ids.count && ids[index] == ruleID, "ruleIndex points at \(ruleID)")
            #expect(levels.contains(result["level"] as? String ?? ""))
            let text = (result["message"] as? [String: Any])?["text"] as? String ?? ""
            #expect(!text.isEmpty)
            let locations = try #require(result["locations"] as? [[String: Any]])
            #expect(!locations.isEmpty)
            for location in locations {
                let physical = try #require(location["physicalLocation"] as? [String: Any])
                let artifact = try #require(physical["artifactLocation"] as? [String: Any])
                let uri = try #require(artifact["uri"] as? String)
                #expect(URL(string: uri) != nil, "uri \(uri) is a valid URI reference")
                let region = try #require(physical["region"] as? [String: Any])
                let startLine = try #require(region["startLine"] as? Int)
                #expect(startLine >= 1)
            }
        }
        return (rules, results)
    }

    @Test func sarifHasTheStructureThe210SchemaRequires() throws {
        let (rules, results) = try Self.validateSARIF(LintReport.sarif(Self.findings))
        #expect(rules.count == LintRule.all.count)
        #expect(results.count == Self.findings.count)
        let first = try #require(results.first)
        #expect(first["ruleId"] as? String == "DS001")
        #expect(first["level"] as? String == "error")
    }

    @Test func sarifWithoutFindingsIsStillValid() throws {
        let (_, results) = try Self.validateSARIF(LintReport.sarif([]))
        #expect(results.isEmpty)
    }

    @Test(arguments: [
        ("Dockerfile", "Dockerfile"),
        ("./build/Dockerfile", "build/Dockerfile"),
        ("my dir/Dockerfile", "my%20dir/Dockerfile"),
        ("/srv/app/Dockerfile", "file:///srv/app/Dockerfile"),
        ("a:b/Dockerfile", "a%3Ab/Dockerfile"),
    ])
    func sarifURIs(_ path: String, _ uri: String) throws {
        #expect(SARIF.uri(forPath: path) == uri)
        let finding = LintFinding(ruleId: "DS011", level: .warning, file: path, line: 3, message: "m", why: "w",
                                  fix: "f")
        _ = try Self.validateSARIF(LintReport.sarif([finding]))
    }

    // MARK: Catalogue

    @Test func ruleCatalogueIsWellFormed() {
        let ids = LintRule.all.map(\.id)
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set(LintRule.all.map(\.name)).count == ids.count)
        for rule in LintRule.all {
            #expect(rule.id.count == 5 && rule.id.hasPrefix("DS") && rule.id.dropFirst(2).allSatisfy(\.isNumber))
            #expect(!rule.summary.isEmpty && !rule.rationale.isEmpty && !rule.help.isEmpty)
            #expect(LintRule.withID(rule.id) == rule)
        }
        #expect(LintRule.withID("DS999") == nil)
    }
}
