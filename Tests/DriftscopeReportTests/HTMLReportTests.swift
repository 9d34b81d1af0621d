import DriftscopeCompare
import DriftscopeDiff
import DriftscopeReport
import Foundation
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    @Test("one self-contained file: no network, no external resources")
    func selfContained() throws {
        for name in GoldenTests.inputs {
            let html = HTMLReport.render(try Inputs.comparison(name))
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.hasSuffix("</html>\n"))
            for banned in ["http://", "https://", "//fonts", "url(", "@import", "<link", "<img", "<iframe", "src="] {
                #expect(!html.contains(banned), "\(name): \(banned)")
            }
            #expect(html.contains("Content-Security-Policy"))
            #expect(html.contains("default-src 'none'"))
        }
    }

    @Test("every section of the drift report, in order")
    func sections() throws {
        let c = try Inputs.comparison("drift")
        let html = HTMLReport.render(c)
        var last = html.startIndex
        for id in ["overview", "images", "layers", "packages", "drift", "noise", "config", "findings", "rules"] {
            let r = try #require(html.range(of: "<section id=\"\(id)\""), "section \(id)")
            #expect(r.lowerBound > last, "section \(id) out of order")
            last = r.lowerBound
        }
        #expect(html.contains("id=\"verdict\" data-verdict=\"drift\">drift</h1>"))
        #expect(html.contains("class=\"card verdict v-drift\""))
        for d in c.differences where d.classification == .drift {
            #expect(html.contains("data-path=\"\(Escape.html(d.path))\""), "drift item \(d.path)")
        }
        for p in c.packages.changes { #expect(html.contains(p.name)) }
        for d in c.config { #expect(html.contains(Escape.html(d.field))) }
        #expect(html.contains(c.a.manifestDigest!.description))
        #expect(html.contains(c.b.manifestDigest!.description))
        // each rule's explanation is there for the reader
        for r in c.rules { #expect(html.contains(Escape.html(r.explanation)), "rule \(r.name)") }
    }

    @Test("verdict colours", arguments: [("drift", "v-drift"), ("equivalent", "v-equiv"), ("byte-equal", "v-equal")])
    func verdictCard(_ name: String, _ cls: String) throws {
        let c = try Inputs.comparison(name)
        let html = HTMLReport.render(c)
        #expect(html.contains("class=\"card verdict \(cls)\""))
        #expect(html.contains("data-verdict=\"\(c.verdict.rawValue)\""))
    }

    @Test("works without JavaScript: folding by <details>, filter box hidden until the script shows it")
    func withoutScript() throws {
        let c = try Inputs.comparison("drift")
        let html = HTMLReport.render(c)
        #expect(html.contains("<span id=\"tools\" class=\"tools\" hidden>"))
        let items = html.components(separatedBy: "<details class=\"item").count - 1
        #expect(items == c.summary.drift + c.summary.configDrift)
        #expect(html.components(separatedBy: "<details").count == html.components(separatedBy: "</details>").count)
        var options = HTMLOptions()
        options.openItems = 2
        let few = HTMLReport.render(c, options: options)
        #expect(few.components(separatedBy: "\" open>").count - 1 == 2)
    }

    @Test("inline diffs: text hunks with line numbers, binary hex regions, archive members")
    func diffs() throws {
        let html = HTMLReport.render(try Inputs.comparison("drift"))
        // /etc/fixture.conf: one line changed, two added; the changed part of the paired line marked
        #expect(html.contains("<tr class=\"hunk\"><td class=\"ln\"></td><td class=\"ln\"></td><td>@@ -1,2 +1,4 @@</td></tr>"))
        #expect(html.contains("<tr class=\"del\"><td class=\"ln\">2</td><td class=\"ln\"></td><td><span class=\"sg\">-</span>greeting=hello</td></tr>"))
        #expect(html.contains("<span class=\"sg\">+</span>log_level=debug</td></tr>"))
        #expect(html.contains("__version__ = &quot;3.<mark>6</mark>&quot;"))
        #expect(html.contains("__version__ = &quot;3.<mark>7</mark>&quot;"))
        // the .pyc: the one differing byte marked on each side, in hex and in the text column
        #expect(html.contains("2e7a 0333 2e<mark>36</mark> 6301"))
        #expect(html.contains("2e7a 0333 2e<mark>37</mark> 6301"))
        #expect(html.contains("z.3.<mark>6</mark>c."))
        // the nested archive's members
        #expect(html.contains("<li class=\"add\"><code>+ bundle/extra.txt</code></li>"))
        #expect(html.contains("<li class=\"del\"><code>- bundle/old.txt</code></li>"))
        #expect(html.contains("decompressed gzip content"))
    }

    @Test("a text diff cut by the comparator says so; a missing final newline is shown")
    func diffNotes() throws {
        let text = TextDiff(hunks: [DiffHunk(oldStart: 1, oldCount: 1, newStart: 1, newCount: 1, lines: [
            DiffLine(kind: .removed, text: "a"), DiffLine(kind: .added, text: "b")])],
            truncated: true, oldMissingNewline: true, oldLineCount: 1, newLineCount: 1, omittedLines: 7, omittedHunks: 2)
        let d = Difference(path: "/x", kind: .content, category: "content", classification: .drift, rule: "content-changed",
                           explanation: "The file's bytes differ.", diff: ContentDiff(type: "text", text: text))
        let html = HTMLReport.render(try Inputs.drift(with: [d]))
        #expect(html.contains("\\ No newline at end of file"))
        #expect(html.contains("Diff cut: 7 more lines in 2 more hunks not shown"))
    }

    @Test("size cap: 100,000 drift items stay under maxBytes, with a visible note of what was cut")
    func sizeCap() throws {
        let c = try Self.huge(100_000)
        var options = HTMLOptions(maxBytes: 1 << 20)
        options.openItems = 10
        let html = HTMLReport.render(c, options: options)
        #expect(html.utf8.count <= 1 << 20)
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("id=\"cut-note\""))
        #expect(html.contains("Report cut at 1.0 MiB"))
        #expect(html.contains("more drift items not shown"))
        #expect(html.contains("/srv/data/file-000000.txt"))
        #expect(!html.contains("/srv/data/file-099999.txt"))
        #expect(html.components(separatedBy: "<details").count == html.components(separatedBy: "</details>").count)
        #expect(html.components(separatedBy: "<section").count == html.components(separatedBy: "</section>").count)
        // the verdict and the small sections are never cut
        #expect(html.contains("data-verdict=\"drift\""))
        #expect(html.contains("<section id=\"config\""))
        #expect(html.contains("<section id=\"packages\""))
    }

    @Test("the default cap (20 MiB) holds, and a tiny cap is raised to the minimum")
    func defaultCap() throws {
        let c = try Self.huge(100_000)
        let html = HTMLReport.render(c)
        #expect(html.utf8.count <= 20 << 20)
        #expect(html.contains("id=\"cut-note\""))
        let tiny = HTMLReport.render(c, options: HTMLOptions(maxBytes: 1000))
        #expect(tiny.utf8.count <= HTMLReport.minimumBytes)
        #expect(tiny.contains("id=\"cut-note\""))
        #expect(tiny.hasSuffix("</html>\n"))
    }

    @Test("an uncut report has no cut note")
    func noCutNote() throws {
        #expect(!HTMLReport.render(try Inputs.comparison("drift")).contains("cut-note"))
    }

    /// The drift comparison with `n` drifted files, each with a small text diff, and as many noise items.
    static func huge(_ n: Int) throws -> Comparison {
        var differences: [Difference] = []
        differences.reserveCapacity(2 * n)
        let text = TextDiff(hunks: [DiffHunk(oldStart: 1, oldCount: 1, newStart: 1, newCount: 1, lines: [
            DiffLine(kind: .removed, text: "value=1"), DiffLine(kind: .added, text: "value=2")])], oldLineCount: 1, newLineCount: 1)
        for i in 0..<n {
            let path = "/srv/data/file-" + String(format: "%06d", i) + ".txt"
            differences.append(Difference(path: path, kind: .content, category: "content", classification: .drift, rule: "content-changed",
                                          explanation: "The file's bytes differ.", layerA: 0, layerB: 0,
                                          diff: ContentDiff(type: "text", text: text)))
            differences.append(Difference(path: path, kind: .mtime, category: "timestamps", classification: .noise, rule: "timestamps",
                                          explanation: "Only the modification time differs.", a: "2024-01-01T00:00:00Z", b: "2024-01-02T00:00:00Z"))
        }
        var c = try Inputs.drift(with: differences)
        c.summary.drift = n
        c.summary.noise = n
        return c
    }
}
