import DriftscopeCompare
import DriftscopeDiff
import DriftscopePackages
import DriftscopeReport
import Foundation
import Testing

/// Names and contents from an image are data: no report may let them become markup or terminal
/// control sequences.
@Suite("Escaping")
struct EscapingTests {
    static let img = "<img src=x onerror=alert(1)>.conf"
    static let svg = "\"><svg onload=alert(1)>"
    static let ansi = "\u{1B}[31mred"
    static let newline = "line1\nline2.txt"
    static let bidi = "evil\u{202E}txt.exe"
    static let names = [img, svg, ansi, newline, bidi]

    /// A drift comparison in which every string a renderer shows carries a hostile name.
    static func hostile() throws -> Comparison {
        var c = try Inputs.comparison("drift")
        var differences: [Difference] = []
        for (i, name) in names.enumerated() {
            let text = TextDiff(hunks: [DiffHunk(oldStart: 1, oldCount: 1, newStart: 1, newCount: 1, lines: [
                DiffLine(kind: .removed, text: "old " + name), DiffLine(kind: .added, text: "new " + name)])],
                oldLineCount: 1, newLineCount: 1)
            differences.append(Difference(
                path: "/etc/" + name, kind: .content, category: "content", classification: .drift, rule: "content-changed",
                explanation: "The file's bytes differ: " + name, layerA: 0, layerB: 1, a: "a " + name, b: "b " + name,
                securityRelevant: i == 0, package: "dpkg:" + name, platform: "linux/amd64",
                diff: ContentDiff(type: "text", text: text, note: "note " + name)))
            differences.append(Difference(
                path: "/usr/lib/" + name + ".tar", kind: .content, category: "content", classification: .drift, rule: "content-changed",
                explanation: "The file's bytes differ.", diff: ContentDiff(type: "archive", members: ["+ " + name, "~ " + name])))
            differences.append(Difference(
                path: "/var/" + name, kind: .mtime, category: "timestamps", classification: .noise, rule: "timestamps",
                explanation: "Only the modification time differs.", a: name, b: name))
            differences.append(Difference(
                path: "/link/" + name, kind: .symlinkTarget, category: "symlink-target", classification: .drift, rule: "link-changed",
                explanation: "A symlink points elsewhere.", a: "../" + name, b: "/" + name))
        }
        c.differences = differences
        c.packages.changes = names.map { PackageChange(ecosystem: .npm, name: $0, from: "1 " + $0, to: "2 " + $0) }
        c.config[0].field = "Labels." + img
        c.config[0].a = svg
        c.config[0].b = ansi + newline
        c.findings = [try decodeJSON(SideFinding.self, [
            "side": "b", "kind": "unsafe-path", "path": "/" + svg, "layer": 1, "message": img + ansi, "platform": "linux/amd64"])]
        c.a.source = "Fixtures/" + img
        c.a.name = svg
        c.a.notes = [ansi, newline]
        c.b.source = "Fixtures/" + newline
        return c
    }

    @Test("HTML: image strings never become markup")
    func html() throws {
        let html = HTMLReport.render(try Self.hostile())
        #expect(!html.lowercased().contains("<img"))
        #expect(!html.lowercased().contains("<svg"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;.conf"))
        #expect(html.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"))
        #expect(!html.utf8.contains(0x1B))
        #expect(html.contains("\\e[31mred"))
        #expect(html.contains("line1\\nline2.txt"))
        #expect(html.contains("evil\\u{202E}txt.exe"))
        #expect(!html.unicodeScalars.contains("\u{202E}"))
        // Every tag and attribute in the page is the report's own.
        let allowed: Set<String> = ["html", "head", "meta", "title", "style", "body", "nav", "div", "a", "b", "span", "input",
                                    "button", "br", "main", "section", "h1", "h2", "p", "code", "dl", "dt", "dd", "ul", "li",
                                    "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "pre", "mark", "footer", "script"]
        for tag in startTags(html) {
            #expect(allowed.contains(tag.name), "unexpected tag <\(tag.name)>")
            for attribute in tag.attributes {
                #expect(!attribute.hasPrefix("on"), "event handler attribute \(attribute) on <\(tag.name)>")
                #expect(!["src", "href", "onerror", "onload", "srcdoc", "style"].contains(attribute) || (tag.name == "a" && attribute == "href"),
                        "attribute \(attribute) on <\(tag.name)>")
            }
        }
        // Links only point inside the page.
        for range in html.ranges(of: "href=\"") {
            #expect(html[range.upperBound...].hasPrefix("#"))
        }
    }

    @Test("text: no escape byte and no raw newline from a name, with or without colour")
    func text() throws {
        let c = try Self.hostile()
        let plain = TextReport.render(c, options: TextOptions(verbose: true))
        #expect(!plain.utf8.contains(0x1B))
        #expect(plain.contains("/etc/\\e[31mred"))
        #expect(plain.contains("/etc/line1\\nline2.txt"))
        #expect(plain.contains("evil\\u{202E}txt.exe"))
        #expect(!plain.unicodeScalars.contains("\u{202E}"))
        for line in plain.split(separator: "\n") {
            #expect(!line.hasPrefix("line2.txt"), "a name's newline reached the output: \(line)")
            #expect(!line.contains("\r"))
        }
        let path = try #require(plain.split(separator: "\n").first { $0.contains("/etc/line1") })
        #expect(path.contains("/etc/line1\\nline2.txt"))

        let colored = TextReport.render(c, options: TextOptions(color: true, verbose: true))
        // The only escape sequences are the report's own SGR colours.
        let bytes = Array(colored.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x1B {
                #expect(i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "["))
                var j = i + 2
                while j < bytes.count, (bytes[j] >= 0x30 && bytes[j] <= 0x39) || bytes[j] == UInt8(ascii: ";") { j += 1 }
                #expect(j < bytes.count && bytes[j] == UInt8(ascii: "m"), "non-SGR escape at byte \(i)")
                // and never the image's own "ESC[31mred"
                #expect(!(j + 3 < bytes.count && bytes[j + 1] == UInt8(ascii: "r") && bytes[j + 2] == UInt8(ascii: "e") && bytes[j + 3] == UInt8(ascii: "d")))
                i = j
            }
            i += 1
        }
        #expect(colored.contains("\\e[31mred"))
    }

    @Test("Markdown: no escape byte, no broken table row, markup only inside code spans")
    func markdown() throws {
        let md = MarkdownReport.render(try Self.hostile())
        #expect(!md.utf8.contains(0x1B))
        #expect(md.contains("line1\\nline2.txt"))
        for line in md.split(separator: "\n") where line.hasPrefix("|") {
            #expect(line.hasSuffix("|"), "table row broken: \(line)")
        }
        // `<img` and `<svg` may appear only as code (a code span or a fenced block), which
        // Markdown shows as text.
        var fence: String?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            let ticks = line.prefix { $0 == "`" }
            if ticks.count >= 3 {
                if fence == nil { fence = String(ticks) } else if ticks.count >= fence!.count && line.allSatisfy({ $0 == "`" }) { fence = nil }
                continue
            }
            guard fence == nil else { continue }
            for tag in ["<img", "<svg"] {
                for r in line.ranges(of: tag) {
                    let open = line[line.startIndex..<r.lowerBound].filter { $0 == "`" }.count
                    #expect(open % 2 == 1, "raw \(tag) outside code: \(line)")
                }
            }
        }
        #expect(fence == nil)
    }

    @Test("Escape.terminal and Escape.html", arguments: [
        ("\u{1B}[2J", "\\e[2J", "\\x1B[2J"),
        ("a\nb", "a\\nb", "a\nb"),
        ("tab\there", "tab\\there", "tab\there"),
        ("back\\slash", "back\\\\slash", "back\\slash"),
        ("<&>\"'", "<&>\"'", "&lt;&amp;&gt;&quot;&#39;"),
        ("\u{7F}\u{9B}", "\\x7F\\u{009B}", "\\x7F\\x9B"),
        ("a\u{202E}b\u{2066}", "a\\u{202E}b\\u{2066}", "a\\u{202E}b\\u{2066}"),
        ("naïve ✓", "naïve ✓", "naïve ✓"),
    ])
    func escapes(_ input: String, _ terminal: String, _ html: String) {
        #expect(Escape.terminal(input) == terminal)
        #expect(Escape.html(input) == html)
    }
}
