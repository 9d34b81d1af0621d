import DriftscopeCompare
import DriftscopeDiff
import Foundation

/// Options of the terminal report.
public struct TextOptions: Sendable {
    /// ANSI colour (only on a TTY and never with NO_COLOR; the CLI decides).
    public var color = false
    /// List every noise difference and finding instead of a summary with examples.
    public var verbose = false
    /// Examples shown per noise category.
    public var examples = 3
    /// Diff lines shown per drifted file.
    public var diffLines = 40
    /// Differing regions shown per binary file.
    public var binaryRegions = 3
    /// Findings shown unless `verbose`.
    public var findings = 20

    /// Creates options; the CLI sets `color` from the TTY and `NO_COLOR`, and `verbose` from `--verbose`.
    public init(color: Bool = false, verbose: Bool = false) {
        self.color = color
        self.verbose = verbose
    }
}

/// The terminal report: verdict banner, images, layers, packages, drift first (each with its rule,
/// explanation and diff), then noise summarised by category with counts and a few examples.
///
/// Every string from an image goes through `Escape.terminal`, so the only escape sequences in the
/// output are the report's own colours, and only when `TextOptions.color` is set.
public enum TextReport {
    /// Renders a comparison.
    public static func render(_ c: Comparison, options: TextOptions = TextOptions()) -> String {
        var r = Renderer(color: options.color)
        let outline = Outline(c)
        r.banner(c)
        r.images(c)
        if outline.multiPlatform {
            r.line()
            r.heading("Platforms (\(c.platforms.count))")
            for p in c.platforms {
                r.line("  " + pad(Escape.terminal(p.platform), 18) + r.verdictWord(p.verdict, width: 22) + r.paint(Escape.terminal(p.reason), .dim))
            }
        }
        r.layers(c, outline)
        r.packages(c)
        r.drift(c, outline, options)
        r.noise(outline, options)
        r.findings(c, options)
        r.line()
        if let policy = c.policy { r.line("Policy: \(Escape.terminal(policy))") }
        r.line("Summary: \(r.counts(c))")
        return r.out
    }

    /// The inspection of one image.
    public static func render(_ i: Inspection, files: Bool) -> String {
        var r = Renderer(color: false)
        r.line("\(Escape.terminal(i.source))  (\(i.format))" + (i.name.map { "  \(Escape.terminal($0))" } ?? ""))
        if let index = i.indexDigest { r.line("index     \(index)") }
        for p in i.platforms {
            r.line()
            r.line("platform  \(Escape.terminal(p.platform))" + (p.present ? "" : "  (listed; blobs not in this archive)"))
            r.line("manifest  \(p.manifestDigest)" + (p.manifestSynthesized == true ? "  (synthesised as skopeo does: docker-archives have no manifest)" : ""))
            guard p.present else { continue }
            if let config = p.configDigest { r.line("config    \(config)") }
            if let created = p.created { r.line("created   \(Escape.terminal(created))") }
            r.line()
            r.line("  " + pad("#", 3) + pad("digest", 15) + pad("diff_id", 15) + pad("compression", 12) + pad("size", 12) + pad("uncompressed", 14) + "entries")
            for l in p.layers {
                r.line("  " + pad("\(l.index)", 3) + pad(l.digest.short, 15) + pad(l.diffID.short, 15) + pad(Escape.terminal(l.compression), 12)
                       + pad("\(l.size)", 12) + pad("\(l.uncompressedSize)", 14) + "\(l.entryCount)")
            }
            r.line("  total: \(p.layers.count) layers, \(p.totalSize) bytes stored, \(p.totalUncompressedSize) uncompressed, \(p.fileCount) paths in the merged tree")
            if let packages = p.packages, !packages.isEmpty {
                let byEco = Dictionary(grouping: packages, by: \.ecosystem).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
                r.line("  packages: \(byEco.joined(separator: ", "))")
            }
            for f in p.findings {
                r.line("  finding \(f.kind.rawValue) \(Escape.terminal(f.path))" + (f.layer.map { " (layer \($0))" } ?? "") + ": \(Escape.terminal(f.message))")
            }
            if files, let list = p.files {
                r.line()
                for f in list {
                    let target = f.linkTarget.map { " → \(Escape.terminal($0))" } ?? ""
                    r.line("  \(pad(f.type, 10)) \(f.mode) \(pad("\(f.uid):\(f.gid)", 11)) \(pad("\(f.size)", 10)) \(f.digest?.short ?? "-           ")  \(Escape.terminal(f.path))\(target)")
                }
            }
        }
        for note in i.notes { r.line("note: \(Escape.terminal(note))") }
        return r.out
    }
}

/// Pads to a column width (at least one space follows).
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}

/// Accumulates the text report; `paint` is the only place escape sequences are written.
struct Renderer {
    var out = ""
    let color: Bool

    enum Tint: String {
        case red = "31", green = "32", yellow = "33", bold = "1", dim = "2", cyan = "36", magenta = "35"
        case boldRed = "1;31", boldYellow = "1;33"
        case badgeGreen = "1;97;42", badgeYellow = "1;30;43", badgeRed = "1;97;41"
    }

    mutating func line(_ s: String = "") { out += s + "\n" }

    /// Wraps already-escaped text in a colour when colour is on.
    func paint(_ s: String, _ tint: Tint) -> String {
        color && !s.isEmpty ? "\u{1B}[\(tint.rawValue)m\(s)\u{1B}[0m" : s
    }

    mutating func heading(_ s: String) { line(paint(s, .bold)) }

    func verdictWord(_ v: Verdict, width: Int = 0) -> String {
        let word = v.rawValue.uppercased()
        let padded = width > 0 ? pad(word, width) : word
        let tint: Tint = v == .byteEqual ? .green : v == .dependencyEquivalent ? .yellow : .red
        return paint(word, tint) + String(padded.dropFirst(word.count))
    }

    func counts(_ c: Comparison) -> String {
        let drift = c.summary.drift + c.summary.configDrift
        let noise = c.summary.noise + c.summary.configNoise
        let packages = c.summary.packageChanges
        return "\(drift) drift, \(noise) noise, \(packages) package change\(packages == 1 ? "" : "s"), \(c.summary.findings) finding\(c.summary.findings == 1 ? "" : "s")"
    }

    mutating func banner(_ c: Comparison) {
        let word = " " + c.verdict.rawValue.uppercased() + " "
        let tint: Tint = c.verdict == .byteEqual ? .badgeGreen : c.verdict == .dependencyEquivalent ? .badgeYellow : .badgeRed
        let rule = String(repeating: "─", count: max(4, 72 - word.count))
        line(color ? paint(word, tint) + " " + paint(rule, .dim) : "==" + word + String(repeating: "=", count: max(4, 72 - word.count)))
        line("  " + paint(verdictMeaning(c.verdict), .bold))
        line("  " + Escape.terminal(c.reason))
        line("  " + paint(counts(c), .dim))
    }

    mutating func images(_ c: Comparison) {
        line()
        heading("Images")
        side("A", c.a)
        side("B", c.b)
    }

    mutating func side(_ label: String, _ s: ImageSummary) {
        line("  " + paint(label, .bold) + "  \(Escape.terminal(s.source))  (\(Escape.terminal(s.format))"
             + (s.name.map { ", \(Escape.terminal($0))" } ?? "") + ")")
        if let m = s.manifestDigest { line("     manifest  \(m)" + (s.manifestSynthesized == true ? "  (synthesised)" : "")) }
        if let d = s.configDigest { line("     config    \(d)") }
        if let i = s.indexDigest { line("     index     \(i)") }
        line("     platform  \(Escape.terminal(s.platform ?? s.platforms.joined(separator: ", ")))")
        for note in s.notes { line("     " + paint("note: " + Escape.terminal(note), .dim)) }
    }

    mutating func layers(_ c: Comparison, _ o: Outline) {
        guard !c.layers.isEmpty else { return }
        line()
        heading("Layers (\(c.layers.count))")
        let platCol = o.multiPlatform
        line("  " + paint(pad("#", 3) + pad("A digest", 14) + pad("A size", 10) + pad("B digest", 14) + pad("B size", 10)
                          + (platCol ? pad("platform", 16) : "") + "relation", .dim))
        for l in c.layers {
            let relation: String
            switch l.relation {
            case .identical, .compressionOnly: relation = paint(l.relation.rawValue, .green)
            case .different: relation = paint(l.relation.rawValue, .yellow)
            case .onlyA, .onlyB: relation = paint(l.relation.rawValue, .red)
            }
            line("  " + pad("\(l.index)", 3) + pad(l.a?.digest.short ?? "-", 14) + pad(l.a.map { byteCount($0.size) } ?? "", 10)
                 + pad(l.b?.digest.short ?? "-", 14) + pad(l.b.map { byteCount($0.size) } ?? "", 10)
                 + (platCol ? pad(Escape.terminal(l.platform ?? ""), 16) : "") + relation)
        }
    }

    mutating func packages(_ c: Comparison) {
        let p = c.packages
        let databases = p.ecosystems.isEmpty ? "no package database found" : "\(p.ecosystems.joined(separator: ", ")); \(p.countA) in A, \(p.countB) in B"
        if p.changes.isEmpty {
            if !p.ecosystems.isEmpty {
                line()
                line(paint("Packages", .bold) + ": identical (\(databases))")
            }
        } else {
            line()
            heading("Package changes (\(p.changes.count))")
            line("  " + paint(databases, .dim))
            let nameWidth = min(40, (p.changes.map { Escape.terminal($0.name).count }.max() ?? 0) + 2)
            for ch in p.changes {
                let from = ch.from.map(Escape.terminal) ?? "absent", to = ch.to.map(Escape.terminal) ?? "absent"
                line("  " + pad(ch.ecosystem.rawValue, 8) + paint(pad(Escape.terminal(ch.name), nameWidth), .red)
                     + "\(from) → \(to)" + paint("  (\(packageChangeWord(from: ch.from, to: ch.to)))", .dim))
            }
        }
        for problem in p.problems { line("  " + paint("problem: " + Escape.terminal(problem), .yellow)) }
    }

    mutating func drift(_ c: Comparison, _ o: Outline, _ options: TextOptions) {
        guard o.driftCount > 0 else { return }
        line()
        heading("Drift (\(o.driftCount))")
        for item in o.driftItems {
            switch item {
            case .config(let d): configDrift(d, o)
            case .file(let d): fileDrift(d, o, options)
            }
        }
    }

    mutating func configDrift(_ d: ConfigDifference, _ o: Outline) {
        line("  " + paint("config \(Escape.terminal(d.field))", .boldRed) + "  " + paint("[\(Escape.terminal(d.rule))]", .dim) + plat(d.platform, o))
        line("      " + Escape.terminal(d.explanation))
        line("      A: \(Escape.terminal(d.a ?? "absent"))")
        line("      B: \(Escape.terminal(d.b ?? "absent"))")
    }

    mutating func fileDrift(_ d: Difference, _ o: Outline, _ options: TextOptions) {
        let flag = d.securityRelevant ? "  " + paint("SECURITY", .badgeRed) : ""
        let layers = layerText(d)
        line("  " + paint(Escape.terminal(d.path), .boldRed) + flag)
        let package = d.package.map { " · " + Escape.terminal($0) } ?? ""
        line("      " + paint("\(d.kind.rawValue) · \(Escape.terminal(d.rule))" + (layers.isEmpty ? "" : " · " + layers) + package, .dim) + plat(d.platform, o))
        line("      " + Escape.terminal(d.explanation))
        if d.a != nil || d.b != nil {
            line("      A: \(Escape.terminal(d.a ?? "absent"))")
            line("      B: \(Escape.terminal(d.b ?? "absent"))")
        }
        if let diff = d.diff { contentDiff(diff, options) }
    }

    mutating func noise(_ o: Outline, _ options: TextOptions) {
        guard o.noiseCount > 0 else { return }
        line()
        heading("Noise (\(o.noiseCount)), by category")
        let width = max(18, (o.noiseGroups.map { $0.category.count + ($0.isConfig ? 9 : 0) }.max() ?? 0) + 2)
        for g in o.noiseGroups {
            let name = Escape.terminal(g.category) + (g.isConfig ? " (config)" : "")
            let ruleNames = g.rules.map { Escape.terminal($0.name) }.joined(separator: ", ")
            line("  " + paint(pad(name, width), .yellow) + pad("\(g.items.count)", 7) + paint("rule\(g.rules.count == 1 ? "" : "s") \(ruleNames)", .dim))
            for rule in g.rules {
                line("      " + (g.rules.count > 1 ? Escape.terminal(rule.name) + ": " : "") + Escape.terminal(rule.explanation))
            }
            let shown = options.verbose ? g.items[...] : g.items.prefix(options.examples)
            for item in shown {
                var text = "      " + Escape.terminal(item.label)
                if let a = item.a, let b = item.b, a.count + b.count <= 80 {
                    text += paint("  \(Escape.terminal(a)) → \(Escape.terminal(b))", .dim)
                }
                line(text + plat(item.platform, o))
            }
            if shown.count < g.items.count {
                line("      " + paint("… and \(g.items.count - shown.count) more (--verbose lists all)", .dim))
            }
        }
    }

    mutating func findings(_ c: Comparison, _ options: TextOptions) {
        guard !c.findings.isEmpty else { return }
        line()
        heading("Findings (\(c.findings.count))")
        let limit = options.verbose ? Int.max : options.findings
        for f in c.findings.prefix(limit) {
            line("  \(Escape.terminal(f.side.uppercased())) \(Escape.terminal(f.kind)) \(Escape.terminal(f.path))"
                 + (f.layer.map { " (layer \($0))" } ?? "") + ": \(Escape.terminal(f.message))")
        }
        if c.findings.count > limit { line("  " + paint("… and \(c.findings.count - limit) more (--verbose lists all)", .dim)) }
    }

    func plat(_ p: String?, _ o: Outline) -> String {
        o.multiPlatform ? paint("  [\(Escape.terminal(p ?? ""))]", .magenta) : ""
    }

    mutating func contentDiff(_ d: ContentDiff, _ options: TextOptions) {
        let indent = "      "
        if let note = d.note { line(indent + paint("(\(Escape.terminal(note)))", .dim)) }
        if let t = d.text {
            // `unified` carries the "\ No newline" and "\ Diff truncated" markers; split on "\n"
            // only, so a "\r" inside a line is escaped rather than sent.
            let lines = t.unified.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            for (n, l) in lines.enumerated() {
                if n >= options.diffLines {
                    line(indent + paint("… \(lines.count - n) more diff line\(lines.count - n == 1 ? "" : "s") not shown", .dim))
                    break
                }
                let text = escapeDiffLine(String(l))
                switch l.first {
                case "@": line(indent + paint(text, .cyan))
                case "+": line(indent + paint(text, .green))
                case "-": line(indent + paint(text, .red))
                case "\\": line(indent + paint(text, .dim))
                default: line(indent + text)
                }
            }
        }
        if let b = d.binary {
            line(indent + "binary: \(b.oldSize) → \(b.newSize) bytes, \(b.regions.count)\(b.truncated ? "+" : "") differing region\(b.regions.count == 1 ? "" : "s")")
            for region in b.regions.prefix(options.binaryRegions) {
                line(indent + paint("@ 0x\(String(region.offset, radix: 16)) (\(region.length) byte\(region.length == 1 ? "" : "s"))", .cyan))
                for l in region.oldHex.split(separator: "\n").prefix(6) { line(indent + paint("- " + Escape.terminal(String(l)), .red)) }
                for l in region.newHex.split(separator: "\n").prefix(6) { line(indent + paint("+ " + Escape.terminal(String(l)), .green)) }
            }
            if b.regions.count > options.binaryRegions || b.truncated {
                line(indent + paint("… more differing regions not shown", .dim))
            }
        }
        if let members = d.members {
            for m in members.prefix(options.diffLines) {
                let text = Escape.terminal(m)
                switch m.first {
                case "+": line(indent + paint(text, .green))
                case "-": line(indent + paint(text, .red))
                case "~": line(indent + paint(text, .yellow))
                default: line(indent + text)
                }
            }
            if members.count > options.diffLines { line(indent + paint("… \(members.count - options.diffLines) more", .dim)) }
        }
    }

    /// A diff line keeps its tabs (diffs are read for indentation); everything else is escaped.
    func escapeDiffLine(_ s: String) -> String {
        s.split(separator: "\t", omittingEmptySubsequences: false).map { Escape.terminal(String($0)) }.joined(separator: "\t")
    }
}
