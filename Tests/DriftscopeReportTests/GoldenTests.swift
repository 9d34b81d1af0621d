import DriftscopeCompare
import DriftscopeReport
import Foundation
import Testing

/// The text and Markdown reports of three hand-built comparisons, against files in `Golden/`.
/// `DRIFTSCOPE_UPDATE_GOLDEN=1 swift test --filter DriftscopeReportTests` rewrites them.
@Suite("Golden reports")
struct GoldenTests {
    static let inputs = ["drift", "equivalent", "byte-equal"]

    @Test("text report", arguments: inputs)
    func text(_ name: String) throws {
        let c = try Inputs.comparison(name)
        try Golden.check(TextReport.render(c), "\(name).txt")
    }

    @Test("text report, --verbose", arguments: ["drift", "equivalent"])
    func verbose(_ name: String) throws {
        let c = try Inputs.comparison(name)
        try Golden.check(TextReport.render(c, options: TextOptions(verbose: true)), "\(name).verbose.txt")
    }

    @Test("text report in colour")
    func color() throws {
        let c = try Inputs.comparison("drift")
        try Golden.check(TextReport.render(c, options: TextOptions(color: true)), "drift.color.txt")
    }

    @Test("Markdown summary", arguments: inputs)
    func markdown(_ name: String) throws {
        let c = try Inputs.comparison(name)
        try Golden.check(MarkdownReport.render(c), "\(name).md")
    }

    @Test("without colour the text report holds no escape byte", arguments: inputs)
    func plainHasNoEscape(_ name: String) throws {
        let c = try Inputs.comparison(name)
        #expect(!TextReport.render(c).utf8.contains(0x1B))
    }

    @Test("drift comes before noise, security-relevant drift first")
    func driftOrder() throws {
        let text = TextReport.render(try Inputs.comparison("drift"))
        let drift = try #require(text.range(of: "\nDrift ("))
        let noise = try #require(text.range(of: "\nNoise ("))
        #expect(drift.lowerBound < noise.lowerBound)
        let hello = try #require(text.range(of: "/usr/bin/hello"))
        let conf = try #require(text.range(of: "/etc/fixture.conf\n"))
        #expect(hello.lowerBound < conf.lowerBound)
        #expect(text.contains("SECURITY"))
    }

    @Test("noise is summarised by category with a few examples, all of them with verbose")
    func noiseExamples() throws {
        let c = try Inputs.comparison("equivalent")
        let short = TextReport.render(c)
        #expect(short.contains("timestamps"))
        #expect(short.contains("… and 39 more (--verbose lists all)"))
        let long = TextReport.render(c, options: TextOptions(verbose: true))
        #expect(!long.contains("more (--verbose lists all)"))
        for d in c.differences { #expect(long.contains(d.path)) }
    }
}

@Suite("Several platforms")
struct PlatformTests {
    /// The drift comparison as if it covered linux/amd64 and linux/arm64.
    static func twoPlatforms() throws -> Comparison {
        var c = try Inputs.comparison("drift")
        var arm = c.platforms[0]
        arm.platform = "linux/arm64"
        arm.verdict = .dependencyEquivalent
        arm.reason = "13 differences, all noise"
        c.platforms.append(arm)
        c.differences[0].platform = "linux/arm64"
        return c
    }

    @Test("every report names the platform of each item")
    func tagged() throws {
        let c = try Self.twoPlatforms()
        let text = TextReport.render(c)
        #expect(text.contains("Platforms (2)"))
        #expect(text.contains("linux/arm64       DEPENDENCY-EQUIVALENT 13 differences, all noise"))
        #expect(text.contains("[linux/amd64]"))
        let html = HTMLReport.render(c)
        #expect(html.contains("<section id=\"platforms\">"))
        #expect(html.contains("<span class=\"plat\">linux/amd64</span>"))
        let md = MarkdownReport.render(c)
        #expect(md.contains("| `/usr/bin/hello` ⚠️ **security** linux/amd64 |"))
    }
}
