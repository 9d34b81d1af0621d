/// A check the linter performs. Ids are stable: a rule may be retired but its id is never reused, so
/// suppressions and SARIF baselines keep working across releases.
public struct LintRule: Sendable, Hashable, Identifiable {
    /// The stable id, `DS` and three digits.
    public let id: String
    /// A short kebab-case name, for people and for SARIF `rules[].name`.
    public let name: String
    /// The level the rule's findings carry.
    public let level: LintLevel
    /// One sentence naming what the rule detects.
    public let summary: String
    /// Why it matters for a reproducible build.
    public let rationale: String
    /// The general fix; findings carry a fix specific to the occurrence.
    public let help: String

    /// `FROM`, `COPY --from` or `RUN --mount=from=` names an image without a content digest.
    public static let imageDigest = LintRule(
        id: "DS001", name: "image-not-pinned-by-digest", level: .error,
        summary: "Image reference is not pinned by a sha256 digest.",
        rationale: "A tag is a pointer the registry can move at any time, so two builds of the same Dockerfile "
            + "can start from different bytes. Only a content digest names exactly one image.",
        help: "Append the digest of the image you tested: FROM name:tag@sha256:<digest> (`docker buildx "
            + "imagetools inspect name:tag` prints it), and update it deliberately, e.g. with Renovate.")

    /// An image is named by `:latest` or by no tag at all.
    public static let floatingTag = LintRule(
        id: "DS002", name: "image-floating-tag", level: .error,
        summary: "Image reference uses the latest tag or no tag.",
        rationale: "`latest`, which is also what a missing tag means, follows every upstream release, so the "
            + "base changes between builds and nobody can tell which version was intended.",
        help: "Name the version you build on and pin its digest: FROM name:1.2.3@sha256:<digest>.")

    /// A stage's base image is pulled without a named platform.
    public static let platformUnspecified = LintRule(
        id: "DS003", name: "platform-not-named", level: .warning,
        summary: "No platform is named for the base image.",
        rationale: "A multi-platform image resolves to a different image on each builder architecture, so a "
            + "rebuild on another machine can pull different bytes even when the index digest is pinned.",
        help: "Add --platform=linux/amd64 (or --platform=$BUILDPLATFORM / $TARGETPLATFORM, which the builder "
            + "records) to FROM, record it for the whole file with a `# platform=linux/amd64` comment before the "
            + "first FROM, or set LABEL org.opencontainers.image.platform=linux/amd64 in the stage.")

    /// An image reference depends on a build argument the Dockerfile does not resolve.
    public static let unresolvedArgument = LintRule(
        id: "DS004", name: "image-from-unresolved-arg", level: .warning,
        summary: "Image reference uses a build argument with no default, so it cannot be checked.",
        rationale: "The image then comes from --build-arg at build time: the Dockerfile alone does not say what "
            + "it builds on, and its pin cannot be verified.",
        help: "Give the ARG a digest-pinned default before the first FROM (ARG BASE=name:tag@sha256:<digest>), "
            + "or write the digest literally in the reference, and record the --build-arg values of releases.")

    /// `pip install` names packages without `==` versions.
    public static let pipUnpinned = LintRule(
        id: "DS005", name: "pip-unpinned-package", level: .error,
        summary: "pip install names packages without an exact == version.",
        rationale: "pip resolves an unpinned or range requirement to the newest release on the index at build "
            + "time, so the installed version depends on the day of the build.",
        help: "Move the packages into a requirements file with name==version --hash=sha256:<hash> lines "
            + "(pip-compile --generate-hashes writes one) and install it with --require-hashes.")

    /// `pip install` runs without hash checking.
    public static let pipHashes = LintRule(
        id: "DS006", name: "pip-no-hash-checking", level: .error,
        summary: "pip install runs without hash checking.",
        rationale: "Without hashes pip accepts whatever file the index serves for a version, and transitive "
            + "dependencies resolve to their newest releases at build time.",
        help: "Install from a requirements file whose every line is name==version --hash=sha256:<hash> "
            + "and pass --require-hashes (or set ENV PIP_REQUIRE_HASHES=1).")

    /// A requirements line has no exact version.
    public static let requirementUnpinned = LintRule(
        id: "DS007", name: "requirement-unpinned", level: .error,
        summary: "Requirement without an exact == version.",
        rationale: "A range or a bare name lets pip pick the newest matching release at build time.",
        help: "Pin the exact version: name==1.2.3 (pip-compile or `pip freeze` output gives the versions).")

    /// A requirements line has no `--hash=sha256:`.
    public static let requirementUnhashed = LintRule(
        id: "DS008", name: "requirement-unhashed", level: .error,
        summary: "Requirement without --hash=sha256:.",
        rationale: "A version number does not identify a file: an index can serve a different wheel or a "
            + "re-uploaded sdist for it. A hash makes pip refuse anything but the file that was reviewed.",
        help: "Add the hashes of every file you accept: name==1.2.3 --hash=sha256:<hash> "
            + "(pip-compile --generate-hashes or `pip hash` computes them).")

    /// `apt-get install` of packages without `=version`.
    public static let aptUnpinned = LintRule(
        id: "DS009", name: "apt-unpinned-package", level: .warning,
        summary: "apt-get install without package=version pins.",
        rationale: "apt installs whatever version the mirror carries on the day of the build; Debian and Ubuntu "
            + "update packages within a release.",
        help: "Pin each package (apt-get install curl=7.88.1-10+deb12u5) and fetch from a dated snapshot mirror "
            + "(snapshot.debian.org) so the pinned versions stay available.")

    /// `apt-get upgrade` / `dist-upgrade` in the build.
    public static let aptUpgrade = LintRule(
        id: "DS010", name: "apt-upgrade", level: .warning,
        summary: "apt-get upgrade or dist-upgrade in the build.",
        rationale: "An upgrade pulls every newer package the mirror has, so the image differs with the build day "
            + "even when the base image is pinned.",
        help: "Remove the upgrade; take updates by moving the base image digest, or pin the few packages you "
            + "need with package=version.")

    /// `npm install` where `npm ci` belongs, or npm packages without exact versions.
    public static let npmInstall = LintRule(
        id: "DS011", name: "npm-install", level: .warning,
        summary: "npm install where npm ci belongs.",
        rationale: "npm install may rewrite package-lock.json and resolves ranges at build time; npm ci installs "
            + "exactly the lockfile and fails when it does not match package.json.",
        help: "Copy package.json and package-lock.json, then run npm ci; install tools with exact versions "
            + "(npm install -g name@1.2.3).")

    /// `yarn install` / `pnpm install` without a frozen lockfile.
    public static let unfrozenLockfile = LintRule(
        id: "DS012", name: "js-lockfile-not-frozen", level: .warning,
        summary: "yarn or pnpm install without a frozen lockfile.",
        rationale: "Without the flag the package manager may update the lockfile during the build instead of "
            + "failing, so the build installs versions nobody reviewed.",
        help: "Use yarn install --frozen-lockfile (Yarn 1), yarn install --immutable (Yarn 2+) or "
            + "pnpm install --frozen-lockfile.")

    /// `ADD` of a remote URL without `--checksum`.
    public static let addChecksum = LintRule(
        id: "DS013", name: "add-remote-without-checksum", level: .error,
        summary: "ADD of a remote URL without --checksum.",
        rationale: "The server can change the file behind a URL at any time; without a checksum the build "
            + "silently takes whatever it serves.",
        help: "Add --checksum=sha256:<hash> (Dockerfile syntax 1.6+); for a git source, pin a full commit hash.")

    /// A downloaded script is piped into a shell.
    public static let pipeToShell = LintRule(
        id: "DS014", name: "download-piped-to-shell", level: .warning,
        summary: "Downloaded script piped into a shell or interpreter.",
        rationale: "The script is fetched and run unverified; what it installs changes whenever its server does.",
        help: "Download to a file, verify it (echo '<sha256>  file' | sha256sum -c -), then run it; better, use "
            + "ADD --checksum=sha256:<hash> <url> /tmp/install.sh.")

    /// Part of the Dockerfile could not be parsed.
    public static let syntax = LintRule(
        id: "DS015", name: "dockerfile-syntax", level: .warning,
        summary: "Part of the Dockerfile could not be parsed, so it was not checked.",
        rationale: "Whatever the linter cannot read it cannot vouch for; an unparsed line may hide an unpinned "
            + "dependency.",
        help: "Fix the syntax the message names; `docker buildx build --check .` reports the same problems.")

    /// A file given on the command line is neither a requirements file nor a known lockfile.
    public static let fileNotLinted = LintRule(
        id: "DS016", name: "file-not-linted", level: .note,
        summary: "A file given to the linter was not recognised and was not checked.",
        rationale: "Only requirements files (*.txt, *.in, names containing 'requirements' or 'constraints') "
            + "are linted; lockfiles are read for context.",
        help: "Rename the file if it is a requirements file, or leave it off the command line.")

    /// Every rule, ordered by id. SARIF `ruleIndex` values index into this array.
    public static let all: [LintRule] = [
        imageDigest, floatingTag, platformUnspecified, unresolvedArgument, pipUnpinned, pipHashes,
        requirementUnpinned, requirementUnhashed, aptUnpinned, aptUpgrade, npmInstall, unfrozenLockfile,
        addChecksum, pipeToShell, syntax, fileNotLinted,
    ]

    /// The rule with `id`, or nil.
    public static func withID(_ id: String) -> LintRule? { all.first { $0.id == id } }
}
