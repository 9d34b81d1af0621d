@testable import DriftscopeDiff
import Testing

@Suite("Line diff properties over pseudo-random texts")
struct TextDiffPropertyTests {
    /// Applying the hunks (structurally and as unified text) to old gives new, and without the cost
    /// cap the number of edits is the minimum.
    @Test(arguments: 0..<8)
    func patchPropertyAndMinimality(seed: Int) throws {
        var generator = TextGenerator(seed: UInt64(seed) &* 7919 &+ 1)
        for round in 0..<100 {
            let alphabet = 2 + generator.int(8)
            let old = generator.text(maxLines: 40, alphabet: alphabet)
            let new = round % 3 == 0
                ? generator.text(maxLines: 40, alphabet: alphabet)
                : generator.mutate(old, alphabet: alphabet)
            let context = generator.int(5)
            let diff = TextDiff.compute(old: old, new: new, context: context, maxOutputLines: .max)
            #expect(!diff.coarse)
            #expect(!diff.truncated)
            try checkStructure(diff, old: old, new: new)
            #expect(try applyUnified(diff.unified, to: old) == new, "old: \(old.debugDescription) new: \(new.debugDescription)")
            #expect(editCount(diff) == minimalEditCount(old, new), "old: \(old.debugDescription) new: \(new.debugDescription)")
        }
    }

    /// With a tiny cost cap most regions take the coarse path; the diff must still be correct.
    @Test(arguments: [0, 1, 2, 3, 5, 8])
    func coarseFallbackStillPatches(maxCost: Int) throws {
        var generator = TextGenerator(seed: UInt64(maxCost) &+ 1000)
        var coarseSeen = 0
        for round in 0..<150 {
            let alphabet = 2 + generator.int(12)
            let old = generator.text(maxLines: 60, alphabet: alphabet)
            let new = round % 2 == 0
                ? generator.text(maxLines: 60, alphabet: alphabet)
                : generator.mutate(generator.mutate(old, alphabet: alphabet), alphabet: alphabet)
            let diff = TextDiff.compute(old: old, new: new, context: generator.int(4), maxOutputLines: .max, maxCost: maxCost)
            if diff.coarse { coarseSeen += 1 }
            try checkStructure(diff, old: old, new: new)
            #expect(try applyUnified(diff.unified, to: old) == new, "old: \(old.debugDescription) new: \(new.debugDescription)")
            #expect(editCount(diff) >= minimalEditCount(old, new))
        }
        #expect(coarseSeen > 0)
    }

    @Test func coarseFlagIsSetOnlyWhenTheCapIsHit() throws {
        // Edit distance 4 (b, c, d reversed); a cap of 0 still takes one step each way (distance 2).
        let old = "a\nb\nc\nd\ne\n"
        let new = "a\nd\nc\nb\ne\n"
        let exact = TextDiff.compute(old: old, new: new)
        #expect(!exact.coarse)
        let coarse = TextDiff.compute(old: old, new: new, maxCost: 0)
        #expect(coarse.coarse)
        #expect(try applyUnified(coarse.unified, to: old) == new)
        // Lines unique to one side are set aside before the search, so a cap of 0 costs nothing here.
        #expect(!TextDiff.compute(old: "a\nb\nc\n", new: "a\nx\nc\n", maxCost: 0).coarse)
    }

    /// A shuffled file of unique lines has an edit distance far over a small cap; the anchor split
    /// (patience diff on unique lines) must still give a correct diff, close to the minimum.
    @Test func shuffledUniqueLinesUseAnchors() throws {
        var random = SplitMix64(seed: 42)
        let lines = (0..<400).map { "entry \($0)" }
        var shuffled = lines
        for k in stride(from: shuffled.count - 1, to: 0, by: -1) {
            shuffled.swapAt(k, Int(random.next() % UInt64(k + 1)))
        }
        let old = lines.joined(separator: "\n") + "\n"
        let new = shuffled.joined(separator: "\n") + "\n"
        let diff = TextDiff.compute(old: old, new: new, maxOutputLines: .max, maxCost: 16)
        #expect(diff.coarse)
        try checkStructure(diff, old: old, new: new)
        #expect(try applyUnified(diff.unified, to: old) == new)
        let exact = TextDiff.compute(old: old, new: new, maxOutputLines: .max)
        #expect(!exact.coarse)
        #expect(editCount(exact) <= editCount(diff))
    }

    /// Two lines in random order: no unique lines at all, so a capped region becomes one block.
    @Test func twoLineAlphabetWithoutAnchors() throws {
        var random = SplitMix64(seed: 7)
        func text() -> String { (0..<600).map { _ in random.next() % 2 == 0 ? "0" : "1" }.joined(separator: "\n") + "\n" }
        let old = text()
        let new = text()
        for maxCost in [4, 64, 4096] {
            let diff = TextDiff.compute(old: old, new: new, maxOutputLines: .max, maxCost: maxCost)
            try checkStructure(diff, old: old, new: new)
            #expect(try applyUnified(diff.unified, to: old) == new)
            #expect(editCount(diff) >= minimalEditCount(old, new))
            if maxCost == 4 { #expect(diff.coarse) }
            if maxCost == 4096 {
                #expect(!diff.coarse)
                #expect(editCount(diff) == minimalEditCount(old, new))
            }
        }
    }

    /// Thousands of lines drawn from three distinct ones: the cap is hit over and over, with no
    /// anchors, so the work goes through the best-diagonal split and the explicit work stack.
    @Test func largeRepetitiveInputAtTheDefaultCap() throws {
        var generator = TextGenerator(seed: 77)
        let old = (0..<6000).map { _ in ["a", "b", "c"][generator.int(3)] }.joined(separator: "\n") + "\n"
        let new = (0..<6000).map { _ in ["a", "b", "c"][generator.int(3)] }.joined(separator: "\n") + "\n"
        let diff = TextDiff.compute(old: old, new: new, maxOutputLines: .max, maxCost: 256)
        #expect(diff.coarse)
        try checkStructure(diff, old: old, new: new)
        // Close to the minimum (3414 edits; 3516 when this was written), far from rewriting all.
        let exact = TextDiff.compute(old: old, new: new, maxOutputLines: .max, maxCost: .max)
        #expect(!exact.coarse)
        #expect(editCount(exact) <= editCount(diff))
        #expect(editCount(diff) * 10 <= editCount(exact) * 11)
    }

    @Test func neverCrashesOnEdgeInputs() throws {
        let samples = ["", "\n", "\n\n", "\r", "\r\n", "a", "a\n", "a\r\n", "\u{0}", "é\n", "🇫🇷\r\n🇩🇪",
                       String(repeating: "x", count: 20_000), String(repeating: "\n", count: 500)]
        for old in samples {
            for new in samples {
                for (context, cap, cost) in [(3, 2000, 4096), (-5, -1, -1), (0, 0, 0), (Int.max, Int.max, Int.max), (1, 1, 1)] {
                    let diff = TextDiff.compute(old: old, new: new, context: context, maxOutputLines: cap, maxCost: cost)
                    if !diff.truncated {
                        try checkStructure(diff, old: old, new: new)
                        #expect(try applyUnified(diff.unified, to: old) == new)
                    }
                    #expect((old == new) == (diff.hunks.isEmpty && !diff.truncated))
                }
            }
        }
    }

    @Test func hugeContextGivesOneHunkWithTheWholeFile() throws {
        let old = "a\nb\nc\nd\ne\n"
        let new = "A\nb\nc\nd\nE\n"
        let diff = TextDiff.compute(old: old, new: new, context: .max)
        #expect(diff.hunks.count == 1)
        let hunk = try #require(diff.hunks.first)
        #expect(hunk.oldStart == 1 && hunk.oldCount == 5 && hunk.newStart == 1 && hunk.newCount == 5)
    }
}
