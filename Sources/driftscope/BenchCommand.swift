import ArgumentParser
import DriftscopeDiff
import Foundation

/// `driftscope bench-diff`: the line-diff benchmark `make bench` runs (hidden from help).
struct BenchDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-diff",
        abstract: "Time the line diff on two generated 50,000-line texts.",
        shouldDisplay: false)

    @Option(help: "Fractions of lines changed, comma-separated.")
    var fractions: String = "0.01,0.1,0.5,1.0"

    func run() throws {
        for part in fractions.split(separator: ",") {
            guard let f = Double(part) else { throw ValidationError("not a number: \(part)") }
            let r = DiffBenchmark.fiftyKLines(changedFraction: f)
            print(String(format: "diff 50k lines, %3.0f%% changed: %.3f s (%d hunks)", f * 100, r.seconds, r.hunks))
        }
    }
}
