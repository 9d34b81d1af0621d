import DriftscopeArchive
import DriftscopeImage
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("Pair exchange: contents of differing files caught in the first pass")
struct PairExchangeTests {
    func offer(_ x: PairExchange, _ side: Int, _ path: String, _ text: String, position: Int = 0) {
        let data = Data(text.utf8)
        data.withUnsafeBytes { x.offer(side: side, position: position, path: path, digest: SHA256Hasher.hash(data), content: $0) }
    }

    @Test("differing files keep both versions; equal files and one-sided files keep nothing")
    func basics() {
        let x = PairExchange()
        offer(x, 0, "/same", "s")
        offer(x, 1, "/same", "s")
        offer(x, 1, "/changed", "new")
        offer(x, 0, "/changed", "old")
        offer(x, 0, "/only-a", "a")
        x.finishWalks()
        #expect(x.contents(position: 0, path: "/same") == nil)
        #expect(x.contents(position: 0, path: "/only-a") == nil)
        let pair = x.contents(position: 0, path: "/changed")
        #expect(pair.map { String(decoding: $0.a, as: UTF8.self) } == "old")
        #expect(pair.map { String(decoding: $0.b, as: UTF8.self) } == "new")
        // Positions are separate: the same path at another position is another file.
        offer(x, 0, "/changed", "x", position: 1)
        #expect(x.contents(position: 1, path: "/changed") == nil)
    }

    @Test("budgets bound what is held; beyond them only digests are kept")
    func budgets() {
        let x = PairExchange(pendingBudget: 4, keptBudget: 4, fileLimit: 100)
        #expect(x.wantsContent(side: 0, position: 0, path: "/big", size: 101) == false)
        #expect(x.wantsContent(side: 0, position: 0, path: "/a", size: 3))
        offer(x, 0, "/a", "aaa")
        #expect(x.wantsContent(side: 0, position: 0, path: "/b", size: 3) == false, "the pending budget is used up")
        // The other side still wants the bytes of a path already pending, to compare.
        #expect(x.wantsContent(side: 1, position: 0, path: "/a", size: 3))
        offer(x, 1, "/a", "bbb")
        #expect(x.contents(position: 0, path: "/a") == nil, "6 bytes do not fit the kept budget of 4")
    }

    @Test("two walks of real layers side by side catch exactly the changed files")
    func walks() throws {
        let dir = try TemporaryDirectory(prefix: "pair")
        let a = FixtureImage(layers: [FixtureLayer([.file("etc/a.conf", "port=1\n"), .file("etc/same", "x"), .file("etc/only-a", "y")])])
        let b = FixtureImage(layers: [FixtureLayer([.file("etc/same", "x"), .file("etc/a.conf", "port=2\n"), .file("etc/only-b", "z")])])
        let wa = try FixtureWriter.write(a, as: .ociLayout, to: dir.path("a"))
        let wb = try FixtureWriter.write(b, as: .ociLayout, to: dir.path("b"))
        let la = try #require(try ImageLoader.load(path: wa.url.path).present.first?.layers.first)
        let lb = try #require(try ImageLoader.load(path: wb.url.path).present.first?.layers.first)
        let x = PairExchange()
        _ = try LayerWalker().walk(la, source: "a", pairing: Pairing(exchange: x, side: 0, position: 0))
        _ = try LayerWalker().walk(lb, source: "b", pairing: Pairing(exchange: x, side: 1, position: 0))
        x.finishWalks()
        let pair = try #require(x.contents(position: 0, path: "/etc/a.conf"))
        #expect(pair.a == Data("port=1\n".utf8) && pair.b == Data("port=2\n".utf8))
        #expect(x.contents(position: 0, path: "/etc/same") == nil)
    }
}
