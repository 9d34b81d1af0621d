import DriftscopeCompare
import DriftscopeDiff
import Foundation

/// Options of the HTML report.
public struct HTMLOptions: Sendable {
    /// The size cap in bytes (as diffoscope's `--max-report-size`): items that do not fit are left
    /// out and a note at the top and in each cut section says how many. Values under
    /// `HTMLReport.minimumBytes` are raised to it.
    public var maxBytes = 20 * 1024 * 1024
    /// Drift items shown expanded when the page opens (the rest are one click away).
    public var openItems = 40
    /// Diff lines shown per drifted file.
    public var diffLines = 2000
    /// Differing regions shown per binary file.
    public var binaryRegions = 8

    /// Creates options with a size cap.
    public init(maxBytes: Int = 20 * 1024 * 1024) {
        self.maxBytes = maxBytes
    }
}

/// The self-contained HTML report: one file with inline CSS and a little JavaScript, no network
/// (a Content-Security-Policy forbids it), readable with JavaScript off (`<details>` do the folding).
///
/// Sections: a verdict card coloured by verdict, the two images, the layer table, package changes,
/// drift with inline diffs (unified text hunks, binary hex regions, nested-archive members), noise by
/// category with the rules' explanations, config differences, findings and the rules applied. A
/// filter box over paths is added when JavaScript runs. Every string that came from an image is
/// escaped with `Escape.html` (names also with `Escape.terminal`, so control characters show).
public enum HTMLReport {
    /// The smallest size cap: room for the page's own CSS, script, verdict card and notes.
    public static let minimumBytes = 64 * 1024

    /// Renders with the default options.
    public static func render(_ c: Comparison) -> String {
        render(c, options: HTMLOptions())
    }

    /// Renders a comparison.
    public static func render(_ c: Comparison, options: HTMLOptions) -> String {
        HTMLPage(c, options: options).render()
    }
}

/// A name or one-line value from an image: control characters shown, then HTML-escaped.
private func e(_ s: String) -> String { Escape.html(Escape.terminal(s)) }

/// Builds one report page.
private struct HTMLPage {
    let c: Comparison
    let o: Outline
    let options: HTMLOptions

    init(_ c: Comparison, options: HTMLOptions) {
        self.c = c
        self.o = Outline(c)
        self.options = options
    }

    /// Text that grows while it fits a shared byte allowance; counts what did not fit.
    final class Allowance {
        var remaining: Int
        init(_ bytes: Int) { remaining = bytes }
        /// Takes room for `piece`; false (and nothing taken) when it does not fit.
        func take(_ piece: String) -> Bool {
            let n = piece.utf8.count
            guard n <= remaining else { return false }
            remaining -= n
            return true
        }
    }

    /// Omitted items per section, for the notes.
    struct Cuts {
        var entries: [(section: String, count: Int)] = []
        mutating func add(_ section: String, _ count: Int) {
            if count > 0 { entries.append((section, count)) }
        }
    }

    func render() -> String {
        let maxBytes = max(options.maxBytes, HTMLReport.minimumBytes)
        let head = pageHead()
        // Fixed parts (the card, section frames, notes, the script) are small and bounded by
        // constants and the number of noise categories; keep their room off the item allowance.
        let reserve = 24 * 1024 + o.noiseGroups.count * 2048 + c.platforms.count * 1024
        let pool = Allowance(max(0, maxBytes - head.utf8.count - reserve))
        var cuts = Cuts()
        // Small sections each get at most an eighth of the allowance, so a giant config or finding
        // list cannot starve the drift; drift comes next and noise gets what is left.
        func slice<T>(_ body: (Allowance) -> (String, T)) -> (String, T) {
            let share = Allowance(pool.remaining / 8)
            let before = share.remaining
            let result = body(share)
            pool.remaining -= before - share.remaining
            return result
        }
        let (images, _) = slice { a in (imagesSection(a), 0) }
        let (layers, layerCut) = slice { a in layersSection(a) }
        let (packages, packageCut) = slice { a in packagesSection(a) }
        let (config, configCut) = slice { a in configSection(a) }
        let (findings, findingCut) = slice { a in findingsSection(a) }
        let (rules, _) = slice { a in (rulesSection(a), 0) }
        let (drift, driftCut) = driftSection(pool)
        let (noise, noiseCut) = noiseSection(pool)
        cuts.add("drift items", driftCut)
        cuts.add("noise items", noiseCut)
        cuts.add("config differences", configCut)
        cuts.add("layers", layerCut)
        cuts.add("package changes", packageCut)
        cuts.add("findings", findingCut)

        var page = head
        page += navigation()
        page += "<main>\n"
        page += verdictCard(cuts: cuts, maxBytes: maxBytes)
        page += images + platformsSection() + layers + packages + drift + noise + config + findings + rules
        page += "</main>\n"
        page += footer()
        page += "<script>\(script)</script>\n</body>\n</html>\n"
        return page
    }

    // MARK: - Page frame

    func pageHead() -> String {
        let title = "driftscope: \(c.verdict.rawValue) · \(c.a.source) ⇄ \(c.b.source)"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
        <meta name="referrer" content="no-referrer">
        <meta name="generator" content="driftscope \(e(c.toolVersion))">
        <title>\(e(title))</title>
        <style>\(css)</style>
        </head>
        <body class="v-\(verdictClass(c.verdict))">

        """
    }

    func navigation() -> String {
        var links: [(String, String)] = [("overview", "Overview"), ("images", "Images")]
        if !c.layers.isEmpty { links.append(("layers", "Layers")) }
        if !c.packages.changes.isEmpty || !c.packages.ecosystems.isEmpty { links.append(("packages", "Packages")) }
        links.append(("drift", "Drift"))
        if o.noiseCount > 0 { links.append(("noise", "Noise")) }
        if !c.config.isEmpty { links.append(("config", "Config")) }
        if !c.findings.isEmpty { links.append(("findings", "Findings")) }
        if !c.rules.isEmpty { links.append(("rules", "Rules")) }
        var s = "<nav class=\"top\"><div class=\"wrap\">"
        s += "<a class=\"brand\" href=\"#overview\">drift<b>scope</b></a>"
        s += "<span class=\"pill v-\(verdictClass(c.verdict))\">\(e(c.verdict.rawValue))</span>"
        s += "<span class=\"links\">" + links.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined() + "</span>"
        s += "<span id=\"tools\" class=\"tools\" hidden><input id=\"q\" type=\"search\" placeholder=\"Filter paths  ( / )\" aria-label=\"Filter paths\" autocomplete=\"off\">"
        s += "<span id=\"qn\" class=\"qn\"></span><button type=\"button\" id=\"expand\" title=\"Expand every section\">Expand</button><button type=\"button\" id=\"collapse\" title=\"Collapse every section\">Collapse</button></span>"
        s += "</div></nav>\n"
        return s
    }

    func verdictCard(cuts: Cuts, maxBytes: Int) -> String {
        let v = verdictClass(c.verdict)
        let icon = c.verdict == .byteEqual ? "✓" : c.verdict == .dependencyEquivalent ? "≈" : "✗"
        let drift = c.summary.drift + c.summary.configDrift
        let noise = c.summary.noise + c.summary.configNoise
        var s = "<section id=\"overview\" class=\"card verdict v-\(v)\">\n"
        s += "<div class=\"vhead\"><div class=\"vicon\" aria-hidden=\"true\">\(icon)</div><div>"
        s += "<div class=\"eyebrow\">Verdict</div>"
        s += "<h1 id=\"verdict\" data-verdict=\"\(e(c.verdict.rawValue))\">\(e(c.verdict.rawValue))</h1>"
        s += "<p class=\"meaning\">\(e(verdictMeaning(c.verdict)))</p></div></div>\n"
        s += "<p class=\"reason\">\(e(c.reason))</p>\n"
        s += "<p class=\"pair\"><span class=\"side\">A</span> <code>\(e(c.a.source))</code> <span class=\"arrow\">⇄</span> <span class=\"side\">B</span> <code>\(e(c.b.source))</code></p>\n"
        s += "<div class=\"stats\">"
        s += stat(drift, "drift", drift > 0 ? "bad" : "good", href: "#drift")
        s += stat(noise, "noise", "neutral", href: "#noise")
        let security = o.securityCount
        if security > 0 { s += stat(security, "security-relevant", "bad", href: "#drift") }
        s += stat(c.summary.packageChanges, "package changes", c.summary.packageChanges > 0 ? "bad" : "good", href: "#packages")
        s += stat(c.config.count, "config differences", c.summary.configDrift > 0 ? "bad" : "neutral", href: "#config")
        s += stat(c.summary.findings, "findings", c.summary.findings > 0 ? "warn" : "neutral", href: "#findings")
        s += stat(c.summary.filesA, "paths in A", "neutral", href: "#layers")
        s += stat(c.summary.filesB, "paths in B", "neutral", href: "#layers")
        s += "</div>\n"
        if !cuts.entries.isEmpty {
            let parts = cuts.entries.map { "\($0.count) \($0.section)" }.joined(separator: ", ")
            s += "<p class=\"cut\" id=\"cut-note\"><b>Report cut at \(byteCount(Int64(maxBytes))):</b> \(parts) not shown. "
            s += "The JSON report (<code>--json FILE</code>) lists everything.</p>\n"
        }
        s += "</section>\n"
        return s
    }

    func stat(_ n: Int, _ label: String, _ tone: String, href: String) -> String {
        "<a class=\"stat \(tone)\" href=\"\(href)\"><b>\(n)</b><span>\(label)</span></a>"
    }

    func footer() -> String {
        var s = "<footer><div class=\"wrap\">Generated by driftscope \(e(c.toolVersion)) · JSON schema \(c.schemaVersion)"
        if let policy = c.policy { s += " · policy <code>\(e(policy))</code>" }
        s += " · self-contained: this page makes no network requests.</div></footer>\n"
        return s
    }

    // MARK: - Images, platforms, layers, packages

    func imagesSection(_ budget: Allowance) -> String {
        var s = "<section id=\"images\"><h2>Images</h2><div class=\"images\">\n"
        for (label, side) in [("A", c.a), ("B", c.b)] {
            var card = "<div class=\"card image\"><div class=\"imghead\"><span class=\"side big\">\(label)</span><code class=\"src\">\(e(side.source))</code></div><dl>"
            card += row("format", e(side.format))
            if let name = side.name { card += row("name", "<code>\(e(name))</code>") }
            if let m = side.manifestDigest {
                card += row("manifest", "<code class=\"digest\">\(e(m.description))</code>" + (side.manifestSynthesized == true ? " <span class=\"tag\">synthesised</span>" : ""))
            }
            if let d = side.configDigest { card += row("config", "<code class=\"digest\">\(e(d.description))</code>") }
            if let i = side.indexDigest { card += row("index", "<code class=\"digest\">\(e(i.description))</code>") }
            card += row("platform", e(side.platform ?? side.platforms.joined(separator: ", ")))
            card += "</dl>"
            var notes = ""
            for note in side.notes {
                let line = "<li>\(e(note))</li>"
                if budget.take(line) { notes += line }
            }
            if !notes.isEmpty { card += "<ul class=\"notes\">\(notes)</ul>" }
            card += "</div>\n"
            s += card
        }
        s += "</div></section>\n"
        return s
    }

    func row(_ label: String, _ html: String) -> String { "<dt>\(label)</dt><dd>\(html)</dd>" }

    func platformsSection() -> String {
        guard o.multiPlatform else { return "" }
        var s = "<section id=\"platforms\"><h2>Platforms <span class=\"count\">\(c.platforms.count)</span></h2><table class=\"grid\"><thead><tr><th>platform</th><th>verdict</th><th>why</th></tr></thead><tbody>\n"
        for p in c.platforms {
            s += "<tr><td><code>\(e(p.platform))</code></td><td><span class=\"pill v-\(verdictClass(p.verdict))\">\(e(p.verdict.rawValue))</span></td><td>\(e(p.reason))</td></tr>\n"
        }
        s += "</tbody></table></section>\n"
        return s
    }

    func layersSection(_ budget: Allowance) -> (String, Int) {
        guard !c.layers.isEmpty else { return ("", 0) }
        var s = "<section id=\"layers\"><h2>Layers <span class=\"count\">\(c.layers.count)</span></h2>"
        s += "<table class=\"grid layers\"><thead><tr><th>#</th>" + (o.multiPlatform ? "<th>platform</th>" : "")
        s += "<th>A digest</th><th class=\"num\">A size</th><th>B digest</th><th class=\"num\">B size</th><th>relation</th></tr></thead><tbody>\n"
        var shown = 0
        for l in c.layers {
            var r = "<tr><td class=\"num\">\(l.index)</td>" + (o.multiPlatform ? "<td><code>\(e(l.platform ?? ""))</code></td>" : "")
            r += layerCells(l.a) + layerCells(l.b)
            r += "<td><span class=\"rel r-\(e(l.relation.rawValue))\">\(e(l.relation.rawValue))</span></td></tr>\n"
            guard budget.take(r) else { break }
            s += r
            shown += 1
        }
        s += "</tbody></table>" + cutRow(c.layers.count - shown, "layers") + "</section>\n"
        return (s, c.layers.count - shown)
    }

    func layerCells(_ l: LayerSummary?) -> String {
        guard let l else { return "<td class=\"muted\">—</td><td></td>" }
        var cell = "<td><code class=\"digest\" title=\"\(e(l.digest.description))\">\(e(l.digest.short))</code>"
        cell += "<div class=\"sub\">diff_id <code title=\"\(e(l.diffID.description))\">\(e(l.diffID.short))</code>"
        if let comp = l.compression { cell += " · \(e(comp))" }
        if let n = l.entryCount { cell += " · \(n) entries" }
        cell += "</div></td>"
        var size = byteCount(l.size)
        if let u = l.uncompressedSize { size += "<div class=\"sub\">\(byteCount(u)) unpacked</div>" }
        return cell + "<td class=\"num\">\(size)</td>"
    }

    func packagesSection(_ budget: Allowance) -> (String, Int) {
        let p = c.packages
        guard !p.changes.isEmpty || !p.ecosystems.isEmpty || !p.problems.isEmpty else { return ("", 0) }
        var s = "<section id=\"packages\"><h2>Package changes <span class=\"count\">\(p.changes.count)</span></h2>"
        let databases = p.ecosystems.isEmpty ? "no package database found" : "databases: \(p.ecosystems.map(e).joined(separator: ", ")) · \(p.countA) packages in A, \(p.countB) in B"
        s += "<p class=\"muted\">\(databases)</p>"
        var shown = 0
        if p.changes.isEmpty {
            s += "<p class=\"ok\">The package sets are identical.</p>"
        } else {
            s += "<table class=\"grid fit\"><thead><tr><th>ecosystem</th><th>package</th><th>A</th><th></th><th>B</th><th>change</th></tr></thead><tbody>\n"
            for ch in p.changes {
                let word = packageChangeWord(from: ch.from, to: ch.to)
                let r = "<tr data-path=\"\(e(ch.name))\"><td><span class=\"eco\">\(e(ch.ecosystem.rawValue))</span></td><td><code>\(e(ch.name))</code></td>"
                    + "<td>\(ch.from.map { "<code class=\"old\">\(e($0))</code>" } ?? "<span class=\"muted\">absent</span>")</td><td class=\"arrow\">→</td>"
                    + "<td>\(ch.to.map { "<code class=\"new\">\(e($0))</code>" } ?? "<span class=\"muted\">absent</span>")</td>"
                    + "<td><span class=\"chg c-\(word)\">\(word)</span></td></tr>\n"
                guard budget.take(r) else { break }
                s += r
                shown += 1
            }
            s += "</tbody></table>" + cutRow(p.changes.count - shown, "package changes")
        }
        if !p.problems.isEmpty {
            s += "<ul class=\"problems\">" + p.problems.prefix(50).map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        }
        s += "</section>\n"
        return (s, p.changes.count - shown)
    }

    // MARK: - Drift

    func driftSection(_ budget: Allowance) -> (String, Int) {
        var s = "<section id=\"drift\"><h2>Drift <span class=\"count \(o.driftCount > 0 ? "bad" : "")\">\(o.driftCount)</span></h2>\n"
        guard o.driftCount > 0 else {
            s += "<p class=\"ok\">\(o.noiseCount == 0 ? "No drift, and no noise." : "No drift: every difference is explained by a noise rule.")</p></section>\n"
            return (s, 0)
        }
        let security = o.securityCount
        s += "<p class=\"muted\">Differences no noise rule explains, \(security > 0 ? "security-relevant first, " : "")each with the rule that decided it."
        s += " \(o.configDrift.count) in the image config, \(o.fileDrift.count) in the filesystem.</p>\n"
        var index = 0
        var shown = 0
        for entry in o.driftItems {
            index += 1
            let item: String
            switch entry {
            case .config(let d): item = configItem(d, index: index)
            case .file(let d): item = driftItem(d, index: index)
            }
            guard budget.take(item) else { break }
            s += item
            shown += 1
        }
        s += cutRow(o.driftCount - shown, "drift items") + "</section>\n"
        return (s, o.driftCount - shown)
    }

    func configItem(_ d: ConfigDifference, index: Int) -> String {
        var item = "<details class=\"item\" id=\"d\(index)\" data-path=\"\(e("config " + d.field))\"\(index <= options.openItems ? " open" : "")>"
        item += "<summary><span class=\"kind k-config\">config</span><code class=\"path\">\(e(d.field))</code>"
        item += platformTag(d.platform) + "<span class=\"rule\">\(e(d.rule))</span></summary>\n"
        item += "<div class=\"body\"><p class=\"why\">\(e(d.explanation))</p>" + values(d.a, d.b) + "</div></details>\n"
        return item
    }

    func driftItem(_ d: Difference, index: Int) -> String {
        var s = "<details class=\"item\(d.securityRelevant ? " security" : "")\" id=\"d\(index)\" data-path=\"\(e(d.path))\"\(index <= options.openItems ? " open" : "")>"
        s += "<summary><span class=\"kind k-\(e(d.kind.rawValue))\">\(e(d.kind.rawValue))</span><code class=\"path\">\(e(d.path))</code>"
        if d.securityRelevant { s += "<span class=\"sec\">security</span>" }
        s += platformTag(d.platform)
        let layers = layerText(d)
        if !layers.isEmpty { s += "<span class=\"layer\">\(e(layers))</span>" }
        if let package = d.package { s += "<span class=\"pkg\" title=\"the package that owns this path\">\(e(package))</span>" }
        s += "<span class=\"rule\">\(e(d.rule))</span></summary>\n<div class=\"body\">"
        s += "<p class=\"why\">\(e(d.explanation))</p>"
        if d.a != nil || d.b != nil { s += values(d.a, d.b) }
        if let diff = d.diff { s += contentDiff(diff) }
        s += "</div></details>\n"
        return s
    }

    /// The value in A beside the value in B.
    func values(_ a: String?, _ b: String?) -> String {
        "<div class=\"ab\"><div class=\"va\(a == nil ? " none" : "")\"><span class=\"side\">A</span>\(a.map { "<code>\(e($0))</code>" } ?? "<span class=\"muted\">absent</span>")</div>"
            + "<div class=\"vb\(b == nil ? " none" : "")\"><span class=\"side\">B</span>\(b.map { "<code>\(e($0))</code>" } ?? "<span class=\"muted\">absent</span>")</div></div>"
    }

    func platformTag(_ p: String?) -> String {
        o.multiPlatform ? "<span class=\"plat\">\(e(p ?? ""))</span>" : ""
    }

    func contentDiff(_ d: ContentDiff) -> String {
        var s = ""
        if let note = d.note { s += "<p class=\"note\">\(e(note))</p>" }
        if let t = d.text { s += textDiff(t) }
        if let b = d.binary { s += binaryDiff(b) }
        if let members = d.members, !members.isEmpty {
            s += "<ul class=\"members\">"
            for m in members {
                let tone = m.hasPrefix("+ ") ? "add" : m.hasPrefix("- ") ? "del" : m.hasPrefix("~ ") ? "chg" : "info"
                s += "<li class=\"\(tone)\"><code>\(e(m))</code></li>"
            }
            s += "</ul>"
        }
        return s
    }

    /// A unified diff as a table with old and new line numbers; paired changed lines get their
    /// differing middle marked.
    func textDiff(_ t: TextDiff) -> String {
        var s = "<table class=\"diff\"><tbody>"
        var lines = 0
        var cut = false
        for h in t.hunks {
            if lines >= options.diffLines { cut = true; break }
            s += "<tr class=\"hunk\"><td class=\"ln\"></td><td class=\"ln\"></td><td>@@ -\(hunkRange(h.oldStart, h.oldCount)) +\(hunkRange(h.newStart, h.newCount)) @@</td></tr>"
            var old = h.oldStart, new = h.newStart
            var i = 0
            while i < h.lines.count {
                if lines >= options.diffLines { cut = true; break }
                // A run of removed lines followed by as many added lines: pair them for marking.
                var removed = i
                while removed < h.lines.count && h.lines[removed].kind == .removed { removed += 1 }
                var added = removed
                while added < h.lines.count && h.lines[added].kind == .added { added += 1 }
                let paired = removed > i && removed - i == added - removed
                let line = h.lines[i]
                switch line.kind {
                case .context:
                    s += "<tr class=\"ctx\"><td class=\"ln\">\(old)</td><td class=\"ln\">\(new)</td><td><span class=\"sg\"> </span>\(Escape.html(line.text))</td></tr>"
                    s += noNewline(oldSide: t.oldMissingNewline && old == t.oldLineCount, newSide: t.newMissingNewline && new == t.newLineCount)
                    old += 1; new += 1; lines += 1; i += 1
                case .removed, .added:
                    let end = line.kind == .removed ? added : i + 1
                    for k in i..<end {
                        let l = h.lines[k]
                        var text = Escape.html(l.text)
                        if paired {
                            let partner = l.kind == .removed ? h.lines[k + (removed - i)].text : h.lines[k - (removed - i)].text
                            text = marked(l.text, against: partner)
                        }
                        if l.kind == .removed {
                            s += "<tr class=\"del\"><td class=\"ln\">\(old)</td><td class=\"ln\"></td><td><span class=\"sg\">-</span>\(text)</td></tr>"
                            s += noNewline(oldSide: t.oldMissingNewline && old == t.oldLineCount, newSide: false)
                            old += 1
                        } else {
                            s += "<tr class=\"add\"><td class=\"ln\"></td><td class=\"ln\">\(new)</td><td><span class=\"sg\">+</span>\(text)</td></tr>"
                            s += noNewline(oldSide: false, newSide: t.newMissingNewline && new == t.newLineCount)
                            new += 1
                        }
                        lines += 1
                    }
                    i = end
                }
            }
        }
        if t.truncated || cut {
            var note = "Diff cut"
            if t.truncated && t.omittedLines > 0 {
                note += ": \(t.omittedLines) more line\(t.omittedLines == 1 ? "" : "s")"
                if t.omittedHunks > 0 { note += " in \(t.omittedHunks) more hunk\(t.omittedHunks == 1 ? "" : "s")" }
            }
            s += "<tr class=\"more\"><td class=\"ln\"></td><td class=\"ln\"></td><td>\(note) not shown</td></tr>"
        }
        s += "</tbody></table>"
        if t.coarse { s += "<p class=\"note\">Aligned coarsely (a large change): correct, perhaps not minimal.</p>" }
        return s
    }

    func hunkRange(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }

    func noNewline(oldSide: Bool, newSide: Bool) -> String {
        oldSide || newSide ? "<tr class=\"more\"><td class=\"ln\"></td><td class=\"ln\"></td><td>\\ No newline at end of file</td></tr>" : ""
    }

    /// `line` escaped, with the part that differs from `other` (after the common prefix and
    /// suffix) in `<mark>`; long lines are left unmarked.
    func marked(_ line: String, against other: String) -> String {
        let a = Array(line), b = Array(other)
        guard a.count <= 1000, b.count <= 1000 else { return Escape.html(line) }
        var prefix = 0
        while prefix < a.count && prefix < b.count && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix && suffix < b.count - prefix && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let middle = String(a[prefix..<(a.count - suffix)])
        guard !middle.isEmpty, prefix + suffix > 0 else { return Escape.html(line) }
        return Escape.html(String(a[..<prefix])) + "<mark>\(Escape.html(middle))</mark>" + Escape.html(String(a[(a.count - suffix)...]))
    }

    func binaryDiff(_ b: BinaryDiff) -> String {
        var s = "<p class=\"note\">binary · \(b.oldSize) → \(b.newSize) bytes · \(b.regions.count)\(b.truncated ? "+" : "") differing region\(b.regions.count == 1 ? "" : "s")</p>"
        for region in b.regions.prefix(options.binaryRegions) {
            s += "<div class=\"hexregion\"><div class=\"hexhead\">at 0x\(String(region.offset, radix: 16)) · \(region.length) byte\(region.length == 1 ? "" : "s")</div><div class=\"hex\">"
            let oldRows = HexRow.parse(region.oldHex), newRows = HexRow.parse(region.newHex)
            let oldByOffset = Dictionary(oldRows.compactMap { r in r.offset.map { ($0, r) } }, uniquingKeysWith: { x, _ in x })
            let newByOffset = Dictionary(newRows.compactMap { r in r.offset.map { ($0, r) } }, uniquingKeysWith: { x, _ in x })
            s += "<pre class=\"del\"><span class=\"hexside\">A</span>\n" + oldRows.map { $0.html(against: $0.offset.flatMap { newByOffset[$0] }) }.joined(separator: "\n") + "</pre>"
            s += "<pre class=\"add\"><span class=\"hexside\">B</span>\n" + newRows.map { $0.html(against: $0.offset.flatMap { oldByOffset[$0] }) }.joined(separator: "\n") + "</pre>"
            s += "</div></div>"
        }
        if b.regions.count > options.binaryRegions || b.truncated {
            s += "<p class=\"note\">More differing regions not shown.</p>"
        }
        return s
    }

    // MARK: - Noise, config, findings, rules

    func noiseSection(_ budget: Allowance) -> (String, Int) {
        guard o.noiseCount > 0 else { return ("", 0) }
        var s = "<section id=\"noise\"><h2>Noise <span class=\"count\">\(o.noiseCount)</span></h2>\n"
        s += "<p class=\"muted\">Differences a rebuild legitimately makes. Each is still listed, labelled with the rule that explains it.</p>\n"
        var omitted = 0
        for g in o.noiseGroups {
            let name = e(g.category) + (g.isConfig ? " <span class=\"tag\">config</span>" : "")
            s += "<details class=\"group\"><summary><span class=\"gname\">\(name)</span><span class=\"gcount\">\(g.items.count)</span>"
            s += "<span class=\"gwhy\">\(e(g.rules.first?.explanation ?? ""))</span>"
            s += "<span class=\"rules\">" + g.rules.map { "<span class=\"rule\">\(e($0.name))</span>" }.joined() + "</span></summary>\n"
            s += "<div class=\"body\">" + g.rules.map { "<p class=\"why\"><b>\(e($0.name))</b> — \(e($0.explanation))</p>" }.joined()
            s += "<table class=\"grid noise\"><thead><tr><th>path</th><th>kind</th>" + (o.multiPlatform ? "<th>platform</th>" : "") + "<th>A</th><th>B</th></tr></thead><tbody>\n"
            var shown = 0
            for item in g.items {
                let r = "<tr data-path=\"\(e(item.path))\"><td><code class=\"path\">\(e(item.label))</code></td><td>\(e(item.kind))</td>"
                    + (o.multiPlatform ? "<td>\(e(item.platform ?? ""))</td>" : "")
                    + "<td>\(item.a.map { "<code>\(e($0))</code>" } ?? "")</td><td>\(item.b.map { "<code>\(e($0))</code>" } ?? "")</td></tr>\n"
                guard budget.take(r) else { break }
                s += r
                shown += 1
            }
            s += "</tbody></table>" + cutRow(g.items.count - shown, "items") + "</div></details>\n"
            omitted += g.items.count - shown
        }
        s += "</section>\n"
        return (s, omitted)
    }

    func configSection(_ budget: Allowance) -> (String, Int) {
        guard !c.config.isEmpty else { return ("", 0) }
        var s = "<section id=\"config\"><h2>Config differences <span class=\"count\">\(c.config.count)</span></h2>\n"
        s += "<table class=\"grid config\"><thead><tr><th class=\"field\">field</th><th>A</th><th>B</th><th class=\"rulecol\">rule</th>" + (o.multiPlatform ? "<th>platform</th>" : "") + "</tr></thead><tbody>\n"
        var shown = 0
        let ordered = c.config.filter { $0.classification == .drift } + c.config.filter { $0.classification == .noise }
        for d in ordered {
            let cls = d.classification == .drift ? "drift" : "noise"
            let r = "<tr class=\"\(cls)\" data-path=\"\(e("config " + d.field))\"><td><code>\(e(d.field))</code><div class=\"sub\">\(e(d.explanation))</div></td>"
                + "<td>\(d.a.map { "<code class=\"old\">\(e($0))</code>" } ?? "<span class=\"muted\">absent</span>")</td>"
                + "<td>\(d.b.map { "<code class=\"new\">\(e($0))</code>" } ?? "<span class=\"muted\">absent</span>")</td>"
                + "<td class=\"rulecol\"><span class=\"cls \(cls)\">\(cls)</span><br><span class=\"rule\">\(e(d.rule))</span></td>"
                + (o.multiPlatform ? "<td>\(e(d.platform ?? ""))</td>" : "") + "</tr>\n"
            guard budget.take(r) else { break }
            s += r
            shown += 1
        }
        s += "</tbody></table>" + cutRow(c.config.count - shown, "config differences") + "</section>\n"
        return (s, c.config.count - shown)
    }

    func findingsSection(_ budget: Allowance) -> (String, Int) {
        guard !c.findings.isEmpty else { return ("", 0) }
        var s = "<section id=\"findings\"><h2>Findings <span class=\"count warn\">\(c.findings.count)</span></h2>\n"
        s += "<table class=\"grid\"><thead><tr><th>side</th><th>kind</th><th>path</th><th>layer</th><th>message</th></tr></thead><tbody>\n"
        var shown = 0
        for f in c.findings {
            let r = "<tr data-path=\"\(e(f.path))\"><td><span class=\"side\">\(e(f.side.uppercased()))</span></td><td>\(e(f.kind))</td><td><code class=\"path\">\(e(f.path))</code></td>"
                + "<td class=\"num\">\(f.layer.map(String.init) ?? "")</td><td>\(e(f.message))\(platformTag(f.platform))</td></tr>\n"
            guard budget.take(r) else { break }
            s += r
            shown += 1
        }
        s += "</tbody></table>" + cutRow(c.findings.count - shown, "findings") + "</section>\n"
        return (s, c.findings.count - shown)
    }

    func rulesSection(_ budget: Allowance) -> String {
        guard !c.rules.isEmpty else { return "" }
        var s = "<section id=\"rules\"><h2>Rules applied <span class=\"count\">\(c.rules.count)</span></h2>\n<table class=\"grid\"><tbody>\n"
        for r in c.rules {
            let cls = r.classification.rawValue
            let line = "<tr><td><span class=\"rule\">\(e(r.name))</span></td><td><span class=\"cls \(cls)\">\(cls)</span></td><td>\(e(r.explanation))</td></tr>\n"
            if budget.take(line) { s += line }
        }
        s += "</tbody></table></section>\n"
        return s
    }

    func cutRow(_ n: Int, _ what: String) -> String {
        n > 0 ? "<p class=\"cut\">\(n) more \(what) not shown: the report reached its size cap.</p>" : ""
    }
}

func verdictClass(_ v: Verdict) -> String {
    switch v {
    case .byteEqual: return "equal"
    case .dependencyEquivalent: return "equiv"
    case .drift: return "drift"
    }
}

/// One `xxd` row (`00000080: 206d 6f64 ...  ascii`), split so that differing bytes can be marked.
struct HexRow {
    var offset: Int?
    var prefix: String
    var bytes: [String]
    var ascii: [Character]
    var raw: String

    static func parse(_ dump: String) -> [HexRow] {
        dump.split(separator: "\n").map { HexRow(String($0)) }
    }

    init(_ line: String) {
        raw = line
        prefix = ""
        bytes = []
        ascii = []
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let offset = Int(parts[0], radix: 16) else { return }
        let rest = Array(parts[1].dropFirst())
        guard rest.count >= 41 else { return }
        let hex = rest[0..<39]
        var values: [String] = []
        for k in 0..<16 {
            let at = k * 2 + k / 2
            let pair = String(hex[at..<(at + 2)])
            if pair == "  " { break }
            values.append(pair)
        }
        self.offset = offset
        self.prefix = String(parts[0])
        self.bytes = values
        self.ascii = Array(rest[41...])
    }

    /// The row as HTML, bytes that differ from `other` (or are missing there) in `<mark>`.
    func html(against other: HexRow?) -> String {
        guard offset != nil else { return Escape.html(raw) }
        var s = "<span class=\"off\">\(Escape.html(prefix))</span> "
        for (k, byte) in bytes.enumerated() {
            let differs = other.map { k >= $0.bytes.count || $0.bytes[k] != byte } ?? true
            s += differs ? "<mark>\(Escape.html(byte))</mark>" : Escape.html(byte)
            if k % 2 == 1 && k < 15 { s += " " }
        }
        // pad a short row so the text column lines up
        for k in bytes.count..<16 {
            s += "  "
            if k % 2 == 1 && k < 15 { s += " " }
        }
        s += "  "
        for (k, ch) in ascii.enumerated() {
            let differs = other.map { k >= $0.bytes.count || (k < bytes.count && $0.bytes[k] != bytes[k]) } ?? true
            s += differs ? "<mark>\(Escape.html(String(ch)))</mark>" : Escape.html(String(ch))
        }
        return s
    }
}

// MARK: - Style and script

private let css = """
:root{--bg:#f6f8fa;--fg:#1f2328;--muted:#59636e;--card:#fff;--line:#d1d9e0;--soft:#eef1f4;
--red:#cf222e;--red-bg:#ffebe9;--red-line:#ffcecb;--green:#1a7f37;--green-bg:#dafbe1;--green-line:#aceebb;
--amber:#9a6700;--amber-bg:#fff8c5;--amber-line:#f5e0a0;--blue:#0969da;--blue-bg:#ddf4ff;--violet:#8250df;
--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;
--sans:-apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,"DejaVu Sans",sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#151b23;--line:#3d444d;--soft:#212830;
--red:#ff7b72;--red-bg:#3c1618;--red-line:#6e2a2a;--green:#56d364;--green-bg:#12261e;--green-line:#1f4a2c;
--amber:#e3b341;--amber-bg:#2e2410;--amber-line:#5a4514;--blue:#58a6ff;--blue-bg:#0c2d6b;--violet:#bc8cff}}
*{box-sizing:border-box}[hidden]{display:none!important}
html{scroll-padding-top:64px}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 var(--sans)}
code,pre{font-family:var(--mono);font-size:12.5px}
code{overflow-wrap:anywhere}
a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
.wrap,main{max-width:1200px;margin:0 auto;padding:0 24px}
main{padding-top:20px;padding-bottom:32px}
nav.top{position:sticky;top:0;z-index:5;background:var(--card);border-bottom:1px solid var(--line)}
nav.top .wrap{display:flex;align-items:center;gap:14px;min-height:52px}
.brand{font-weight:600;font-size:16px;color:var(--fg);letter-spacing:-.2px}.brand b{color:var(--muted);font-weight:600}
.links{display:flex;gap:0;overflow:hidden;flex:1 1 auto;min-width:0}.links a{color:var(--muted);padding:4px 8px;border-radius:6px;font-size:13px;white-space:nowrap}
.links a:hover{background:var(--soft);color:var(--fg);text-decoration:none}
.tools{margin-left:auto;display:flex;gap:8px;align-items:center}
.tools input{width:230px;padding:5px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);font:13px var(--sans)}
.tools input:focus{outline:2px solid var(--blue);outline-offset:-1px}
.tools button{padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:var(--soft);color:var(--fg);font:12px var(--sans);cursor:pointer}
.qn{color:var(--muted);font-size:12px;white-space:nowrap}
.pill{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;border:1px solid}
.pill.v-equal{color:var(--green);background:var(--green-bg);border-color:var(--green-line)}
.pill.v-equiv{color:var(--amber);background:var(--amber-bg);border-color:var(--amber-line)}
.pill.v-drift{color:var(--red);background:var(--red-bg);border-color:var(--red-line)}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px}
section{margin:0 0 28px}
h2{font-size:18px;font-weight:600;margin:0 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line);display:flex;align-items:center;gap:8px}
.count{font-size:12px;font-weight:600;color:var(--muted);background:var(--soft);border-radius:999px;padding:1px 8px}
.count.bad{color:#fff;background:var(--red)}.count.warn{color:#fff;background:var(--amber)}
.verdict{padding:22px 24px 18px;border-left:6px solid;margin-bottom:28px}
.verdict.v-equal{border-left-color:var(--green);background:linear-gradient(90deg,var(--green-bg),var(--card) 55%)}
.verdict.v-equiv{border-left-color:var(--amber);background:linear-gradient(90deg,var(--amber-bg),var(--card) 55%)}
.verdict.v-drift{border-left-color:var(--red);background:linear-gradient(90deg,var(--red-bg),var(--card) 55%)}
.vhead{display:flex;gap:16px;align-items:center}
.vicon{width:52px;height:52px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:28px;font-weight:700;color:#fff;flex:none}
.v-equal .vicon{background:var(--green)}.v-equiv .vicon{background:var(--amber)}.v-drift .vicon{background:var(--red)}
.eyebrow{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);font-weight:600}
.verdict h1{margin:0;font-size:30px;line-height:1.15;text-transform:capitalize;letter-spacing:-.5px}
.v-equal h1{color:var(--green)}.v-equiv h1{color:var(--amber)}.v-drift h1{color:var(--red)}
.meaning{margin:2px 0 0;color:var(--muted)}
.reason{font-size:15px;margin:14px 0 6px}
.pair{margin:0 0 14px;color:var(--muted)}.pair code{color:var(--fg)}.arrow{color:var(--muted);padding:0 4px}
.side{display:inline-block;min-width:20px;text-align:center;font-size:11px;font-weight:700;border-radius:4px;background:var(--soft);color:var(--muted);padding:0 5px}
.side.big{font-size:13px;padding:2px 8px;background:var(--fg);color:var(--card)}
.stats{display:flex;flex-wrap:wrap;gap:10px}
.stat{display:flex;flex-direction:column;min-width:108px;padding:8px 14px;border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg)}
.stat:hover{text-decoration:none;border-color:var(--muted)}
.stat b{font-size:22px;line-height:1.2;font-variant-numeric:tabular-nums}.stat span{font-size:12px;color:var(--muted)}
.stat.bad b{color:var(--red)}.stat.good b{color:var(--green)}.stat.warn b{color:var(--amber)}
.cut{margin:12px 0 0;padding:8px 12px;border:1px solid var(--amber-line);background:var(--amber-bg);border-radius:6px;color:var(--fg)}
.images{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:860px){.images{grid-template-columns:1fr}.tools input{width:160px}}
.image{padding:14px 16px}.imghead{display:flex;align-items:center;gap:10px;margin-bottom:10px}
.src{font-size:14px;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}dt{color:var(--muted);font-size:13px}dd{margin:0;min-width:0}
.digest{font-size:12px}
.notes,.problems{margin:10px 0 0;padding-left:18px;color:var(--muted);font-size:13px}
.tag{font-size:11px;padding:0 6px;border-radius:4px;background:var(--soft);color:var(--muted);font-weight:500}
table.grid{width:100%;border-collapse:separate;border-spacing:0;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
table.grid th{text-align:left;font-size:12px;font-weight:600;color:var(--muted);background:var(--soft);padding:7px 10px;border-bottom:1px solid var(--line)}
table.grid td{padding:7px 10px;border-bottom:1px solid var(--soft);vertical-align:top}
table.grid tr:last-child td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sub{font-size:12px;color:var(--muted);margin-top:2px}
.muted{color:var(--muted)}.ok{color:var(--green);font-weight:500}
.rel,.chg,.cls,.kind,.eco{display:inline-block;font-size:11.5px;font-weight:600;padding:1px 8px;border-radius:999px;white-space:nowrap}
.r-identical,.r-compression-only{color:var(--green);background:var(--green-bg)}
.r-different{color:var(--amber);background:var(--amber-bg)}.r-only-a,.r-only-b{color:var(--red);background:var(--red-bg)}
.c-added{color:var(--green);background:var(--green-bg)}.c-removed{color:var(--red);background:var(--red-bg)}.c-changed{color:var(--amber);background:var(--amber-bg)}
.eco{color:var(--violet);background:var(--soft)}
.cls.drift{color:var(--red);background:var(--red-bg)}.cls.noise{color:var(--muted);background:var(--soft)}
tr.noise td{color:var(--muted)}
code.old{background:var(--red-bg);padding:0 4px;border-radius:4px}code.new{background:var(--green-bg);padding:0 4px;border-radius:4px}
td.arrow{color:var(--muted);width:1px}table.grid.fit{width:auto;min-width:60%}
th.field{width:24%}.rulecol{width:1%;white-space:nowrap}.rule{white-space:nowrap}
.rule{display:inline-block;font-family:var(--mono);font-size:11.5px;color:var(--blue);background:var(--blue-bg);padding:0 7px;border-radius:4px;margin-left:4px}
details.item{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:0 0 10px;overflow:hidden}
details.item.security{border-color:var(--red);box-shadow:0 0 0 1px var(--red-line)}
details>summary{cursor:pointer;list-style:none;display:flex;align-items:center;gap:8px;flex-wrap:wrap;padding:9px 12px}
details>summary::-webkit-details-marker{display:none}
details>summary::before{content:"▸";color:var(--muted);width:10px;transition:transform .1s}
details[open]>summary::before{transform:rotate(90deg)}
details.item[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
summary .path{font-size:13px;font-weight:600;color:var(--fg)}
summary>.rule{margin-left:auto}.rules .rule{margin-left:4px}
.kind{color:var(--red);background:var(--red-bg)}.k-added{color:var(--green);background:var(--green-bg)}
.k-mode,.k-owner,.k-config{color:var(--amber);background:var(--amber-bg)}
.sec{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;color:#fff;background:var(--red);border-radius:4px;padding:1px 7px}
.layer,.plat{font-size:12px;color:var(--muted)}.plat{font-family:var(--mono)}
.body{padding:10px 14px 12px}
.why{margin:0 0 8px}.pkg{font-size:12px;font-family:var(--mono);color:var(--violet)}
.note{margin:8px 0 6px;font-size:12.5px;color:var(--muted)}
.ab{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:4px 0 6px;align-items:start}
.ab>div{display:flex;gap:8px;align-items:baseline;padding:5px 10px;border-radius:6px;min-width:0;border:1px solid var(--line)}
.ab .va{background:var(--red-bg);border-color:var(--red-line)}.ab .vb{background:var(--green-bg);border-color:var(--green-line)}
.ab code{white-space:pre-wrap}.ab .none{background:var(--soft);border-color:var(--line)}
table.diff{width:100%;border-collapse:collapse;font-family:var(--mono);font-size:12.5px;border:1px solid var(--line);border-radius:6px;overflow:hidden;margin-top:6px}
table.diff td{padding:0 8px;white-space:pre-wrap;overflow-wrap:anywhere;vertical-align:top;line-height:1.6}
table.diff td.ln{width:1%;min-width:40px;text-align:right;color:var(--muted);user-select:none;border-right:1px solid var(--line);white-space:nowrap;font-size:11.5px}
table.diff .sg{user-select:none;display:inline-block;width:14px;color:var(--muted)}
tr.hunk td{background:var(--blue-bg);color:var(--muted)}
tr.del td{background:var(--red-bg)}tr.add td{background:var(--green-bg)}
tr.del mark{background:var(--red-line);color:inherit;border-radius:2px}tr.add mark{background:var(--green-line);color:inherit;border-radius:2px}
tr.more td{color:var(--muted);font-style:italic;background:var(--soft)}
.hexregion{margin-top:8px}.hexhead{font-size:12px;color:var(--muted);margin-bottom:4px}
.hex{display:grid;grid-template-columns:1fr 1fr;gap:8px}
@media (max-width:1100px){.hex{grid-template-columns:1fr}}
.hex pre{margin:0;padding:8px 10px;border-radius:6px;border:1px solid var(--line);overflow-x:auto;line-height:1.55}
.hex pre.del{background:var(--red-bg)}.hex pre.add{background:var(--green-bg)}
.hex mark{font-weight:700;color:var(--fg);border-radius:2px}.hex pre.del mark{background:var(--red-line)}.hex pre.add mark{background:var(--green-line)}
.hexside{font-weight:700;color:var(--muted)}.off{color:var(--muted)}
ul.members{list-style:none;padding:0;margin:6px 0 0;border:1px solid var(--line);border-radius:6px;overflow:hidden}
ul.members li{padding:1px 10px}ul.members li.add{background:var(--green-bg)}ul.members li.del{background:var(--red-bg)}ul.members li.chg{background:var(--amber-bg)}ul.members li.info{background:var(--soft)}
details.group{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:0 0 8px}
details.group[open]>summary{border-bottom:1px solid var(--line)}
.gname{font-weight:600}.gcount{font-size:12px;font-weight:600;color:var(--muted);background:var(--soft);border-radius:999px;padding:0 8px}
.group .rules{margin-left:auto}.gwhy{color:var(--muted);font-size:13px;flex:1 1 0;min-width:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
details.group[open] .gwhy{visibility:hidden}
table.noise{border:0;border-radius:0}table.noise td{padding:4px 10px;font-size:13px}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:12px;padding:14px 0 24px}
@media print{nav.top{position:static}.tools{display:none!important}details.item,details.group{break-inside:avoid}}
"""

private let script = """
(function(){
var d=document;d.documentElement.classList.add('js');
var bar=d.getElementById('tools');if(!bar)return;bar.hidden=false;
var q=d.getElementById('q'),n=d.getElementById('qn');
var items=Array.prototype.slice.call(d.querySelectorAll('#drift [data-path],#noise [data-path],#config [data-path],#findings [data-path]'));
var groups=Array.prototype.slice.call(d.querySelectorAll('details.group'));
function apply(){var v=q.value.trim().toLowerCase(),shown=0;
items.forEach(function(el){var hit=!v||el.getAttribute('data-path').toLowerCase().indexOf(v)>=0;el.hidden=!hit;if(hit)shown++;});
groups.forEach(function(g){var any=g.querySelector('[data-path]:not([hidden])');g.hidden=!!v&&!any;if(v&&any)g.open=true;});
n.textContent=v?shown+' of '+items.length:'';}
q.addEventListener('input',apply);
function all(open){d.querySelectorAll('details').forEach(function(x){if(!x.hidden)x.open=open;});}
d.getElementById('expand').addEventListener('click',function(){all(true);});
d.getElementById('collapse').addEventListener('click',function(){all(false);});
d.addEventListener('keydown',function(ev){if(ev.key==='/'&&d.activeElement!==q){ev.preventDefault();q.focus();}
if(ev.key==='Escape'&&d.activeElement===q){q.value='';apply();q.blur();}});
var m=/^#q=(.*)$/.exec(location.hash);if(m){try{q.value=decodeURIComponent(m[1]);}catch(err){}}
apply();})();
"""
