import DriftscopeCompare
import Foundation

/// Options of the Markdown summary.
public struct MarkdownOptions: Sendable {
    /// Drift items listed in the drift table.
    public var maxDriftItems = 50
    /// Package changes listed.
    public var maxPackageChanges = 50
    /// Rows of the counts-by-category table.
    public var maxCategories = 40
    /// Drift items whose diff is shown (in a collapsed `<details>`).
    public var maxDiffs = 5
    /// Lines per shown diff.
    public var diffLines = 30
    /// The size cap in bytes of UTF-8; never above `MarkdownReport.limit`.
    public var maxBytes = MarkdownReport.limit

    /// Creates the default options.
    public init() {}
}

/// A short Markdown summary for pull-request comments and CI step summaries: verdict, counts by
/// category, package changes and the first drift items. Always under 64 KiB (GitHub's cap for step
/// summaries and comments), however large the comparison: rows are added while they fit, and a last
/// line says how many were left out.
public enum MarkdownReport {
    /// The size cap: GitHub step summaries and comments stop at 64 KiB; 4 KiB stay free for a
    /// caller that adds a heading or a link.
    public static let limit = 60 * 1024

    /// Renders the summary with the default options and `maxDriftItems` drift rows.
    public static func render(_ c: Comparison, maxDriftItems: Int = 50) -> String {
        var options = MarkdownOptions()
        options.maxDriftItems = maxDriftItems
        return render(c, options: options)
    }

    /// Renders the summary.
    public static func render(_ c: Comparison, options: MarkdownOptions) -> String {
        let outline = Outline(c)
        // The closing lines are written last but their room is kept from the start.
        var md = Budget(limit: min(options.maxBytes, limit) - 1024)
        let icon: String
        switch c.verdict {
        case .byteEqual: icon = "✅"
        case .dependencyEquivalent: icon = "🟡"
        case .drift: icon = "❌"
        }
        md.add("## \(icon) driftscope: **\(c.verdict.rawValue)**\n\n")
        md.add("\(cell(c.reason)). \(verdictMeaning(c.verdict))\n\n")
        let drift = c.summary.drift + c.summary.configDrift, noise = c.summary.noise + c.summary.configNoise
        md.add("**\(drift)** drift · **\(noise)** noise · **\(c.summary.packageChanges)** package change\(c.summary.packageChanges == 1 ? "" : "s") · **\(c.summary.findings)** finding\(c.summary.findings == 1 ? "" : "s")\n\n")

        md.add("| | image | manifest digest | platform |\n|---|---|---|---|\n")
        for (label, s) in [("A", c.a), ("B", c.b)] {
            let digest = s.manifestDigest.map { "`\($0.description)`" } ?? "—"
            md.add("| \(label) | \(code(s.source)) | \(digest) | \(cell(s.platform ?? s.platforms.joined(separator: ", "))) |\n")
        }
        md.add("\n")

        if !c.summary.byCategory.isEmpty, md.add("| category | drift | noise |\n|---|---:|---:|\n") {
            let rows = c.summary.byCategory.sorted {
                let (da, db) = ($0.value["drift"] ?? 0, $1.value["drift"] ?? 0)
                if da != db { return da > db }
                let (na, nb) = ($0.value["noise"] ?? 0, $1.value["noise"] ?? 0)
                return na != nb ? na > nb : $0.key < $1.key
            }
            var shown = 0
            var quota = md.limit / 8
            for (category, counts) in rows.prefix(options.maxCategories) {
                guard md.add("| \(cell(category)) | \(counts["drift"] ?? 0) | \(counts["noise"] ?? 0) |\n", quota: &quota) else { break }
                shown += 1
            }
            if shown < rows.count { md.force("\n… \(rows.count - shown) more categories\n") }
            md.force("\n")
        }

        let changes = c.packages.changes
        if !changes.isEmpty, md.add("### Package changes (\(changes.count))\n\n| ecosystem | package | from | to |\n|---|---|---|---|\n") {
            var shown = 0
            var quota = md.limit / 4
            for ch in changes.prefix(options.maxPackageChanges) {
                let row = "| \(ch.ecosystem.rawValue) | \(code(short(ch.name, 200))) | \(ch.from.map { code(short($0, 60)) } ?? "*absent*") | \(ch.to.map { code(short($0, 60)) } ?? "*absent*") |\n"
                guard md.add(row, quota: &quota) else { break }
                shown += 1
            }
            if shown < changes.count { md.force("\n… and \(changes.count - shown) more package change\(changes.count - shown == 1 ? "" : "s")\n") }
            md.force("\n")
        }

        if outline.driftCount > 0, md.add("### Drift (\(outline.driftCount))\n\n| path | change | rule | A → B |\n|---|---|---|---|\n") {
            var shown = 0
            let platform = outline.multiPlatform
            for item in outline.driftItems.prefix(options.maxDriftItems) {
                let row: String
                switch item {
                case .config(let d):
                    row = "| config \(code(short(d.field, 300)))\(platform ? " \(cell(d.platform ?? ""))" : "") | config | \(cell(d.rule)) | \(values(d.a, d.b)) |\n"
                case .file(let d):
                    let security = d.securityRelevant ? " ⚠️ **security**" : ""
                    row = "| \(code(short(d.path, 300)))\(security)\(platform ? " \(cell(d.platform ?? ""))" : "") | \(d.kind.rawValue) | \(cell(d.rule)) | \(values(d.a, d.b)) |\n"
                }
                guard md.add(row) else { break }
                shown += 1
            }
            if shown < outline.driftCount {
                md.force("\n… and \(outline.driftCount - shown) more drift item\(outline.driftCount - shown == 1 ? "" : "s") (see the full report)\n")
            }
            md.force("\n")
            var diffs = 0
            for d in outline.fileDrift where diffs < options.maxDiffs {
                guard let text = d.diff?.text, !text.hunks.isEmpty else { continue }
                let lines = text.unified.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                var body = lines.prefix(options.diffLines).map { escapeCodeLine(short(String($0), 500)) }
                if lines.count > options.diffLines { body.append("… \(lines.count - options.diffLines) more lines") }
                let joined = body.joined(separator: "\n")
                let fence = String(repeating: "`", count: max(3, longestBacktickRun(joined) + 1))
                let block = "<details><summary>diff <code>\(Escape.html(Escape.terminal(short(d.path, 300))))</code></summary>\n\n\(fence)diff\n\(joined)\n\(fence)\n\n</details>\n\n"
                guard md.add(block) else { break }
                diffs += 1
            }
        }

        if !outline.noiseGroups.isEmpty,
           md.add("<details><summary>Noise (\(outline.noiseCount)) by category</summary>\n\n| category | count | rule | why it is noise |\n|---|---:|---|---|\n") {
            for g in outline.noiseGroups {
                let name = (g.isConfig ? "config: " : "") + g.category
                let rules = g.rules.map { cell($0.name) }.joined(separator: ", ")
                let why = g.rules.map { cell($0.explanation) }.joined(separator: " ")
                guard md.add("| \(cell(name)) | \(g.items.count) | \(rules) | \(why) |\n") else { break }
            }
            md.force("\n</details>\n\n")
        }
        if !c.findings.isEmpty {
            md.add("**Findings:** \(c.findings.count) (see the full report)\n\n")
        }
        var tail = ""
        if md.cut { tail += "*Summary cut to stay under \(limit / 1024) KiB; the full report lists everything.*\n\n" }
        tail += "<sub>driftscope \(cell(c.toolVersion)) · \(cell(c.a.source)) ⇄ \(cell(c.b.source))</sub>\n"
        return md.text + tail
    }

    /// Text for a table cell: control characters, pipes, HTML and Markdown emphasis and links made
    /// inert. (A cell never starts a line, so `#` and list markers need nothing; `&` is escaped, so
    /// no entity from the image survives; quotes are harmless outside attributes.)
    static func cell(_ s: String) -> String {
        var out = ""
        for ch in Escape.terminal(s) {
            switch ch {
            case "|", "*", "_", "`", "[", "]", "~", "!": out += "\\" + String(ch)
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Inline code; a backtick inside is replaced so the span cannot be broken out of, pipes are
    /// escaped for tables, and `<` `>` `&` stay literal inside code (GitHub shows them as typed).
    static func code(_ s: String) -> String {
        let body = Escape.terminal(s).replacingOccurrences(of: "`", with: "ˋ").replacingOccurrences(of: "|", with: "\\|")
        return "`" + (body.isEmpty ? " " : body) + "`"
    }

    /// `A → B` for a table cell, values shortened.
    static func values(_ a: String?, _ b: String?) -> String {
        "\(a.map { code(short($0, 60)) } ?? "*absent*") → \(b.map { code(short($0, 60)) } ?? "*absent*")"
    }

    /// At most `n` characters, with `…` when cut: one long name must not fill a summary.
    static func short(_ s: String, _ n: Int) -> String {
        s.count > n ? String(s.prefix(n - 1)) + "…" : s
    }

    /// A line inside a fenced block: tabs kept, other control characters escaped.
    static func escapeCodeLine(_ s: String) -> String {
        s.split(separator: "\t", omittingEmptySubsequences: false).map { Escape.terminal(String($0)) }.joined(separator: "\t")
    }

    static func longestBacktickRun(_ s: String) -> Int {
        var longest = 0, run = 0
        for ch in s.utf8 {
            run = ch == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// Text that grows only while it stays under a byte limit.
    struct Budget {
        let limit: Int
        var text = ""
        var bytes = 0
        /// Something did not fit.
        var cut = false

        init(limit: Int) { self.limit = max(0, limit) }

        /// Appends `piece` if it fits and nothing was cut before (so no later, smaller piece fills a
        /// gap out of order); returns whether it was added.
        @discardableResult
        mutating func add(_ piece: String) -> Bool {
            let n = piece.utf8.count
            guard !cut, bytes + n <= limit else {
                cut = true
                return false
            }
            text += piece
            bytes += n
            return true
        }

        /// Appends `piece` if it also fits the section's `quota`, which it then reduces. A piece
        /// over the quota ends only its section; later sections may still add.
        mutating func add(_ piece: String, quota: inout Int) -> Bool {
            let n = piece.utf8.count
            guard n <= quota, add(piece) else { return false }
            quota -= n
            return true
        }

        /// Appends a short closing piece (a table's end, a "… more" note) even after a cut; the
        /// room the caller keeps off `limit` pays for these.
        mutating func force(_ piece: String) {
            text += piece
            bytes += piece.utf8.count
        }
    }
}
