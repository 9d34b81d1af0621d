// Walks a parsed Dockerfile in order, keeping the state later instructions depend on: global build
// arguments (for FROM), the stages defined so far (for `FROM builder`, `COPY --from=builder`), and each
// stage's ENV (pip honours PIP_REQUIRE_HASHES).

struct DockerfileLinter {
    /// The Dockerfile path, as given.
    let path: String
    let dockerfile: Dockerfile
    /// Requirements files given alongside the Dockerfile, for `pip install -r`.
    let requirements: [RequirementsFile]
    /// Base names of lockfiles given alongside the Dockerfile.
    let lockfiles: Set<String>

    var sink = FindingSink()
    private var globalArguments = BuildArguments()
    private var stages: [Stage] = []
    /// `# platform=...` before the first FROM names the platform of every stage.
    private let platformRecordedForFile: Bool
    /// Stage indices whose stage sets `LABEL org.opencontainers.image.platform`.
    private let stagesWithPlatformLabel: Set<Int>

    /// A build stage defined so far.
    struct Stage {
        /// The `AS` name, lowercased as BuildKit compares them.
        var name: String?
        /// ENV set in the stage (inherited by stages built `FROM` it).
        var environment: [String: String] = [:]
    }

    /// The label key that records the platform of a stage.
    static let platformLabel = "org.opencontainers.image.platform"

    init(path: String, dockerfile: Dockerfile, requirements: [RequirementsFile], lockfiles: Set<String>) {
        self.path = path
        self.dockerfile = dockerfile
        self.requirements = requirements
        self.lockfiles = lockfiles

        let stageStarts = dockerfile.instructions.filter { $0.keyword == "FROM" && !$0.isTrigger }
        let firstFrom = stageStarts.first?.line ?? Int.max
        platformRecordedForFile = dockerfile.directives["platform"] != nil || dockerfile.comments.contains {
            $0.line < firstFrom && DockerfileParser.directive(in: "#" + $0.text)?.0 == "platform"
        }
        var labelled: Set<Int> = []
        var stageIndex = -1
        for instruction in dockerfile.instructions where !instruction.isTrigger {
            if instruction.keyword == "FROM" { stageIndex += 1 }
            if instruction.keyword == "LABEL", stageIndex >= 0,
               keyValuePairs(instruction.arguments.string, legacyForm: true)
                .contains(where: { $0.key == Self.platformLabel && !($0.value ?? "").isEmpty }) {
                labelled.insert(stageIndex)
            }
        }
        stagesWithPlatformLabel = labelled
    }

    /// Runs every check and returns the findings for the Dockerfile.
    mutating func lint() -> [LintFinding] {
        for problem in dockerfile.problems {
            sink.add(.syntax, file: path, line: problem.line, problem.description)
        }
        for instruction in dockerfile.instructions {
            visit(instruction)
        }
        return sink.findings
    }

    private mutating func visit(_ instruction: Instruction) {
        switch instruction.keyword {
        case "ARG" where stages.isEmpty && !instruction.isTrigger:
            for pair in keyValuePairs(instruction.arguments.string, legacyForm: false) {
                globalArguments.declare(pair.key, default: pair.value)
            }
        case "ENV" where !stages.isEmpty && !instruction.isTrigger:
            for pair in keyValuePairs(instruction.arguments.string, legacyForm: true) {
                stages[stages.count - 1].environment[pair.key] = pair.value ?? ""
            }
        case "FROM" where !instruction.isTrigger:
            from(instruction)
        case "RUN":
            run(instruction)
        case "ADD":
            add(instruction)
        case "COPY":
            if let source = instruction.flag("from"), !instruction.isTrigger {
                _ = checkImage(source.value, line: source.line, context: "COPY --from", numberedStages: true)
            }
        default:
            break
        }
    }

    // MARK: FROM and other image references

    private enum ImageSource {
        case scratch
        case stage(Int)
        case image
    }

    private mutating func from(_ instruction: Instruction) {
        let stageIndex = stages.count
        var stage = Stage()
        defer { stages.append(stage) }
        let words = instruction.arguments.blankSeparatedWords()
        guard let imageWord = words.first else { return }  // reported by the parser
        if words.count == 3, words[1].string.lowercased() == "as" {
            stage.name = words[2].string.lowercased()
        } else if words.count != 1 {
            let problem = DockerfileProblem.malformedFrom(text: instruction.arguments.string, line: instruction.line)
            sink.add(.syntax, file: path, line: problem.line, problem.description)
        }
        let line = imageWord.firstLine(or: instruction.line)
        switch checkImage(imageWord.string, line: line, context: "FROM", numberedStages: false) {
        case .scratch:
            return
        case .stage(let parent):
            stage.environment = stages[parent].environment
            return
        case .image:
            break
        }
        let platformFlag = instruction.flag("platform").map { !$0.value.isEmpty } ?? false
        if !platformFlag, !platformRecordedForFile, !stagesWithPlatformLabel.contains(stageIndex) {
            sink.add(.platformUnspecified, file: path, line: instruction.line,
                     "FROM \(imageWord.string) names no platform, so the image pulled depends on the builder's "
                        + "architecture",
                     fix: "Write FROM --platform=linux/amd64 \(imageWord.string) (or --platform=$BUILDPLATFORM), "
                        + "or add `# platform=linux/amd64` before the first FROM to record it for the whole file.")
        }
    }

    /// Checks one image reference and says what it refers to. `numberedStages` accepts `0`, `1`, ... as stage
    /// references, as `COPY --from` and `--mount from=` do.
    private mutating func checkImage(_ raw: String, line: Int, context: String, numberedStages: Bool) -> ImageSource {
        let expansion = globalArguments.expand(raw)
        guard expansion.unresolved.isEmpty else {
            if ImageReference.containsLiteralDigest(raw) { return .image }
            let names = Array(Set(expansion.unresolved)).sorted().joined(separator: ", ")
            sink.add(.unresolvedArgument, file: path, line: line,
                     "\(context) \(raw): build argument \(names) has no default before the first FROM, so the "
                        + "image is chosen at build time and its pin cannot be checked",
                     fix: "Declare it with a digest-pinned default before the first FROM, e.g. "
                        + "ARG \(expansion.unresolved[0])=name:tag@sha256:<digest>.")
            return .image
        }
        let value = expansion.text
        let lowered = value.lowercased()
        if lowered == "scratch" { return .scratch }
        if let index = stages.firstIndex(where: { $0.name == lowered }) { return .stage(index) }
        if numberedStages, let index = Int(value), index >= 0, index < stages.count { return .stage(index) }

        let reference = ImageReference(value)
        let shown = raw == value ? raw : "\(raw) (resolves to \(value))"
        let contextNote = context == "FROM" ? "" : " (if it names a --build-context, pin that context instead)"
        if let digest = reference.digest {
            if !reference.hasValidDigest {
                sink.add(.imageDigest, file: path, line: line,
                         "\(context) \(shown): '\(digest)' is not a sha256 digest of 64 lowercase hex digits",
                         fix: "Copy the full digest: \(reference.name)@sha256:<64 hex digits>.")
            }
            return .image
        }
        if reference.isFloating {
            let tagText = reference.tag == nil ? "has no tag, which means :latest" : "uses the :latest tag"
            sink.add(.floatingTag, file: path, line: line, "\(context) \(shown) \(tagText)",
                     fix: "Name a version and pin its digest: \(reference.name):<version>@sha256:<digest>"
                        + contextNote + ".")
        }
        let tag = reference.tag.map { ":\($0)" } ?? ":<version>"
        let whereToPin = raw == value ? "Pin it" : "Pin it in the ARG default"
        sink.add(.imageDigest, file: path, line: line, "\(context) \(shown) is not pinned by digest",
                 fix: "\(whereToPin): \(reference.name)\(tag)@sha256:<digest>; `docker buildx imagetools inspect "
                    + "\(value)` prints the digest" + contextNote + ".")
        return .image
    }

    // MARK: RUN

    private mutating func run(_ instruction: Instruction) {
        if !instruction.isTrigger {
            for flag in instruction.flags where flag.name == "mount" {
                let options = flag.value.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1) }
                if let from = options.first(where: { $0.first == "from" && $0.count == 2 }) {
                    _ = checkImage(String(from[1]), line: flag.line, context: "RUN --mount from=",
                                   numberedStages: true)
                }
            }
        }
        let environment = stages.last?.environment ?? [:]
        if instruction.heredocs.isEmpty, let words = ExecForm.parse(instruction.arguments) {
            lintScript([ShellPipeline(commands: [ShellCommand(words: words)])], environment: environment, depth: 0)
            return
        }
        let commandLine = ShellLexer.pipelines(in: instruction.arguments)
        lintScript(commandLine, environment: environment, depth: 0)
        for heredoc in instruction.heredocs where Self.isShellScript(heredoc, commandLine: commandLine) {
            lintScript(ShellLexer.pipelines(in: heredoc.body), environment: environment, depth: 0)
        }
    }

    /// Whether a RUN here-document body is shell: `RUN <<EOF` runs it as a script (a `#!` line picks the
    /// interpreter); `RUN bash <<EOF` feeds it to a shell; `RUN python3 <<EOF` or `cat <<EOF > f` does not.
    static func isShellScript(_ heredoc: Heredoc, commandLine: [ShellPipeline]) -> Bool {
        let firstLine = heredoc.body.string.prefix { $0 != "\n" }
        if firstLine.hasPrefix("#!") {
            let words = firstLine.dropFirst(2).split(whereSeparator: \.isBlank).map(String.init)
            var interpreter = words.first?.lastPathComponent ?? ""
            if interpreter == "env" { interpreter = words.dropFirst().first { !$0.hasPrefix("-") } ?? "" }
            return Invocation.isShell(interpreter)
        }
        let owner = commandLine.lazy.flatMap(\.commands).first { $0.heredocDelimiters.contains(heredoc.delimiter) }
        guard let owner, let invocation = Invocation(owner) else { return true }
        let runsScriptArgument = invocation.arguments.contains {
            $0.text.hasPrefix("-") && !$0.text.hasPrefix("--") && $0.text.contains("c")
        }
        return Invocation.isShell(invocation.program) && !runsScriptArgument
    }

    // MARK: ADD

    private mutating func add(_ instruction: Instruction) {
        let words: [ShellWord]
        if let exec = ExecForm.parse(instruction.arguments) {
            words = exec
        } else {
            words = instruction.arguments.blankSeparatedWords().map {
                ShellWord(text: $0.string, line: $0.firstLine(or: instruction.line))
            }
        }
        guard words.count >= 2 else { return }
        let hasChecksum = !(instruction.flag("checksum")?.value ?? "").isEmpty
        for source in words.dropLast() {
            let text = source.text
            guard Self.isRemote(text) else { continue }
            if Self.isGit(text) {
                if hasChecksum || Self.gitCommitPinned(text) { continue }
                sink.add(.addChecksum, file: path, line: source.line,
                         "ADD \(text) fetches a git ref that can move",
                         fix: "Pin a full commit: ADD \(text.prefix { $0 != "#" })#<40-hex commit> <dest>, "
                            + "or add --checksum=<commit>.")
            } else if !hasChecksum {
                sink.add(.addChecksum, file: path, line: source.line,
                         "ADD downloads \(text) without --checksum",
                         fix: "Add the file's digest: ADD --checksum=sha256:<hash> \(text) <dest> "
                            + "(`curl -fsSL \(text) | sha256sum` computes it once).")
            }
        }
    }

    static func isRemote(_ source: String) -> Bool {
        let lowered = source.lowercased()
        return ["http://", "https://", "git://", "git@", "ssh://"].contains { lowered.hasPrefix($0) }
    }

    static func isGit(_ source: String) -> Bool {
        let lowered = source.lowercased()
        if lowered.hasPrefix("git://") || lowered.hasPrefix("git@") || lowered.hasPrefix("ssh://") { return true }
        let path = lowered.prefix { $0 != "#" }
        return path.hasSuffix(".git") || path.hasSuffix(".git/")
    }

    /// `...#<40 or 64 hex>` (optionally `:subdir`) names one commit.
    static func gitCommitPinned(_ source: String) -> Bool {
        guard let hash = source.firstIndex(of: "#") else { return false }
        let reference = source[source.index(after: hash)...].prefix { $0 != ":" }
        return ImageReference.isLowerHex(reference, count: 40) || ImageReference.isLowerHex(reference, count: 64)
    }
}
