import ArgumentParser
import DriftscopeCompare
import DriftscopeForensics
import DriftscopeImage
import Foundation

/// `driftscope record IMAGE --release NAME --log FILE`: one line in a release log and a snapshot
/// beside it, so that "what exactly shipped in 1.4.0" stays answerable once the image is gone.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a release: a line in a release log and a snapshot of the image beside it.",
        discussion: """
        The log is JSON Lines, created if missing and only ever appended to. A release already in the log \
        is refused unless --replace is given, which appends a superseding line ("replaces": true) and \
        leaves earlier lines as they are. The snapshot (gzip, JSON Lines) holds the merged file tree, \
        package inventory, config, annotations and layer list of every platform, enough for `verify` \
        to classify a later rebuild without the original image. Existing files are never overwritten. \
        Exit codes: 0 recorded, 2 usage error, 3 invalid input or a release already recorded.
        """)

    @Argument(help: "The image that ships: OCI archive or layout, docker-archive or crane tarball.")
    var input: String

    @Option(help: "The release name (e.g. 1.4.0).")
    var release: String

    @Option(help: "The release log (JSON Lines).")
    var log: String

    @Option(help: "Where to write the snapshot (default: <log folder>/<release>.snapshot.json.gz).")
    var snapshot: String?

    @Flag(help: "Supersede an earlier record of the same release (appends a line; earlier lines stay).")
    var replace = false

    @Option(help: "Record only this platform, os/arch[/variant] (default: every platform).")
    var platform: String?

    @Option(help: "Which image of the archive, when it holds several.")
    var image: String?

    @Option(help: "Layer-index cache folder (default: ~/.cache/driftscope). Blobs are hash-checked either way.")
    var cache: String?

    @Flag(name: .customLong("no-cache"), help: "Do not read or write the layer-index cache.")
    var noCache = false

    func validate() throws {
        if let platform, Platform(parsing: platform) == nil {
            throw ValidationError("--platform must be os/arch[/variant], e.g. linux/arm64/v8")
        }
        if release.isEmpty { throw ValidationError("--release must not be empty") }
        if cache != nil && noCache { throw ValidationError("--cache and --no-cache exclude each other") }
    }

    func run() async throws {
        var options = CompareOptions()
        options.platform = platform.flatMap(Platform.init(parsing:))
        if !noCache { options.cacheDirectory = cache.map { URL(fileURLWithPath: $0) } ?? LayerCache.defaultDirectory }
        let outcome: RecordOutcome
        do {
            outcome = try await Forensics.record(imagePath: input, image: image, release: release, log: log,
                                                 snapshot: snapshot, replace: replace, options: options)
        } catch {
            fail(error.description, code: 3)
        }
        let r = outcome.record
        print("recorded release \(r.release) in \(log)" + (r.replaces == true ? " (supersedes the earlier record; earlier lines unchanged)" : ""))
        print("  manifest  \(r.manifestDigest)" + (r.platforms.count == 1 ? "  (\(r.platforms[0].platform))" : "  (index of \(r.platforms.count) platforms)"))
        for p in r.platforms where r.platforms.count > 1 {
            print("    \(p.platform)  \(p.manifestDigest)")
        }
        print("  snapshot  \(outcome.snapshotURL.path)  (\(r.snapshot.sha256))" + (outcome.snapshotWritten ? "" : "  identical file reused"))
    }
}
