import DriftscopeTestSupport
import Foundation
import Testing

// Runs the built `driftscope` binary, end to end.

/// The package root, found from this file's path (`Tests/CLITests/<file>`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The real-tool fixtures (`Fixtures/`).
let fixturesDirectory = packageRoot.appendingPathComponent("Fixtures")

/// The binary under test (see `DriftscopeBinary`).
let driftscopeBinary: String? = DriftscopeBinary.path

/// What one run of the binary gave.
struct Run: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutData: Data

    /// The non-empty lines of standard error.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String { "exit \(status)\nstderr: \(stderr)\nstdout: \(stdout.prefix(2000))" }
}

/// Runs `driftscope` with `arguments`.
func driftscope(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
    let binary = try #require(driftscopeBinary, """
        no driftscope binary: run `swift build` first (same scratch path as the tests), \
        or set DRIFTSCOPE_BIN
        """, sourceLocation: sourceLocation)
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    let result = try ExternalTool.run(binary, arguments, environment: environment)
    return Run(status: result.status, stdout: result.output, stderr: result.errorOutput, stdoutData: result.stdout)
}

/// `driftscope inspect --format json ...`, decoded; records an issue unless it exits 0.
func inspectJSON(_ path: String, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> InspectOutput {
    let run = try driftscope(["inspect", path, "--format", "json"] + extra, sourceLocation: sourceLocation)
    try #require(run.status == 0, "\(run)", sourceLocation: sourceLocation)
    return try JSONDecoder().decode(InspectOutput.self, from: run.stdoutData)
}

/// The parts of `driftscope inspect --format json` the tests read (the JSON contract's field names).
struct InspectOutput: Decodable {
    struct Platform: Decodable {
        struct Layer: Decodable {
            var index: Int
            var digest: String
            var diffID: String
            var mediaType: String
            var compression: String
            var size: Int64
            var uncompressedSize: Int64
            var entryCount: Int
        }
        struct Finding: Decodable {
            var kind: String
            var path: String
            var layer: Int?
            var message: String
        }
        struct File: Decodable {
            var path: String
            var type: String
            var mode: String
            var uid: Int64
            var gid: Int64
            var size: Int64
            var digest: String?
            var linkTarget: String?
            var layer: Int
        }
        var platform: String
        var manifestDigest: String
        var present: Bool
        var manifestSynthesized: Bool?
        var configDigest: String?
        var layers: [Layer]
        var totalSize: Int64
        var totalUncompressedSize: Int64
        var fileCount: Int
        var findings: [Finding]
        var files: [File]?
    }
    var schemaVersion: Int
    var source: String
    var format: String
    var name: String?
    var indexDigest: String?
    var platforms: [Platform]
    var notes: [String]
}

/// Checks the shape of an input error: exit 3, nothing on standard output, one line on standard
/// error that starts `driftscope: error: `, names the file and contains each fragment, and no
/// crash or stack trace.
func expectInputError(_ run: Run, path: String, fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == 3, "\(run)", sourceLocation: sourceLocation)
    #expect(run.stdout.isEmpty, "\(run)", sourceLocation: sourceLocation)
    #expect(run.errorLines.count == 1, "one line: \(run.stderr)", sourceLocation: sourceLocation)
    let line = run.errorLines.first ?? ""
    #expect(line.hasPrefix("driftscope: error: \(path)"), "names the file: \(line)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(line.contains(fragment), "'\(fragment)' in: \(line)", sourceLocation: sourceLocation)
    }
    for crash in ["Fatal error", "Stack dump", "backtrace", "Swift runtime failure", "0x0000", "INTERNAL ERROR"] {
        #expect(!run.stderr.contains(crash), "\(run.stderr)", sourceLocation: sourceLocation)
    }
}
