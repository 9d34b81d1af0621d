import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("Binary layer-index form (the layer cache's body)")
struct IndexCodecTests {
    /// Indexes compared through their JSON form, which names every field.
    func json(_ index: LayerIndex) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(index)
    }

    @Test("every field of every kind of entry survives a round trip")
    func roundTrip() throws {
        let entries: [FixtureEntry] = [
                .dir("etc"), .file("etc/a.conf", "port=1\n", mode: 0o4755, uid: 1000, gid: 1000),
                .symlink("etc/link", target: "../../outside"), .hardlink("etc/hard", target: "etc/a.conf"),
                .charDevice("dev/null", major: 1, minor: 3), .fifo("run/pipe"),
                .raw(name: "./usr//bin/odd", content: Data("x".utf8), xattrs: ["user.k": Data([0, 1, 2])]),
                .file("lib/m.pyc", data: Data(repeating: 7, count: 40)),
                .file("ünïcode/名前", "u"), .raw(name: "../escape", content: Data()),
                .whiteout("var/gone"), .opaque("opt"),
        ]
        let stamped = entries.map { $0.with { $0.atime = Timestamp(seconds: 5, nanoseconds: 6) } }
        let walked = try WalkedImage([FixtureLayer(stamped)])
        var index = walked.layers[0]
        index.captured["/var/lib/dpkg/status"] = Data("Package: x\n".utf8)
        index.captured["/empty"] = Data()
        #expect(index.entries.contains { $0.pycBodyDigest != nil })
        #expect(!index.findings.isEmpty && !index.whiteouts.isEmpty && !index.captured.isEmpty)
        let decoded = try #require(IndexCodec.decode(IndexCodec.encode(index)))
        #expect(try json(decoded) == json(index))
        #expect(decoded.entries == index.entries)
    }

    @Test("truncated or altered bytes are refused, never half-read", arguments: [1, 7, 100, 1000])
    func damaged(cut: Int) throws {
        let walked = try WalkedImage([FixtureLayer([.dir("etc"), .file("etc/a", "a"), .file("etc/b", "bb")])])
        let bytes = IndexCodec.encode(walked.layers[0])
        #expect(IndexCodec.decode(bytes.prefix(max(0, bytes.count - cut))) == nil)
        #expect(IndexCodec.decode(bytes + Data([0])) == nil, "trailing bytes")
        var damaged = bytes
        // An unknown tag where the layer digest starts.
        damaged.replaceSubrange(0..<1, with: [9])
        #expect(IndexCodec.decode(damaged) == nil)
    }
}
