/// The line-diff benchmark run by `make bench`.
public enum DiffBenchmark {
    /// Diffs two generated 50,000-line texts of which `changedFraction` (0...1) of the lines differ,
    /// and returns the time `TextDiff.compute` took (uncapped output) and the number of hunks.
    ///
    /// The texts are the same on every run: a seeded generator picks the changed lines. They look
    /// like source code, with repeated lines (`}` and blank) that survive the unique-line filter,
    /// so the Myers search has real work to do.
    public static func fiftyKLines(changedFraction: Double) -> (seconds: Double, hunks: Int) {
        let (old, new) = makeTexts(lines: 50_000, changedFraction: changedFraction, seed: 0x5EED_D1FF)
        var hunks = 0
        let elapsed = ContinuousClock().measure {
            hunks = TextDiff.compute(old: old, new: new, maxOutputLines: .max).hunks.count
        }
        let parts = elapsed.components
        return (Double(parts.seconds) + Double(parts.attoseconds) * 1e-18, hunks)
    }

    /// Two texts of `lines` lines, of which `changedFraction` (rounded to whole lines, chosen by a
    /// seeded shuffle) are replaced by new, unique lines.
    static func makeTexts(lines: Int, changedFraction: Double, seed: UInt64) -> (old: String, new: String) {
        var random = SplitMix64(seed: seed)
        let words = ["let", "value", "count", "return", "guard", "self", "index", "buffer", "layer",
                     "digest", "manifest", "config", "path", "mode", "size", "entry"]
        func line(_ number: Int) -> String {
            if number % 8 == 7 { return "    }" }
            if number % 13 == 12 { return "" }
            var text = "    let v\(number) = "
            for _ in 0..<4 { text += words[Int(random.next() % UInt64(words.count))] + " " }
            return text
        }
        let oldLines = (0..<lines).map(line)
        var newLines = oldLines

        let fraction = changedFraction.isNaN ? 0 : min(1, max(0, changedFraction))
        let changed = Int((fraction * Double(lines)).rounded())
        var order = Array(0..<lines)
        for k in 0..<changed {  // partial Fisher-Yates: the first `changed` entries are the sample
            let pick = k + Int(random.next() % UInt64(lines - k))
            order.swapAt(k, pick)
            let index = order[k]
            newLines[index] = "    // changed \(index): " + words[Int(random.next() % UInt64(words.count))]
        }
        return (oldLines.joined(separator: "\n") + "\n", newLines.joined(separator: "\n") + "\n")
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and the same on every platform, unlike
/// `SystemRandomNumberGenerator`.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
