import DriftscopeCompare
import DriftscopePackages
import DriftscopeReport
import Foundation
import Testing

@Suite("Markdown summary")
struct MarkdownReportTests {
    @Test("under 64 KiB with 100,000 drift items, 100,000 noise items and 10,000 package changes")
    func hugeStaysSmall() throws {
        var c = try HTMLReportTests.huge(100_000)
        c.packages.changes = (0..<10_000).map { PackageChange(ecosystem: .npm, name: "pkg-\($0)", from: "1.0.\($0)", to: "1.1.\($0)") }
        c.summary.packageChanges = 10_000
        for i in 0..<5_000 { c.summary.byCategory["category-\(i)"] = ["drift": i] }
        let md = MarkdownReport.render(c)
        #expect(md.utf8.count < 64 * 1024)
        #expect(md.utf8.count <= MarkdownReport.limit)
        #expect(md.contains("more drift items (see the full report)"))
        #expect(md.contains("## ❌ driftscope: **drift**"))
        #expect(md.contains("… and 9950 more package changes"))
        #expect(md.contains("… 4969 more categories"))
        // the table the cut stopped in is still closed: every row is whole
        for line in md.split(separator: "\n") where line.hasPrefix("|") { #expect(line.hasSuffix("|")) }
        #expect(md.components(separatedBy: "<details>").count == md.components(separatedBy: "</details>").count)
    }

    @Test("100,000 drift items with the default limits and no other content")
    func manyDriftOnly() throws {
        let c = try HTMLReportTests.huge(100_000)
        let md = MarkdownReport.render(c)
        #expect(md.utf8.count < 64 * 1024)
        #expect(md.contains("… and 99953 more drift items (see the full report)"))
    }

    @Test("a smaller cap is kept too")
    func smallerCap() throws {
        var options = MarkdownOptions()
        options.maxBytes = 8 * 1024
        let md = MarkdownReport.render(try HTMLReportTests.huge(1000), options: options)
        #expect(md.utf8.count <= 8 * 1024)
    }

    @Test("drift rows, package changes and the first diffs")
    func content() throws {
        let c = try Inputs.comparison("drift")
        let md = MarkdownReport.render(c)
        #expect(md.contains("| `/usr/bin/hello` ⚠️ **security** | mode | special-bits | `0755` → `4755` |"))
        #expect(md.contains("| dpkg | `python3-idna` | `3.6-1` | `3.7-1` |"))
        #expect(md.contains("```diff\n@@ -1,2 +1,4 @@"))
        #expect(md.contains("<details><summary>Noise (14) by category</summary>"))
    }

    @Test("a fence longer than any backtick run in the diff")
    func fence() throws {
        let text = "@@ -1 +1 @@\n-```\n+````"
        #expect(text.contains("````"))
        let d = Difference(path: "/README.md", kind: .content, category: "content", classification: .drift, rule: "content-changed",
                           explanation: "The file's bytes differ.",
                           diff: ContentDiff(type: "text", text: .init(hunks: [.init(oldStart: 1, oldCount: 1, newStart: 1, newCount: 1, lines: [
                            .init(kind: .removed, text: "```"), .init(kind: .added, text: "````")])], oldLineCount: 1, newLineCount: 1)))
        let md = MarkdownReport.render(try Inputs.drift(with: [d]))
        #expect(md.contains("`````diff\n@@ -1 +1 @@\n-```\n+````\n`````"))
    }
}
