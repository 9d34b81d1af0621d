import ArgumentParser
import DriftscopeLint
import Foundation

/// `driftscope lint`: audits a Dockerfile (and the requirements files and lockfiles it installs from) for the
/// pinning a reproducible build needs. Exit status: 0 without error-level findings, 1 with them, 3 when a
/// file cannot be read or the report cannot be written.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a Dockerfile for unpinned images, packages and downloads.",
        discussion: """
            Reports each finding with a rule id (DS001...), the file and line, why it matters and how to fix \
            it. Requirements files given after the Dockerfile are linted too and matched to `pip install -r`; \
            lockfiles are read for context.

            Exit status: 0 when no finding is an error, 1 when one is, 3 when a file cannot be read or the \
            report cannot be written.
            """)

    /// Output formats, nested so they cannot collide with other subcommands' types.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case sarif

        var reportFormat: LintReport.Format {
            switch self {
            case .text: .text
            case .json: .json
            case .sarif: .sarif
            }
        }
    }

    @Argument(help: "The Dockerfile to check.")
    var dockerfile: String

    @Argument(help: "Requirements files and lockfiles the Dockerfile installs from.")
    var extraFiles: [String] = []

    @Option(help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let findings: [LintFinding]
        do {
            findings = try Linter.lint(dockerfileAt: dockerfile, extraFilesAt: extraFiles)
        } catch {
            Self.printError(error.description)
            throw ExitCode(3)
        }
        let report = LintReport.render(findings, as: format.reportFormat)
        if let output {
            do {
                try Data(report.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                let failure = LintError.unwritableOutput(path: output, reason: error.localizedDescription)
                Self.printError(failure.description)
                throw ExitCode(3)
            }
        } else {
            print(report, terminator: "")
        }
        if LintSummary(findings).hasErrors { throw ExitCode(1) }
    }

    /// Writes one line to standard error (the global `stderr` is not concurrency-safe in Swift 6).
    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
