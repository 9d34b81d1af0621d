@testable import DriftscopeDiff
import Testing

@Suite("Benchmark inputs")
struct DiffBenchmarkTests {
    @Test func textsAreDeterministic() {
        let first = DiffBenchmark.makeTexts(lines: 2000, changedFraction: 0.25, seed: 1)
        let second = DiffBenchmark.makeTexts(lines: 2000, changedFraction: 0.25, seed: 1)
        #expect(first == second)
        #expect(first != DiffBenchmark.makeTexts(lines: 2000, changedFraction: 0.25, seed: 2))
    }

    @Test(arguments: [0.0, 0.01, 0.5, 1.0])
    func changedFractionIsExact(fraction: Double) throws {
        let (old, new) = DiffBenchmark.makeTexts(lines: 2000, changedFraction: fraction, seed: 3)
        let oldLines = linesKeepingTerminators(old)
        let newLines = linesKeepingTerminators(new)
        #expect(oldLines.count == 2000 && newLines.count == 2000)
        let changed = zip(oldLines, newLines).filter { $0 != $1 }.count
        #expect(changed == Int((fraction * 2000).rounded()))
        let diff = TextDiff.compute(old: old, new: new, maxOutputLines: .max)
        #expect(try applyUnified(diff.unified, to: old) == new)
        // Every changed line is unique, so the minimal diff removes and adds exactly those lines.
        #expect(editCount(diff) == 2 * changed)
    }

    @Test func fiftyKLinesRuns() {
        let result = DiffBenchmark.fiftyKLines(changedFraction: 0.01)
        #expect(result.hunks > 0)
        #expect(result.seconds >= 0)
    }
}
