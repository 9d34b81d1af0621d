import DriftscopeArchive
import DriftscopeCompare
import DriftscopeForensics
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("record: release log lines and snapshots")
struct RecordTests {
    @Test("the log line names the release to the byte: digests, layers, base, labels, packages, snapshot")
    func logLineFields() async throws {
        let ws = try Workspace()
        let (path, written) = try ws.write(releaseImage(), "app")
        let outcome = try await ws.record(path)

        let lines = try ws.logLines()
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line["recordVersion"] as? Int == 1)
        #expect(line["release"] as? String == "1.4.0")
        #expect(line["recordedAt"] as? String == "2025-06-01T12:00:00Z")
        #expect(line["tool"] as? String == "driftscope")
        #expect(line["toolVersion"] as? String == driftscopeVersion)
        #expect(line["source"] as? String == path)
        #expect(line["format"] as? String == "oci-archive")
        #expect(line["name"] as? String == "fixture:latest")
        #expect(line["manifestDigest"] as? String == written.manifestDigest.description)
        #expect(line["configDigest"] as? String == written.configDigest.description)
        #expect(line["replaces"] == nil)
        #expect(line["base"] as? [String: String] == ["name": "docker.io/library/debian:12", "digest": baseDigest])
        #expect(line["labels"] as? [String: String] == [
            "revision": "3f2c1e9", "version": "1.4.0", "source": "https://example.com/app.git",
        ])
        // SHA-256 of PackageInventory.fingerprint: one sorted "ecosystem name version[ arch]" line per package.
        let fingerprint = "dpkg base-files 12.4 amd64\ndpkg tool 1.2-1 amd64\npython idna 3.6\n"
        #expect(line["packageInventoryDigest"] as? String == SHA256Hasher.hash(fingerprint).description)

        let platforms = try #require(line["platforms"] as? [[String: Any]])
        #expect(platforms.count == 1)
        #expect(platforms[0]["platform"] as? String == "linux/amd64")
        #expect(platforms[0]["manifestDigest"] as? String == written.manifestDigest.description)
        #expect(platforms[0]["packages"] as? Int == 3)
        let layers = try #require(platforms[0]["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["digest"] as? String } == written.layerDigests.map(\.description))
        #expect(layers.compactMap { $0["diffID"] as? String } == written.diffIDs.map(\.description))
        #expect(layers.compactMap { $0["size"] as? Int } == written.layerSizes)

        let snapshot = try #require(line["snapshot"] as? [String: String])
        #expect(snapshot["path"] == "1.4.0.snapshot.json.gz")
        #expect(outcome.snapshotURL.path == ws.dir.url.appendingPathComponent("releases/1.4.0.snapshot.json.gz").standardizedFileURL.path)
        let bytes = try Data(contentsOf: outcome.snapshotURL)
        #expect(snapshot["sha256"] == SHA256Hasher.hash(bytes).description)
        #expect(bytes.starts(with: [0x1f, 0x8b]))

        // The typed record is the line.
        #expect(try ReleaseLog(path: ws.log).record(for: "1.4.0") == outcome.record)
    }

    @Test("a second record of a release is refused without --replace; with it, a superseding line is appended")
    func secondRecordAndReplace() async throws {
        let ws = try Workspace()
        let (original, _) = try ws.write(releaseImage(), "app")
        let (rebuild, rebuilt) = try ws.write(noiseRebuild(), "rebuild")
        try await ws.record(original, "1.3.0")
        let first = try await ws.record(original, "1.4.0")
        let before = try ws.logBytes()

        await #expect {
            try await ws.record(rebuild, "1.4.0")
        } throws: { error in
            guard case ForensicsError.alreadyRecorded(let release, _, let line, let digest) = error else { return false }
            return release == "1.4.0" && line == 2 && digest == first.record.manifestDigest
                && String(describing: error).contains("--replace")
        }
        #expect(try ws.logBytes() == before)

        let replaced = try await ws.record(rebuild, "1.4.0", replace: true)
        let after = try ws.logBytes()
        #expect(after.prefix(before.count) == before, "earlier lines are byte-identical")
        #expect(try ws.logLines().count == 3)
        #expect(try ws.logLines().last?["replaces"] as? Bool == true)
        #expect(replaced.record.replaces == true)

        // Readers take the last line for a name.
        let log = ReleaseLog(path: ws.log)
        #expect(try log.record(for: "1.4.0").manifestDigest == rebuilt.manifestDigest)
        #expect(try log.releaseNames() == ["1.3.0", "1.4.0"])
        // The new snapshot did not overwrite the one the earlier line names, which still verifies.
        #expect(replaced.record.snapshot.path == "1.4.0.2.snapshot.json.gz")
        #expect(try SnapshotFile.sha256(of: first.snapshotURL.path) == first.record.snapshot.sha256)
    }

    @Test("replacing a release with the very same image reuses its identical snapshot")
    func replaceSameImage() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let first = try await ws.record(path)
        let again = try await ws.record(path, replace: true)
        #expect(again.snapshotWritten == false)
        #expect(again.snapshotURL == first.snapshotURL)
        #expect(again.record.snapshot == first.record.snapshot)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ws.dir.path("releases").path).sorted()
            == ["1.4.0.snapshot.json.gz", "log.jsonl"])
    }

    @Test("snapshots are deterministic: the same image and release give the same bytes")
    func deterministicSnapshot() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let a = try await Forensics.record(imagePath: path, release: "1.4.0", log: ws.dir.path("one/log.jsonl").path)
        let b = try await Forensics.record(imagePath: path, release: "1.4.0", log: ws.dir.path("two/log.jsonl").path)
        #expect(try Data(contentsOf: a.snapshotURL) == Data(contentsOf: b.snapshotURL))
        #expect(a.record.snapshot.sha256 == b.record.snapshot.sha256)
    }

    @Test("an explicit --snapshot path is kept (relative to the log when inside its folder) and never overwritten")
    func explicitSnapshotPath() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let (other, _) = try ws.write(driftRebuild(), "other")
        let outside = ws.dir.path("vault/app-1.4.0.snap").path
        let outcome = try await ws.record(path, snapshot: outside)
        #expect(outcome.record.snapshot.path == URL(fileURLWithPath: outside).standardizedFileURL.path)
        let inside = try await ws.record(path, "1.4.1", snapshot: ws.dir.path("releases/snaps/x.gz").path)
        #expect(inside.record.snapshot.path == "snaps/x.gz")

        await #expect(throws: ForensicsError.self) {
            try await ws.record(other, "1.5.0", snapshot: outside)
        }
        #expect(try SnapshotFile.sha256(of: outside) == outcome.record.snapshot.sha256)
    }

    @Test("release names become safe file names", arguments: [
        ("1.4.0", "1.4.0"),
        ("v2.0.0-rc.1_build", "v2.0.0-rc.1_build"),
        ("../../etc/passwd", "_.._.._etc_passwd"),
        (".hidden", "_.hidden"),
        ("2025/06 release ü", "2025_06_release__"),
    ])
    func fileNames(_ release: String, _ expected: String) {
        #expect(Forensics.fileName(for: release) == expected)
    }

    @Test("a release name that climbs out of the folder still writes its snapshot beside the log")
    func hostileReleaseName() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let outcome = try await ws.record(path, "../../escape")
        #expect(outcome.snapshotURL.deletingLastPathComponent().standardizedFileURL
            == ws.dir.path("releases").standardizedFileURL)
        #expect(outcome.record.snapshot.path == "_.._.._escape.snapshot.json.gz")
        await #expect(throws: ForensicsError.self) { try await ws.record(path, "bad\nname") }
    }

    @Test("a log line that is not a record is named by its line number")
    func malformedLog() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        try await ws.record(path, "1.3.0")
        try FixtureCorruption.append(Data("{\"release\": \"1.4.0\"}\n".utf8), to: URL(fileURLWithPath: ws.log))
        await #expect {
            try await ws.record(path, "1.5.0")
        } throws: { error in
            guard case ForensicsError.malformedLog(_, let line, let reason) = error else { return false }
            return line == 2 && reason.contains("missing field")
        }
    }
}
