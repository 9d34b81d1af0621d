import Testing
@testable import DriftscopeLint

/// FROM, ARG substitution, stage references and platforms.
/// One Dockerfile and the findings it must produce.
struct Case: Sendable, CustomStringConvertible {
    var name: String
    var dockerfile: String
    var expected: Set<Hit>
    var description: String { name }
}

private let platformFlag = "--platform=linux/amd64"

@Suite struct BaseImageTests {

    @Test(arguments: [
        Case(name: "tag and digest", dockerfile: "FROM \(platformFlag) debian:12@\(digest)", expected: []),
        Case(name: "digest only", dockerfile: "FROM \(platformFlag) debian@\(digest)", expected: []),
        Case(name: "registry port and digest",
             dockerfile: "FROM \(platformFlag) registry.local:5000/team/app:1.0@\(digest)", expected: []),
        Case(name: "version tag", dockerfile: "FROM \(platformFlag) debian:12", expected: [Hit("DS001", 1)]),
        Case(name: "registry port, no tag", dockerfile: "FROM \(platformFlag) registry.local:5000/app",
             expected: [Hit("DS001", 1), Hit("DS002", 1)]),
        Case(name: "latest", dockerfile: "FROM \(platformFlag) debian:latest AS x",
             expected: [Hit("DS001", 1), Hit("DS002", 1)]),
        Case(name: "short digest", dockerfile: "FROM \(platformFlag) debian@sha256:abc123", expected: [Hit("DS001", 1)]),
        Case(name: "scratch", dockerfile: "FROM scratch", expected: []),
        Case(name: "scratch, any case", dockerfile: "FROM Scratch AS empty", expected: []),
    ])
    func pinning(_ test: Case) {
        #expect(hits(lint(test.dockerfile)) == test.expected)
    }

    @Test(arguments: [
        Case(name: "ARG default with digest, $NAME",
             dockerfile: "ARG BASE=debian:12@\(digest)\nFROM \(platformFlag) $BASE", expected: []),
        Case(name: "ARG default with digest, ${NAME}",
             dockerfile: "ARG BASE=\"debian:12@\(digest)\"\nFROM \(platformFlag) ${BASE} AS b", expected: []),
        Case(name: "ARG default without digest",
             dockerfile: "ARG BASE=debian:12\nFROM \(platformFlag) ${BASE}", expected: [Hit("DS001", 2)]),
        Case(name: "ARG default latest",
             dockerfile: "ARG BASE=debian\nFROM \(platformFlag) $BASE", expected: [Hit("DS001", 2), Hit("DS002", 2)]),
        Case(name: "ARG tag part",
             dockerfile: "ARG V=12\nFROM \(platformFlag) debian:${V}", expected: [Hit("DS001", 2)]),
        Case(name: "ARG default built from another ARG",
             dockerfile: "ARG D=\(digest)\nARG BASE=debian:12@${D}\nFROM \(platformFlag) $BASE", expected: []),
        Case(name: "ARG without default",
             dockerfile: "ARG BASE\nFROM \(platformFlag) $BASE", expected: [Hit("DS004", 2)]),
        Case(name: "undeclared ARG",
             dockerfile: "FROM \(platformFlag) ${NOPE}", expected: [Hit("DS004", 1)]),
        Case(name: "default word of ${NAME:-word}",
             dockerfile: "ARG TAG\nFROM \(platformFlag) debian:${TAG:-12}@\(digest)", expected: []),
        Case(name: "literal digest pins whatever the ARG",
             dockerfile: "ARG REGISTRY\nFROM \(platformFlag) ${REGISTRY}/debian:12@\(digest)", expected: []),
        Case(name: "stage ARG is not visible to FROM",
             dockerfile: "FROM \(platformFlag) debian:12@\(digest)\nARG BASE=alpine:3.19@\(digest)\nFROM \(platformFlag) $BASE",
             expected: [Hit("DS004", 3)]),
        Case(name: "multiple ARGs on one line",
             dockerfile: "ARG A=1 IMG=debian:12\nFROM \(platformFlag) $IMG", expected: [Hit("DS001", 2)]),
    ])
    func argumentSubstitution(_ test: Case) {
        #expect(hits(lint(test.dockerfile)) == test.expected)
    }

    @Test(arguments: [
        Case(name: "FROM an earlier stage",
             dockerfile: "FROM \(platformFlag) golang:1.22@\(digest) AS builder\nFROM builder\nRUN true", expected: []),
        Case(name: "stage names compare case-insensitively",
             dockerfile: "FROM \(platformFlag) golang:1.22@\(digest) AS Builder\nFROM BUILDER AS next\nFROM next",
             expected: []),
        Case(name: "a later stage name is still an image",
             dockerfile: "FROM later\nFROM \(platformFlag) golang:1.22@\(digest) AS later",
             expected: [Hit("DS001", 1), Hit("DS002", 1), Hit("DS003", 1)]),
        Case(name: "COPY --from a stage, by name and by index",
             dockerfile: "FROM \(platformFlag) golang:1.22@\(digest) AS build\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=0 /b /b",
             expected: []),
        Case(name: "COPY --from an image",
             dockerfile: "FROM scratch\nCOPY --from=alpine:3.19 /a /a\nCOPY --from=busybox /b /b\nCOPY --from=nginx@\(digest) /c /c",
             expected: [Hit("DS001", 2), Hit("DS001", 3), Hit("DS002", 3)]),
        Case(name: "RUN --mount from a stage and from an image",
             dockerfile: """
                 FROM \(platformFlag) golang:1.22@\(digest) AS build
                 RUN --mount=type=bind,from=build,target=/src true
                 RUN --mount=type=cache,target=/go,from=golang:1.22 true
                 """,
             expected: [Hit("DS001", 3)]),
        Case(name: "COPY --from with an ARG",
             dockerfile: "ARG TOOLS=tools:1@\(digest)\nFROM scratch\nCOPY --from=${TOOLS} /t /t", expected: []),
    ])
    func stageReferences(_ test: Case) {
        #expect(hits(lint(test.dockerfile)) == test.expected)
    }

    @Test(arguments: [
        Case(name: "no platform", dockerfile: "FROM debian:12@\(digest)", expected: [Hit("DS003", 1)]),
        Case(name: "--platform literal",
             dockerfile: "FROM --platform=linux/arm64/v8 debian:12@\(digest)", expected: []),
        Case(name: "--platform from the builder",
             dockerfile: "FROM --platform=$BUILDPLATFORM debian:12@\(digest)\nFROM --platform=${TARGETPLATFORM} alpine:3@\(digest)",
             expected: []),
        Case(name: "# platform= before the first FROM",
             dockerfile: "# syntax=docker/dockerfile:1\n# platform=linux/amd64\nFROM debian:12@\(digest)\nFROM alpine:3@\(digest)",
             expected: []),
        Case(name: "# platform= after the first FROM does not count",
             dockerfile: "FROM debian:12@\(digest)\n# platform=linux/amd64\nFROM \(platformFlag) alpine:3@\(digest)",
             expected: [Hit("DS003", 1)]),
        Case(name: "platform label in the stage",
             dockerfile: "FROM debian:12@\(digest)\nLABEL org.opencontainers.image.platform=\"linux/amd64\" a=b",
             expected: []),
        Case(name: "platform label covers only its stage",
             dockerfile: "FROM debian:12@\(digest)\nLABEL org.opencontainers.image.platform=linux/amd64\nFROM alpine:3@\(digest)",
             expected: [Hit("DS003", 3)]),
        Case(name: "stage references inherit the platform",
             dockerfile: "FROM \(platformFlag) debian:12@\(digest) AS base\nFROM base", expected: []),
    ])
    func platformRecording(_ test: Case) {
        #expect(hits(lint(test.dockerfile)) == test.expected)
    }

    @Test func argFixSaysToPinTheDefault() throws {
        let finding = try #require(lint("ARG BASE=debian:12\nFROM \(platformFlag) $BASE").first)
        #expect(finding.message.contains("resolves to debian:12"))
        #expect(finding.fix.contains("ARG default"))
    }

    @Test func unresolvedArgumentNamesTheArgument() throws {
        let finding = try #require(lint("ARG BASE\nFROM \(platformFlag) $BASE").first)
        #expect(finding.ruleId == "DS004")
        #expect(finding.level == .warning)
        #expect(finding.message.contains("BASE"))
    }
}
