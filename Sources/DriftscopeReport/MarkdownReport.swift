import DriftscopeCompare
import Foundation

/// A short Markdown summary for pull-request comments and CI step summaries: verdict, counts by
/// category, package changes and the first drift items. Always under 64 KB.
public enum MarkdownReport {
    /// The size cap (GitHub step summaries and comments stop at 64 KiB).
    public static let limit = 60 * 1024

    public static func render(_ c: Comparison, maxDriftItems: Int = 50) -> String {
        var md = ""
        let icon: String
        switch c.verdict {
        case .byteEqual: icon = "✅"
        case .dependencyEquivalent: icon = "🟡"
        case .drift: icon = "❌"
        }
        md += "## \(icon) driftscope: **\(c.verdict.rawValue)**\n\n"
        md += "\(cell(c.reason))\n\n"
        md += "| | source | manifest digest | platform |\n|---|---|---|---|\n"
        md += "| A | \(code(c.a.source)) | \(code(c.a.manifestDigest?.description ?? "-")) | \(cell(c.a.platform ?? c.a.platforms.joined(separator: ", "))) |\n"
        md += "| B | \(code(c.b.source)) | \(code(c.b.manifestDigest?.description ?? "-")) | \(cell(c.b.platform ?? c.b.platforms.joined(separator: ", "))) |\n\n"
        if !c.summary.byCategory.isEmpty {
            md += "| category | drift | noise |\n|---|---:|---:|\n"
            for (category, counts) in c.summary.byCategory.sorted(by: { $0.key < $1.key }) {
                md += "| \(cell(category)) | \(counts["drift"] ?? 0) | \(counts["noise"] ?? 0) |\n"
            }
            md += "\n"
        }
        if !c.packages.changes.isEmpty {
            md += "### Package changes\n\n| ecosystem | package | from | to |\n|---|---|---|---|\n"
            for ch in c.packages.changes.prefix(100) {
                md += "| \(ch.ecosystem.rawValue) | \(code(ch.name)) | \(code(ch.from ?? "—")) | \(code(ch.to ?? "—")) |\n"
            }
            if c.packages.changes.count > 100 { md += "\n… and \(c.packages.changes.count - 100) more\n" }
            md += "\n"
        }
        let drift = c.differences.filter { $0.classification == .drift }
        let configDrift = c.config.filter { $0.classification == .drift }
        if !drift.isEmpty || !configDrift.isEmpty {
            md += "### Drift\n\n| path | kind | rule | layer A → B |\n|---|---|---|---|\n"
            for d in configDrift.prefix(maxDriftItems) {
                md += "| config \(code(d.field)) | config | \(d.rule) | |\n"
            }
            for d in drift.prefix(maxDriftItems) {
                let layers = "\(d.layerA.map(String.init) ?? "—") → \(d.layerB.map(String.init) ?? "—")"
                md += "| \(code(d.path))\(d.securityRelevant ? " ⚠️" : "") | \(d.kind.rawValue) | \(d.rule) | \(layers) |\n"
            }
            let shown = min(drift.count, maxDriftItems) + min(configDrift.count, maxDriftItems)
            if shown < drift.count + configDrift.count { md += "\n… and \(drift.count + configDrift.count - shown) more drift items (see the full report)\n" }
            md += "\n"
        }
        md += "<sub>driftscope \(c.toolVersion) · \(c.summary.drift + c.summary.configDrift) drift · \(c.summary.noise + c.summary.configNoise) noise</sub>\n"
        if md.utf8.count > limit {
            let cut = String(decoding: Array(md.utf8.prefix(limit)), as: UTF8.self)
            md = cut + "\n\n… (summary cut at \(limit / 1024) KiB; see the full report)\n"
        }
        return md
    }

    /// Text for a table cell: pipes, newlines and HTML made inert.
    static func cell(_ s: String) -> String {
        Escape.html(Escape.terminal(s)).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Inline code; backticks inside are replaced so the span cannot be broken out of.
    static func code(_ s: String) -> String {
        "`" + Escape.terminal(s).replacingOccurrences(of: "`", with: "ˋ").replacingOccurrences(of: "|", with: "\\|") + "`"
    }
}
