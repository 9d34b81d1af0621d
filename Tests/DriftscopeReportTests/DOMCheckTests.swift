import DriftscopeCompare
import DriftscopeReport
import DriftscopeTestSupport
import Foundation
import Testing

/// Loads the HTML report in headless Chromium (scripts/html-dom-check.sh) and looks for the verdict
/// and the drifted paths in the rendered DOM. Skipped, with a message, when chromium is not installed.
@Suite("HTML report in Chromium")
struct DOMCheckTests {
    static let chromium = ExternalTool.path(of: "chromium") ?? ExternalTool.path(of: "chromium-browser")

    @Test("the rendered DOM shows the verdict and every drifted path",
          .enabled(if: chromium != nil, "chromium is not on PATH: DOM check skipped (apt-get install -y chromium)"))
    func renderedDOM() throws {
        let c = try Inputs.comparison("drift")
        let dir = try TemporaryDirectory(prefix: "dom")
        let file = dir.path("drift.html")
        try Data(HTMLReport.render(c).utf8).write(to: file)
        let paths = c.differences.filter { $0.classification == .drift }.map(\.path)
        let script = repositoryRoot.appendingPathComponent("scripts/html-dom-check.sh").path
        let result = try ExternalTool.run("/bin/bash", [script, "--verdict", "drift", file.path] + paths)
        #expect(result.status == 0, "\(result.output)\n\(result.errorOutput)")
        #expect(result.output.contains("all checks passed"))
        for p in paths { #expect(result.output.contains("ok   drift item \(p)")) }
    }

    @Test("hostile names stay text in the rendered DOM",
          .enabled(if: chromium != nil, "chromium is not on PATH: DOM check skipped (apt-get install -y chromium)"))
    func hostileNames() throws {
        let dir = try TemporaryDirectory(prefix: "dom")
        let file = dir.path("hostile.html")
        try Data(HTMLReport.render(try EscapingTests.hostile()).utf8).write(to: file)
        let script = repositoryRoot.appendingPathComponent("scripts/html-dom-check.sh").path
        let paths = ["/etc/" + EscapingTests.img, "/etc/" + EscapingTests.svg]
        let check = try ExternalTool.run("/bin/bash", [script, "--verdict", "drift", file.path] + paths)
        #expect(check.status == 0, "\(check.output)\n\(check.errorOutput)")
        // Straight from the browser: no element came from a name.
        let dom = try ExternalTool.run(Self.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                       "--user-data-dir=\(dir.path("profile").path)", "--dump-dom", file.absoluteString])
        #expect(dom.status == 0)
        #expect(dom.output.contains("id=\"verdict\""))
        #expect(!dom.output.lowercased().contains("<img"))
        #expect(!dom.output.lowercased().contains("<svg"))
        #expect(dom.output.contains("&lt;img src=x onerror=alert(1)&gt;.conf"))
    }

    @Test("the check fails when a path is not drift",
          .enabled(if: chromium != nil, "chromium is not on PATH: DOM check skipped (apt-get install -y chromium)"))
    func failsOnMissingPath() throws {
        let dir = try TemporaryDirectory(prefix: "dom")
        let file = dir.path("equal.html")
        try Data(HTMLReport.render(try Inputs.comparison("byte-equal")).utf8).write(to: file)
        let script = repositoryRoot.appendingPathComponent("scripts/html-dom-check.sh").path
        let result = try ExternalTool.run("/bin/bash", [script, "--verdict", "drift", file.path, "/etc/fixture.conf"])
        #expect(result.status == 1)
        #expect(result.output.contains("FAIL the verdict card says drift"))
        #expect(result.output.contains("FAIL drift item /etc/fixture.conf"))
    }
}
