import DriftscopeArchive
import DriftscopeCompare
import DriftscopeForensics
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("verify: is this what shipped?")
struct VerifyTests {
    @Test("the image that was recorded is exactly what shipped")
    func sameImage() async throws {
        let ws = try Workspace()
        let (path, written) = try ws.write(releaseImage(), "app")
        try await ws.record(path)
        let v = try await Forensics.verify(imagePath: path, release: "1.4.0", log: ws.log)
        #expect(v.shipped)
        #expect(v.comparison.verdict == .byteEqual)
        #expect(v.comparison.reason.contains("exactly what shipped in release 1.4.0"))
        #expect(v.note.contains("exactly what shipped"))
        #expect(v.note.contains(written.manifestDigest.description))
        #expect(v.comparison.a.format == "snapshot")
        #expect(v.comparison.differences.isEmpty)
    }

    @Test("the same layers recompressed: byte-equal in content, and the digest differs")
    func sameContentRecompressed() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        var zstd = releaseImage()
        zstd.layers = zstd.layers.map { layer in
            var copy = layer
            copy.compression = .zstd
            return copy
        }
        let (recompressed, _) = try ws.write(zstd, "app-zstd")
        try await ws.record(path)
        let v = try await Forensics.verify(imagePath: recompressed, release: "1.4.0", log: ws.log)
        #expect(!v.shipped)
        #expect(v.comparison.verdict == .byteEqual)
        #expect(v.comparison.reason.contains("not the image that shipped in release 1.4.0"))
        #expect(v.comparison.reason.contains("byte-equal in content"))
        #expect(v.comparison.layers.allSatisfy { $0.relation == .compressionOnly })
    }

    @Test("a rebuild with noise only is dependency-equivalent, explained, and says the digest differs")
    func noiseOnlyRebuild() async throws {
        let ws = try Workspace()
        let (path, written) = try ws.write(releaseImage(), "app")
        let (rebuild, rebuilt) = try ws.write(noiseRebuild(), "rebuild")
        try await ws.record(path)
        let v = try await Forensics.verify(imagePath: rebuild, release: "1.4.0", log: ws.log)
        let c = v.comparison
        #expect(!v.shipped)
        #expect(c.verdict == .dependencyEquivalent)
        #expect(c.reason.contains("not the image that shipped in release 1.4.0"))
        #expect(c.reason.contains("dependency-equivalent to it"))
        #expect(c.reason.contains("all noise; the package sets are identical"))
        #expect(v.note.contains(written.manifestDigest.description) && v.note.contains(rebuilt.manifestDigest.description))
        #expect(v.note.contains("differs"))
        #expect(c.b.notes.contains(v.note))
        #expect(c.differences.allSatisfy { $0.classification == .noise })
        #expect(c.differences.contains { $0.path == "/etc/app.conf" && $0.rule == "timestamps" })
        // The snapshot kept each .pyc's body digest: only its header differs.
        #expect(c.differences.first { $0.path == "/opt/app/mod.pyc" && $0.kind == .content }?.rule == "python-bytecode")
        #expect(c.config.contains { $0.field == "created" && $0.classification == .noise })
        // The xattr, hardlink and symlink were recorded: no difference beyond their mtimes.
        #expect(c.differences.filter { $0.path.hasPrefix("/usr/bin/") }.allSatisfy { $0.kind == .mtime })
    }

    @Test("a drifted rebuild, verified with only the snapshot: the drifted files and the package are named")
    func driftWithOnlyTheSnapshot() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let (rebuild, _) = try ws.write(driftRebuild(), "rebuild")
        try await ws.record(path)
        try FileManager.default.removeItem(atPath: path)  // the original image is gone from the registry

        let v = try await Forensics.verify(imagePath: rebuild, release: "1.4.0", log: ws.log)
        let c = v.comparison
        #expect(!v.shipped)
        #expect(c.verdict == .drift)
        #expect(c.reason.hasPrefix("drift from release 1.4.0"))
        let drifted = Set(c.differences.filter { $0.classification == .drift }.map(\.path))
        #expect(drifted.contains("/etc/app.conf"))
        #expect(drifted.contains("/usr/lib/python3/site-packages/idna-3.6.dist-info/METADATA"))
        #expect(drifted.contains("/usr/lib/python3/site-packages/idna-3.7.dist-info/METADATA"))
        #expect(c.differences.first { $0.path == "/etc/app.conf" }?.rule == "content-changed")
        let change = try #require(c.packages.changes.first)
        #expect(c.packages.changes.count == 1)
        #expect(change.ecosystem.rawValue == "python" && change.name == "idna" && change.from == "3.6" && change.to == "3.7")
        #expect(c.differences.contains { $0.package == "python:idna" && $0.classification == .drift })
    }

    @Test("a snapshot with one byte flipped is refused, naming both digests")
    func tamperedSnapshot() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        let outcome = try await ws.record(path)
        try FixtureCorruption.flipByte(in: outcome.snapshotURL, at: 200)
        let actual = SHA256Hasher.hash(try Data(contentsOf: outcome.snapshotURL))

        await #expect {
            try await Forensics.verify(imagePath: path, release: "1.4.0", log: ws.log)
        } throws: { error in
            guard case ForensicsError.snapshotDigestMismatch(_, _, let recorded, let found) = error else { return false }
            let message = String(describing: error)
            return recorded == outcome.record.snapshot.sha256 && found == actual
                && message.contains(recorded.description) && message.contains(actual.description) && !message.contains("\n")
        }
    }

    @Test("a missing snapshot and an unknown release are refused with what to do")
    func missingSnapshotAndUnknownRelease() async throws {
        let ws = try Workspace()
        let (path, _) = try ws.write(releaseImage(), "app")
        try await ws.record(path, "1.3.0")
        let outcome = try await ws.record(path, "1.4.0")

        await #expect {
            try await Forensics.verify(imagePath: path, release: "1.5.0", log: ws.log)
        } throws: { error in
            guard case ForensicsError.unknownRelease(let release, _, let known) = error else { return false }
            return release == "1.5.0" && known == ["1.3.0", "1.4.0"]
                && String(describing: error).contains("recorded releases: 1.3.0, 1.4.0")
        }

        try FileManager.default.removeItem(at: outcome.snapshotURL)
        await #expect {
            try await Forensics.verify(imagePath: path, release: "1.4.0", log: ws.log)
        } throws: { error in
            guard case ForensicsError.snapshotMissing = error else { return false }
            return String(describing: error).contains(outcome.record.snapshot.sha256.description)
        }
    }

    @Test("a multi-platform release: the index digest is recorded; --platform verifies one platform")
    func multiPlatform() async throws {
        let ws = try Workspace()
        var arm = releaseImage()
        arm.architecture = "arm64"
        let url = ws.dir.path("multi.tar")
        let written = try FixtureWriter.writeIndex([releaseImage(), arm], as: .ociArchive, to: url)
        let outcome = try await ws.record(url.path)
        // Keyed as the index lists them (the fixture index says arm64/v8; the config says arm64).
        #expect(outcome.record.platforms.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
        #expect(outcome.record.platforms.map(\.manifestDigest) == written.map(\.manifestDigest))
        #expect(outcome.record.manifestDigest == written[0].indexDigest)
        #expect(outcome.record.configDigest == nil)
        #expect(outcome.record.base?.name == "docker.io/library/debian:12")

        let all = try await Forensics.verify(imagePath: url.path, release: "1.4.0", log: ws.log)
        #expect(all.shipped && all.comparison.verdict == .byteEqual && all.comparison.platforms.count == 2)

        var options = CompareOptions()
        options.platform = Platform(parsing: "linux/arm64")
        let one = try await Forensics.verify(imagePath: url.path, release: "1.4.0", log: ws.log, options: options)
        #expect(one.shipped)
        #expect(one.comparison.platforms.map(\.platform) == ["linux/arm64/v8"])
        #expect(one.note.contains(written[1].manifestDigest.description))
    }
}
