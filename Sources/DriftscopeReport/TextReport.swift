import DriftscopeCompare
import DriftscopeDiff
import Foundation

/// Options of the terminal report.
public struct TextOptions: Sendable {
    /// ANSI colour (only on a TTY and never with NO_COLOR; the CLI decides).
    public var color = false
    /// List every noise difference instead of a summary with examples.
    public var verbose = false
    /// Examples shown per noise category.
    public var examples = 3
    /// Diff lines shown per drifted file.
    public var diffLines = 40

    public init(color: Bool = false, verbose: Bool = false) {
        self.color = color
        self.verbose = verbose
    }
}

/// The terminal report: verdict banner, images, layers, packages, drift first with rules and diffs,
/// then noise summarised by category. Every string from an image goes through `Escape.terminal`.
public enum TextReport {
    public static func render(_ c: Comparison, options: TextOptions = TextOptions()) -> String {
        var r = Renderer(color: options.color)
        r.banner(c.verdict, c.reason)
        r.line()
        r.side("A", c.a)
        r.side("B", c.b)
        for p in c.platforms where c.platforms.count > 1 {
            r.line("  platform \(Escape.terminal(p.platform)): \(r.verdictWord(p.verdict)) — \(Escape.terminal(p.reason))")
        }
        let layers = c.layers
        if !layers.isEmpty {
            r.line()
            r.heading("Layers")
            r.line("  " + pad("#", 3) + pad("A digest", 15) + pad("B digest", 15) + "relation")
            for l in layers {
                let plat = c.platforms.count > 1 ? "  [\(Escape.terminal(l.platform ?? ""))]" : ""
                r.line("  " + pad("\(l.index)", 3) + pad(l.a?.digest.short ?? "-", 15) + pad(l.b?.digest.short ?? "-", 15) + l.relation.rawValue + plat)
            }
        }
        if !c.packages.changes.isEmpty {
            r.line()
            r.heading("Package changes (\(c.packages.changes.count))")
            for ch in c.packages.changes {
                r.line("  " + r.paint("\(ch.ecosystem.rawValue) \(Escape.terminal(ch.name)): \(Escape.terminal(ch.from ?? "absent")) → \(Escape.terminal(ch.to ?? "absent"))", .red))
            }
        } else if !c.packages.ecosystems.isEmpty {
            r.line()
            r.line("Packages: identical (\(c.packages.ecosystems.joined(separator: ", ")); \(c.packages.countA) in A, \(c.packages.countB) in B)")
        }
        let configDrift = c.config.filter { $0.classification == .drift }
        let drift = c.differences.filter { $0.classification == .drift }
        if !configDrift.isEmpty || !drift.isEmpty {
            r.line()
            r.heading("Drift (\(configDrift.count + drift.count))")
            for d in configDrift {
                r.line("  " + r.paint("config \(Escape.terminal(d.field))", .red) + "  [\(d.rule)]" + plat(d.platform, c))
                r.line("      A: \(Escape.terminal(d.a ?? "absent"))")
                r.line("      B: \(Escape.terminal(d.b ?? "absent"))")
            }
            for d in drift {
                let flag = d.securityRelevant ? r.paint(" SECURITY", .red) : ""
                r.line("  " + r.paint(Escape.terminal(d.path), .red) + "  \(d.kind.rawValue) [\(d.rule)]\(flag)" + layerText(d) + plat(d.platform, c))
                r.line("      \(Escape.terminal(d.explanation))")
                if d.a != nil || d.b != nil {
                    r.line("      A: \(Escape.terminal(d.a ?? "absent"))")
                    r.line("      B: \(Escape.terminal(d.b ?? "absent"))")
                }
                if let diff = d.diff { r.contentDiff(diff, maxLines: options.diffLines) }
            }
        }
        let noise = c.differences.filter { $0.classification == .noise }
        let configNoise = c.config.filter { $0.classification == .noise }
        if !noise.isEmpty || !configNoise.isEmpty {
            r.line()
            r.heading("Noise (\(noise.count + configNoise.count)), by rule")
            var groups: [String: [String]] = [:]
            var why: [String: String] = [:]
            for d in noise {
                groups[d.rule, default: []].append(d.path + (d.kind == .entryOrder ? " (layer \(d.layerA ?? 0))" : ""))
                why[d.rule] = d.explanation
            }
            for d in configNoise {
                groups[d.rule, default: []].append("config " + d.field)
                why[d.rule] = d.explanation
            }
            for rule in groups.keys.sorted() {
                let items = groups[rule]!
                r.line("  " + r.paint(pad(rule, 22), .yellow) + " \(items.count)")
                if let w = why[rule] { r.line("      \(Escape.terminal(w))") }
                let shown = options.verbose ? items : Array(items.prefix(options.examples))
                for item in shown { r.line("      \(Escape.terminal(item))") }
                if shown.count < items.count { r.line("      … and \(items.count - shown.count) more (--verbose lists all)") }
            }
        }
        if !c.findings.isEmpty {
            r.line()
            r.heading("Findings (\(c.findings.count))")
            for f in c.findings.prefix(options.verbose ? Int.max : 20) {
                r.line("  \(f.side.uppercased()) \(f.kind) \(Escape.terminal(f.path))" + (f.layer.map { " (layer \($0))" } ?? "") + ": \(Escape.terminal(f.message))")
            }
            if !options.verbose && c.findings.count > 20 { r.line("  … and \(c.findings.count - 20) more (--verbose lists all)") }
        }
        r.line()
        r.line("Summary: \(c.summary.drift + c.summary.configDrift) drift, \(c.summary.noise + c.summary.configNoise) noise, \(c.summary.packageChanges) package change\(c.summary.packageChanges == 1 ? "" : "s")")
        return r.out
    }

    static func plat(_ p: String?, _ c: Comparison) -> String {
        c.platforms.count > 1 ? "  [\(Escape.terminal(p ?? ""))]" : ""
    }

    static func layerText(_ d: Difference) -> String {
        switch (d.layerA, d.layerB) {
        case let (x?, y?): return "  layer \(x) → \(y)"
        case let (x?, nil): return "  layer \(x) (A)"
        case let (nil, y?): return "  layer \(y) (B)"
        default: return ""
        }
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
                r.line("  " + pad("\(l.index)", 3) + pad(l.digest.short, 15) + pad(l.diffID.short, 15) + pad(l.compression, 12)
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

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}

struct Renderer {
    var out = ""
    let color: Bool

    enum Tint: String {
        case red = "31", green = "32", yellow = "33", bold = "1", dim = "2", cyan = "36"
    }

    mutating func line(_ s: String = "") { out += s + "\n" }

    func paint(_ s: String, _ tint: Tint) -> String {
        color ? "\u{1B}[\(tint.rawValue)m\(s)\u{1B}[0m" : s
    }

    mutating func heading(_ s: String) { line(paint(s, .bold)) }

    func verdictWord(_ v: Verdict) -> String {
        switch v {
        case .byteEqual: return paint("BYTE-EQUAL", .green)
        case .dependencyEquivalent: return paint("DEPENDENCY-EQUIVALENT", .yellow)
        case .drift: return paint("DRIFT", .red)
        }
    }

    mutating func banner(_ v: Verdict, _ reason: String) {
        line("Verdict: " + verdictWord(v))
        line("  " + Escape.terminal(reason))
    }

    mutating func side(_ label: String, _ s: ImageSummary) {
        line("\(label): \(Escape.terminal(s.source))  (\(s.format))" + (s.name.map { "  \(Escape.terminal($0))" } ?? ""))
        if let m = s.manifestDigest { line("   manifest \(m)" + (s.manifestSynthesized == true ? " (synthesised)" : "")) }
        if let i = s.indexDigest { line("   index    \(i)") }
        line("   platform \(Escape.terminal(s.platform ?? s.platforms.joined(separator: ", ")))")
    }

    mutating func contentDiff(_ d: ContentDiff, maxLines: Int) {
        if let note = d.note { line("      (\(Escape.terminal(note)))") }
        if let t = d.text {
            var n = 0
            for h in t.hunks {
                guard n < maxLines else { break }
                line("      " + paint("@@ -\(h.oldStart),\(h.oldCount) +\(h.newStart),\(h.newCount) @@", .cyan))
                for l in h.lines {
                    guard n < maxLines else { break }
                    n += 1
                    switch l.kind {
                    case .added: line("      " + paint("+" + Escape.terminal(l.text), .green))
                    case .removed: line("      " + paint("-" + Escape.terminal(l.text), .red))
                    case .context: line("       " + Escape.terminal(l.text))
                    }
                }
            }
            if n >= maxLines || t.truncated { line("      … diff cut") }
        }
        if let b = d.binary {
            line("      binary: \(b.oldSize) → \(b.newSize) bytes, \(b.regions.count) differing region\(b.regions.count == 1 ? "" : "s")")
            for region in b.regions.prefix(3) {
                line("      @ 0x\(String(region.offset, radix: 16)) (\(region.length) bytes)")
                for l in region.oldHex.split(separator: "\n").prefix(4) { line("      - " + Escape.terminal(String(l))) }
                for l in region.newHex.split(separator: "\n").prefix(4) { line("      + " + Escape.terminal(String(l))) }
            }
        }
        if let members = d.members {
            for m in members.prefix(maxLines) { line("      " + Escape.terminal(m)) }
        }
    }
}
