import DriftscopeArchive
import DriftscopeTestSupport
import Foundation
import Testing

/// The built `driftscope` (see `DriftscopeBinary`).
let driftscopeBinary: String? = DriftscopeBinary.path

/// Runs the binary with `--no-cache` style isolation: HOME points into the workspace.
func driftscope(_ arguments: [String], in ws: Workspace) throws -> ExternalTool.Result {
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = ws.dir.url.path
    environment["NO_COLOR"] = "1"
    return try ExternalTool.run(try #require(driftscopeBinary), arguments, environment: environment)
}

@Suite("record and verify end to end (the built binary)")
struct CommandLineTests {
    @Test("record, then verify the same image: exit 0, exactly what shipped; a second record exits 3")
    func recordAndVerify() throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let recorded = try driftscope(["record", path, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws)
        #expect(recorded.status == 0, "\(recorded.errorOutput)")
        #expect(recorded.output.contains("recorded release 1.4.0"))

        let again = try driftscope(["record", path, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws)
        #expect(again.status == 3)
        #expect(again.errorOutput.contains("already recorded") && again.errorOutput.contains("--replace"))
        #expect(again.errorOutput.split(separator: "\n").count == 1)

        let replaced = try driftscope(["record", path, "--release", "1.4.0", "--log", ws.log, "--replace", "--no-cache"], in: ws)
        #expect(replaced.status == 0)
        #expect(replaced.output.contains("supersedes"))

        let verified = try driftscope(["verify", path, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws)
        #expect(verified.status == 0, "\(verified.errorOutput)")
        #expect(verified.output.contains("exactly what shipped in release 1.4.0"))
    }

    @Test("verify: equivalent rebuild exits 0 noting the digest, drift exits 1 naming files and packages (JSON too)")
    func verifyRebuilds() throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let (noise, _) = try ws.write(noiseRebuild(), "noise")
        let (drift, _) = try ws.write(driftRebuild(), "drift")
        #expect(try driftscope(["record", path, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws).status == 0)
        try FileManager.default.removeItem(atPath: path)

        let equivalent = try driftscope(["verify", noise, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws)
        #expect(equivalent.status == 0, "\(equivalent.errorOutput)")
        #expect(equivalent.output.contains("not the image that shipped in release 1.4.0"))
        let strict = try driftscope(["verify", noise, "--release", "1.4.0", "--log", ws.log, "--no-cache", "--fail-on", "equivalent"], in: ws)
        #expect(strict.status == 1)

        let drifted = try driftscope(["verify", drift, "--release", "1.4.0", "--log", ws.log, "--no-cache", "--format", "json"], in: ws)
        #expect(drifted.status == 1, "\(drifted.errorOutput)")
        let report = try #require(try JSONSerialization.jsonObject(with: drifted.stdout) as? [String: Any])
        #expect(report["verdict"] as? String == "drift")
        let paths = (report["differences"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains("/etc/app.conf"))
        let changes = (report["packages"] as? [String: Any])?["changes"] as? [[String: Any]] ?? []
        #expect(changes.contains { $0["name"] as? String == "idna" })
    }

    @Test("a tampered snapshot and an unknown release exit 3 with one line")
    func refusals() throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        #expect(try driftscope(["record", path, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws).status == 0)

        let unknown = try driftscope(["verify", path, "--release", "9.9.9", "--log", ws.log, "--no-cache"], in: ws)
        #expect(unknown.status == 3)
        #expect(unknown.errorOutput.contains("recorded releases: 1.4.0"))
        #expect(unknown.errorOutput.split(separator: "\n").count == 1)

        try FixtureCorruption.flipByte(in: ws.dir.path("releases/1.4.0.snapshot.json.gz"), at: -20)
        let tampered = try driftscope(["verify", path, "--release", "1.4.0", "--log", ws.log, "--no-cache"], in: ws)
        #expect(tampered.status == 3)
        #expect(tampered.errorOutput.contains("but its record says"))
        #expect(tampered.errorOutput.split(separator: "\n").count == 1)
    }

    @Test("compare accepts a snapshot as either side, whatever its name")
    func compareWithSnapshot() throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let (drift, _) = try ws.write(driftRebuild(), "drift")
        let snapshot = ws.dir.path("release.tar").path
        #expect(try driftscope(["record", path, "--release", "1.4.0", "--log", ws.log, "--snapshot", snapshot, "--no-cache"], in: ws).status == 0)
        #expect(try driftscope(["compare", snapshot, path, "--no-cache"], in: ws).status == 0)
        #expect(try driftscope(["compare", path, snapshot, "--no-cache"], in: ws).status == 0)
        let drifted = try driftscope(["compare", snapshot, drift, "--no-cache"], in: ws)
        #expect(drifted.status == 1)
        #expect(drifted.output.contains("/etc/app.conf"))
    }
}
