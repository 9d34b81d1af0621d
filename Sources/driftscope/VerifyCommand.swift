import ArgumentParser
import DriftscopeCompare
import DriftscopeForensics
import Foundation

/// `driftscope verify IMAGE --release NAME --log FILE`: is this what shipped?
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an image against a recorded release, with only the release's snapshot.",
        discussion: """
        Exit 0 when the manifest digest is the recorded one (exactly what shipped), or when a rebuild is \
        byte-equal in content or dependency-equivalent (the report says the digest differs); 1 for drift; \
        2 usage error; 3 invalid input, an unknown release, or a snapshot whose SHA-256 is not the recorded one.
        """)

    @OptionGroup var common: CompareOptionsGroup

    @Argument(help: "The image to check: OCI archive or layout, docker-archive, crane tarball, or a driftscope snapshot.")
    var input: String

    @Option(help: "The release name.")
    var release: String

    @Option(help: "The release log written by `driftscope record`.")
    var log: String

    @Option(help: "Which image of the archive, when it holds several.")
    var image: String?

    @Option(help: "What goes to standard output: text, json, markdown or html.")
    var format: CompareCommand.Format = .text

    @Option(help: "Write the HTML report to FILE.") var html: String?
    @Option(help: "Write the text report to FILE.") var text: String?
    @Option(help: "Write the JSON report to FILE.") var json: String?
    @Option(help: "Write the Markdown summary to FILE.") var markdown: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 on drift (default) or also on equivalence (equivalent).")
    var failOn: CompareCommand.FailOn = .drift

    func validate() throws {
        try common.check()
    }

    func run() async throws {
        let options = try common.options(imageA: nil, imageB: image)
        let verification: Verification
        do {
            verification = try await Forensics.verify(imagePath: input, image: image, release: release, log: log, options: options)
        } catch {
            common.clearProgress()
            fail(error.description, code: 3)
        }
        common.clearProgress()
        emit(verification.comparison, format: format, html: html, text: text, json: json, markdown: markdown, verbose: common.verbose,
             maxReportSize: common.maxReportSize)
        throw ExitCode(verdictExitCode(verification.comparison.verdict, failOn: failOn))
    }
}
