import Foundation
import Testing
@testable import DriftscopeLint

/// Reading files from disk: the errors the CLI turns into exit status 3.
@Suite struct FileInputTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("driftscope-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func readsTheDockerfileAndExtraFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile").path
        let requirements = directory.appendingPathComponent("requirements.txt").path
        try "\(pinnedBase)\nRUN pip install -r requirements.txt\n".write(toFile: dockerfile, atomically: true, encoding: .utf8)
        try hashedRequirements.write(toFile: requirements, atomically: true, encoding: .utf8)
        #expect(try Linter.lint(dockerfileAt: dockerfile, extraFilesAt: [requirements]).isEmpty)
        let findings = try Linter.lint(dockerfileAt: dockerfile)
        #expect(findings.map(\.ruleId) == ["DS006"])
        #expect(findings.first?.file == dockerfile)
    }

    @Test func missingFileDirectoryAndBinaryAreErrors() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nope").path
        #expect(throws: LintError.unreadableFile(path: missing, reason: "no such file")) {
            try Linter.lint(dockerfileAt: missing)
        }
        #expect(throws: LintError.unreadableFile(path: directory.path, reason: "it is a directory")) {
            try Linter.lint(dockerfileAt: directory.path)
        }
        let binary = directory.appendingPathComponent("image.tar").path
        try Data([0xff, 0xfe, 0x00, 0xc3]).write(to: URL(fileURLWithPath: binary))
        let dockerfile = directory.appendingPathComponent("Dockerfile").path
        try pinnedBase.write(toFile: dockerfile, atomically: true, encoding: .utf8)
        #expect(throws: LintError.notText(path: binary)) {
            try Linter.lint(dockerfileAt: dockerfile, extraFilesAt: [binary])
        }
    }

    @Test func errorMessagesSayWhatToDo() {
        let messages = [
            LintError.unreadableFile(path: "Dockerfile", reason: "no such file"),
            .notText(path: "image.tar"),
            .unwritableOutput(path: "/ro/out.sarif", reason: "read-only file system"),
        ].map(\.description)
        for message in messages {
            #expect(message.hasPrefix("driftscope lint: "))
            #expect(!message.contains("\n"))
        }
        #expect(messages[0].contains("check the path"))
        #expect(messages[2].contains("--output"))
    }
}
