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

@Suite("Pair exchange: one hash for files both walks hold")
struct PairExchangeSettleTests {
    let same = Data(repeating: 7, count: 1000)
    let other = Data(repeating: 8, count: 1000)

    @Test("the first walk to finish a file hashes it; the second is settled by it without hashing")
    func secondIsSettled() {
        let x = PairExchange()
        #expect(x.settle(side: 0, position: 0, path: "/f", data: same) == .hash)
        #expect(x.settle(side: 1, position: 0, path: "/f", data: same) == .deferred)
        x.offer(side: 0, position: 0, path: "/f", digest: SHA256Hasher.hash(same), data: same)
        #expect(x.takeSettled(side: 1, position: 0) == ["/f": .init(digest: SHA256Hasher.hash(same))])
        #expect(x.takeSettled(side: 1, position: 0).isEmpty, "each settlement is taken once")
        #expect(x.contents(position: 0, path: "/f") == nil, "equal files keep nothing")
    }

    @Test("different bytes are hashed by the settling walk, and both versions are kept for the diff")
    func differentBytes() {
        let x = PairExchange()
        #expect(x.settle(side: 1, position: 2, path: "/f", data: other) == .hash)
        #expect(x.settle(side: 0, position: 2, path: "/f", data: same) == .deferred)
        x.offer(side: 1, position: 2, path: "/f", digest: SHA256Hasher.hash(other), data: other)
        #expect(x.awaitSettled(side: 0, position: 2, paths: ["/f"]) == ["/f": .init(digest: SHA256Hasher.hash(same))])
        let pair = x.contents(position: 2, path: "/f")
        #expect(pair?.a == same && pair?.b == other)
    }

    @Test("a file the other walk already offered is compared, not hashed")
    func alreadyOffered() {
        let x = PairExchange()
        x.offer(side: 0, position: 0, path: "/f", digest: SHA256Hasher.hash(same), data: same)
        #expect(x.settle(side: 1, position: 0, path: "/f", data: same) == .digest(SHA256Hasher.hash(same), body: nil))
        x.offer(side: 0, position: 0, path: "/g", digest: SHA256Hasher.hash(same), data: same)
        #expect(x.settle(side: 1, position: 0, path: "/g", data: other) == .hash, "different bytes: hash them")
    }

    @Test("a .pyc's body digest travels with its digest, and is computed for a differing waiter")
    func pycBodies() {
        let x = PairExchange()
        let body = PairExchange.pycBody(same)
        #expect(body == SHA256Hasher.hash(same.dropFirst(16)))
        #expect(x.settle(side: 0, position: 0, path: "/m.pyc", data: same) == .hash)
        #expect(x.settle(side: 1, position: 0, path: "/m.pyc", data: same) == .deferred)
        #expect(x.settle(side: 1, position: 0, path: "/n.pyc", data: other) == .hash)
        #expect(x.settle(side: 0, position: 0, path: "/n.pyc", data: same) == .deferred)
        x.offer(side: 0, position: 0, path: "/m.pyc", digest: SHA256Hasher.hash(same), body: body, data: same)
        x.offer(side: 1, position: 0, path: "/n.pyc", digest: SHA256Hasher.hash(other), body: PairExchange.pycBody(other), data: other)
        #expect(x.takeSettled(side: 1, position: 0) == ["/m.pyc": .init(digest: SHA256Hasher.hash(same), body: body)])
        #expect(x.takeSettled(side: 0, position: 0) == ["/n.pyc": .init(digest: SHA256Hasher.hash(same), body: body)])
    }

    @Test("a walk that stops early releases the files left to it: the waiting walk hashes them itself")
    func abandoned() {
        let x = PairExchange()
        #expect(x.settle(side: 0, position: 1, path: "/f", data: same) == .hash)
        #expect(x.settle(side: 1, position: 1, path: "/f", data: same) == .deferred)
        x.abandon(side: 0, position: 1)
        #expect(x.awaitSettled(side: 1, position: 1, paths: ["/f"]).isEmpty)
        #expect(x.settle(side: 1, position: 1, path: "/g", data: same) == .hash, "nobody is waited for after that")
    }

    /// Files of every size class, equal and different, so that the walks race on some (both collect)
    /// and follow each other on others (compare while streaming).
    static func layers() -> (FixtureLayer, FixtureLayer) {
        // One pool of deterministic bytes (xorshift), files sliced from it at different offsets.
        var word: UInt32 = 2_463_534_242
        let pool = Data((0..<1_200_000).map { _ -> UInt8 in
            word ^= word << 13; word ^= word >> 17; word ^= word << 5
            return UInt8(truncatingIfNeeded: word)
        })
        var a: [FixtureEntry] = [.dir("d")]
        var b: [FixtureEntry] = [.dir("d")]
        for i in 0..<300 {
            let size = [0, 1, 15, 16, 17, 4095, 70_000, 300_000, 1_100_000][i % 9]
            let start = (i * 997) % (pool.count - size + 1)
            let data = Data(pool[start..<(start + size)])
            a.append(.file("d/f\(i)" + (i % 10 == 3 ? ".pyc" : ""), data: data))
            var changed = data
            if i % 7 == 0, !changed.isEmpty { changed[changed.count - 1] ^= 1 } // last byte differs
            if i % 11 == 0 { changed.append(0) } // longer: A's bytes are a prefix of B's
            if i % 13 == 0, !changed.isEmpty { changed = changed.dropLast() } // shorter
            b.append(.file("d/f\(i)" + (i % 10 == 3 ? ".pyc" : ""), data: changed))
            if i % 50 == 0 { a.append(.hardlink("d/link\(i)", target: "d/f\(i)")); b.append(.hardlink("d/link\(i)", target: "d/f\(i)")) }
        }
        return (FixtureLayer(a), FixtureLayer(b))
    }

    /// The two layers written as images in `dir`, and the indexes of their walks alone.
    static func written(in dir: TemporaryDirectory) throws -> (LayerRef, LayerRef, (LayerIndex, LayerIndex)) {
        let (la, lb) = layers()
        let wa = try FixtureWriter.write(FixtureImage(layers: [la]), as: .ociLayout, to: dir.path("a"))
        let wb = try FixtureWriter.write(FixtureImage(layers: [lb]), as: .ociLayout, to: dir.path("b"))
        let refA = try #require(try ImageLoader.load(path: wa.url.path).present.first?.layers.first)
        let refB = try #require(try ImageLoader.load(path: wb.url.path).present.first?.layers.first)
        return (refA, refB, (try LayerWalker().walk(refA, source: "a"), try LayerWalker().walk(refB, source: "b")))
    }

    @Test("walks paired side by side record the digests of unpaired walks, whatever the interleaving")
    func pairedWalksAgreeWithUnpairedOnes() async throws {
        let dir = try TemporaryDirectory(prefix: "pair-settle")
        let (refA, refB, alone) = try Self.written(in: dir)
        func digests(_ index: LayerIndex) -> [String: String] {
            Dictionary(uniqueKeysWithValues: index.entries.map { ($0.path, "\($0.digest?.description ?? "-") \($0.pycBodyDigest?.description ?? "-")") })
        }
        for round in 0..<6 {
            // Small budgets in some rounds: files the exchange cannot hold go the plain way.
            let x = round % 2 == 0 ? PairExchange() : PairExchange(pendingBudget: 400_000, keptBudget: 200_000)
            async let pa = Task.detached { try LayerWalker().walk(refA, source: "a", pairing: Pairing(exchange: x, side: 0, position: 0)) }.value
            async let pb = Task.detached { try LayerWalker().walk(refB, source: "b", pairing: Pairing(exchange: x, side: 1, position: 0)) }.value
            let (ia, ib) = try await (pa, pb)
            func mismatches(_ x: [String: String], _ y: [String: String]) -> [String] {
                Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted().map { "\($0): \(x[$0] ?? "absent") vs \(y[$0] ?? "absent")" }
            }
            #expect(mismatches(digests(ia), digests(alone.0)) == [], "round \(round), A")
            #expect(mismatches(digests(ib), digests(alone.1)) == [], "round \(round), B")
            x.finishWalks()
            // What the exchange kept for a differing file is each side's exact bytes.
            if let pair = x.contents(position: 0, path: "/d/f7") {
                #expect(SHA256Hasher.hash(pair.a) == ia.entries.first { $0.path == "/d/f7" }?.digest)
                #expect(SHA256Hasher.hash(pair.b) == ib.entries.first { $0.path == "/d/f7" }?.digest)
            }
        }
    }

    @Test("at a twin position equal files are left unhashed as twins; every other file has the digest of an unpaired walk")
    func twinWalksAgreeWithUnpairedOnes() async throws {
        let dir = try TemporaryDirectory(prefix: "pair-twins")
        let (refA, refB, alone) = try Self.written(in: dir)
        func byPath(_ index: LayerIndex) -> [String: FileRecord] { Dictionary(uniqueKeysWithValues: index.entries.map { ($0.path, $0) }) }
        let (aloneA, aloneB) = (byPath(alone.0), byPath(alone.1))
        for round in 0..<6 {
            // Small budgets in some rounds: files the exchange cannot hold are hashed the plain way.
            let x = round % 2 == 0 ? PairExchange(twinPositions: [0]) : PairExchange(pendingBudget: 400_000, keptBudget: 200_000, twinPositions: [0])
            async let pa = Task.detached { try LayerWalker().walk(refA, source: "a", pairing: Pairing(exchange: x, side: 0, position: 0)) }.value
            async let pb = Task.detached { try LayerWalker().walk(refB, source: "b", pairing: Pairing(exchange: x, side: 1, position: 0)) }.value
            var (ia, ib) = try await (pa, pb)
            #expect(x.walksEnded(position: 0))
            // The walk that ended first has its last digests settled by the other one.
            ia.settle(x.takeSettled(side: 0, position: 0))
            ib.settle(x.takeSettled(side: 1, position: 0))
            #expect(ia.awaiting.isEmpty && ib.awaiting.isEmpty, "round \(round): files left without a digest")
            let (pairedA, pairedB) = (byPath(ia), byPath(ib))
            var twins = 0
            for (path, ra) in pairedA where ra.type == .file || ra.type == .hardlink {
                let rb = pairedB[path]
                if ra.twin {
                    twins += 1
                    // Twins: both sides, one stand-in, and the bytes really are the same.
                    #expect(rb?.twin == true && rb?.digest == ra.digest, "round \(round): \(path)")
                    #expect(aloneA[path]?.digest == aloneB[path]?.digest, "round \(round): \(path) is a twin of different bytes")
                    #expect(ra.pycBodyDigest == nil)
                } else {
                    #expect(ra.digest == aloneA[path]?.digest && ra.pycBodyDigest == aloneA[path]?.pycBodyDigest, "round \(round), A: \(path)")
                }
            }
            for (path, rb) in pairedB where (rb.type == .file || rb.type == .hardlink) && !rb.twin {
                #expect(rb.digest == aloneB[path]?.digest && rb.pycBodyDigest == aloneB[path]?.pycBodyDigest, "round \(round), B: \(path)")
                #expect(pairedA[path]?.twin != true, "round \(round): \(path) is a twin on one side only")
            }
            #expect(twins > 0, "round \(round): no twins")
            x.finishWalks()
            // What the exchange kept for a differing file is each side's exact bytes.
            if let pair = x.contents(position: 0, path: "/d/f7") {
                #expect(SHA256Hasher.hash(pair.a) == pairedA["/d/f7"]?.digest)
                #expect(SHA256Hasher.hash(pair.b) == pairedB["/d/f7"]?.digest)
            }
        }
    }

    @Test("twin position: bytes left unhashed are compared by the other walk, or hashed by the last walk to end")
    func twinExchange() {
        let x = PairExchange(twinPositions: [0])
        #expect(x.arrive(side: 0, position: 0, path: "/eq", data: same) == .held)
        guard case .twin(let stand) = x.arrive(side: 1, position: 0, path: "/eq", data: same) else {
            Issue.record("equal bytes left unhashed make twins")
            return
        }
        #expect(x.arrive(side: 1, position: 0, path: "/ne.pyc", data: other) == .held)
        #expect(x.arrive(side: 0, position: 0, path: "/ne.pyc", data: same) == .differs)
        #expect(x.contents(position: 0, path: "/ne.pyc")?.b == other, "both versions of a differing file are kept")
        #expect(x.arrive(side: 0, position: 0, path: "/only-a", data: same) == .held)
        // Claimed for comparison while streaming, then found equal to the end.
        #expect(x.arrive(side: 1, position: 0, path: "/streamed", data: other) == .held)
        guard case .compare(let theirs, nil, body: nil) = x.claim(side: 0, position: 0, path: "/streamed", size: 1000) else {
            Issue.record("expected the held bytes to compare against")
            return
        }
        #expect(theirs == other)
        let streamed = x.twinned(side: 0, position: 0, path: "/streamed")
        x.endWalk(side: 0, position: 0)
        #expect(!x.walksEnded(position: 0))
        x.endWalk(side: 1, position: 0)
        #expect(x.walksEnded(position: 0))
        #expect(x.takeSettled(side: 0, position: 0) == [
            "/eq": .init(digest: stand, twin: true),
            "/only-a": .init(digest: SHA256Hasher.hash(same)),
        ])
        #expect(x.takeSettled(side: 1, position: 0) == [
            "/ne.pyc": .init(digest: SHA256Hasher.hash(other), body: PairExchange.pycBody(other)),
            "/streamed": .init(digest: streamed, twin: true),
        ])
        #expect(x.claimCounts.twins == 2)
        // Stand-ins are unique, and none is the digest of the bytes.
        #expect(stand != streamed && stand != SHA256Hasher.hash(same) && streamed != SHA256Hasher.hash(other))
    }

    @Test("a walk at a twin position whose partner never runs is settled whole once its partner is declared done")
    func twinWalkWithoutPartner() throws {
        let dir = try TemporaryDirectory(prefix: "pair-alone")
        let (refA, _, alone) = try Self.written(in: dir)
        let x = PairExchange(twinPositions: [0])
        var index = try LayerWalker().walk(refA, source: "a", pairing: Pairing(exchange: x, side: 0, position: 0))
        #expect(!index.awaiting.isEmpty, "files were left for a partner")
        #expect(!x.walksEnded(position: 0))
        // What the indexer does when no partner walked: end the partner's walk, which sweeps.
        x.endWalk(side: 1, position: 0)
        #expect(x.walksEnded(position: 0))
        index.settle(x.takeSettled(side: 0, position: 0))
        #expect(index.awaiting.isEmpty && !index.hasTwins)
        let expected = Dictionary(uniqueKeysWithValues: alone.0.entries.map { ($0.path, ($0.digest, $0.pycBodyDigest)) })
        for record in index.entries {
            #expect(record.digest == expected[record.path]?.0 && record.pycBodyDigest == expected[record.path]?.1, "\(record.path)")
        }
    }
}
