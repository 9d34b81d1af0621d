import Testing
@testable import DriftscopeLint

/// One Dockerfile that breaks every rule once, and the exact findings it must produce.
@Suite struct UnpinnedDockerfileTests {
    static let dockerfile = """
        FROM debian:12
        FROM ubuntu AS tools
        FROM python:latest AS py
        RUN pip install flask
        RUN pip install -r requirements.txt
        RUN apt-get update && apt-get install -y curl
        RUN apt-get upgrade -y
        RUN npm install
        RUN yarn install
        ADD https://example.com/tool.tar.gz /opt/
        RUN curl -fsSL https://example.com/install.sh | sh
        RUN wget -O- https://example.com/setup | bash
        RUN apt-get dist-upgrade
        """
    static let requirements = "flask\nrequests==2.31.0\n"

    static let expected: [Hit] = [
        Hit("DS001", 1), Hit("DS003", 1),
        Hit("DS001", 2), Hit("DS002", 2), Hit("DS003", 2),
        Hit("DS001", 3), Hit("DS002", 3), Hit("DS003", 3),
        Hit("DS005", 4), Hit("DS006", 4),
        Hit("DS006", 5),
        Hit("DS009", 6),
        Hit("DS010", 7),
        Hit("DS011", 8),
        Hit("DS012", 9),
        Hit("DS013", 10),
        Hit("DS014", 11),
        Hit("DS014", 12),
        Hit("DS010", 13),
        Hit("DS007", 1, file: "requirements.txt"), Hit("DS008", 1, file: "requirements.txt"),
        Hit("DS008", 2, file: "requirements.txt"),
    ]

    static var findings: [LintFinding] {
        lint(dockerfile, [("requirements.txt", requirements)])
    }

    @Test(arguments: expected)
    func reportsFinding(_ hit: Hit) {
        #expect(hits(Self.findings).contains(hit), "missing \(hit)")
    }

    @Test func reportsNothingElse() {
        #expect(hits(Self.findings) == Set(Self.expected))
        #expect(Self.findings.count == Self.expected.count, "no duplicates")
    }

    @Test func levelsComeFromTheRuleCatalogue() {
        for finding in Self.findings {
            let rule = LintRule.withID(finding.ruleId)
            #expect(rule != nil)
            #expect(finding.level == rule?.level)
            #expect(finding.why == rule?.rationale)
            #expect(!finding.fix.isEmpty && !finding.message.isEmpty)
        }
        #expect(LintSummary(Self.findings).hasErrors)
    }

    @Test func findingsAreOrderedByFileThenLine() {
        let order = Self.findings.map { ($0.file == "Dockerfile" ? 0 : 1, $0.line) }
        #expect(zip(order, order.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func pipInstallOfAGivenFileWithoutHashesSaysSo() throws {
        let finding = try #require(Self.findings.first { $0.ruleId == "DS006" && $0.line == 5 })
        #expect(finding.message.contains("requirements.txt"))
        #expect(finding.message.contains("no requirement"))
    }
}

/// A fully pinned multi-stage Dockerfile yields nothing at all.
@Suite struct PinnedDockerfileTests {
    static let dockerfile = """
        # syntax=docker/dockerfile:1.7
        ARG PYTHON=python:3.12.2-slim-bookworm@\(digest)
        FROM --platform=linux/amd64 ${PYTHON} AS build
        RUN --mount=type=cache,target=/root/.cache \\
            apt-get update \\
         && apt-get install -y --no-install-recommends build-essential=12.9 libpq-dev=15.6-0+deb12u1 \\
         && rm -rf /var/lib/apt/lists/*
        COPY requirements.txt /app/requirements.txt
        RUN pip install --no-cache-dir --require-hashes -r /app/requirements.txt
        RUN python3 -m pip install --no-deps -r /app/requirements.txt

        FROM --platform=linux/amd64 node:20.11.1-bookworm@\(otherDigest) AS web
        COPY package.json package-lock.json ./
        RUN npm ci && npm install -g pnpm@8.15.4
        RUN yarn install --frozen-lockfile
        ADD --checksum=sha256:\(String(repeating: "12", count: 32)) https://example.com/tool.tar.gz /opt/
        RUN <<EOF
        set -eu
        npm ci --omit=dev
        pnpm install --frozen-lockfile
        EOF

        FROM --platform=$BUILDPLATFORM debian:12.5@\(digest)
        COPY --from=build /usr/local /usr/local
        COPY --from=web /app /app
        COPY --from=1 /opt /opt
        RUN ["/bin/sh", "-c", "apt-get install -y ca-certificates=20230311"]
        RUN curl -fsSLo /tmp/tool.sh https://example.com/tool.sh \\
         && echo "\(String(repeating: "34", count: 32))  /tmp/tool.sh" | sha256sum -c - \\
         && sh /tmp/tool.sh
        """

    @Test func hasNoFindings() {
        let findings = lint(Self.dockerfile, [("requirements.txt", hashedRequirements),
                                              ("package-lock.json", "{}")])
        #expect(findings.isEmpty, "\(findings.map { "\($0.line) \($0.ruleId) \($0.message)" })")
        #expect(!LintSummary(findings).hasErrors)
    }
}
