import Testing
@testable import DriftscopeLint

/// Package managers, downloads and ADD, one instruction at a time after a pinned base.
@Suite struct CommandTests {
    @Test(arguments: [
        ("RUN pip install flask", ["DS005", "DS006"]),
        ("RUN pip install flask==3.0.2", ["DS006"]),
        ("RUN pip install 'flask>=2' requests==2.31.0", ["DS005", "DS006"]),
        ("RUN pip install flask==2.*", ["DS005", "DS006"]),
        ("RUN pip install --require-hashes -r requirements.txt", []),
        ("RUN pip install -r requirements.txt", ["DS006"]),
        ("RUN pip install --requirement=requirements.txt", ["DS006"]),
        ("RUN pip3 install --no-cache-dir --upgrade pip", ["DS005", "DS006"]),
        ("RUN python3 -m pip install 'flask>=2'", ["DS005", "DS006"]),
        ("RUN /usr/local/bin/pip3.12 install -i https://pypi.org/simple flask==3.0.2", ["DS006"]),
        ("RUN sudo -H pip install -U setuptools", ["DS005", "DS006"]),
        ("RUN PIP_REQUIRE_HASHES=1 pip install -r requirements.txt", []),
        ("RUN env PIP_REQUIRE_HASHES=true pip install -r requirements.txt", []),
        ("RUN pip install --no-deps ./dist/app-1.0-py3-none-any.whl", []),
        ("RUN pip install .", ["DS006"]),
        ("RUN pip install $PACKAGES", ["DS006"]),
        ("RUN uv pip install --require-hashes -r requirements.txt", []),
        ("RUN uv pip install flask", ["DS005", "DS006"]),
        ("RUN pip download flask", []),
        ("RUN pip --disable-pip-version-check install flask==3.0.2", ["DS006"]),
    ])
    func pip(_ instruction: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: instruction) == expected.sorted())
    }

    @Test func pipHonoursStageEnvironment() {
        let dockerfile = """
            \(pinnedBase) AS base
            ENV PIP_REQUIRE_HASHES=1
            RUN pip install -r requirements.txt
            FROM base
            RUN pip install -r requirements.txt
            """
        #expect(lint(dockerfile).isEmpty)
    }

    @Test(arguments: [
        (hashedRequirements, "pip install -r /app/requirements.txt", [String]()),
        (hashedRequirements, "pip install -r ./requirements.txt", []),
        ("flask==3.0.2\n", "pip install -r requirements.txt", ["DS006", "DS008"]),
        ("flask==3.0.2\n", "pip install --require-hashes -r requirements.txt", ["DS008"]),
    ])
    func pipRequirementsFileGivenOnTheCommandLine(_ contents: String, _ command: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: "RUN " + command, [("requirements.txt", contents)]) == expected.sorted())
    }

    @Test func requirementsFileIsMatchedByTrailingPathComponents() {
        let extra = [("py/requirements.txt", hashedRequirements), ("web/requirements.txt", "flask==3.0.2\n")]
        let findings = lint(pinnedBase + "\nRUN pip install -r /src/py/requirements.txt\n", extra)
        #expect(hits(findings) == [Hit("DS008", 1, file: "web/requirements.txt")])
    }

    @Test(arguments: [
        ("RUN apt-get install -y curl", ["DS009"]),
        ("RUN apt-get install -y curl=7.88.1-10+deb12u5", []),
        ("RUN apt-get -y -o Dpkg::Options::=--force-confold install curl=1 git=1:2.39", []),
        ("RUN apt-get install -y --no-install-recommends curl=1 git wget", ["DS009"]),
        ("RUN apt install -y ./local.deb", []),
        ("RUN apt-get install -y $PACKAGES", []),
        ("RUN apt-get update", []),
        ("RUN apt-get upgrade -y", ["DS010"]),
        ("RUN apt-get -y dist-upgrade", ["DS010"]),
        ("RUN apt full-upgrade", ["DS010"]),
    ])
    func apt(_ instruction: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: instruction) == expected)
    }

    @Test func aptFindingNamesOnlyTheUnpinnedPackages() throws {
        let finding = try #require(lint(pinnedBase + "\nRUN apt-get install -y curl=1 git wget\n").first)
        #expect(finding.message.hasSuffix("git, wget"))
        #expect(finding.level == .warning)
    }

    @Test(arguments: [
        ("RUN npm install", ["DS011"]),
        ("RUN npm i --omit=dev", ["DS011"]),
        ("RUN npm ci", []),
        ("RUN npm install -g npm@10.2.4", []),
        ("RUN npm install -g typescript", ["DS011"]),
        ("RUN npm install --save-exact @angular/cli@^17", ["DS011"]),
        ("RUN npm install -g @angular/cli@17.1.0 corepack@0.25.2", []),
        ("RUN npm run build", []),
        ("RUN yarn", ["DS012"]),
        ("RUN yarn install", ["DS012"]),
        ("RUN yarn install --frozen-lockfile", []),
        ("RUN yarn install --immutable", []),
        ("RUN yarn --frozen-lockfile --production", []),
        ("RUN yarn --cwd web install", ["DS012"]),
        ("RUN yarn build", []),
        ("RUN pnpm install", ["DS012"]),
        ("RUN pnpm install --frozen-lockfile", []),
    ])
    func javascript(_ instruction: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: instruction) == expected)
    }

    @Test(arguments: [
        ("RUN curl -fsSL https://example.com/i.sh | sh", ["DS014"]),
        ("RUN wget -O- https://example.com/i.sh | bash", ["DS014"]),
        ("RUN curl -fsSL https://example.com/i.sh | sudo bash -s -- --yes", ["DS014"]),
        ("RUN curl -s https://example.com/get-pip.py | python3 -", ["DS014"]),
        ("RUN sh -c \"$(curl -fsSL https://example.com/i.sh)\"", ["DS014"]),
        ("RUN bash <(curl -s https://example.com/i.sh)", ["DS014"]),
        ("RUN curl -fsSL https://example.com/a.tgz | tar -xz -C /opt", []),
        ("RUN curl -fsSLo /tmp/i.sh https://example.com/i.sh && sha256sum -c sums && sh /tmp/i.sh", []),
    ])
    func downloads(_ instruction: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: instruction) == expected)
    }

    @Test(arguments: [
        ("ADD https://example.com/a.tgz /opt/", ["DS013"]),
        ("ADD --checksum=sha256:\(String(repeating: "9", count: 64)) https://example.com/a.tgz /opt/", []),
        ("ADD [\"https://example.com/a b.tgz\", \"/opt/\"]", ["DS013"]),
        ("ADD https://github.com/moby/buildkit.git#v0.12.0 /src", ["DS013"]),
        ("ADD https://github.com/moby/buildkit.git#\(String(repeating: "a", count: 40)) /src", []),
        ("ADD git@github.com:moby/buildkit.git /src", ["DS013"]),
        ("ADD local.tgz /opt/", []),
        ("ADD http://a.example/x http://b.example/y /opt/", ["DS013", "DS013"]),
    ])
    func add(_ instruction: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: instruction) == expected)
    }

    @Test(arguments: [
        ("RUN [\"pip\", \"install\", \"flask\"]", ["DS005", "DS006"]),
        ("RUN [\"/bin/sh\", \"-c\", \"npm install && apt-get upgrade\"]", ["DS010", "DS011"]),
        ("RUN [\"npm\", \"ci\"]", []),
        ("RUN bash -euo pipefail -c 'npm install; yarn'", ["DS011", "DS012"]),
        ("RUN apt-get update && apt-get install -y curl || true; npm install", ["DS009", "DS011"]),
        ("RUN if [ -f package-lock.json ]; then npm install; else yarn install; fi", ["DS011", "DS012"]),
        ("RUN (cd web && npm install) & wait", ["DS011"]),
        ("RUN echo 'npm install' > /notes # npm install", []),
        ("RUN apt-get install -y curl 2>&1 >/dev/null", ["DS009"]),
    ])
    func runForms(_ instruction: String, _ expected: [String]) {
        #expect(ruleIDs(afterPinnedBase: instruction) == expected.sorted())
    }

    @Test func execFormKeepsTheLineOfEachElement() {
        let dockerfile = "\(pinnedBase)\nRUN [\"/bin/sh\", \\\n     \"-c\", \\\n     \"npm install\"]\n"
        #expect(hits(lint(dockerfile)) == [Hit("DS011", 4)])
    }
}
