import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

/// A hostile entry in layer 1 (above a harmless layer 0) and the finding it must give.
struct UnsafeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var lower: [FixtureEntry] = [.dir("etc"), .file("etc/hostname", "box\n")]
    var upper: [FixtureEntry]
    var kind: Finding.Kind
    var path: String
    var testDescription: String { name }
}

let unsafeCases: [UnsafeCase] = [
    UnsafeCase(name: "../../etc/passwd", upper: [.file("../../etc/passwd", "root::0:0::/:/bin/sh\n")],
               kind: .unsafePath, path: "../../etc/passwd"),
    UnsafeCase(name: "a name climbing out after a descent", upper: [.file("usr/../../../escape", "x")],
               kind: .unsafePath, path: "usr/../../../escape"),
    UnsafeCase(name: "an absolute name", upper: [.file("/etc/x", "x")], kind: .absolutePath, path: "/etc/x"),
    UnsafeCase(name: "a symlink climbing above the root", upper: [.symlink("usr/lib/evil", target: "../../../../etc")],
               kind: .unsafeSymlink, path: "/usr/lib/evil"),
    UnsafeCase(name: "a top-level symlink to ..", upper: [.symlink("up", target: "..")], kind: .unsafeSymlink, path: "/up"),
    UnsafeCase(name: "an entry written through a symlink of the same layer",
               upper: [.symlink("link", target: "/etc"), .file("link/passwd", "x")],
               kind: .writeThroughSymlink, path: "/link/passwd"),
    UnsafeCase(name: "an entry written through a symlink of a lower layer",
               lower: [.symlink("link", target: "/etc")], upper: [.file("link/shadow", "x")],
               kind: .writeThroughSymlink, path: "/link/shadow"),
    UnsafeCase(name: "a hardlink to a target that does not exist", upper: [.hardlink("etc/hl", target: "etc/nowhere")],
               kind: .missingHardlinkTarget, path: "/etc/hl"),
    UnsafeCase(name: "a hardlink whose target climbs above the root", upper: [.hardlink("etc/hl", target: "../../etc/shadow")],
               kind: .unsafePath, path: "/etc/hl"),
]

@Suite("Unsafe entries are findings with their layer, never paths followed")
struct UnsafeEntryTests {
    @Test(arguments: unsafeCases)
    func finding(_ unsafe: UnsafeCase) throws {
        let walked = try WalkedImage([FixtureLayer(unsafe.lower), FixtureLayer(unsafe.upper, compression: .zstd)])
        let matching = walked.findings.filter { $0.kind == unsafe.kind }
        #expect(matching.count == 1, "\(walked.findings)")
        let finding = try #require(matching.first)
        #expect(finding.path == unsafe.path)
        #expect(finding.layer == 1)
        #expect(!finding.message.isEmpty)
        // Nothing is reported against the harmless lower layer.
        #expect(walked.layers[0].findings.isEmpty, "\(walked.layers[0].findings)")
        // Every path of the merged view is absolute, normalised and inside the root.
        for path in walked.merged.paths {
            #expect(path.hasPrefix("/") && !path.split(separator: "/").contains(".."), "\(path)")
        }
    }

    @Test("a name escaping the root is not an entry; an absolute name is read relative to the root")
    func escapingAndAbsoluteNames() throws {
        let walked = try WalkedImage([
            FixtureLayer([.dir("etc"), .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")]),
            FixtureLayer([.file("../../etc/passwd", "evil\n"), .file("/etc/x", "absolute\n"), .file("/etc/y", "also\n")]),
        ])
        #expect(walked.layers[1].entries.map(\.path) == ["/etc/x", "/etc/y"])
        #expect(walked.layers[1].entries.map(\.rawName) == ["/etc/x", "/etc/y"])
        #expect(walked.layers[1].entryCount == 3)
        #expect(walked.merged.entries["/etc/passwd"]?.record.digest == SHA256Hasher.hash("root:x:0:0::/root:/bin/sh\n"))
        #expect(walked.merged.entries["/etc/x"]?.layer == 1)
        let absolute = walked.layers[1].findings.filter { $0.kind == .absolutePath }
        #expect(absolute.count == 1, "one finding for the layer, counting both names")
        #expect(absolute.first?.message.contains("2 entries") == true, "\(absolute)")
    }

    @Test("a relative symlink that stays inside the root is not a finding", arguments: [
        ("lib/ok", "../usr/lib"), ("usr/bin/python", "python3"), ("a/b/c", "../../x"), ("abs", "/usr/bin/../../etc"),
    ])
    func harmlessSymlinks(path: String, target: String) throws {
        let walked = try walkOne([.symlink(path, target: target)])
        #expect(walked.findings.isEmpty, "\(walked.findings)")
        #expect(walked.record("/" + path)?.linkTarget == target)
    }

    @Test("reading hostile layers never touches the host filesystem")
    func hostUntouched() throws {
        let token = "driftscope-escape-\(UUID().uuidString)"
        let dir = try TemporaryDirectory(prefix: "hostile")
        let nested = dir.path("a/b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let hostile = FixtureLayer([
            .file("../../\(token)-dotdot", "x"),
            .file("../../../../../../../../../../tmp/\(token)-deep", "x"),
            .file("/tmp/\(token)-absolute", "x"),
            .symlink("tmplink", target: "/tmp"),
            .file("tmplink/\(token)-through-link", "x"),
            .symlink("uplink", target: "../../../.."),
            .file("uplink/\(token)-through-uplink", "x"),
            .hardlink("\(token)-hardlink", target: "../../../../etc/hostname"),
            .dir("../\(token)-dir"),
        ], compression: .none)
        for format in [FixtureFormat.ociLayout, .ociArchive, .dockerArchive] {
            let url = nested.appendingPathComponent(format.isArchive ? "image-\(format).tar" : "layout")
            let written = try FixtureWriter.write(FixtureImage(layers: [hostile]), as: format, to: url)
            let before = try FileManager.default.subpathsOfDirectory(atPath: dir.url.path).sorted()
            let image = try loadSingle(written.url.path)
            let indexes = try walkLayers(image)
            let merged = MergedFilesystem(layers: indexes)
            #expect(!merged.findings.isEmpty || !indexes[0].findings.isEmpty)
            let after = try FileManager.default.subpathsOfDirectory(atPath: dir.url.path).sorted()
            #expect(before == after, "nothing was extracted next to the image")
        }
        let tmp = URL(fileURLWithPath: NSTemporaryDirectory())
        let places = [dir.url, dir.url.deletingLastPathComponent(), dir.url.deletingLastPathComponent().deletingLastPathComponent(),
                      nested, nested.deletingLastPathComponent(), tmp, URL(fileURLWithPath: "/tmp"), URL(fileURLWithPath: "/"),
                      URL(fileURLWithPath: "/etc"), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for place in places {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: place.path)) ?? []
            #expect(!names.contains { $0.contains(token) }, "\(place.path) holds an escaped entry")
        }
    }
}
