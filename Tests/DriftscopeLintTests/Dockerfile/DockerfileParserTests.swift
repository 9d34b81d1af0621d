import Testing
@testable import DriftscopeLint

/// Here-document markers and instruction splitting.
@Suite struct DockerfileParserTests {
    @Test(arguments: [
        ("<<EOF", ["EOF"]),
        ("<<-EOT bash", ["EOT"]),
        ("<<'A' <<\"B\" /dest", ["A", "B"]),
        ("cat 3<<X", ["X"]),
        ("echo $((1<<2))", []),
        ("echo \"<<EOF\"", []),
        ("echo a<<EOF", []),
        ("cat <<<here", []),
    ])
    func heredocMarkers(_ text: String, _ delimiters: [String]) {
        #expect(DockerfileParser.heredocMarkers(in: Array(text)).map(\.delimiter) == delimiters)
    }

    @Test func instructionsKeepFlagsArgumentsAndLines() throws {
        let file = DockerfileParser.parse("""
            # syntax=docker/dockerfile:1
            # escape=\\

            FROM --platform=linux/amd64 debian AS base
            RUN --mount=type=cache,target=/c \\
                --network=none \\
                echo hi
            """)
        #expect(file.directives["syntax"]?.value == "docker/dockerfile:1")
        #expect(file.escape == "\\")
        #expect(file.instructions.map(\.keyword) == ["FROM", "RUN"])
        #expect(file.instructions.map(\.line) == [4, 5])
        let run = try #require(file.instructions.last)
        #expect(run.flags.map(\.name) == ["mount", "network"])
        #expect(run.flags.map(\.line) == [5, 6])
        #expect(run.arguments.string.trimmingBlanks() == "echo hi")
        #expect(run.arguments.lines.first == 7)
        #expect(file.instructions.first?.flag("platform")?.value == "linux/amd64")
    }
}
