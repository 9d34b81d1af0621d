import ArgumentParser
import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import DriftscopeReport
import Foundation

/// `driftscope compare A B`: byte-equal, dependency-equivalent or drift, every difference explained.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two builds of an image and label every difference.",
        discussion: "Exit 0 for byte-equal or dependency-equivalent, 1 for drift, 2 usage error, 3 invalid input.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, html }
    enum FailOn: String, ExpressibleByArgument, CaseIterable { case drift, equivalent }

    @OptionGroup var common: CompareOptionsGroup

    @Argument(help: "Image A (the earlier build): OCI archive or layout, docker-archive, crane tarball, or a driftscope snapshot.")
    var a: String

    @Argument(help: "Image B (the rebuild).")
    var b: String

    @Option(name: .customLong("image-a"), help: "Which image of archive A, when it holds several.")
    var imageA: String?

    @Option(name: .customLong("image-b"), help: "Which image of archive B, when it holds several.")
    var imageB: String?

    @Option(help: "What goes to standard output: text, json, markdown or html.")
    var format: Format = .text

    @Option(help: "Write the HTML report to FILE.") var html: String?
    @Option(help: "Write the text report to FILE.") var text: String?
    @Option(help: "Write the JSON report to FILE.") var json: String?
    @Option(help: "Write the Markdown summary to FILE.") var markdown: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 on drift (default) or also on equivalence (equivalent).")
    var failOn: FailOn = .drift

    func validate() throws {
        try common.check()
    }

    func run() async throws {
        let options = try common.options(imageA: imageA, imageB: imageB)
        let comparison: Comparison
        if let snapshotSides = try await SnapshotSides.load(a: a, b: b, options: options) {
            comparison = await Comparator.compare(snapshotSides.0, snapshotSides.1, options: options)
        } else {
            comparison = try await Comparator.compare(a, b, options: options)
        }
        common.clearProgress()
        emit(comparison, format: format, html: html, text: text, json: json, markdown: markdown, verbose: common.verbose,
             maxReportSize: common.maxReportSize)
        Trace.mark("reports written")
        // The process ends here: tearing down tens of thousands of differences first is wasted work.
        withExtendedLifetime(comparison) { Foundation.exit(verdictExitCode(comparison.verdict, failOn: failOn)) }
    }
}

func verdictExitCode(_ verdict: Verdict, failOn: CompareCommand.FailOn) -> Int32 {
    switch verdict {
    case .drift: return 1
    case .dependencyEquivalent: return failOn == .equivalent ? 1 : 0
    case .byteEqual: return 0
    }
}

/// Writes the requested reports and the stdout one.
func emit(_ c: Comparison, format: CompareCommand.Format, html: String?, text: String?, json: String?, markdown: String?,
          verbose: Bool, maxReportSize: Int = HTMLOptions().maxBytes) {
    let color = isTTY(1) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let htmlOptions = HTMLOptions(maxBytes: maxReportSize)
    if let html { writeReport(HTMLReport.render(c, options: htmlOptions), to: html) }
    if let text { writeReport(TextReport.render(c, options: TextOptions(color: false, verbose: verbose)), to: text) }
    if let json { writeReport(JSONReport.render(c), to: json) }
    if let markdown { writeReport(MarkdownReport.render(c), to: markdown) }
    switch format {
    case .text: print(TextReport.render(c, options: TextOptions(color: color, verbose: verbose)), terminator: "")
    case .json: print(JSONReport.render(c), terminator: "")
    case .markdown: print(MarkdownReport.render(c), terminator: "")
    case .html: print(HTMLReport.render(c, options: htmlOptions), terminator: "")
    }
}

/// Options shared by `compare` and `verify`.
struct CompareOptionsGroup: ParsableArguments {
    @Option(help: "Compare only this platform, os/arch[/variant] (default: every platform of either image).")
    var platform: String?

    @Option(help: "A YAML policy: extra noise globs, paths always drift, labels to ignore, rules to turn off.")
    var policy: String?

    @Option(name: .customLong("max-diff-bytes"), help: "The most bytes of one file read again to classify and diff it.")
    var maxDiffBytes: Int = 4 << 20

    @Option(help: "Layer-index cache folder (default: ~/.cache/driftscope).")
    var cache: String?

    @Flag(name: .customLong("no-cache"), help: "Do not read or write the layer-index cache (files proven equal while both images stream are then not hashed: faster for a one-off comparison).")
    var noCache = false

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Flag(help: "List every noise difference and finding.")
    var verbose = false

    @Option(name: .customLong("max-report-size"), help: "Cap of the HTML report in bytes; what is cut is noted in the report.")
    var maxReportSize: Int = HTMLOptions().maxBytes

    func check() throws {
        if let platform, Platform(parsing: platform) == nil {
            throw ValidationError("--platform must be os/arch[/variant], e.g. linux/arm64/v8")
        }
        if maxDiffBytes < 0 { throw ValidationError("--max-diff-bytes must be 0 or more") }
        if maxReportSize < HTMLReport.minimumBytes { throw ValidationError("--max-report-size must be at least \(HTMLReport.minimumBytes) bytes") }
        if cache != nil && noCache { throw ValidationError("--cache and --no-cache exclude each other") }
    }

    func options(imageA: String?, imageB: String?) throws -> CompareOptions {
        var o = CompareOptions()
        o.platform = platform.flatMap(Platform.init(parsing:))
        o.imageA = imageA
        o.imageB = imageB
        o.maxDiffBytes = maxDiffBytes
        if let policy {
            do {
                o.policy = try Policy.load(path: policy)
            } catch {
                fail(error.description, code: 2)
            }
        }
        if !noCache {
            o.cacheDirectory = cache.map { URL(fileURLWithPath: $0) } ?? LayerCache.defaultDirectory
        }
        if !quiet && isTTY(2) {
            let start = Date()
            o.progress = { event in
                let seconds = max(0.001, Date().timeIntervalSince(start))
                let mb = Double(event.bytesDone) / 1_048_576
                writeStderr(String(format: "\r\u{1B}[Klayers %d/%d  %.1f/%.1f MiB  %.0f MiB/s",
                                   event.layersDone, event.layersTotal, mb, Double(event.bytesTotal) / 1_048_576, mb / seconds))
            }
        }
        return o
    }

    func clearProgress() {
        if !quiet && isTTY(2) { writeStderr("\r\u{1B}[K") }
    }
}
